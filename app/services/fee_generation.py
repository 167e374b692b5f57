"""生成账单: one period's bills for every centre, idempotent, one transaction per centre.

What a run bills, per centre:
- every household × every active per-household item (按面积 / 固定金额) at the
  rate in force on the period's first day (ChargeRate, else ChargeItem.rate);
- 按抄表用量 items (水费 / 电费): usage × rate, only for households with a
  reading of that period; households without one are reported (缺抄表), never
  billed 0;
- 车位费: every rental of app.services.parking.monthly_parking_charges against
  the centre's active parking item (source_key "rental:<id>"); a centre with
  rentals but no such item is reported;
- 有偿服务: completed paid-service work orders with a price and no bill yet,
  billed in the month they were completed (source_key "wo:<id>"), the order
  keeping the bill's id.

Running it again adds nothing: existing bills (household, item, period,
source_key) are skipped; concurrent runs of one centre are serialised by a
lock on the centre's row, and the partial unique index refuses anything that
still slips in (the centre is then redone). Zero amounts (no usage,
a free rental) make no bill: nothing is owed.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.errors import NotFound, ScopeError
from app.extensions import db
from app.models.billing import CHARGE_KINDS, Bill, ChargeItem
from app.models.estate import Building, Household, ServiceCenter, Unit
from app.models.fees import METER_KINDS, ChargeRate, MeterReading
from app.models.work_orders import WorkOrder
from app.security import center_scope, in_scope
from app.services import records
from app.services.billing import NOT_PER_HOUSEHOLD, bill_amount, due_date, parse_period
from app.services.bulk_write import insert_audited
from app.services.parking import monthly_parking_charges
from app.workflows.fees import rate_in_force, reading_amount

#: Work-order states at or after 已完成 (a 返修 order is billed once done again).
BILLABLE_ORDER_STATES = ("completed", "visited", "closed")
PAID_SERVICE_CODE = "YCFW"
_SHOWN = 10  # names listed in a summary line before "…"


@dataclass
class Summary:
    """What a run created and what it could not bill (shown by the CLI and the page)."""

    period: str
    created: Counter = field(default_factory=Counter)  # charge-item kind → bills created
    missing: list = field(default_factory=list)  # (centre code, household label, meter kind)
    no_parking_item: list = field(default_factory=list)  # (centre name, rentals not billed)
    unbilled_orders: list = field(default_factory=list)  # paid-service order numbers without a household

    @property
    def total(self) -> int:
        return sum(self.created.values())

    def merge(self, other: "Summary") -> None:
        self.created.update(other.created)
        self.missing += other.missing
        self.no_parking_item += other.no_parking_item
        self.unbilled_orders += other.unbilled_orders

    def messages(self) -> list[tuple[str, str]]:
        """(category, text) in the user's language (Chinese first): what was created,
        then what was not billed (warnings)."""
        out = [("success", _("%(period)s 共生成账单 %(count)s 张", period=self.period, count=self.total))]
        if self.created:
            detail = "，".join(f"{CHARGE_KINDS.get(k, k)} {n}" for k, n in sorted(self.created.items()))
            out.append(("info", _("按类别：%(detail)s", detail=detail)))
        if self.missing:
            names = "、".join(f"{hh} {METER_KINDS.get(kind, kind)}" for _code, hh, kind in self.missing[:_SHOWN])
            more = "…" if len(self.missing) > _SHOWN else ""
            out.append(("warning", _("缺抄表 %(count)s 项未出账：%(names)s%(more)s", count=len(self.missing),
                                     names=names, more=more)))
        for name, count in self.no_parking_item:
            out.append(("warning", _("%(center)s 未设启用的车位费收费项目，%(count)s 个车位租用未出账",
                                     center=name, count=count)))
        if self.unbilled_orders:
            out.append(("warning", _("以下有偿服务工单没有业户，未出账：%(orders)s",
                                     orders="、".join(self.unbilled_orders))))
        return out

    def lines(self) -> list[str]:
        return [text for _category, text in self.messages()]


def centers_to_run(center_ids=None) -> list[ServiceCenter]:
    stmt = select(ServiceCenter).where(ServiceCenter.deleted_on.is_(None)).order_by(ServiceCenter.code)
    if center_ids is not None:
        stmt = stmt.where(ServiceCenter.id.in_(list(center_ids)))
    return list(db.session.scalars(stmt))


def generate(period: str, center_ids=None, progress=None) -> Summary:
    """Bill `period` (YYYY-MM) for the given centres (default all). Runs as the
    caller: the flush guard refuses a centre outside a signed-in user's scope."""
    year, month = parse_period(period)
    period = f"{year:04d}-{month:02d}"
    summary = Summary(period)
    for center in [(c.id, c.code, c.name) for c in centers_to_run(center_ids)]:
        try:
            part = _run_center(center, period, year, month)
        except IntegrityError:
            # A concurrent run inserted some of the same bills: start the centre again.
            db.session.rollback()
            part = _run_center(center, period, year, month)
        summary.merge(part)
        if progress is not None:
            progress(f"{center[1]} {center[2]}: {part.total} bill(s) created for {period}")
    return summary


