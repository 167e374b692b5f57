"""待办: what waits for one user, computed live from the registers.

Each kind is one SELECT for the user (None when none of their roles owns that
kind), scoped to the user's centres; the menu badge counts them all in one
round trip (app/views/badges.py) and 待办与通知 lists the same rows. Who owns
what — the manuals' responsibilities, each item counted once:

- 待我审批: the role of the current approval step, in the step's scope (the
  engine's own inbox; a submitter never decides, so a submitter's overdue
  request is not their to-do — they are notified of the outcome instead).
- 派给我的工单: open work orders assigned to the user, whatever their role.
- 工单超时: open orders of the user's centres whose clock has passed, for
  the role the SLA scan tells (sla_scan.NOTIFY_ROLE): 主管 dispatch,
  response, on-site, completion and rework arrangement; 前台 the callback;
  服务中心经理 the escalated 重大 complaints still open. Orders assigned to
  the user are already under 派给我的工单 and are not counted again.
- 装修逾期未批: 服务中心经理 (owner of the 3-day decision) — pending
  applications past the deadline that are not already in their approval inbox.
- 装修巡查逾期 and 整改逾期: 维修/工程 (they inspect and re-inspect).
- 车位即将到期: 客服前台 (they renew rentals) — active rentals ending within 30 days.
- 未读通知: every user's unread event notifications (app/services/notifications.py).
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import lazyload, noload

from app import timeutil
from app.models.approvals import Approval
from app.models.parking import ParkingRental
from app.models.renovation import Renovation, RenovationInspection, RenovationRectification
from app.models.work_orders import WorkOrder
from app.security import center_scope, role_names
from app.services import approvals, notifications
from app.services.sla_scan import NOTIFY_ROLE
from app.workflows.renovation import INSPECTION_EVERY_DAYS
from app.workflows.work_orders import ANSWERABLE_KINDS, OPEN_STATES

EXPIRING_DAYS = 30


def _scoped(column, user) -> list:
    scope = center_scope(user)
    return [] if scope is None else [column.in_(scope)]


def _owns(user, role: str) -> bool:
    return role in role_names(user)


def assigned_orders(user):
    return (select(WorkOrder).options(noload(WorkOrder.events))
            .where(WorkOrder.assignee_id == user.id, WorkOrder.status.in_(OPEN_STATES),
                   WorkOrder.deleted_on.is_(None), *_scoped(WorkOrder.center_id, user))
            .order_by(WorkOrder.complete_due.asc().nulls_last(), WorkOrder.id))


def _clock_breaches(now) -> dict:
    """clock → SQL criteria "this order's clock has passed and is not done", as
    work_orders.clock_status sees it (the hand-counted test compares the two)."""
    is_open = WorkOrder.status.in_(OPEN_STATES)
    # 挂起 waits on the owner: the completion clock stands still, so a suspended order is late
    # only when its deadline had already passed when it was suspended.
    late_completion = or_(and_(WorkOrder.status != "suspended", WorkOrder.complete_due < now),
                          and_(WorkOrder.status == "suspended", WorkOrder.complete_due < WorkOrder.suspended_at))
    return {
        "dispatch": and_(WorkOrder.status == "accepted", WorkOrder.dispatched_at.is_(None),
                         WorkOrder.kind.not_in(ANSWERABLE_KINDS), WorkOrder.dispatch_due < now),
        "respond": and_(is_open, WorkOrder.responded_at.is_(None), WorkOrder.respond_due < now),
        "onsite": and_(is_open, WorkOrder.arrived_at.is_(None), WorkOrder.onsite_due < now),
        "complete": and_(is_open, WorkOrder.completed_at.is_(None), late_completion),
        "rework_arrange": and_(WorkOrder.status == "rework", WorkOrder.rework_due < now),
        "callback": and_(WorkOrder.status == "completed", WorkOrder.callback_due < now),
    }


def overdue_orders(user):
    roles = role_names(user)
    now = timeutil.now()
    breaches = _clock_breaches(now)
    criteria = [breaches[clock] for clock, role in NOTIFY_ROLE.items() if role in roles]
    if "center_manager" in roles:
        criteria.append(and_(WorkOrder.kind == "complaint", WorkOrder.severity == "major",
                             WorkOrder.escalated_at.is_not(None), WorkOrder.status.in_(OPEN_STATES)))
    if not criteria:
        return None
    return (select(WorkOrder).options(noload(WorkOrder.events))
            # the status list repeats what each clock says, so the (centre, status) index is used and
            # the closed orders — nearly all of them — are never read (perf, issue 8: every page counts this)
            .where(WorkOrder.status.in_(OPEN_STATES | {"completed"}), or_(*criteria),
                   WorkOrder.deleted_on.is_(None), *_scoped(WorkOrder.center_id, user),
                   or_(WorkOrder.assignee_id.is_(None), WorkOrder.assignee_id != user.id))
            .order_by(func.coalesce(WorkOrder.complete_due, WorkOrder.callback_due, WorkOrder.received_at),
                      WorkOrder.id))


def overdue_renovation_decisions(user):
    if not _owns(user, "center_manager"):
        return None
    in_inbox = approvals.inbox_query(user).order_by(None).with_only_columns(Approval.id)
    return (select(Renovation).options(lazyload(Renovation.approval))
            .where(Renovation.status == "pending", Renovation.decision_due_at < timeutil.now(),
                   Renovation.deleted_on.is_(None), *_scoped(Renovation.center_id, user),
                   or_(Renovation.approval_id.is_(None), Renovation.approval_id.not_in(in_inbox)))
            .order_by(Renovation.decision_due_at, Renovation.id))


def overdue_inspections(user):
    """Active sites with no inspection for more than 2 days (rules.inspection_overdue, in SQL)."""
    if not _owns(user, "technician"):
        return None
    today = timeutil.today()
    cutoff = today - timedelta(days=INSPECTION_EVERY_DAYS)
    inspections = select(RenovationInspection.id).where(RenovationInspection.renovation_id == Renovation.id,
                                                        RenovationInspection.deleted_on.is_(None))
    recent = inspections.where(RenovationInspection.inspected_at >= datetime.combine(cutoff, time()))
    started = func.coalesce(Renovation.work_started_on, Renovation.start_date)
    return (select(Renovation).options(lazyload(Renovation.approval))
            .where(Renovation.site_status == "in_progress", Renovation.deleted_on.is_(None),
                   *_scoped(Renovation.center_id, user), ~exists(recent),
                   or_(exists(inspections), started < cutoff))
            .order_by(started, Renovation.id))


def overdue_rectifications(user):
    if not _owns(user, "technician"):
        return None
    return (select(RenovationRectification).options(lazyload(RenovationRectification.renovation),
                                                     lazyload(RenovationRectification.inspection))
            .where(RenovationRectification.status == "open", RenovationRectification.deadline < timeutil.today(),
                   RenovationRectification.deleted_on.is_(None), *_scoped(RenovationRectification.center_id, user))
            .order_by(RenovationRectification.deadline, RenovationRectification.id))


def expiring_rentals(user):
    if not _owns(user, "frontdesk"):
        return None
    today = timeutil.today()
    return (select(ParkingRental)
            .where(ParkingRental.status == "active", ParkingRental.end_date >= today,
                   ParkingRental.end_date <= today + timedelta(days=EXPIRING_DAYS),
                   ParkingRental.deleted_on.is_(None), *_scoped(ParkingRental.center_id, user))
            .order_by(ParkingRental.end_date, ParkingRental.id))


def pending_approvals(user):
    return approvals.inbox_query(user).options(noload(Approval.steps), noload(Approval.events))


@dataclass(frozen=True)
class Kind:
    key: str
    label: object
    query: object  # fn(user) → SELECT of the rows, or None when the user's roles do not own this kind


#: the groups of 待办与通知, in page order (event notifications first: they are news)
KINDS = (
    Kind("notifications", _l("未读通知"), notifications.unread_query),
    Kind("approvals", _l("待我审批"), pending_approvals),
    Kind("overdue_orders", _l("工单超时"), overdue_orders),
    Kind("my_orders", _l("派给我的工单"), assigned_orders),
    Kind("renovation_decisions", _l("装修逾期未批"), overdue_renovation_decisions),
    Kind("renovation_inspections", _l("装修巡查逾期"), overdue_inspections),
    Kind("renovation_notices", _l("整改逾期"), overdue_rectifications),
    Kind("parking_expiring", _l("车位即将到期（30天内）"), expiring_rentals),
)

