"""收费 Fees rules: charge items and bill generation.

- `generate(period)` bills every non-deleted household for every active
  charge item of its centre, one transaction per centre; it is idempotent
  (existing bills are skipped, and the partial unique index on
  (household, item, period) refuses what a concurrent run slips in).
- Payments (收款, gapless receipts) are in app.services.payments.
- A paid bill is never edited or deleted (only a reversal, 红冲, may undo it).
"""

import calendar
import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError

from app.errors import Conflict, DomainError, NotFound
from app.extensions import db
from app.models.billing import (
    CHARGE_BASES,
    CHARGE_KINDS,
    Bill,
    ChargeItem,
    Payment,
)
from app.models.estate import Household, ServiceCenter, Unit
from app.models.mixins import TWO_PLACES
from app.services import records
from app.services.bulk_write import insert_audited

PAID_LOCKED = "已缴费的账单不能修改或删除，只能红冲"
_PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
#: Charge items billed from another register, not per household (车位费: parking rentals).
NOT_PER_HOUSEHOLD = frozenset({"parking"})


# -- hooks (web form, REST API) ------------------------------------------------------

def before_save(item) -> None:
    with db.session.no_autoflush:
        if isinstance(item, Bill) and item.id is not None and _was(item, "status") != "unpaid":
            raise Conflict(_(PAID_LOCKED))
        records.resolve_center(item)
        if isinstance(item, ChargeItem):
            _charge_item(item)
        elif isinstance(item, Bill):
            _bill(item)
        elif isinstance(item, Payment):
            raise Conflict(_("收款只能通过收费功能登记，不能直接修改"))


def before_delete(item) -> None:
    if isinstance(item, Bill) and item.status != "unpaid":
        raise Conflict(_(PAID_LOCKED))
    if isinstance(item, Payment):
        raise Conflict(_("收款记录不能删除，只能红冲"))
    records.soft_delete(item)


def _charge_item(item: ChargeItem) -> None:
    item.code = (item.code or "").strip().upper()
    item.name = (item.name or "").strip()
    if not item.code or not item.name:
        raise DomainError(_("请填写收费项目编号和名称"))
    if item.kind not in CHARGE_KINDS:
        raise DomainError(_("收费项目类别无效"))
    if item.basis not in CHARGE_BASES:
        raise DomainError(_("计费方式只能是按面积或固定金额"))
    rate = decimal_amount(item.rate, _("请填写单价"))
    if rate < 0:
        raise DomainError(_("单价不能为负数"))
    item.rate = rate.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    item.due_day = 15 if item.due_day is None else item.due_day
    if not 1 <= int(item.due_day) <= 31:
        raise DomainError(_("缴费截止日应在1到31之间"))
    item.active = True if item.active is None else item.active
    stmt = select(ChargeItem.id).where(ChargeItem.deleted_on.is_(None), ChargeItem.center_id == item.center_id,
                                       ChargeItem.code == item.code)
    if item.id is not None:
        stmt = stmt.where(ChargeItem.id != item.id)
    if db.session.scalars(stmt).first() is not None:
        raise Conflict(_("该服务中心已有此收费项目编号"))


def _bill(item: Bill) -> None:
    item.status = "unpaid"
    item.unit_id = item.household.unit_id
    charge = records.scoped_get(ChargeItem, records._chosen_id(item, "charge_item"))
    if charge is None:
        raise NotFound(_("所选收费项目不存在或不在您的服务中心范围内"))
    if charge.center_id != item.center_id:
        raise DomainError(_("收费项目与业户不属于同一服务中心"))
    item.charge_item = charge
    year, month = parse_period(item.period)
    item.period = f"{year:04d}-{month:02d}"
    amount = decimal_amount(item.amount, _("请填写金额"))
    if amount < 0:
        raise DomainError(_("金额不能为负数"))
    item.amount = amount.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
    item.due_date = item.due_date or due_date(year, month, charge.due_day)
    stmt = select(Bill.id).where(Bill.deleted_on.is_(None), Bill.household_id == item.household_id,
                                 Bill.charge_item_id == charge.id, Bill.period == item.period)
    if item.id is not None:
        stmt = stmt.where(Bill.id != item.id)
    if db.session.scalars(stmt).first() is not None:
        raise Conflict(_("该业户本期已有此收费项目的账单"))


