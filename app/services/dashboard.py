"""The managers' dashboard (issue 7): today's work orders, the month's KPIs
against last month, 收缴率, arrears and their aging, renovation sites,
parking occupancy and staffing, per centre and in total.

No Flask here: the view passes the centre ids the user may see and the
clock. Every figure comes from the register's own definition — KPIs from
work_order_kpis (summed with `combined`), occupancy from
parking.occupancy_by_area, the overdue inspections from renovation_sites,
the collection rate with collection.rate over collection_rows' criteria, the
aging buckets with app.workflows.arrears' month rule — but each as one GROUP
BY query over all centres, so the page costs a fixed number of queries
however many centres and bills there are (≤ 300 ms at 1M orders, issue 8).
The integration tests hold each figure equal to the register's own report.
"""

import threading
import time as time_module
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import and_, case, func, literal_column, or_, select

from app.extensions import db
from app.models.billing import Bill, ChargeItem
from app.models.estate import Household, ServiceCenter
from app.models.renovation import Renovation
from app.models.work_orders import WorkOrder
from app.services import parking, renovation_sites, staffing_figures
from app.services.collection import rate
from app.services.late_fees import LATE_FEE_KIND
from app.services.work_order_kpis import MonthlyKpis, combined, kpis_by_period, month_bounds
from app.workflows import arrears as rules
from app.workflows.work_orders import OPEN_STATES

ZERO = Decimal("0.00")
KPI_KEYS = ("timely_rate", "pass_rate", "rework_rate", "callback_rate", "satisfaction_rate")


@dataclass
class CentreFigures:
    center_id: int | None
    code: str
    name: str
    open_orders: int = 0
    overdue_orders: int = 0
    received_today: int = 0
    kpis: MonthlyKpis | None = None
    kpis_last: MonthlyKpis | None = None
    billed: Decimal = ZERO
    collected: Decimal = ZERO
    billed_last: Decimal = ZERO
    collected_last: Decimal = ZERO
    arrears_households: int = 0
    arrears_total: Decimal = ZERO
    renovations_in_progress: int = 0
    inspections_overdue: int = 0
    decisions_overdue: int = 0
    headcount: int = 0
    probation_due: int = 0
    leavers: int = 0

    @property
    def collection_rate(self) -> Decimal | None:
        return rate(self.collected, self.billed)

    @property
    def collection_rate_last(self) -> Decimal | None:
        return rate(self.collected_last, self.billed_last)


SUMMED = ("open_orders", "overdue_orders", "received_today", "billed", "collected", "billed_last",
          "collected_last", "arrears_households", "arrears_total", "renovations_in_progress",
          "inspections_overdue", "decisions_overdue", "headcount", "probation_due", "leavers")


@dataclass
class Dashboard:
    now: datetime
    period: str
    last_period: str
    centres: list[CentreFigures]
    total: CentreFigures
    aging: list[dict] = field(default_factory=list)
    parking_areas: dict = field(default_factory=dict)
    #: when the arrears figures were computed (== now unless read from an ArrearsCache)
    arrears_at: datetime | None = None

    @property
    def parking_rented(self) -> int:
        return sum(rented for rented, _total in self.parking_areas.values())

    @property
    def parking_spaces(self) -> int:
        return sum(total for _rented, total in self.parking_areas.values())

    @property
    def parking_rate(self) -> Decimal | None:
        return rate(Decimal(self.parking_rented), Decimal(self.parking_spaces))


def previous_period(period: str) -> str:
    start, _end = month_bounds(period)
    last = start - timedelta(days=1)
    return f"{last.year:04d}-{last.month:02d}"


class ArrearsCache:
    """The arrears figures of a scope, kept `seconds` (issue 8): the one family that reads
    every unpaid bill (~280k rows at 100k households, ~0.2-0.4 s on SQLite for all
    centres). Per process, keyed by the centres and the day; the page says when they were
    computed. Off (seconds=0) under tests, which change bills between two reads."""

    def __init__(self, seconds: float):
        self.seconds, self._items, self._lock = seconds, {}, threading.Lock()

    def get(self, key, now: datetime, compute):
        """(value, computed at) — the kept one if younger than `seconds`."""
        if self.seconds <= 0:
            return compute(), now
        clock = time_module.monotonic()
        with self._lock:
            kept = self._items.get(key)
        if kept is not None and clock - kept[0] < self.seconds:
            return kept[1], kept[2]
        value = compute()
        with self._lock:
            self._items = {k: v for k, v in self._items.items() if clock - v[0] < self.seconds}
            self._items[key] = (clock, value, now)
        return value, now


