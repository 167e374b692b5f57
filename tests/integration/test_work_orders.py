"""DESIGN "Work orders": intake, the state machine with a refusal for every
illegal transition and wrong role, technicians limited to their own orders,
pauses, reopen (返修), escalation, SLA scan idempotence, and KPIs on a
hand-computed fixture month."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from flask import g

from app import timeutil
from app.errors import DomainError
from app.extensions import db
from app.models.work_orders import SlaAlert, WorkOrder
from app.services import sla_scan
from app.services import work_orders as wo
from app.services.approvals import NotAllowed, WorkflowError
from app.services.work_order_kpis import monthly_kpis
from app.workflows.work_orders import TRANSITIONS
from tests import factories


def _user(app, name):
    return app.appbuilder.sm.find_user(username=name)


@pytest.fixture()
def as_user(app):
    """Run service calls as a given user inside a request context."""
    ctxs = []

    def enter(name):
        ctx = app.test_request_context()
        ctx.push()
        ctxs.append(ctx)
        g.user = _user(app, name)
        return g.user

    yield enter
    for ctx in reversed(ctxs):
        db.session.remove()
        ctx.pop()


def new_order(kind="repair", severity="minor", center="SC01", **kw):
    household = kw.pop("household", None) or factories.household(center)
    order = WorkOrder(kind=kind, severity=severity, source=kw.pop("source", "phone"),
                      repair_scope=kw.pop("repair_scope", "indoor" if kind == "repair" else None),
                      household_id=household.id, description=kw.pop("description", "厨房水龙头漏水"), **kw)
    wo.before_save(order)
    db.session.add(order)
    db.session.commit()
    return order


def test_intake_fills_contact_centre_number_and_deadlines(app, as_user):
    as_user("frontdesk1")
    o = new_order()
    assert o.status == "accepted" and o.order_no.startswith("WO")
    assert o.contact_name == o.household.name and o.center_id == o.household.center_id
    assert o.dispatch_due == o.received_at + timedelta(minutes=5)
    assert o.respond_due == o.received_at + timedelta(hours=1)
    assert o.onsite_due == o.received_at + timedelta(minutes=15)
    assert o.complete_due == o.received_at + timedelta(hours=24)


@pytest.mark.parametrize("kind,severity,message", [
    ("repair", "major", "紧急程度"), ("complaint", "minor_x", "紧急程度"), ("other", None, "类型"),
])
def test_intake_refuses_bad_kind_or_severity(app, as_user, kind, severity, message):
    as_user("frontdesk1")
    with pytest.raises(DomainError, match=message):
        new_order(kind=kind, severity=severity)


def test_full_repair_lifecycle(app, as_user):
    desk = as_user("frontdesk1")
    o = new_order()
    tech = _user(app, "technician1")
    wo.transition(o, "dispatch", actor=desk, assignee_id=tech.id)
    as_user("technician1")
    wo.transition(o, "start", actor=tech)
    wo.transition(o, "complete", actor=tech)
    wo.transition(o, "callback", actor=desk, satisfaction="satisfied", method="phone")
    wo.transition(o, "close", actor=desk)
    assert o.status == "closed"
    assert [e.action for e in o.events] == ["dispatch", "start", "complete", "callback", "close"]
    assert all(e.at and e.actor_name for e in o.events)
    assert {c["clock"]: c["met"] for c in wo.clock_status(o)}["complete"] is True


@pytest.mark.parametrize("state,action", [
    ("accepted", "start"), ("accepted", "complete"), ("accepted", "callback"), ("accepted", "close"),
    ("dispatched", "complete"), ("dispatched", "close"), ("completed", "dispatch"), ("closed", "dispatch"),
    ("visited", "complete"),
])
def test_illegal_transitions_are_refused(app, as_user, state, action):
    admin = as_user("admin1")
    o = new_order()
    o.status = state
    db.session.commit()
    with pytest.raises(WorkflowError, match="不能执行"):
        wo.transition(o, action, actor=admin, reason="x", assignee_id=_user(app, "technician1").id)
    assert db.session.get(WorkOrder, o.id).status == state


@pytest.mark.parametrize("username,action", [
    ("technician1", "dispatch"), ("cashier1", "dispatch"), ("frontdesk1", "transfer"), ("frontdesk1", "return"),
])
def test_wrong_roles_are_refused(app, as_user, username, action):
    desk = as_user("frontdesk1")
    o = new_order()
    if action in ("transfer", "return"):
        wo.transition(o, "dispatch", actor=desk, assignee_id=_user(app, "technician1").id)
    actor = as_user(username)
    with pytest.raises(NotAllowed):
        wo.transition(o, action, actor=actor, reason="原因", assignee_id=_user(app, "technician1").id)


def _second_technician(app):
    sm = app.appbuilder.sm
    user = sm.find_user(username="technician_b")
    if user is None:
        user = sm.add_user("technician_b", "维修", "乙", "techb@demo.invalid", sm.find_role("technician"),
                           password="Technician-b-2026")
        user.centers = [factories.center("SC01")]
        db.session.commit()
    return user


def test_technician_acts_only_on_own_orders_and_sees_only_them(app, as_user, logged_in):
    desk = as_user("frontdesk1")
    other = _second_technician(app)
    mine, theirs = new_order(), new_order()
    wo.transition(mine, "dispatch", actor=desk, assignee_id=_user(app, "technician1").id)
    wo.transition(theirs, "dispatch", actor=desk, assignee_id=other.id)
    tech = as_user("technician1")
    with pytest.raises(NotAllowed, match="派给您本人"):
        wo.transition(theirs, "start", actor=tech)
    page = logged_in("technician1").get("/workorderview/list/?psize_WorkOrderView=100").get_data(as_text=True)
    assert mine.order_no in page and theirs.order_no not in page


def test_return_and_transfer_need_a_reason(app, as_user):
    desk = as_user("frontdesk1")
    o = new_order()
    tech = _user(app, "technician1")
    wo.transition(o, "dispatch", actor=desk, assignee_id=tech.id)
    with pytest.raises(WorkflowError, match="原因"):
        wo.transition(o, "return", actor=as_user("technician1"))
    wo.transition(o, "return", actor=tech, reason="不是我的专业")
    assert o.status == "accepted" and o.assignee_id is None
    sup = as_user("supervisor1")
    wo.transition(o, "dispatch", actor=sup, assignee_id=tech.id)
    with pytest.raises(WorkflowError, match="原因"):
        wo.transition(o, "transfer", actor=sup, assignee_id=_second_technician(app).id)
    wo.transition(o, "transfer", actor=sup, reason="工作量调整", assignee_id=_second_technician(app).id)
    assert o.assignee_id == _second_technician(app).id


def test_suspend_pauses_the_completion_clock(app, as_user, monkeypatch):
    desk = as_user("frontdesk1")
    o = new_order()
    tech = _user(app, "technician1")
    wo.transition(o, "dispatch", actor=desk, assignee_id=tech.id)
    wo.transition(o, "start", actor=as_user("technician1"))
    due_before = o.complete_due
    with pytest.raises(WorkflowError, match="原因"):
        wo.transition(o, "suspend", actor=tech, agreed_at=timeutil.now() + timedelta(days=1))
    start = timeutil.now()
    wo.transition(o, "suspend", actor=tech, reason="缺配件", agreed_at=start + timedelta(hours=3))
    monkeypatch.setattr(timeutil, "now", lambda: start + timedelta(hours=3))
    wo.transition(o, "resume", actor=tech)
    assert o.status == "in_progress" and o.paused_minutes == 180
    assert o.complete_due == due_before + timedelta(minutes=180)


def test_callback_with_defect_reopens_as_rework_due_in_24_hours(app, as_user):
    desk = as_user("frontdesk1")
    o = new_order()
    tech = _user(app, "technician1")
    wo.transition(o, "dispatch", actor=desk, assignee_id=tech.id)
    wo.transition(o, "start", actor=tech)
    wo.transition(o, "complete", actor=tech)
    with pytest.raises(DomainError, match="业主签字"):
        wo.transition(o, "callback", actor=desk, satisfaction="unsatisfied", method="visit")
    wo.transition(o, "callback", actor=desk, satisfaction="unsatisfied", method="phone", defect=True)
    assert o.status == "rework" and o.rework_count == 1
    assert o.rework_due == o.callback_at + timedelta(hours=24)
    wo.transition(o, "dispatch", actor=as_user("supervisor1"), assignee_id=tech.id)
    assert o.status == "dispatched"


def test_major_complaint_escalates_to_the_centre_manager(app, as_user):
    as_user("frontdesk1")
    o = new_order(kind="complaint", severity="major", description="物业服务态度差")
    assert o.escalated_at is not None
    counts = sla_scan.scan()
    assert counts["escalation"] >= 1
    alert = db.session.query(SlaAlert).filter_by(order_id=o.id, level="escalation").one()
    assert alert.notify_role == "center_manager"


def test_sla_scan_warns_before_and_records_breaches_idempotently(app, as_user):
    as_user("frontdesk1")
    o = new_order()
    now = o.received_at
    sla_scan.scan(now + timedelta(minutes=2))     # dispatch due in 3 min: warning
    sla_scan.scan(now + timedelta(minutes=6))     # now overdue: breach
    sla_scan.scan(now + timedelta(minutes=6))     # again: nothing new
    levels = sorted(a.level for a in db.session.query(SlaAlert).filter_by(order_id=o.id, clock="dispatch"))
    assert levels == ["breach", "warning"]


def test_desk_answers_consultations_but_not_repairs(app, as_user):
    desk = as_user("frontdesk1")
    consult = new_order(kind="consult", severity=None, description="物业费怎么交")
    wo.transition(consult, "answer", actor=desk)
    assert consult.status == "completed"
    repair = new_order()
    with pytest.raises(WorkflowError, match="须派工"):
        wo.transition(repair, "answer", actor=desk)


def test_other_centres_orders_cannot_be_touched(app, as_user):
    as_user("frontdesk2")
    o = new_order(center="SC02")
    with pytest.raises(DomainError):
        wo.transition(o, "dispatch", actor=as_user("frontdesk1"), assignee_id=_user(app, "technician1").id)


def test_weekly_sample_is_30_percent_and_at_least_3(app, as_user):
    as_user("admin1")
    week = datetime(2031, 3, 10)
    made = []
    for i in range(11):
        o = new_order()
        o.completed_at = week - timedelta(days=3, hours=i)
        made.append(o.id)
    db.session.commit()
    center_id = factories.center("SC01").id
    picked = sla_scan.weekly_sample(center_id, week.date())
    assert len(picked) == 4 and {o.id for o in picked} <= set(made)
    assert [o.id for o in sla_scan.weekly_sample(center_id, week.date())] == [o.id for o in picked]


def test_kpis_on_a_fixture_month(app, as_user):
    """Fixture month 2031-05 in SC02: 4 quick repairs due (3 on time), 1 medium
    repair; 5 repairs completed; 4 repair callbacks of which 1 found a defect;
    one complaint completed, not called back.
    Expected: 及时率 3/4 = 75.0 %, 合格率 3/4 = 75.0 %, 返修率 1/5 = 20.0 %,
    回访率 4/6 = 66.7 % (the reworked one is called back too), 满意率 3/4 = 75.0 %."""
    admin = as_user("admin1")
    base = datetime(2031, 5, 10, 9, 0)
    orders = []
    for i, (sev, late, callback, defect, satisfied) in enumerate([
        ("minor", False, True, False, "satisfied"),
        ("minor", False, True, False, "basically"),
        ("emergency", False, True, True, "unsatisfied"),
        ("minor", True, True, False, "satisfied"),
        ("medium", False, False, False, None),
    ]):
        o = new_order(center="SC02", severity=sev)
        o.received_at = base + timedelta(days=i)
        wo.refresh_deadlines(o)
        o.completed_at = o.complete_due + (timedelta(hours=2) if late else -timedelta(hours=2))
        if callback:
            o.visited_at = o.completed_at + timedelta(hours=3)
            o.satisfaction = satisfied
            o.status = "rework" if defect else "visited"
            o.events.append(wo.WorkOrderEvent(at=o.visited_at, actor_id=admin.id, actor_name="admin1",
                                              action="callback", from_status="completed", to_status=o.status))
        orders.append(o)
    complaint = new_order(center="SC02", kind="complaint", severity="minor", description="噪音")
    complaint.received_at = base
    complaint.completed_at = base + timedelta(hours=5)
    db.session.commit()
    k = monthly_kpis(factories.center("SC02").id, "2031-05")
    assert (k.repairs_due, k.repairs_on_time) == (4, 3)
    assert k.timely_rate == Decimal("75.0")
    assert (k.repair_callbacks, k.repair_defects) == (4, 1) and k.pass_rate == Decimal("75.0")
    assert k.repairs_completed == 5 and k.rework_rate == Decimal("20.0")
    assert (k.called_back, k.completed) == (4, 6) and k.callback_rate == Decimal("66.7")
    assert k.satisfaction_rate == Decimal("75.0")
    assert k.by_kind == {"repair": 5, "complaint": 1} and k.by_source == {"phone": 6}


def test_kpis_of_two_months_at_once_split_at_the_month_boundary(app, as_user):
    """kpis_by_period counts several months in one grouped query per date: an order
    completed at 2031-07-01 00:30 and called back the same night counts in July,
    one completed at 06-30 23:30 in June (both received in June) — the same figures
    as each month alone."""
    from app.services.work_order_kpis import kpis_by_center, kpis_by_period

    admin = as_user("admin1")
    centre = factories.center("SC02").id
    for completed in (datetime(2031, 6, 30, 23, 30), datetime(2031, 7, 1, 0, 30)):
        o = new_order(center="SC02", severity="minor")
        o.received_at = completed - timedelta(hours=5)
        wo.refresh_deadlines(o)
        o.completed_at, o.visited_at, o.satisfaction, o.status = completed, completed, "satisfied", "visited"
        o.events.append(wo.WorkOrderEvent(at=completed, actor_id=admin.id, actor_name="admin1",
                                          action="callback", from_status="completed", to_status="visited"))
    db.session.commit()
    both = kpis_by_period([centre], ["2031-06", "2031-07"])
    for period in ("2031-06", "2031-07"):
        k, alone = both[period][centre], kpis_by_center([centre], period)[centre]
        assert (k.completed, k.called_back, k.callbacks, k.satisfied, k.repair_callbacks) == (1, 1, 1, 1, 1)
        assert vars(k) == vars(alone)
    assert both["2031-06"][centre].by_kind == {"repair": 2} and both["2031-07"][centre].by_kind == {}


def test_policies_are_editable_and_used_for_new_orders(app, as_user):
    """DESIGN: SLA clocks are configurable policies per kind/severity."""
    from app.models.work_orders import SlaPolicy

    as_user("frontdesk1")
    policy = db.session.query(SlaPolicy).filter_by(kind="repair", severity="minor").one()
    assert policy.complete_hours == 24            # the manual's default, seeded
    policy.complete_hours = 12
    db.session.commit()
    try:
        o = new_order()
        assert o.complete_due == o.received_at + timedelta(hours=12)
    finally:
        policy.complete_hours = 24
        db.session.commit()


def test_centre_working_hours_drive_complaint_deadlines(app, as_user):
    """DESIGN: working hours and holidays configurable per centre."""
    from datetime import time as t

    from app.models.work_orders import Holiday, WorkCalendar

    as_user("admin1")
    center_id = factories.center("SC02").id
    db.session.add(WorkCalendar(center_id=center_id, start=t(9, 0), end=t(18, 0), weekdays="0123456"))
    db.session.add(Holiday(day=datetime(2031, 6, 2).date(), name="端午节"))
    db.session.commit()
    cal = wo.calendar_for(center_id)
    assert cal.start == t(9, 0) and 6 in cal.weekdays and datetime(2031, 6, 2).date() in cal.holidays


def test_a_complaint_that_cannot_be_handled_goes_back_within_half_a_working_day(app, as_user, monkeypatch):
    """DESIGN: cannot-handle goes back within half a working day."""
    from datetime import time as t

    from app.models.work_orders import WorkCalendar

    as_user("admin1")
    center_id = factories.center("SC01").id
    if db.session.query(WorkCalendar).filter_by(center_id=center_id).first() is None:
        db.session.add(WorkCalendar(center_id=center_id, start=t(8, 30), end=t(17, 30), weekdays="0123456"))
        db.session.commit()
    desk = as_user("frontdesk1")
    tech = _user(app, "technician1")
    monday_9 = datetime(2031, 3, 3, 9, 0)
    monkeypatch.setattr(timeutil, "now", lambda: monday_9)
    o = new_order(kind="complaint", severity="important", description="楼道噪音")
    wo.transition(o, "dispatch", actor=desk, assignee_id=tech.id)
    monkeypatch.setattr(timeutil, "now", lambda: monday_9 + timedelta(hours=5))
    wo.transition(o, "return", actor=as_user("technician1"), reason="非工程问题")
    clock = next(c for c in wo.clock_status(o) if c["clock"] == "return")
    assert clock["due"] == monday_9 + timedelta(hours=4) and clock["met"] is False


def _desk_queries(app, client) -> tuple[int, str]:
    """SQL statements of one /desk/ request (after a warm-up request) and its page."""
    from sqlalchemy import event

    client.get("/desk/")
    seen = []

    def count(*_args):
        seen.append(1)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        r = client.get("/desk/")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert r.status_code == 200
    return len(seen), r.get_data(as_text=True)


def test_returned_complaints_on_the_desk_cost_no_query_each(app, logged_in, monkeypatch):
    """Perf, issue 8: the return clock's calendars are read once for the page, so the desk's
    queries are the same with returned complaints on it (each used to cost three lookups)."""
    from app.services import work_order_desk

    monkeypatch.setattr(work_order_desk, "DESK_PAGE_SIZE", 2000)
    client = logged_in("frontdesk1")
    before, _page = _desk_queries(app, client)
    numbers = []
    with app.test_request_context():  # popped before the desk is measured (it would lend the request its g.user)
        desk, tech = _user(app, "frontdesk1"), _user(app, "technician1")
        for _ in range(3):
            g.user = desk
            o = new_order(kind="complaint", severity="important", description="楼道噪音")
            wo.transition(o, "dispatch", actor=desk, assignee_id=tech.id)
            g.user = tech
            wo.transition(o, "return", actor=tech, reason="非工程问题")
            numbers.append(o.order_no)
        db.session.remove()
    after, page = _desk_queries(app, client)
    assert all(n in page for n in numbers)
    assert after == before, (before, after)


def test_sla_scan_reads_each_centres_calendar_once(app, as_user):
    """Returned complaints of one centre share its calendar lookup during the scan."""
    from sqlalchemy import event, select

    from app.models.work_orders import WorkOrderEvent
    from app.workflows.work_orders import OPEN_STATES

    desk, tech = as_user("frontdesk1"), _user(app, "technician1")
    for _ in range(3):
        o = new_order(kind="complaint", severity="important", description="楼道噪音")
        wo.transition(o, "dispatch", actor=desk, assignee_id=tech.id)
        wo.transition(o, "return", actor=as_user("technician1"), reason="非工程问题")
    returned = db.session.execute(
        select(WorkOrder.id, WorkOrder.center_id).join(WorkOrderEvent, WorkOrderEvent.order_id == WorkOrder.id)
        .where(WorkOrderEvent.action == "return", WorkOrder.deleted_on.is_(None),
               WorkOrder.status.in_(OPEN_STATES | {"completed"}))).all()
    lookups = []

    def count(_conn, _cursor, statement, *_args):
        if "FROM work_calendar" in statement:
            lookups.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        sla_scan.scan()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    centres = {c for _id, c in returned}
    assert len({i for i, _c in returned}) > len(centres)
    assert 1 <= len(lookups) <= len(centres), (len(lookups), centres)


def test_minor_complaint_reads_as_qingwei_not_xiaoxiu(app, as_user):
    as_user("frontdesk1")
    complaint = new_order(kind="complaint", severity="minor", description="楼上噪音")
    repair = new_order()
    assert complaint.severity_label == "轻微" and repair.severity_label == "小修"


def test_answered_consultation_has_no_missed_dispatch(app, as_user, monkeypatch):
    """The desk answers 咨询 itself: there is nobody to dispatch to, so no 派工 breach."""
    desk = as_user("frontdesk1")
    o = new_order(kind="consult", severity=None, description="停车月卡怎么办")
    later = o.received_at + timedelta(minutes=20)
    monkeypatch.setattr(timeutil, "now", lambda: later)
    wo.transition(o, "answer", actor=desk)
    clocks = {c["clock"]: c["met"] for c in wo.clock_status(o, later + timedelta(hours=2))}
    assert "dispatch" not in clocks and clocks["respond"] is True
    sla_scan.scan(later + timedelta(hours=2))
    assert db.session.query(SlaAlert).filter_by(order_id=o.id, clock="dispatch").count() == 0


def test_rework_keeps_the_first_dispatch_and_completion(app, as_user):
    """A rework is arranged and completed again without rewriting the original, on-time times."""
    desk = as_user("frontdesk1")
    o = new_order()
    tech = _user(app, "technician1")
    wo.transition(o, "dispatch", actor=desk, assignee_id=tech.id)
    wo.transition(o, "start", actor=tech)
    wo.transition(o, "complete", actor=tech)
    first_dispatch, first_done = o.dispatched_at, o.completed_at
    wo.transition(o, "callback", actor=desk, satisfaction="unsatisfied", method="phone", defect=True)
    wo.transition(o, "dispatch", actor=as_user("supervisor1"), assignee_id=tech.id)
    wo.transition(o, "start", actor=tech)
    wo.transition(o, "complete", actor=tech)
    assert (o.dispatched_at, o.completed_at) == (first_dispatch, first_done)
    assert o.rework_dispatched_at is not None and o.rework_completed_at is not None
    clocks = {c["clock"]: c for c in wo.clock_status(o)}
    assert clocks["complete"]["met"] is True and clocks["rework_arrange"]["met"] is True
    assert clocks["callback"]["done"] is None       # the rework needs its own callback


def test_the_completion_clock_is_paused_while_suspended(app, as_user, monkeypatch):
    desk = as_user("frontdesk1")
    o = new_order()
    tech = _user(app, "technician1")
    wo.transition(o, "dispatch", actor=desk, assignee_id=tech.id)
    wo.transition(o, "start", actor=tech)
    start = timeutil.now()
    wo.transition(o, "suspend", actor=tech, reason="业主改天", agreed_at=start + timedelta(days=3))
    two_days_later = start + timedelta(days=2)
    complete = next(c for c in wo.clock_status(o, two_days_later) if c["clock"] == "complete")
    assert complete["met"] is None                    # 24 h passed, but the clock is paused
    sla_scan.scan(two_days_later)
    assert db.session.query(SlaAlert).filter_by(order_id=o.id, clock="complete", level="breach").count() == 0


def test_a_complaint_can_go_to_a_supervisor_but_a_repair_only_to_maintenance(app, as_user):
    desk = as_user("frontdesk1")
    complaint = new_order(kind="complaint", severity="important", description="保安态度")
    wo.transition(complaint, "dispatch", actor=desk, assignee_id=_user(app, "supervisor1").id)
    assert complaint.assignee_id == _user(app, "supervisor1").id
    repair = new_order()
    with pytest.raises(DomainError, match="维修/工程人员"):
        wo.transition(repair, "dispatch", actor=desk, assignee_id=_user(app, "supervisor1").id)


ALL_STATES = ["accepted", "dispatched", "in_progress", "suspended", "completed", "visited", "rework", "closed"]
ILLEGAL = [(state, name) for name, t in TRANSITIONS.items() for state in ALL_STATES if state not in t.sources]


@pytest.mark.parametrize("state,action", ILLEGAL)
def test_every_illegal_transition_is_refused(app, as_user, state, action):
    """The state machine refuses each (state, action) pair it does not define."""
    admin = as_user("admin1")
    o = new_order(kind="consult", severity=None) if action == "answer" else new_order()
    o.status = state
    db.session.commit()
    with pytest.raises(WorkflowError, match="不能执行"):
        wo.transition(o, action, actor=admin, reason="原因", assignee_id=_user(app, "technician1").id,
                      agreed_at=timeutil.now() + timedelta(hours=2))
    assert db.session.get(WorkOrder, o.id).status == state


WRONG_ROLE = [(name, user) for name, t in TRANSITIONS.items()
              for user, role in (("cashier1", "cashier"), ("technician1", "technician"), ("frontdesk1", "frontdesk"))
              if role not in t.roles]


@pytest.mark.parametrize("action,username", WRONG_ROLE)
def test_every_wrong_role_is_refused(app, as_user, action, username):
    """Each transition refuses every role the data does not grant it."""
    t = TRANSITIONS[action]
    as_user("admin1")
    o = new_order(kind="consult", severity=None) if action == "answer" else new_order()
    o.status = sorted(t.sources)[0]
    o.assignee_id = _user(app, "technician1").id
    db.session.commit()
    actor = as_user(username)
    with pytest.raises(NotAllowed):
        wo.transition(o, action, actor=actor, reason="原因", assignee_id=_user(app, "technician1").id,
                      agreed_at=timeutil.now() + timedelta(hours=2), satisfaction="satisfied", method="phone")
