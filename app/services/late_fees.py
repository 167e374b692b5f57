"""滞纳金 Late fees (DESIGN.md "Fees": 0.3 % a day of the overdue amount from the
due date, rate per centre), accrued by `flask --app run billing late-fees`.

Each overdue bill has at most ONE late-fee bill (charge item "ZNJ", kind
late_fee, source_key "late:<bill id>", same household, unit and period).
While that bill is unpaid its amount is SET to the figure as of the run day
(never incremented), its due date is that day and its note says how it was
computed — so a second run on the same day changes nothing and a daily run
keeps it right. Once the source bill is paid the days stop at the payment
date (the fee is frozen); a paid or reversed late-fee bill is never touched.
Late fees never accrue on late fees. One transaction per centre; runs as
the system.
"""

from datetime import date
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from app import timeutil
from app.extensions import db
from app.models.billing import Bill, ChargeItem
from app.models.estate import ServiceCenter
from app.services.fee_policy import policy
from app.workflows.arrears import days_overdue, late_fee

LATE_FEE_CODE = "ZNJ"
LATE_FEE_KIND = "late_fee"
LATE_PREFIX = "late:"


def late_key(bill_id: int) -> str:
    return f"{LATE_PREFIX}{bill_id}"


def centers(center_ids=None) -> list[tuple[int, str, str]]:
    """(id, code, name) of the centres a run covers, in code order."""
    stmt = select(ServiceCenter.id, ServiceCenter.code, ServiceCenter.name).where(
        ServiceCenter.deleted_on.is_(None)).order_by(ServiceCenter.code)
    if center_ids is not None:
        stmt = stmt.where(ServiceCenter.id.in_(list(center_ids)))
    return [tuple(row) for row in db.session.execute(stmt)]


def accrue_late_fees(as_of: date | None = None, center_ids=None, progress=None, household_ids=None) -> dict[str, int]:
    """Bring every centre's late-fee bills to the figure as of `as_of` (default:
    today, server time). Returns counts {created, updated, unchanged}.
    `household_ids` narrows it (e.g. the desk, just before taking a payment)."""
    as_of = as_of or timeutil.today()
    totals = {"created": 0, "updated": 0, "unchanged": 0}
    for center_id, code, name in centers(center_ids):
        try:
            counts = _accrue_center(center_id, as_of, household_ids)
        except IntegrityError:
            db.session.rollback()  # a concurrent run created some of them: redo the centre
            counts = _accrue_center(center_id, as_of, household_ids)
        for key, value in counts.items():
            totals[key] += value
        if progress is not None:
            progress(code, name, counts)
    return totals


def late_fee_item(center_id: int) -> ChargeItem:
    """The centre's 滞纳金 item (get-or-create). Inactive, so monthly generation
    never bills it per household; only this job raises late-fee bills."""
    item = db.session.scalars(select(ChargeItem).where(
        ChargeItem.center_id == center_id, ChargeItem.code == LATE_FEE_CODE,
        ChargeItem.deleted_on.is_(None))).first()
    if item is None:
        item = ChargeItem(center_id=center_id, code=LATE_FEE_CODE, name="滞纳金", kind=LATE_FEE_KIND,
                          basis="fixed", rate=Decimal("0"), active=False, due_day=15,
                          note="逾期金额×日费率×逾期天数（billing late-fees 自动计算）")
        db.session.add(item)
        db.session.flush()
    return item


def _accrue_center(center_id: int, as_of: date, household_ids=None) -> dict[str, int]:
    rate = policy(center_id).late_fee_rate
    item = late_fee_item(center_id)
    narrow = [Bill.household_id.in_(list(household_ids))] if household_ids is not None else []
    existing = {b.source_key: b for b in db.session.scalars(
        select(Bill).join(ChargeItem, ChargeItem.id == Bill.charge_item_id).where(
            Bill.center_id == center_id, Bill.deleted_on.is_(None), ChargeItem.kind == LATE_FEE_KIND,
            Bill.source_key.like(f"{LATE_PREFIX}%"), *narrow))}
    open_sources = [int(k[len(LATE_PREFIX):]) for k, b in existing.items()
                    if b.status == "unpaid" and k[len(LATE_PREFIX):].isdigit()]
    sources = db.session.scalars(
        select(Bill).join(ChargeItem, ChargeItem.id == Bill.charge_item_id).where(
            Bill.center_id == center_id, Bill.deleted_on.is_(None), ChargeItem.kind != LATE_FEE_KIND, *narrow,
            or_(Bill.status == "unpaid", Bill.id.in_(open_sources or [-1])),
            or_(Bill.due_date < as_of, Bill.id.in_(open_sources or [-1])),
        ).order_by(Bill.id)).unique().all()
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for source in sources:
        counts[_apply(source, existing.get(late_key(source.id)), item, rate, as_of)] += 1
    db.session.commit()
    return counts


def _figure(source: Bill, rate: Decimal, as_of: date) -> tuple[Decimal, date, str]:
    """(amount, as-of date of the figure, note) for one source bill."""
    paid_on = source.paid_at.date() if source.status == "paid" and source.paid_at else None
    days = days_overdue(source.due_date, as_of, paid_on)
    end = min(as_of, paid_on) if paid_on else as_of
    amount = late_fee(source.amount, rate, days)
    note = (f"滞纳金：账单#{source.id}（{source.period}）{source.amount:.2f}×{rate}×{days}天，"
            f"计至{end.isoformat()}{'（已缴清，停止计算）' if paid_on else ''}")
    return amount, end, note[:200]


def _apply(source: Bill, late: Bill | None, item: ChargeItem, rate: Decimal, as_of: date) -> str:
    if source.status not in ("unpaid", "paid") or (late is not None and late.status != "unpaid"):
        return "unchanged"  # reversed sources and settled late fees are never touched
    amount, end, note = _figure(source, rate, as_of)
    if late is None:
        if source.status != "unpaid" or amount <= 0:
            return "unchanged"
        db.session.add(Bill(center_id=source.center_id, household_id=source.household_id, unit_id=source.unit_id,
                            charge_item_id=item.id, period=source.period, amount=amount, due_date=end,
                            status="unpaid", source_key=late_key(source.id), note=note))
        return "created"
    if (late.amount, late.due_date, late.note) == (amount, end, note):
        return "unchanged"
    late.amount, late.due_date, late.note = amount, end, note
    return "updated"
