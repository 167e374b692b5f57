"""Builders for the arrears and late-fee tests: a centre of their own or a demo
centre's new household, and unpaid Bill rows written directly, in periods
(2040s) that no demo data or generation run uses."""

from datetime import date
from decimal import Decimal

from app.extensions import db
from app.models.billing import Bill, ChargeItem
from app.models.collections import CenterFeePolicy
from app.models.estate import Building, Household, ServiceCenter, Unit
from tests import factories


def center(managed_area=None) -> int:
    c = ServiceCenter(code=factories.unique("AR"), name=factories.unique("欠费测试中心"), phone="0755-88886666",
                      managed_area=Decimal(managed_area) if managed_area else None)
    db.session.add(c)
    db.session.commit()
    return c.id


def household(center_id: int, area="89.50", name=None, building=None) -> int:
    bld = building or Building(center_id=center_id, name=factories.unique("栋"))
    if building is None:
        db.session.add(bld)
        db.session.flush()
    u = Unit(center_id=center_id, building=bld, room_no=factories.unique("R"), area=Decimal(area))
    db.session.add(u)
    db.session.flush()
    h = Household(center_id=center_id, unit=u, name=name or factories.unique("欠费户"), kind="owner",
                  phone="13912345678")
    db.session.add(h)
    db.session.commit()
    return h.id


def item(center_id: int, kind="management") -> int:
    ci = ChargeItem(center_id=center_id, code=factories.unique("AI"), name="物业管理费", kind=kind, basis="fixed",
                    rate=Decimal("100"), due_day=15, active=False)  # bills are made directly; never billed by a re-seed
    db.session.add(ci)
    db.session.commit()
    return ci.id


def bill(household_id: int, amount: str, due: date, item_id: int | None = None, period: str | None = None) -> int:
    h = db.session.get(Household, household_id)
    b = Bill(center_id=h.center_id, household_id=h.id, unit_id=h.unit_id, charge_item_id=item_id or item(h.center_id),
             period=period or f"{due.year:04d}-{due.month:02d}", amount=Decimal(amount), due_date=due,
             status="unpaid")
    db.session.add(b)
    db.session.commit()
    return b.id


def policy(center_id: int, **values) -> None:
    db.session.add(CenterFeePolicy(center_id=center_id, **values))
    db.session.commit()


def demo_household(center_code: str, name=None) -> int:
    """A new household of a demo centre (SC01 / SC02), for the scope tests."""
    return factories.household(center_code, name=name or factories.unique("欠费户")).id
