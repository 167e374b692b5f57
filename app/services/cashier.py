"""收银台 (cashier desk) use cases: find a household, list what it owes, take a payment.

The payment itself is app.services.payments.pay (one household, full
settlement, gapless receipt number, one transaction, scope checked there);
this module only reads, within the acting user's centres, and maps the
desk form onto pay(). Late fees (charge item kind "late_fee") are bills like
any other and are listed with them, oldest first.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import or_

from app import timeutil
from app.errors import DomainError, NotFound
from app.extensions import db
from app.models.billing import Bill, ChargeItem, Payment
from app.models.estate import Building, Household, Unit
from app.services import payments, records

LATE_FEE_KIND = "late_fee"
SEARCH_LIMIT = 20


@dataclass
class DeskBill:
    """One unpaid bill as the desk shows it."""

    bill: Bill
    overdue_days: int
    late_fee: bool


def search_households(term: str, limit: int = SEARCH_LIMIT) -> list[Household]:
    """Visible households whose room number, name or phone contains `term`.
    "3栋-201" (building-room, as households are shown) narrows to that building."""
    term = (term or "").strip()[:50]
    stmt = (records.scoped_select(Household).join(Unit, Unit.id == Household.unit_id)
            .join(Building, Building.id == Unit.building_id))
    if term:
        building, sep, room = term.rpartition("-")
        if sep and building and room:
            stmt = stmt.where(Building.name.contains(building, autoescape=True),
                              Unit.room_no.contains(room, autoescape=True))
        else:
            stmt = stmt.where(or_(Unit.room_no.contains(term, autoescape=True),
                                  Household.name.contains(term, autoescape=True),
                                  Household.phone.contains(term, autoescape=True)))
    stmt = stmt.order_by(Building.name, Unit.room_no, Household.id).limit(limit)
    return list(db.session.scalars(stmt).unique())


def household(household_id) -> Household | None:
    """The household if it exists and lies in the user's centres (else None: 404)."""
    return records.scoped_get(Household, household_id)


def unpaid_bills(hh: Household, today: date | None = None) -> list[DeskBill]:
    """The household's unpaid, non-deleted bills, oldest first (period, due date)."""
    today = today or timeutil.today()
    stmt = (records.scoped_select(Bill).join(ChargeItem, ChargeItem.id == Bill.charge_item_id)
            .where(Bill.household_id == hh.id, Bill.status == "unpaid")
            .order_by(Bill.period, Bill.due_date, Bill.id))
    return [DeskBill(b, max(0, (today - b.due_date).days), b.charge_item.kind == LATE_FEE_KIND)
            for b in db.session.scalars(stmt).unique()]


def total(bills) -> Decimal:
    return sum((b.amount for b in bills), Decimal("0.00"))


def take_payment(bill_ids, method: str, amount: str, *, actor) -> Payment:
    """收款 at the desk: the ticked bills, the method, the amount received.

    The server sums the ticked bills itself; pay() refuses an amount that
    differs (no partial payment), bills already paid, bills of two households
    and bills of another centre — all in one transaction, nothing written on
    refusal."""
    try:
        ids = [int(i) for i in bill_ids or []]
    except (TypeError, ValueError):
        raise DomainError(_("账单编号无效")) from None
    if not ids:
        raise DomainError(_("请勾选要缴费的账单"))
    return payments.pay(ids, method, (amount or "").strip().replace(",", "").lstrip("¥"), actor=actor)


def scoped_payment(payment_id) -> Payment:
    """A payment of the user's centres, or NotFound (other centres' receipts do not exist)."""
    payment = records.scoped_get(Payment, payment_id)
    if payment is None:
        raise NotFound(_("收据不存在或不在您的服务中心范围内"))
    return payment
