"""月度工作报告: the figures of one centre and one period (YYYY-MM), read from
the registers. Pure queries, one dataclass per section, no Flask request.

The five KPIs come from app.services.work_order_kpis, the collection rate
from app.services.collection, arrears aging from app.services.arrears and
parking occupancy from app.services.parking, so the report can never
disagree with those registers' own pages. Everything else is counted here,
with these definitions (the sheets say them too):

- a month is [first day 00:00, first day of the next month 00:00);
- "as of" figures (arrears, occupancy, open renovation sites) are taken at
  the month's last day, or today for the running month; arrears read each
  bill's current status, so a bill paid after the month no longer counts;
- work orders and complaints are those received in the month, "completed"
  when first completed before the month ended; resolution time is received
  → first completion, in hours;
- headcount at a date: hired on or before it and not left by then (an
  employee leaves after the last working day, left_date).

The caller's centre scope holds: `build()` refuses a centre the user cannot
see (NotFound), and the reused services read through records.visible.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext as _
from sqlalchemy import DateTime, and_, func, or_, select

from app import timeutil
from app.errors import DomainError, NotFound
from app.extensions import db
from app.models.approvals import Approval
from app.models.billing import Bill, ChargeItem, Payment
from app.models.estate import ServiceCenter
from app.models.parking import ParkingRental
from app.models.personnel import Appointment, Employee
from app.models.renovation import Renovation, RenovationRefund
from app.models.work_orders import WorkOrder
from app.services import arrears, collection, parking, records
from app.services.billing import parse_period
from app.services.work_order_kpis import MonthlyKpis, monthly_kpis
from app.workflows.arrears import BUCKET_KEYS

ZERO = Decimal("0.00")
ONE_DECIMAL = Decimal("0.1")


@dataclass(frozen=True)
class Month:
    period: str
    first: date
    last: date
    as_of: date  # the last day, or today while the month runs

    @property
    def start(self) -> datetime:
        return datetime(self.first.year, self.first.month, 1)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), datetime.min.time())


def month_of(period: str, today: date | None = None) -> Month:
    """'2026-11' → Month; refuses a malformed period and a month not yet begun."""
    try:
        year, month = parse_period(period)
    except DomainError as e:
        raise DomainError(e.message, status=400) from None
    today = today or timeutil.today()
    first = date(year, month, 1)
    if first > today:
        raise DomainError(_("%(period)s 尚未开始，不能生成月度报告", period=f"{year:04d}-{month:02d}"), status=400)
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return Month(f"{year:04d}-{month:02d}", first, last, min(last, today))


def _between(column, m: Month):
    """`column` falls in the month: a date from the first to the last day, a
    timestamp from the first day 00:00 to (not including) the next month's."""
    if isinstance(column.type, DateTime):
        return and_(column >= m.start, column < m.end)
    return and_(column >= m.first, column <= m.last)


def _scalar(stmt) -> int:
    return db.session.scalar(stmt) or 0


def _count_sum(stmt) -> tuple[int, Decimal]:
    n, total = db.session.execute(stmt).one()
    return n, Decimal(total or 0)


def find_center(ref) -> ServiceCenter:
    """A centre by id or code (SC01), visible to the caller; NotFound otherwise."""
    text = str(ref or "").strip()
    stmt = records.scoped_select(ServiceCenter)
    if text.isdigit():
        stmt = stmt.where(ServiceCenter.id == int(text))
    else:
        stmt = stmt.where(func.upper(ServiceCenter.code) == text.upper())
    found = db.session.scalars(stmt).first() if text else None
    if found is None:
        raise NotFound(_("服务中心不存在或不在您的服务中心范围内：%(ref)s", ref=text))
    return found


def visible_centers() -> list[ServiceCenter]:
    return collection.visible_centers()


def ratio(part, whole) -> Decimal | None:
    """part / whole × 100, one decimal, half-up (None when nothing to divide by)."""
    return collection.rate(Decimal(part), Decimal(whole)) if whole else None


