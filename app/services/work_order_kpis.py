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

from sqlalchemy import and_, func, select

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


def _count_by_center(center_ids, *criteria) -> dict[int, int]:
    """COUNT of live orders per centre (one GROUP BY query for any number of centres)."""
    rows = db.session.execute(
        select(WorkOrder.center_id, func.count()).where(WorkOrder.center_id.in_(center_ids),
                                                        WorkOrder.deleted_on.is_(None), *criteria)
        .group_by(WorkOrder.center_id))
    return dict(rows.all())


def _grouped(column, criteria) -> dict[int, dict]:
    """centre → {value of `column`: count}."""
    rows = db.session.execute(select(WorkOrder.center_id, column, func.count()).where(criteria)
                              .group_by(WorkOrder.center_id, column)).all()
    out: dict[int, dict] = {}
    for center_id, key, count in rows:
        out.setdefault(center_id, {})[key] = count
    return out


def monthly_kpis(center_id: int, period: str) -> MonthlyKpis:
    return kpis_by_center([center_id], period)[center_id]


def kpis_by_center(center_ids, period: str) -> dict[int, MonthlyKpis]:
    """The month's KPIs of each centre, in a fixed number of grouped queries (the KPI
    page and the dashboard use this one definition; the dashboard sums centres with
    `combined`)."""
    ids = list(center_ids)
    start, end = month_bounds(period)
    quick_repair = and_(WorkOrder.kind == "repair", WorkOrder.severity.in_(("emergency", "minor")))
    due_in_month = and_(quick_repair, WorkOrder.complete_due >= start, WorkOrder.complete_due < end)
    in_month = and_(WorkOrder.completed_at >= start, WorkOrder.completed_at < end)
    visited = and_(WorkOrder.visited_at >= start, WorkOrder.visited_at < end)
    counts = {
        "repairs_due": _count_by_center(ids, due_in_month),
        "repairs_on_time": _count_by_center(ids, due_in_month, WorkOrder.completed_at.is_not(None),
                                            WorkOrder.completed_at <= WorkOrder.complete_due),
        "repairs_completed": _count_by_center(ids, WorkOrder.kind == "repair", in_month),
        "completed": _count_by_center(ids, in_month),
        "called_back": _count_by_center(ids, in_month, WorkOrder.visited_at.is_not(None)),
        "callbacks": _count_by_center(ids, visited),
        "satisfied": _count_by_center(ids, visited, WorkOrder.satisfaction.in_(("satisfied", "basically"))),
    }
    callback_events = (
        select(WorkOrder.center_id, func.count())
        .select_from(WorkOrderEvent)
        .join(WorkOrder, WorkOrder.id == WorkOrderEvent.order_id)
        .where(WorkOrder.center_id.in_(ids), WorkOrder.kind == "repair", WorkOrderEvent.action == "callback",
               WorkOrderEvent.at >= start, WorkOrderEvent.at < end)
        .group_by(WorkOrder.center_id)
    )
    counts["repair_callbacks"] = dict(db.session.execute(callback_events).all())
    counts["repair_defects"] = dict(db.session.execute(
        callback_events.where(WorkOrderEvent.to_status == "rework")).all())
    received = and_(WorkOrder.center_id.in_(ids), WorkOrder.deleted_on.is_(None), WorkOrder.received_at >= start,
                    WorkOrder.received_at < end)
    by_kind, by_source = _grouped(WorkOrder.kind, received), _grouped(WorkOrder.source, received)
    out = {}
    for cid in ids:
        k = MonthlyKpis(cid, period, by_kind=by_kind.get(cid, {}), by_source=by_source.get(cid, {}))
        for name, per_center in counts.items():
            setattr(k, name, per_center.get(cid, 0))
        out[cid] = k
    return out


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
