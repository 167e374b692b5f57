"""`flask sla scan`: warn before a deadline passes, record breaches after,
escalate major complaints. Idempotent: one alert per order, clock and level."""

import hashlib
from datetime import date, timedelta

from sqlalchemy import select

from app import timeutil
from app.extensions import db
from app.models.work_orders import SlaAlert, WorkOrder
from app.services.work_orders import CLOCKS, CalendarsByCentre, clock_status
from app.workflows.work_orders import OPEN_STATES

WARN_BEFORE = timedelta(hours=1)

#: clock → role told about it (besides the assignee, who is told about their own clocks)
NOTIFY_ROLE = {
    "dispatch": "supervisor",
    "respond": "supervisor",
    "onsite": "supervisor",
    "complete": "supervisor",
    "callback": "frontdesk",
    "rework_arrange": "supervisor",  # the engineering supervisor re-arranges
}


def _candidates():
    return db.session.scalars(
        select(WorkOrder).where(
            WorkOrder.deleted_on.is_(None),
            WorkOrder.status.in_(OPEN_STATES | {"completed"}),
        )
    )


def scan(now=None, progress=None) -> dict[str, int]:
    now = now or timeutil.now()
    existing = set(db.session.execute(select(SlaAlert.order_id, SlaAlert.clock, SlaAlert.level)).all())
    counts = {"warning": 0, "breach": 0, "escalation": 0}
    calendars = CalendarsByCentre()
    for n, order in enumerate(_candidates(), start=1):
        for alert in _alerts_for(order, now, calendars):
            key = (order.id, alert.clock, alert.level)
            if key in existing:
                continue
            existing.add(key)
            db.session.add(alert)
            counts[alert.level] += 1
        if progress and n % 500 == 0:
            progress(n)
    db.session.commit()
    return counts


def _alerts_for(order: WorkOrder, now, calendars=None):
    if order.kind == "complaint" and order.severity == "major" and order.escalated_at is not None:
        yield _alert(order, "respond", "escalation", order.respond_due or now, now, "center_manager")
    for row in clock_status(order, now, calendars):
        if row["done"] is not None or row["clock"] not in CLOCKS:
            continue
        if row["met"] is False:
            yield _alert(order, row["clock"], "breach", row["due"], now, NOTIFY_ROLE[row["clock"]])
        elif row["due"] - now <= WARN_BEFORE:
            yield _alert(order, row["clock"], "warning", row["due"], now, NOTIFY_ROLE[row["clock"]])


def _alert(order, clock, level, due, now, role):
    return SlaAlert(order_id=order.id, center_id=order.center_id, clock=clock, level=level, due_at=due,
                    found_at=now, notify_role=role, notify_user_id=order.assignee_id)


def weekly_sample(center_id: int, week_start: date) -> list[WorkOrder]:
    """30 % (at least 3) of the repairs completed in the week before `week_start`,
    for the centre manager's own callbacks; the same week always gives the same pick."""
    start = week_start - timedelta(days=7)
    repairs = db.session.scalars(
        select(WorkOrder).where(
            WorkOrder.center_id == center_id, WorkOrder.kind == "repair", WorkOrder.deleted_on.is_(None),
            WorkOrder.completed_at >= start, WorkOrder.completed_at < week_start,
        ).order_by(WorkOrder.id)
    ).all()
    size = min(len(repairs), max(3, -(-len(repairs) * 3 // 10)))
    picked = sorted(repairs, key=lambda o: hashlib.sha256(f"{week_start}:{o.id}".encode()).hexdigest())[:size]
    for order in picked:
        order.sampled_on = week_start
    db.session.commit()
    return sorted(picked, key=lambda o: o.id)