# -- work orders, complaints, callbacks --------------------------------------------------

@dataclass
class CountRow:
    key: str
    received: int = 0
    completed: int = 0

    @property
    def open(self) -> int:
        return self.received - self.completed

    @property
    def rate(self) -> Decimal | None:
        return ratio(self.completed, self.received)


@dataclass
class ComplaintRow(CountRow):
    hours: list = field(default_factory=list)  # resolution time of each completed one
    within_two_days: int = 0

    @property
    def average_hours(self) -> Decimal | None:
        if not self.hours:
            return None
        return (sum(self.hours, Decimal(0)) / len(self.hours)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)

    @property
    def max_hours(self) -> Decimal | None:
        return max(self.hours).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP) if self.hours else None


@dataclass
class WorkOrderFigures:
    kpis: MonthlyKpis
    by_kind: list[CountRow]
    by_source: list[CountRow]
    complaints: list[ComplaintRow]
    satisfaction: dict  # satisfied | basically | unsatisfied | "" → callbacks in the month
    callback_methods: dict  # phone | visit | "" → callbacks in the month

    @property
    def received(self) -> int:
        return sum(r.received for r in self.by_kind)

    @property
    def completed(self) -> int:
        return sum(r.completed for r in self.by_kind)


def _received(center_id: int, m: Month):
    return and_(WorkOrder.center_id == center_id, WorkOrder.deleted_on.is_(None),
                _between(WorkOrder.received_at, m))


def _done_by(m: Month):
    return and_(WorkOrder.completed_at.is_not(None), WorkOrder.completed_at < m.end)


def _count_rows(column, counts: dict, center_id: int, m: Month) -> list[CountRow]:
    """One row per value of `column` among the month's orders: received (the KPI
    service's own count) and completed by the month's end."""
    done = dict(db.session.execute(
        select(column, func.count()).where(_received(center_id, m), _done_by(m)).group_by(column)).all())
    return [CountRow(key, n, done.get(key, 0)) for key, n in sorted(counts.items(), key=lambda kv: -kv[1])]


def _complaints(center_id: int, m: Month) -> list[ComplaintRow]:
    rows = {sev: ComplaintRow(sev) for sev in ("major", "important", "minor")}
    stmt = select(WorkOrder.severity, WorkOrder.received_at, WorkOrder.completed_at).where(
        _received(center_id, m), WorkOrder.kind == "complaint")
    for severity, received, completed in db.session.execute(stmt):
        row = rows.setdefault(severity or "", ComplaintRow(severity or ""))
        row.received += 1
        if completed is not None and completed < m.end:
            row.completed += 1
            hours = Decimal((completed - received).total_seconds()) / 3600
            row.hours.append(hours)
            row.within_two_days += hours <= 48
    return list(rows.values())


def _callbacks(center_id: int, m: Month, column) -> dict:
    """Callbacks made in the month (visited_at in it, as the KPI service counts them)."""
    rows = db.session.execute(select(func.coalesce(column, ""), func.count()).where(
        WorkOrder.center_id == center_id, WorkOrder.deleted_on.is_(None),
        _between(WorkOrder.visited_at, m)).group_by(func.coalesce(column, "")))
    return dict(rows.all())


def work_order_figures(center_id: int, m: Month) -> WorkOrderFigures:
    kpis = monthly_kpis(center_id, m.period)
    return WorkOrderFigures(
        kpis=kpis,
        by_kind=_count_rows(WorkOrder.kind, kpis.by_kind, center_id, m),
        by_source=_count_rows(WorkOrder.source, kpis.by_source, center_id, m),
        complaints=_complaints(center_id, m),
        satisfaction=_callbacks(center_id, m, WorkOrder.satisfaction),
        callback_methods=_callbacks(center_id, m, WorkOrder.callback_method),
    )


# -- fees ---------------------------------------------------------------------------------

