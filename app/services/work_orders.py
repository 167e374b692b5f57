"""Work-order desk rules: intake, transitions, SLA deadlines, scan, KPIs.

`transition(order, action, actor=…, **details)` is the one entry point for
every state change (web action, REST endpoint, CLI): it checks the state
machine (app/workflows/work_orders.py), the actor's role, centre and — for
technicians — that the order is theirs, then records the change, recomputes
the deadlines and writes the transition log, in one commit.
"""

from datetime import datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select, text

from app import timeutil
from app.errors import DomainError, NotFound
from app.extensions import db
from app.i18n import join_list
from app.models.estate import Household, ServiceCenter, Unit
from app.models.work_orders import Holiday, SlaPolicy, WorkCalendar, WorkOrder, WorkOrderEvent
from app.security import COMPANY_WIDE_ROLES, in_scope, role_names
from app.services import notifications, records
from app.services.approvals import NotAllowed, WorkflowError
from app.validators import check_phone
from app.workflows import sla
from app.workflows.work_orders import (
    ANSWERABLE_KINDS,
    DESK,
    KINDS,
    OPEN_STATES,
    SEVERITIES,
    SOURCES,
    STATES,
    TECHNICAL_KINDS,
    TRANSITIONS,
)


def _technician_only(user) -> bool:
    roles = role_names(user)
    return "technician" in roles and not roles & (DESK | COMPANY_WIDE_ROLES)


def _own_orders_only(user):
    """A technician sees only the orders assigned to them."""
    return [WorkOrder.assignee_id == user.id] if _technician_only(user) else []


records.ROW_FILTERS[WorkOrder] = _own_orders_only


# -- intake --------------------------------------------------------------------

def before_save(order: WorkOrder) -> None:
    """Intake and edits of the descriptive fields (state changes go through transition)."""
    with db.session.no_autoflush:
        _link_household_and_unit(order)
        records.resolve_center(order)
        _validate(order)
        if order.id is None:
            now = timeutil.now()
            order.received_at = now
            order.status = "accepted"
            order.order_no = order.order_no or next_order_no(now)
            if order.kind == "complaint" and order.severity == "major":
                order.escalated_at = now  # 重大投诉 goes to the centre manager at once
        refresh_deadlines(order)


def before_delete(order: WorkOrder) -> None:
    if order.status != "accepted":
        raise WorkflowError(_("已派工的工单不能删除，只能按流程处理或关闭"))
    records.soft_delete(order)


def _link_household_and_unit(order: WorkOrder) -> None:
    """The household decides the unit; a public repair may name only a unit."""
    household = records.scoped_get(Household, order.household.id if order.household else order.household_id)
    if (order.household or order.household_id) and household is None:
        raise NotFound(_("所选业户不存在或不在您的服务中心范围内"))
    if household is not None:
        order.household = household
        order.unit = household.unit
        order.contact_name = order.contact_name or household.name
        order.contact_phone = order.contact_phone or household.phone
        order.center_id = household.center_id
        return
    unit = records.scoped_get(Unit, order.unit.id if order.unit else order.unit_id)
    if (order.unit or order.unit_id) and unit is None:
        raise NotFound(_("所选房屋单元不存在或不在您的服务中心范围内"))
    if unit is not None:
        order.unit = unit
        order.center_id = unit.center_id


def _validate(order: WorkOrder) -> None:
    for column in ("severity", "repair_scope", "department", "contact_phone"):
        if getattr(order, column) == "":
            setattr(order, column, None)  # an empty select means "not given"
    if order.kind != "repair":
        order.repair_scope = None
    if order.kind not in KINDS:
        raise DomainError(_("工单类型不正确"))
    if order.source not in SOURCES:
        raise DomainError(_("请选择来源"))
    allowed = SEVERITIES.get(order.kind)
    if allowed is not None and order.severity not in allowed:
        raise DomainError(_("请选择紧急程度：%(choices)s", choices=join_list(allowed.values())))
    if allowed is None:
        order.severity = None
    if order.kind == "repair" and order.repair_scope not in ("public", "indoor"):
        raise DomainError(_("报修请选择公共或户内"))
    if order.kind == "repair" and order.repair_scope == "indoor" and order.unit is None:
        raise DomainError(_("户内报修请选择业户或房屋单元"))
    if not (order.description or "").strip():
        raise DomainError(_("请填写问题描述"))
    if order.contact_phone:
        try:
            order.contact_phone = check_phone(order.contact_phone)
        except ValueError as e:
            raise DomainError(str(e)) from None
    if order.quoted_price is not None and order.quoted_price < 0:
        raise DomainError(_("报价不能为负数"))
    if order.center_id is None:
        raise DomainError(_("请选择服务中心或业户"))


