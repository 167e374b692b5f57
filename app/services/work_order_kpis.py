"""Monthly KPIs of a centre, computed from the records (never stored counters).

零修急修及时率 = repairs (急修/小修) completed on time / those due in the month
维修合格率     = repair callbacks finding no defect / repair callbacks
返修率         = reworks / repairs completed in the month
回访率         = orders completed in the month and called back / completed
满意率         = callbacks 满意 or 基本满意 / callbacks in the month
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import and_, case, func, or_, select

from app.extensions import db
from app.models.work_orders import WorkOrder, WorkOrderEvent


def month_bounds(period: str) -> tuple[datetime, datetime]:
    """'2026-11' → [2026-11-01 00:00, 2026-12-01 00:00)."""
    try:
        year, month = (int(p) for p in period.split("-"))
        start = datetime(year, month, 1)
    except (ValueError, TypeError):
        raise ValueError("period must be YYYY-MM") from None
    end = datetime(year + month // 12, month % 12 + 1, 1)
    return start, end


def ratio(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class MonthlyKpis:
    center_id: int
    period: str
    repairs_due: int = 0
    repairs_on_time: int = 0
    repairs_completed: int = 0
    repair_callbacks: int = 0
    repair_defects: int = 0
    completed: int = 0
    called_back: int = 0
    callbacks: int = 0
    satisfied: int = 0
    by_kind: dict = field(default_factory=dict)
    by_source: dict = field(default_factory=dict)

    @property
    def timely_rate(self):
        return ratio(self.repairs_on_time, self.repairs_due)

    @property
    def pass_rate(self):
        return ratio(self.repair_callbacks - self.repair_defects, self.repair_callbacks)

    @property
    def rework_rate(self):
        return ratio(self.repair_defects, self.repairs_completed)

    @property
    def callback_rate(self):
        return ratio(self.called_back, self.completed)

    @property
    def satisfaction_rate(self):
        return ratio(self.satisfied, self.callbacks)


def _month_of(column, bounds):
    """The WHERE (the months' spans) and the label (which month) of `column`, so that
    one GROUP BY query counts several months at once."""
    spans = or_(*(and_(column >= start, column < end) for start, end in _merged(b for _p, b in bounds)))
    label = case(*((column >= start, period) for period, (start, _end) in sorted(
        bounds, key=lambda b: b[1][0], reverse=True)), else_=None)
    return spans, label


def _merged(spans) -> list[tuple]:
    """Adjacent months as one range (one index range scan instead of an OR)."""
    out: list[list] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [tuple(span) for span in out]


def _counts(ids, bounds, column, *counts, where=(), select_from=WorkOrder, joins=(), live=True):
    """{(centre, month): (count, …)} of the rows whose `column` falls in the months."""
    spans, label = _month_of(column, bounds)
    stmt = select(WorkOrder.center_id, label, *counts).select_from(select_from)
    for target, on in joins:
        stmt = stmt.join(target, on)
    stmt = stmt.where(WorkOrder.center_id.in_(ids), spans, *where, *((WorkOrder.deleted_on.is_(None),) if live else ()))
    return {(cid, period): values for cid, period, *values in db.session.execute(
        stmt.group_by(WorkOrder.center_id, label))}


def monthly_kpis(center_id: int, period: str) -> MonthlyKpis:
    return kpis_by_center([center_id], period)[center_id]


def kpis_by_center(center_ids, period: str, breakdown: bool = True) -> dict[int, MonthlyKpis]:
    """The month's KPIs of each centre (the KPI page and the dashboard use this one
    definition; the dashboard sums centres with `combined`)."""
    return kpis_by_period(center_ids, [period], breakdown)[period]


def kpis_by_period(center_ids, periods, breakdown: bool = True) -> dict[str, dict[int, MonthlyKpis]]:
    """period → centre → KPIs, in a fixed number of grouped queries whatever the
    centres and months: one per date the KPIs count by (complete_due, completed_at,
    visited_at, the callback events' time), each read from its covering index
    (perf_indexes.DASHBOARD_INDEXES); `breakdown` adds by_kind/by_source of the
    orders received (the KPI page shows them, the dashboard does not)."""
    ids, periods = list(center_ids), list(dict.fromkeys(periods))
    bounds = [(p, month_bounds(p)) for p in periods]
    quick_repair = and_(WorkOrder.kind == "repair", WorkOrder.severity.in_(("emergency", "minor")))
    on_time = and_(WorkOrder.completed_at.is_not(None), WorkOrder.completed_at <= WorkOrder.complete_due)
    due = _counts(ids, bounds, WorkOrder.complete_due, func.count(), func.count().filter(on_time),
                  where=(quick_repair,))
    done = _counts(ids, bounds, WorkOrder.completed_at, func.count().filter(WorkOrder.kind == "repair"),
                   func.count(), func.count().filter(WorkOrder.visited_at.is_not(None)))
    visits = _counts(ids, bounds, WorkOrder.visited_at, func.count(),
                     func.count().filter(WorkOrder.satisfaction.in_(("satisfied", "basically"))))
    events = _counts(ids, bounds, WorkOrderEvent.at, func.count(),
                     func.count().filter(WorkOrderEvent.to_status == "rework"),
                     where=(WorkOrder.kind == "repair", WorkOrderEvent.action == "callback"),
                     select_from=WorkOrderEvent, joins=((WorkOrder, WorkOrder.id == WorkOrderEvent.order_id),),
                     live=False)
    out = {p: {cid: MonthlyKpis(cid, p) for cid in ids} for p in periods}
    for figures, names in ((due, ("repairs_due", "repairs_on_time")),
                           (done, ("repairs_completed", "completed", "called_back")),
                           (visits, ("callbacks", "satisfied")),
                           (events, ("repair_callbacks", "repair_defects"))):
        for (cid, period), values in figures.items():
            for name, value in zip(names, values, strict=True):
                setattr(out[period][cid], name, value)
    if breakdown:
        _breakdown(ids, bounds, out)
    return out


def _breakdown(ids, bounds, out) -> None:
    """by_kind and by_source of the orders received in each month."""
    spans, label = _month_of(WorkOrder.received_at, bounds)
    for attr, column in (("by_kind", WorkOrder.kind), ("by_source", WorkOrder.source)):
        rows = db.session.execute(
            select(WorkOrder.center_id, label, column, func.count())
            .where(WorkOrder.center_id.in_(ids), WorkOrder.deleted_on.is_(None), spans)
            .group_by(WorkOrder.center_id, label, column))
        for cid, period, key, count in rows:
            getattr(out[period][cid], attr)[key] = count


COUNT_FIELDS = ("repairs_due", "repairs_on_time", "repairs_completed", "repair_callbacks", "repair_defects",
                "completed", "called_back", "callbacks", "satisfied")


def combined(rows, center_id=None, period: str = "") -> MonthlyKpis:
    """Several centres' KPIs as one: counts summed, rates computed from the sums
    (not an average of rates, which would weigh a small centre like a big one)."""
    total = MonthlyKpis(center_id, period)
    for k in rows:
        for name in COUNT_FIELDS:
            setattr(total, name, getattr(total, name) + getattr(k, name))
        for mine, theirs in ((total.by_kind, k.by_kind), (total.by_source, k.by_source)):
            for key, n in theirs.items():
                mine[key] = mine.get(key, 0) + n
    return total