@dataclass
class FeeFigures:
    collection: list  # CollectionRow: the centre's subtotal first, then its buildings
    receipts: dict  # payment method → (count, amount) of valid payments taken in the month
    aging: dict  # bucket → {"count", "principal", "late_fees"} as of m.as_of

    @property
    def total(self):
        return self.collection[0] if self.collection else None

    @property
    def arrears_households(self) -> int:
        return sum(b["count"] for b in self.aging.values())

    @property
    def arrears_amount(self) -> Decimal:
        return sum((b["principal"] + b["late_fees"] for b in self.aging.values()), ZERO)


def fee_figures(center_id: int, m: Month) -> FeeFigures:
    rows = collection.collection_rows(m.period, m.period, center_id)
    receipts = {method: (n, Decimal(amount or 0)) for method, n, amount in db.session.execute(
        select(Payment.method, func.count(), func.sum(Payment.amount))
        .where(*records.visible(Payment), Payment.center_id == center_id, Payment.status == "valid",
               _between(Payment.paid_at, m))
        .group_by(Payment.method).order_by(Payment.method))}
    aging = {b: {"count": 0, "principal": ZERO, "late_fees": ZERO} for b in BUCKET_KEYS}
    for group in arrears.aging_report(m.as_of, [center_id]):
        for key, cell in group["buckets"].items():
            for name in ("count", "principal", "late_fees"):
                aging[key][name] += cell[name]
    return FeeFigures(rows, receipts, aging)


# -- renovation -----------------------------------------------------------------------------

@dataclass
class RenovationFigures:
    submitted: int = 0
    approved: int = 0
    rejected: int = 0
    decided_late: int = 0  # decided after the 3-day deadline
    started: int = 0
    in_progress: int = 0  # at m.as_of
    accepted: int = 0
    deposits_count: int = 0
    deposits_amount: Decimal = ZERO
    refunds_count: int = 0
    refunds_amount: Decimal = ZERO
    deductions_amount: Decimal = ZERO


def renovation_figures(center_id: int, m: Month) -> RenovationFigures:
    f = RenovationFigures()
    here = (*records.visible(Renovation), Renovation.center_id == center_id)
    decided = select(Renovation.status, Approval.decided_at, Renovation.decision_due_at).join(
        Approval, Approval.id == Renovation.approval_id).where(*here)
    f.submitted = _scalar(select(func.count()).select_from(Renovation).join(
        Approval, Approval.id == Renovation.approval_id).where(*here, _between(Approval.submitted_at, m)))
    for status, decided_at, due in db.session.execute(decided.where(_between(Approval.decided_at, m))):
        f.approved += status == "approved"
        f.rejected += status == "rejected"
        f.decided_late += due is not None and decided_at > due
    count = select(func.count()).select_from(Renovation).where(*here)
    f.started = _scalar(count.where(_between(Renovation.work_started_on, m)))
    f.accepted = _scalar(count.where(_between(Renovation.accepted_on, m)))
    f.in_progress = _scalar(count.where(Renovation.status == "approved", Renovation.work_started_on <= m.as_of,
                                        or_(Renovation.accepted_on.is_(None), Renovation.accepted_on > m.as_of)))
    f.deposits_count, f.deposits_amount = _count_sum(
        select(func.count(), func.sum(Bill.amount)).join(ChargeItem, ChargeItem.id == Bill.charge_item_id)
        .where(*records.visible(Bill), Bill.center_id == center_id, ChargeItem.kind == "renovation_deposit",
               Bill.status == "paid", _between(Bill.paid_at, m)))
    refunds = (select(func.count(), func.sum(RenovationRefund.refund_amount),
                      func.sum(RenovationRefund.deductions_total))
               .where(*records.visible(RenovationRefund), RenovationRefund.center_id == center_id,
                      _between(RenovationRefund.refunded_at, m)))
    n, refunded, deducted = db.session.execute(refunds).one()
    f.refunds_count, f.refunds_amount, f.deductions_amount = n, Decimal(refunded or 0), Decimal(deducted or 0)
    return f


# -- parking ----------------------------------------------------------------------------------