#: PostgreSQL advisory-lock key of work-order numbering (any constant unique to this use).
ORDER_NO_LOCK = 0x574F4E4F  # "WONO"


def next_order_no(now: datetime) -> str:
    """WO + yymmdd + a 4-digit sequence of the day, across all centres. Creators take
    numbers one at a time until they commit: two desks saving at once used to read the
    same maximum and the second one's insert failed on the unique index (a 500 found by
    the load test, issue 9 §4)."""
    _serialise_numbering()
    prefix = f"WO{now:%y%m%d}"
    last = db.session.scalar(select(func.max(WorkOrder.order_no)).where(WorkOrder.order_no.like(prefix + "%")))
    seq = int(last[len(prefix):]) + 1 if last else 1
    return f"{prefix}{seq:04d}"


def _serialise_numbering() -> None:
    """PostgreSQL: a transaction-scoped advisory lock. SQLite: any write takes the one
    database write lock, held to commit, so a no-op UPDATE of one centre row does."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ORDER_NO_LOCK})
    else:
        first = db.session.scalar(select(ServiceCenter.id).order_by(ServiceCenter.id).limit(1))
        records.lock_rows(ServiceCenter, [first] if first else [])


# -- transitions ---------------------------------------------------------------

def transition(order: WorkOrder, action: str, *, actor, reason: str = "", **details) -> WorkOrder:
    t = TRANSITIONS.get(action)
    if t is None:
        raise WorkflowError(_("未知的工单操作"))
    if not in_scope(order.center_id, actor):
        raise NotFound(_("工单不存在或不在您的服务中心范围内"))
    if order.status not in t.sources:
        raise WorkflowError(_("工单当前状态为“%(state)s”，不能执行“%(action)s”",
                              state=STATES[order.status], action=t.label))
    if not role_names(actor) & (t.roles | {"admin"}):
        raise NotAllowed(_("您的角色不能执行“%(action)s”", action=t.label))
    if t.assignee_only and _technician_only(actor) and order.assignee_id != actor.id:
        raise NotAllowed(_("只能处理派给您本人的工单"))
    reason = (reason or "").strip()
    if t.reason_required and not reason:
        raise WorkflowError(_("“%(action)s”需要填写原因", action=t.label))
    if action == "answer" and order.kind not in ANSWERABLE_KINDS:
        raise WorkflowError(_("报修、投诉和有偿服务须派工处理，不能直接答复办结"))
    now = timeutil.now()
    before = order.status
    target = _APPLY[action](order, now, actor=actor, reason=reason, **details) or t.target
    order.status = target
    if order.responded_at is None and action in ("dispatch", "answer"):
        order.responded_at = now
    refresh_deadlines(order)
    if action in ("dispatch", "transfer"):
        notifications.order_assigned(order, actor)
    order.events.append(WorkOrderEvent(at=now, actor_id=actor.id, actor_name=actor.username, action=action,
                                       from_status=before, to_status=target, reason=reason or None))
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return order


ASSIGNEE_ROLES = frozenset({"technician"}) | DESK


def _assignee(order, user_id):
    """Repairs and paid services go to maintenance staff; complaints and requests
    may also go to desk staff or a supervisor of the responsible department."""
    from flask import current_app

    user = current_app.appbuilder.sm.get_user_by_id(user_id) if user_id else None
    roles = role_names(user) if user is not None else set()
    allowed = {"technician"} if order.kind in TECHNICAL_KINDS else ASSIGNEE_ROLES
    if user is None or not user.active or not roles & allowed:
        if order.kind in TECHNICAL_KINDS:
            raise DomainError(_("请选择一名在职的维修/工程人员"))
        raise DomainError(_("请选择一名在职的处理人"))
    if not in_scope(order.center_id, user):
        raise DomainError(_("该处理人不属于本服务中心"))
    return user


def _dispatch(order, now, *, assignee_id=None, **_details):
    user = _assignee(order, assignee_id)
    order.assignee_id = user.id
    if order.status == "rework":
        order.rework_dispatched_at = now
    else:
        order.dispatched_at = order.dispatched_at or now  # a transfer keeps the first dispatch


def _transfer(order, now, *, assignee_id=None, **_details):
    if assignee_id and int(assignee_id) == order.assignee_id:
        raise DomainError(_("转单请选择另一名维修人员"))
    _dispatch(order, now, assignee_id=assignee_id)


def _return(order, now, **_details):
    order.assignee_id = None


def _start(order, now, **_details):
    order.arrived_at = order.arrived_at or now


def _agreed(agreed_at, now):
    if agreed_at is None:
        raise DomainError(_("请填写与业主约定的时间"))
    if isinstance(agreed_at, str):
        try:
            agreed_at = datetime.fromisoformat(agreed_at)
        except ValueError:
            raise DomainError(_("约定时间格式不正确")) from None
    if agreed_at <= now:
        raise DomainError(_("约定时间必须晚于现在"))
    return agreed_at


def _reschedule(order, now, *, agreed_at=None, **_details):
    order.agreed_at = _agreed(agreed_at, now)


def _suspend(order, now, *, agreed_at=None, reason="", **_details):
    order.agreed_at = _agreed(agreed_at, now)
    order.suspended_at = now
    order.suspend_reason = reason
    return "suspended"


def _resume(order, now, **_details):
    if order.suspended_at is not None:
        order.paused_minutes += int((now - order.suspended_at).total_seconds() // 60)
    order.suspended_at = None
    return "in_progress" if order.arrived_at else "dispatched"


def _complete(order, now, **_details):
    if order.rework_count and order.completed_at is not None:
        order.rework_completed_at = now  # the first completion stays for the on-time KPI
    else:
        order.completed_at = now


def _callback(order, now, *, actor, satisfaction=None, method=None, owner_signed=False, defect=False,
              note="", **_details):
    if satisfaction not in ("satisfied", "basically", "unsatisfied"):
        raise DomainError(_("请选择满意度：满意、基本满意或不满意"))
    if method not in ("phone", "visit"):
        raise DomainError(_("请选择回访方式：电话或上门"))
    if method == "visit" and not owner_signed:
        raise DomainError(_("上门回访需业主签字确认"))
    order.satisfaction, order.callback_method, order.owner_signed = satisfaction, method, bool(owner_signed)
    order.callback_note = note or None
    order.callback_by_id = actor.id
    order.visited_at = now
    if defect:
        order.rework_count += 1
        order.callback_at = now
        order.assignee_id = None
        return "rework"
    return "visited"


def _close(order, now, **_details):
    order.closed_at = now


_APPLY = {
    "dispatch": _dispatch, "transfer": _transfer, "return": _return, "start": _start,
    "reschedule": _reschedule, "suspend": _suspend, "resume": _resume, "complete": _complete,
    "answer": _complete, "callback": _callback, "close": _close,
}


# -- deadlines -----------------------------------------------------------------

def policy_for(kind: str, severity: str | None) -> sla.Policy:
    rows = db.session.scalars(select(SlaPolicy).where(SlaPolicy.kind == kind)).all()
    row = next((r for r in rows if r.severity == severity), None) or next((r for r in rows if r.severity is None), None)
    if row is None:
        return sla.default_policy(kind, severity)
    return sla.Policy(
        dispatch_minutes=row.dispatch_minutes, respond_minutes=row.respond_minutes,
        onsite_minutes=row.onsite_minutes, complete_hours=row.complete_hours,
        response_working_hours=row.response_working_hours, response_outside_hours=row.response_outside_hours,
        callback_working_days=row.callback_working_days, callback_max_hours=row.callback_max_hours,
        rework_arrange_hours=row.rework_arrange_hours,
        return_working_hours=sla.default_policy(kind, severity).return_working_hours,
    )


def calendar_for(center_id: int) -> sla.Calendar:
    return calendars_for({center_id})[center_id]


def calendars_for(center_ids) -> dict[int, sla.Calendar]:
    """Each centre's working calendar, from two queries whatever the number of centres (a desk
    page's return clocks need one per centre on the page, not one per returned complaint)."""
    ids = set(center_ids)
    if not ids:
        return {}
    cals = {c.center_id: c for c in db.session.scalars(select(WorkCalendar).where(WorkCalendar.center_id.in_(ids)))}
    holidays: dict[int | None, set] = {}
    for center, day in db.session.execute(select(Holiday.center_id, Holiday.day).where(
            Holiday.center_id.is_(None) | Holiday.center_id.in_(ids))):
        holidays.setdefault(center, set()).add(day)
    out = {}
    for cid in ids:
        days = frozenset(holidays.get(None, set()) | holidays.get(cid, set()))
        cal = cals.get(cid)
        out[cid] = sla.Calendar(holidays=days) if cal is None else sla.Calendar(
            start=cal.start or time(8, 30), end=cal.end or time(17, 30),
            weekdays=frozenset(int(d) for d in cal.weekdays), holidays=days)
    return out


