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


def _count(*criteria) -> int:
    return db.session.scalar(select(func.count()).select_from(WorkOrder).where(WorkOrder.deleted_on.is_(None),
                                                                               *criteria))


def _grouped(column, criteria) -> dict:
    rows = db.session.execute(select(column, func.count()).where(criteria).group_by(column)).all()
    return {key: count for key, count in rows}


def monthly_kpis(center_id: int, period: str) -> MonthlyKpis:
    start, end = month_bounds(period)
    k = MonthlyKpis(center_id, period)
    here = WorkOrder.center_id == center_id
    quick_repair = and_(WorkOrder.kind == "repair", WorkOrder.severity.in_(("emergency", "minor")))
    k.repairs_due = _count(here, quick_repair, WorkOrder.complete_due >= start, WorkOrder.complete_due < end)
    k.repairs_on_time = _count(here, quick_repair, WorkOrder.complete_due >= start, WorkOrder.complete_due < end,
                               WorkOrder.completed_at.is_not(None), WorkOrder.completed_at <= WorkOrder.complete_due)
    in_month = and_(WorkOrder.completed_at >= start, WorkOrder.completed_at < end)
    k.repairs_completed = _count(here, WorkOrder.kind == "repair", in_month)
    k.completed = _count(here, in_month)
    k.called_back = _count(here, in_month, WorkOrder.visited_at.is_not(None))
    k.callbacks = _count(here, WorkOrder.visited_at >= start, WorkOrder.visited_at < end)
    k.satisfied = _count(here, WorkOrder.visited_at >= start, WorkOrder.visited_at < end,
                         WorkOrder.satisfaction.in_(("satisfied", "basically")))
    callback_events = (
        select(func.count())
        .select_from(WorkOrderEvent)
        .join(WorkOrder, WorkOrder.id == WorkOrderEvent.order_id)
        .where(here, WorkOrder.kind == "repair", WorkOrderEvent.action == "callback",
               WorkOrderEvent.at >= start, WorkOrderEvent.at < end)
    )
    k.repair_callbacks = db.session.scalar(callback_events)
    k.repair_defects = db.session.scalar(callback_events.where(WorkOrderEvent.to_status == "rework"))
    received = and_(here, WorkOrder.deleted_on.is_(None), WorkOrder.received_at >= start, WorkOrder.received_at < end)
    k.by_kind = _grouped(WorkOrder.kind, received)
    k.by_source = _grouped(WorkOrder.source, received)
    return k