def build(center_ids, now: datetime, arrears_cache: ArrearsCache | None = None) -> Dashboard:
    """Every figure for these centres (ids the caller may see) at `now`; the arrears
    from `arrears_cache` when given (the page shows Dashboard.arrears_at)."""
    centres = db.session.execute(select(ServiceCenter.id, ServiceCenter.code, ServiceCenter.name).where(
        ServiceCenter.id.in_(list(center_ids)), ServiceCenter.deleted_on.is_(None))
        .order_by(ServiceCenter.code)).all()
    ids = [c.id for c in centres]
    rows = {c.id: CentreFigures(c.id, c.code, c.name) for c in centres}
    today = now.date()
    period = f"{today.year:04d}-{today.month:02d}"
    last = previous_period(period)
    _work_orders(rows, ids, now)
    _kpis(rows, ids, period, last)
    _collection(rows, ids, period, last)
    key = (tuple(ids), today)
    (per_centre, aging), arrears_at = (arrears_cache or ArrearsCache(0)).get(
        key, now, lambda: _arrears(ids, today))
    for cid, (households, owed) in per_centre.items():
        rows[cid].arrears_households, rows[cid].arrears_total = households, owed
    _renovation(rows, ids, now)
    _staffing(rows, ids, today, period)
    areas = parking.occupancy_by_area(ids, today) if ids else {}
    total = _total(list(rows.values()), period, last)
    return Dashboard(now, period, last, list(rows.values()), total, aging, areas, arrears_at)


def _total(rows: list[CentreFigures], period: str, last: str) -> CentreFigures:
    total = CentreFigures(None, "", "")
    for name in SUMMED:
        setattr(total, name, sum((getattr(r, name) for r in rows), type(getattr(total, name))()))
    total.kpis = combined([r.kpis for r in rows], period=period)
    total.kpis_last = combined([r.kpis_last for r in rows], period=last)
    return total


def _work_orders(rows, ids, now: datetime) -> None:
    """Open orders (the desk's states), those past their completion deadline
    (a suspended order's clock is paused: not counted), orders received today."""
    overdue = and_(WorkOrder.status != "suspended", WorkOrder.complete_due < now)
    live = (WorkOrder.deleted_on.is_(None), WorkOrder.center_id.in_(ids))
    for cid, n_open, n_overdue in db.session.execute(
            select(WorkOrder.center_id, func.count(), func.count().filter(overdue))
            .where(*live, WorkOrder.status.in_(OPEN_STATES)).group_by(WorkOrder.center_id)):
        rows[cid].open_orders, rows[cid].overdue_orders = n_open, n_overdue
    day_start = datetime.combine(now.date(), time())
    for cid, n in db.session.execute(select(WorkOrder.center_id, func.count())
                                     .where(*live, WorkOrder.received_at >= day_start)
                                     .group_by(WorkOrder.center_id)):
        rows[cid].received_today = n


def _kpis(rows, ids, period: str, last: str) -> None:
    months = kpis_by_period(ids, [period, last], breakdown=False)
    for cid, r in rows.items():
        r.kpis, r.kpis_last = months[period][cid], months[last][cid]


def _collection(rows, ids, period: str, last: str) -> None:
    """收缴率 of this and last period, on collection_rows' criteria: live bills of
    the period, not reversed, late fees excluded; collected = the paid ones."""
    paid = func.sum(case((Bill.status == "paid", Bill.amount), else_=0))
    stmt = (select(Bill.center_id, Bill.period, func.sum(Bill.amount), paid)
            .join(ChargeItem, ChargeItem.id == Bill.charge_item_id)
            .where(Bill.deleted_on.is_(None), Bill.center_id.in_(ids), Bill.status != "reversed",
                   ChargeItem.kind != LATE_FEE_KIND, Bill.period.in_((period, last)))
            .group_by(Bill.center_id, Bill.period))
    for cid, bill_period, billed, collected in db.session.execute(stmt):
        suffix = "" if bill_period == period else "_last"
        setattr(rows[cid], "billed" + suffix, Decimal(billed or 0))
        setattr(rows[cid], "collected" + suffix, Decimal(collected or 0))