class CalendarsByCentre(dict):
    """center_id → Calendar, each read on first use and kept: for clock_status over many
    orders of a few centres (the SLA scan), one lookup per centre, not per returned complaint."""

    def __missing__(self, center_id):
        self[center_id] = calendar_for(center_id)
        return self[center_id]


def refresh_deadlines(order: WorkOrder) -> None:
    due = sla.deadlines(
        sla.OrderTimes(order.kind, order.severity, order.received_at, agreed_at=order.agreed_at,
                       completed_at=order.last_completed_at, callback_at=order.callback_at,
                       paused_minutes=order.paused_minutes or 0),
        policy_for(order.kind, order.severity),
        calendar_for(order.center_id),
    )
    order.dispatch_due = due.get("dispatch")
    order.respond_due = due.get("respond")
    order.onsite_due = due.get("onsite")
    order.complete_due = due.get("complete")
    order.callback_due = due.get("callback")
    order.rework_due = due.get("rework_arrange")


#: clock → (due column, done column)
CLOCKS = {
    "dispatch": ("dispatch_due", "dispatched_at"),
    "respond": ("respond_due", "responded_at"),
    "onsite": ("onsite_due", "arrived_at"),
    "complete": ("complete_due", "completed_at"),
    "callback": ("callback_due", "visited_at"),
    "rework_arrange": ("rework_due", "rework_dispatched_at"),
}