def _was(item, attr):
    hist = inspect(item).attrs[attr].history
    return hist.deleted[0] if hist.deleted else getattr(item, attr)


def decimal_amount(value, missing_message) -> Decimal:
    if value is None or value == "":
        raise DomainError(missing_message)
    if isinstance(value, float):
        value = str(value)
    try:
        result = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise DomainError(_("金额格式无效，应为如 123.45 的数字")) from None
    if not result.is_finite():
        raise DomainError(_("金额格式无效，应为如 123.45 的数字"))
    return result


# -- generation ------------------------------------------------------------------------

def parse_period(period) -> tuple[int, int]:
    """'YYYY-MM' → (year, month); anything else is refused with a Chinese message."""
    m = _PERIOD.match((period or "").strip())
    if m is None:
        raise DomainError(_("账期格式应为YYYY-MM（如 2026-11），月份01至12"))
    return int(m.group(1)), int(m.group(2))


def due_date(year: int, month: int, due_day: int) -> date:
    """The item's due day in the period's month (clamped to the month's last day)."""
    return date(year, month, min(int(due_day or 15), calendar.monthrange(year, month)[1]))


def bill_amount(item: ChargeItem, area) -> Decimal:
    """per_area: unit area (m²) × rate, rounded HALF-UP to 2 places (the fen);
    fixed: the rate itself (rounded the same way). All in Decimal, never float.
    E.g. 89.50 m² × 2.35 元/m² = 210.325 → 210.33."""
    rate = Decimal(item.rate)
    raw = Decimal(area or 0) * rate if item.basis == "per_area" else rate
    return raw.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def generate(period: str, center_ids=None, progress=None) -> int:
    """生成账单 for `period` (YYYY-MM): every non-deleted household × every active
    charge item of its centre (车位费 items excepted: parking rentals bill those).
    One transaction per centre; running it again adds nothing. Runs as the
    system (no user scope). Returns the number of bills created."""
    year, month = parse_period(period)
    period = f"{year:04d}-{month:02d}"
    stmt = select(ServiceCenter).where(ServiceCenter.deleted_on.is_(None)).order_by(ServiceCenter.code)
    if center_ids is not None:
        stmt = stmt.where(ServiceCenter.id.in_(list(center_ids)))
    centers = [(c.id, c.code, c.name) for c in db.session.scalars(stmt)]
    total = 0
    for center_id, code, name in centers:
        try:
            created = _generate_center(center_id, period, year, month)
        except IntegrityError:
            # A concurrent run inserted some of the same bills: start the centre again.
            db.session.rollback()
            created = _generate_center(center_id, period, year, month)
        total += created
        if progress is not None:
            progress(f"{code} {name}: {created} bill(s) created for {period}")
    return total


def _generate_center(center_id: int, period: str, year: int, month: int) -> int:
    items = list(db.session.scalars(select(ChargeItem).where(
        ChargeItem.center_id == center_id, ChargeItem.deleted_on.is_(None), ChargeItem.active.is_(True),
        ChargeItem.kind.not_in(NOT_PER_HOUSEHOLD)).order_by(ChargeItem.id)))
    if not items:
        return 0
    existing = set(db.session.execute(select(Bill.household_id, Bill.charge_item_id).where(
        Bill.center_id == center_id, Bill.period == period, Bill.source_key == "",
        Bill.deleted_on.is_(None))).all())
    rows = db.session.execute(
        select(Household.id, Household.unit_id, Unit.area).join(Unit, Unit.id == Household.unit_id)
        .where(Household.center_id == center_id, Household.deleted_on.is_(None)).order_by(Household.id)
    ).all()
    new_bills = [
        {"center_id": center_id, "household_id": household_id, "unit_id": unit_id, "charge_item_id": item.id,
         "period": period, "amount": bill_amount(item, area), "due_date": due_date(year, month, item.due_day),
         "status": "unpaid", "source_key": ""}
        for household_id, unit_id, area in rows for item in items if (household_id, item.id) not in existing
    ]
    created = insert_audited(Bill, new_bills)  # batched INSERTs, same audit rows as the ORM (perf)
    db.session.commit()
    return created
