"""收缴率 (collection rate) per centre, building and period.

For each period (账期 YYYY-MM): billed = the amounts of the period's bills
that are not deleted and not reversed (红冲), late fees (charge item kind
"late_fee") excluded; collected = the part of those bills that is paid;
rate = collected / billed × 100, Decimal, one decimal, ROUND_HALF_UP (no
bills: no rate). Households billed = households with such a bill in the
group; fully paid = those whose bills in the group are all paid. Rows follow
the user's centre scope (company-wide roles see every centre).
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext as _
from sqlalchemy import case, func, select

from app.errors import DomainError
from app.extensions import db
from app.models.billing import Bill, ChargeItem
from app.models.estate import Building, Household, ServiceCenter, Unit
from app.services import records
from app.services.billing import parse_period
from app.services.cashier import LATE_FEE_KIND

ZERO = Decimal("0.00")
ONE_DECIMAL = Decimal("0.1")


def rate(collected: Decimal, billed: Decimal) -> Decimal | None:
    """collected / billed as a percentage, 1 decimal, half-up: 200/300 → 66.7."""
    if not billed:
        return None
    return (Decimal(collected) * 100 / Decimal(billed)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


@dataclass
class CollectionRow:
    period: str
    center_id: int
    center: str
    building: str | None  # None: the centre's subtotal row
    billed: Decimal = ZERO
    collected: Decimal = ZERO
    households_billed: int = 0
    households_paid: int = 0

    @property
    def rate(self) -> Decimal | None:
        return rate(self.collected, self.billed)

    @property
    def outstanding(self) -> Decimal:
        return self.billed - self.collected

    def add(self, billed: Decimal, collected: Decimal, fully_paid: bool) -> None:
        self.billed += billed
        self.collected += collected
        self.households_billed += 1
        self.households_paid += int(fully_paid)


def period_range(start: str, end: str) -> tuple[str, str]:
    """Both YYYY-MM (refused otherwise), start not after end."""
    sy, sm = parse_period(start)
    ey, em = parse_period(end)
    start, end = f"{sy:04d}-{sm:02d}", f"{ey:04d}-{em:02d}"
    if start > end:
        raise DomainError(_("起始账期不能晚于结束账期"))
    return start, end


def collection_rows(start: str, end: str, center_id: int | None = None) -> list[CollectionRow]:
    """Per period and centre: the centre's subtotal row, then one row per building."""
    start, end = period_range(start, end)
    unit_id = func.coalesce(Bill.unit_id, Household.unit_id)
    paid = case((Bill.status == "paid", Bill.amount), else_=0)
    stmt = (
        select(Bill.period, ServiceCenter.id, ServiceCenter.code, ServiceCenter.name, Building.name,
               Bill.household_id, func.sum(Bill.amount), func.sum(paid), func.count(),
               func.count().filter(Bill.status == "paid"))
        .join(ChargeItem, ChargeItem.id == Bill.charge_item_id)
        .join(Household, Household.id == Bill.household_id)
        .join(Unit, Unit.id == unit_id)
        .join(Building, Building.id == Unit.building_id)
        .join(ServiceCenter, ServiceCenter.id == Bill.center_id)
        .where(*records.visible(Bill), Bill.status != "reversed", ChargeItem.kind != LATE_FEE_KIND,
               Bill.period >= start, Bill.period <= end)
        .group_by(Bill.period, ServiceCenter.id, ServiceCenter.code, ServiceCenter.name, Building.name,
                  Bill.household_id)
    )
    if center_id is not None:
        stmt = stmt.where(Bill.center_id == center_id)
    centres: dict = {}
    buildings: dict = defaultdict(dict)
    for period, cid, code, cname, bname, _hh, billed, collected, n, n_paid in db.session.execute(stmt):
        key = (period, code, cid)
        billed, collected = Decimal(billed or 0), Decimal(collected or 0)
        centre = centres.setdefault(key, CollectionRow(period, cid, cname, None))
        row = buildings[key].setdefault(bname, CollectionRow(period, cid, cname, bname))
        for r in (centre, row):
            r.add(billed, collected, n == n_paid)
    rows = []
    for key in sorted(centres):
        rows.append(centres[key])
        rows.extend(buildings[key][name] for name in sorted(buildings[key], key=_natural))
    return rows


def _natural(name: str):
    """'2栋' before '10栋'."""
    digits = "".join(ch for ch in name if ch.isdigit())
    return (int(digits) if digits else 0, name)


def visible_centers() -> list[ServiceCenter]:
    return list(db.session.scalars(records.scoped_select(ServiceCenter).order_by(ServiceCenter.code)))