def clock_status(order: WorkOrder, now: datetime | None = None, calendars: dict | None = None) -> list[dict]:
    """Each deadline of the order and whether it was met (for the detail page and API).
    `calendars` (center_id → Calendar, from calendars_for) spares a list the lookups per row."""
    now = now or timeutil.now()
    rows = []
    for clock, (due_col, done_col) in CLOCKS.items():
        due = getattr(order, due_col)
        if due is None:
            continue
        done = getattr(order, done_col)
        if clock == "dispatch" and done is None and order.kind in ANSWERABLE_KINDS:
            continue  # the desk answers these itself; the 1-hour response clock applies
        if clock == "rework_arrange" and done is not None and order.callback_at and done < order.callback_at:
            done = None
        if clock == "callback" and done is not None and order.rework_completed_at and order.callback_at \
                and done <= order.callback_at:
            done = None  # that callback found the defect; the rework needs a callback of its own
        if clock == "complete" and done is None and order.suspended_at is not None:
            due = due + (now - order.suspended_at)  # waiting on the owner: the clock is paused
        rows.append({"clock": clock, "due": due, "done": done, "met": sla.met(due, done, now)})
    rows.extend(_return_clock(order, now, calendars))
    return rows


def _return_clock(order: WorkOrder, now: datetime, calendars: dict | None = None) -> list[dict]:
    """A department that cannot handle a complaint sends it back within half a
    working day of receiving it (shown for the latest return, if any)."""
    returns = [e for e in order.events if e.action == "return"]
    if not returns:  # most orders: no policy lookup (the desk lists hundreds of orders)
        return []
    hours = sla.default_policy(order.kind, order.severity).return_working_hours  # not stored per centre
    if not hours:
        return []
    back = returns[-1]
    dispatched = [e.at for e in order.events if e.action in ("dispatch", "transfer") and e.at <= back.at]
    if not dispatched:
        return []
    calendar = calendars[order.center_id] if calendars is not None else calendar_for(order.center_id)
    due = calendar.add_working_minutes(dispatched[-1], hours * 60)
    return [{"clock": "return", "due": due, "done": back.at, "met": sla.met(due, back.at, now)}]


def overdue_ids(orders, now: datetime) -> set[int]:
    """The ids of the orders with a missed deadline, the return clock included. The page's
    calendars are read up front, so a page's queries are the same whether or not it holds a
    returned complaint (perf, issue 8: tests/integration/test_query_counts.py)."""
    calendars = calendars_for({o.center_id for o in orders})
    return {o.id for o in orders if any(c["met"] is False for c in clock_status(o, now, calendars))}


def technician_load(center_ids) -> dict[int, int]:
    """Open orders per assignee — the desk sees each technician's load before dispatching."""
    # coalesce(assignee, 0): "assigned" is > 0 (ids start at 1) and the grouping is the same, but
    # SQLite's planner is not offered the assignee index, which it would walk over a million closed
    # orders instead of looking up the few open ones by status (perf, issue 8).
    assignee = func.coalesce(WorkOrder.assignee_id, 0)
    stmt = (
        select(assignee, func.count())
        .where(WorkOrder.status.in_(OPEN_STATES), assignee > 0, WorkOrder.deleted_on.is_(None))
        .group_by(assignee)
    )
    if center_ids is not None:
        stmt = stmt.where(WorkOrder.center_id.in_(center_ids))
    return dict(db.session.execute(stmt).all())


def day_start(now: datetime) -> datetime:
    return datetime.combine(now.date(), time())


def due_within(hours: float, now: datetime | None = None):
    """Criteria: open orders with a deadline in the next `hours` (the desk's "due within 1 h")."""
    now = now or timeutil.now()
    horizon = now + timedelta(hours=hours)
    return (WorkOrder.status.in_(OPEN_STATES), WorkOrder.complete_due.between(now, horizon))