@dataclass
class ParkingFigures:
    occupancy: dict  # 区域 → (rented, total) at m.as_of (app.services.parking)
    new_count: int = 0
    new_monthly_rent: Decimal = ZERO
    expired: int = 0  # ran to their end date within the month
    terminated: int = 0  # 退租 ended early within the month

    @property
    def rented(self) -> int:
        return sum(r for r, _t in self.occupancy.values())

    @property
    def spaces(self) -> int:
        return sum(t for _r, t in self.occupancy.values())

    @property
    def rate(self) -> Decimal | None:
        return ratio(self.rented, self.spaces)


def parking_figures(center_id: int, m: Month) -> ParkingFigures:
    f = ParkingFigures(parking.occupancy_by_area([center_id], m.as_of))
    live = (*records.visible(ParkingRental), ParkingRental.center_id == center_id,
            ParkingRental.status.in_(parking.LIVE))
    f.new_count, f.new_monthly_rent = _count_sum(select(func.count(), func.sum(ParkingRental.monthly_rate)).where(
        *live, _between(ParkingRental.start_date, m)))
    ended = dict(db.session.execute(select(ParkingRental.status, func.count()).where(
        *live, _between(ParkingRental.end_date, m)).group_by(ParkingRental.status)).all())
    f.expired, f.terminated = ended.get("active", 0), ended.get("ended", 0)
    return f


# -- personnel -----------------------------------------------------------------------------------

@dataclass
class StaffFigures:
    opening: int = 0  # on the roster the day before the month began
    hires: int = 0
    leavers: int = 0
    closing: int = 0  # on the roster at the month's last day
    by_level: dict = field(default_factory=dict)  # level → closing headcount
    appointments: dict = field(default_factory=dict)  # kind → approved, effective in the month


def _on_roster(day: date):
    """Hired by `day` and not yet gone: left after it, or (no date recorded) not marked left."""
    return and_(Employee.hire_date <= day, or_(Employee.left_date > day,
                                               and_(Employee.left_date.is_(None), Employee.status != "left")))


def staff_figures(center_id: int, m: Month) -> StaffFigures:
    here = (*records.visible(Employee), Employee.center_id == center_id)
    count = select(func.count()).select_from(Employee).where(*here)
    f = StaffFigures()
    f.opening = _scalar(count.where(_on_roster(m.first - timedelta(days=1))))
    f.closing = _scalar(count.where(_on_roster(m.last)))
    f.hires = _scalar(count.where(_between(Employee.hire_date, m)))
    f.leavers = _scalar(count.where(_between(Employee.left_date, m)))
    f.by_level = dict(db.session.execute(select(Employee.level, func.count()).where(
        *here, _on_roster(m.last)).group_by(Employee.level)).all())
    f.appointments = dict(db.session.execute(select(Appointment.kind, func.count()).where(
        *records.visible(Appointment), Appointment.center_id == center_id, Appointment.status == "approved",
        _between(Appointment.effective_date, m)).group_by(Appointment.kind)).all())
    return f


# -- the whole report ------------------------------------------------------------------------------

@dataclass
class MonthlyReport:
    center: ServiceCenter
    month: Month
    generated_at: datetime
    work_orders: WorkOrderFigures
    fees: FeeFigures
    renovation: RenovationFigures
    parking: ParkingFigures
    staff: StaffFigures

    @property
    def complaints_received(self) -> int:
        return sum(r.received for r in self.work_orders.complaints)

    @property
    def callbacks(self) -> int:
        return sum(self.work_orders.satisfaction.values())


def build(center_ref, period: str) -> MonthlyReport:
    """Every figure of the report; refuses a bad period (400) or an unseen centre (404)."""
    m = month_of(period)
    center = find_center(center_ref)
    return MonthlyReport(center, m, timeutil.now(), work_order_figures(center.id, m), fee_figures(center.id, m),
                         renovation_figures(center.id, m), parking_figures(center.id, m), staff_figures(center.id, m))