def generate_for_user(period: str, center_id=None) -> Summary:
    """The 生成账单 page: the chosen centre, or every centre of the user; a centre
    outside the user's scope is refused before anything is written."""
    parse_period(period)
    if center_id not in (None, ""):
        center = db.session.get(ServiceCenter, int(center_id))
        if center is None or center.deleted_on is not None:
            raise NotFound(_("请选择服务中心"))
        if not in_scope(center.id):
            raise ScopeError(_("该记录不属于您所在的服务中心"))
        return generate(period, [center.id])
    return generate(period, center_scope())


# -- one centre, one transaction ---------------------------------------------------------

def _run_center(center, period: str, year: int, month: int) -> Summary:
    center_id = center[0]
    records.lock_rows(ServiceCenter, [center_id])  # one run per centre at a time; the next sees our bills
    part = Summary(period)
    items = list(db.session.scalars(select(ChargeItem).where(
        ChargeItem.center_id == center_id, ChargeItem.deleted_on.is_(None), ChargeItem.active.is_(True)
    ).order_by(ChargeItem.id)))
    existing = set(db.session.execute(select(Bill.household_id, Bill.charge_item_id, Bill.source_key).where(
        Bill.center_id == center_id, Bill.period == period, Bill.deleted_on.is_(None))).all())
    rates = _rates(items, date(year, month, 1))
    batch: list[dict] = []
    add = _adder(center_id, period, year, month, existing, part, batch)
    own = [i for i in items if i.kind not in NOT_PER_HOUSEHOLD]
    _bill_households(center, period, own, rates, add, part)
    _bill_parking(center, period, items, add, part)
    insert_audited(Bill, batch)  # batched INSERTs with the same audit rows as the ORM (issue 8: 100k households)
    _bill_paid_services(center_id, year, month, add, part)
    db.session.commit()
    return part


def _adder(center_id, period, year, month, existing, part, batch):
    """add(household, unit, item, amount, …): queue a new unpaid bill (None when it exists);
    with row=True insert it through the ORM now and return it (its id is needed)."""

    def add(household_id, unit_id, item, amount, source_key="", note=None, bill_period=period, due=None,
            row=False):
        if (household_id, item.id, source_key) in existing:
            return None
        values = {"center_id": center_id, "household_id": household_id, "unit_id": unit_id,
                  "charge_item_id": item.id, "period": bill_period, "amount": amount,
                  "due_date": due or due_date(year, month, item.due_day), "status": "unpaid",
                  "source_key": source_key, "note": note}
        existing.add((household_id, item.id, source_key))
        part.created[item.kind] += 1
        if not row:
            batch.append(values)
            return None
        bill = Bill(**values)
        db.session.add(bill)
        return bill

    return add


def _rates(items, first_day: date) -> dict:
    """item id → the rate in force on the period's first day."""
    rows = db.session.execute(select(ChargeRate.charge_item_id, ChargeRate.effective_from, ChargeRate.rate).where(
        ChargeRate.charge_item_id.in_([i.id for i in items]), ChargeRate.deleted_on.is_(None))).all()
    by_item: dict = {}
    for item_id, effective_from, rate in rows:
        by_item.setdefault(item_id, []).append((effective_from, rate))
    return {i.id: rate_in_force(by_item.get(i.id, ()), first_day, i.rate) for i in items}