def bucket_cut(as_of: date, months: int) -> date:
    """The latest due date that is at least `months` whole months overdue on
    as_of (rules.months_overdue; month ends clamp, so on 02-28 a bill due 01-31
    is one month overdue)."""
    cut = rules.add_months(as_of, -months)
    while rules.months_overdue(cut + timedelta(days=1), as_of) >= months:
        cut += timedelta(days=1)
    return cut


def _arrears(ids, as_of: date) -> tuple[dict, list[dict]]:
    """({centre: (households in arrears, owed)}, the aging buckets in total), as
    arrears.household_arrears / aging_report define them (oldest arrears bill
    sets the bucket; households owing nothing net, deleted households: not in arrears).

    Read from the unpaid bills' covering index alone (ix_bill_unpaid_cover: the
    literal status lets SQLite use the partial index), grouped in its order; the few
    late-fee items and deleted households are lists, not joins."""
    late_items = list(db.session.scalars(select(ChargeItem.id).where(ChargeItem.kind == LATE_FEE_KIND)))
    late = Bill.charge_item_id.in_(late_items)
    gone = select(Household.id).where(Household.deleted_on.is_not(None))
    per_household = (
        select(Bill.center_id, Bill.household_id, func.min(Bill.due_date).label("oldest"),
               func.sum(Bill.amount).label("total"), func.coalesce(func.sum(Bill.amount).filter(late), 0).label("late"))
        .where(Bill.deleted_on.is_(None), Bill.status == literal_column("'unpaid'"), Bill.center_id.in_(ids),
               or_(Bill.due_date < as_of, late), Bill.household_id.not_in(gone))
        .group_by(Bill.center_id, Bill.household_id).subquery())
    whens = [(per_household.c.oldest <= bucket_cut(as_of, low), key)
             for key, low, _high in reversed(rules.BUCKETS) if low > 0]
    bucket = case(*whens, else_=rules.BUCKET_KEYS[0])
    stmt = (select(per_household.c.center_id, bucket, func.count(),
                   func.sum(per_household.c.total - per_household.c.late), func.sum(per_household.c.late))
            .where(per_household.c.total > 0)
            .group_by(per_household.c.center_id, bucket))
    aging = {key: {"bucket": key, "count": 0, "principal": ZERO, "late_fees": ZERO} for key in rules.BUCKET_KEYS}
    per_centre: dict[int, tuple[int, Decimal]] = {}
    for cid, key, count, principal, late_fees in db.session.execute(stmt):
        principal, late_fees = Decimal(principal or 0), Decimal(late_fees or 0)
        households, owed = per_centre.get(cid, (0, ZERO))
        per_centre[cid] = (households + count, owed + principal + late_fees)
        cell = aging[key]
        cell["count"] += count
        cell["principal"] += principal
        cell["late_fees"] += late_fees
    return per_centre, [aging[key] for key in rules.BUCKET_KEYS]


def _renovation(rows, ids, now: datetime) -> None:
    """Sites 施工中; the 巡查逾期 and 逾期未批 lists' entries (few rows: active sites only)."""
    for cid, n in db.session.execute(select(Renovation.center_id, func.count()).where(
            Renovation.deleted_on.is_(None), Renovation.center_id.in_(ids), Renovation.site_status == "in_progress")
            .group_by(Renovation.center_id)):
        rows[cid].renovations_in_progress = n
    for site, _day, _days in renovation_sites.inspection_overdue(now.date()):
        if site.center_id in rows:
            rows[site.center_id].inspections_overdue += 1
    for reno in renovation_sites.overdue_decisions(now):
        if reno.center_id in rows:
            rows[reno.center_id].decisions_overdue += 1


def _staffing(rows, ids, today: date, period: str) -> None:
    start, end = month_bounds(period)
    for cid, counts in staffing_figures.figures(ids, today, start.date(), end.date()).items():
        rows[cid].headcount, rows[cid].probation_due, rows[cid].leavers = counts