def _bill_households(center, period, items, rates, add, part) -> None:
    if not items:
        return
    readings = dict(((h, k), u) for h, k, u in db.session.execute(
        select(MeterReading.household_id, MeterReading.meter_kind, MeterReading.usage).where(
            MeterReading.center_id == center[0], MeterReading.period == period,
            MeterReading.deleted_on.is_(None))))
    households = db.session.execute(
        select(Household.id, Household.unit_id, Household.name, Unit.area, Unit.room_no, Building.name)
        .join(Unit, Unit.id == Household.unit_id).join(Building, Building.id == Unit.building_id)
        .where(Household.center_id == center[0], Household.deleted_on.is_(None)).order_by(Household.id)
    ).all()
    for household_id, unit_id, name, area, room_no, building in households:
        missing = set()
        for item in items:
            if item.basis != "per_reading":
                add(household_id, unit_id, item, bill_amount(item, area, rates[item.id]))
                continue
            usage = readings.get((household_id, item.meter_kind))
            if usage is None:
                if item.meter_kind not in missing:
                    missing.add(item.meter_kind)
                    part.missing.append((center[1], f"{building}-{room_no} {name}", item.meter_kind))
                continue
            amount = reading_amount(usage, rates[item.id])
            if amount > 0:
                add(household_id, unit_id, item, amount)


def _bill_parking(center, period, items, add, part) -> None:
    charges = monthly_parking_charges(period, [center[0]])
    if not charges:
        return
    item = next((i for i in items if i.kind == "parking"), None)
    if item is None:
        part.no_parking_item.append((center[2], len(charges)))
        return
    for rental, amount in charges:
        if amount > 0:
            add(rental.household_id, rental.household.unit_id, item, amount, source_key=f"rental:{rental.id}",
                note=f"{rental.space.code} {rental.plate}")


def _bill_paid_services(center_id: int, year: int, month: int, add, part) -> None:
    """有偿服务 completed by the end of the period and not billed yet."""
    end = datetime(year + month // 12, month % 12 + 1, 1)
    orders = list(db.session.scalars(select(WorkOrder).where(
        WorkOrder.center_id == center_id, WorkOrder.deleted_on.is_(None), WorkOrder.kind == "paid_service",
        WorkOrder.status.in_(BILLABLE_ORDER_STATES), WorkOrder.quoted_price > 0, WorkOrder.bill_id.is_(None),
        WorkOrder.completed_at.is_not(None), WorkOrder.completed_at < end,
    ).order_by(WorkOrder.id)))
    if not orders:
        return
    item = paid_service_item(center_id)
    for order in orders:
        key = f"wo:{order.id}"
        if order.household_id is None:
            part.unbilled_orders.append(order.order_no)
            continue
        earlier = db.session.scalar(select(Bill.id).where(Bill.source_key == key, Bill.deleted_on.is_(None),
                                                          Bill.charge_item_id == item.id))
        if earlier is None:
            done = order.completed_at
            due = max(due_date(done.year, done.month, item.due_day), done.date())
            bill = add(order.household_id, order.unit_id or _unit_of(order.household_id), item, order.quoted_price,
                       source_key=key, note=order.order_no, bill_period=f"{done:%Y-%m}", due=due, row=True)
            db.session.flush()
            earlier = bill.id
        order.bill_id = earlier


def _unit_of(household_id: int):
    return db.session.scalar(select(Household.unit_id).where(Household.id == household_id))


def paid_service_item(center_id: int) -> ChargeItem:
    """The centre's 有偿服务 item (code YCFW), created on first use."""
    item = db.session.scalars(select(ChargeItem).where(
        ChargeItem.center_id == center_id, ChargeItem.code == PAID_SERVICE_CODE, ChargeItem.deleted_on.is_(None)
    )).first()
    if item is None:
        item = ChargeItem(center_id=center_id, code=PAID_SERVICE_CODE, name="有偿服务", kind="paid_service",
                          basis="fixed", rate=0, active=True, due_day=15, note="金额取自有偿服务工单报价")
        db.session.add(item)
        db.session.flush()
    return item


def bill_paid_services(period: str, center_ids=None) -> Summary:
    """有偿服务 only (the same step generate() runs), one transaction per centre."""
    year, month = parse_period(period)
    summary = Summary(f"{year:04d}-{month:02d}")
    for center in centers_to_run(center_ids):
        part = Summary(summary.period)
        add = _adder(center.id, summary.period, year, month, set(), part, batch=[])  # paid services: row=True
        _bill_paid_services(center.id, year, month, add, part)
        db.session.commit()
        summary.merge(part)
    return summary
