"""Issue 7 part 4 (待办与通知): the bell's count is what waits for the user —
equal to the groups of /notifications/ and to the register rows counted by
hand, per role, only in the user's centres; approval decisions and dispatches
notify the person concerned; read state is per user; the badge stays one SELECT.
"""

import re
from datetime import date, timedelta

import pytest
from flask import g
from sqlalchemy import event, select, update

from app import timeutil
from app.extensions import db
from app.models.approvals import Approval
from app.models.notifications import Notification
from app.models.parking import ParkingRental, ParkingSpace
from app.models.renovation import Renovation
from app.models.work_orders import WorkOrder
from app.security import COMPANY_WIDE_ROLES, center_scope, role_names
from app.services import parking, renovation_sites
from app.services import work_orders as wo
from app.services.sla_scan import NOTIFY_ROLE
from app.views import badges
from app.workflows.work_orders import OPEN_STATES
from tests import factories
from tests.integration.test_approval_engine import make_leave

#: kinds only some roles own (app/services/todos.py docstring); the others every user has
OWNER = {"renovation_decisions": "center_manager", "renovation_inspections": "technician",
         "renovation_notices": "technician", "parking_expiring": "frontdesk"}


def _user(app, name):
    return app.appbuilder.sm.find_user(username=name)


def page(client) -> tuple[int, dict]:
    """(bell number, {kind: (count shown, rows listed, row links)}) of /notifications/."""
    r = client.get("/notifications/")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    bell = int(re.search(r'class="badge todo-count[^"]*">(\d+)<', html).group(1))
    groups = {}
    for part in html.split('<div class="todo-group" ')[1:]:
        kind, count = re.match(r'data-kind="(\w+)" data-count="(\d+)"', part).groups()
        groups[kind] = (int(count), part.count('class="todo-row'), re.findall(r'<a href="(/[^"]+/show/\d+)"', part))
    return bell, groups


# -- hand counts over the registers (Python, not the SQL of app/services/todos.py) ---------------

def _overdue_by_hand(user, scope, now) -> int:
    roles = role_names(user)
    clocks = {clock for clock, role in NOTIFY_ROLE.items() if role in roles}
    n = 0
    for o in db.session.scalars(select(WorkOrder).where(WorkOrder.deleted_on.is_(None),
                                                        WorkOrder.status.in_(OPEN_STATES | {"completed"}))):
        if (scope is not None and o.center_id not in scope) or o.assignee_id == user.id:
            continue
        late = any(c["clock"] in clocks and c["done"] is None and c["met"] is False for c in wo.clock_status(o, now))
        escalated = ("center_manager" in roles and o.kind == "complaint" and o.severity == "major"
                     and o.escalated_at is not None and o.status in OPEN_STATES)
        n += late or escalated
    return n


def _inbox_by_hand(user, scope) -> set[int]:
    roles = role_names(user)
    return {a.id for a in db.session.scalars(select(Approval).where(Approval.status == "pending"))
            if a.required_role in roles and a.submitted_by_id != user.id and a.subject_user_id != user.id
            and (roles & COMPANY_WIDE_ROLES or a.center_id in scope)}


def hand_counts(app, username) -> dict[str, int]:
    with app.test_request_context():
        user = g.user = _user(app, username)
        roles, scope, now = role_names(user), center_scope(user), timeutil.now()
        inbox = _inbox_by_hand(user, scope)
        orders = db.session.scalars(select(WorkOrder).where(WorkOrder.assignee_id == user.id)).all()
        counts = {
            "notifications": len(db.session.scalars(select(Notification).where(
                Notification.user_id == user.id, Notification.read_at.is_(None))).all()),
            "approvals": len(inbox),
            "my_orders": sum(o.status in OPEN_STATES and o.deleted_on is None for o in orders),
        }
        if roles & (set(NOTIFY_ROLE.values()) | {"center_manager"}):
            counts["overdue_orders"] = _overdue_by_hand(user, scope, now)
        if "center_manager" in roles:
            counts["renovation_decisions"] = sum(
                r.approval_id not in inbox for r in renovation_sites.overdue_decisions(now))
        if "technician" in roles:
            counts["renovation_inspections"] = len(renovation_sites.inspection_overdue())
            counts["renovation_notices"] = len(renovation_sites.overdue_notices())
        if "frontdesk" in roles:
            counts["parking_expiring"] = len(parking.expiring(within_days=30))
        db.session.remove()
        return counts


# -- arranged rows: one of each kind, in SC01 -------------------------------------------------

def _dispatched_order(app, technician="technician1"):
    with app.test_request_context():
        g.user = desk = _user(app, "frontdesk1")
        order = WorkOrder(kind="repair", severity="minor", source="phone", repair_scope="indoor",
                          household_id=factories.household("SC01").id, description="卫生间下水道堵塞")
        wo.before_save(order)
        db.session.add(order)
        db.session.commit()
        wo.transition(order, "dispatch", actor=desk, assignee_id=_user(app, technician).id)
        order_id = order.id
        db.session.remove()
    return order_id


def _late_undispatched_order(app) -> int:
    """An SC01 repair nobody dispatched, its 派工 deadline an hour ago (the supervisor's)."""
    with app.test_request_context():
        g.user = _user(app, "frontdesk1")
        order = WorkOrder(kind="repair", severity="minor", source="phone", repair_scope="indoor",
                          household_id=factories.household("SC01").id, description="楼道灯不亮")
        wo.before_save(order)
        db.session.add(order)
        db.session.commit()
        db.session.execute(update(WorkOrder).where(WorkOrder.id == order.id).values(
            dispatch_due=timeutil.now() - timedelta(hours=1)))
        db.session.commit()
        order_id = order.id
        db.session.remove()
    return order_id


def _suspended_order(app, *, arrived: bool, due_before_suspension: bool) -> int:
    """A suspended SC01 repair: late when its 到场 clock passed without arrival, or its completion
    deadline passed before it was suspended (the clock stands still while suspended)."""
    order_id = _dispatched_order(app)
    with app.test_request_context():
        g.user = tech = _user(app, "technician1")
        order = db.session.get(WorkOrder, order_id)
        if arrived:
            wo.transition(order, "start", actor=tech)
        wo.transition(order, "suspend", actor=tech, reason="业主出差，约定下周",
                      agreed_at=timeutil.now() + timedelta(days=5))
        now = timeutil.now()
        db.session.execute(update(WorkOrder).where(WorkOrder.id == order_id).values(
            suspended_at=now - timedelta(hours=3), onsite_due=now - timedelta(hours=4),
            complete_due=now - timedelta(hours=4 if due_before_suspension else 1)))
        db.session.commit()
        db.session.remove()
    return order_id


def _expiring_rental(app, center="SC01") -> int:
    with app.app_context():
        space = ParkingSpace(center_id=factories.center(center).id, code=factories.unique("NT"), area="地面")
        db.session.add(space)
        db.session.commit()
        today = timeutil.today()
        rental = parking.rent(space, factories.household(center), "粤B9N001", today - timedelta(days=300),
                              today + timedelta(days=10), "300.00")
        return rental.id


@pytest.fixture(scope="module")
def arranged(app):
    return {"leave": make_leave(app, days="1", submitter="frontdesk1"), "order": _dispatched_order(app),
            "late": _late_undispatched_order(app), "rental": _expiring_rental(app),
            "suspended_late": _suspended_order(app, arrived=False, due_before_suspension=True),
            "suspended_paused": _suspended_order(app, arrived=True, due_before_suspension=False)}


@pytest.mark.parametrize("username", ["supervisor1", "technician1", "center_manager1", "frontdesk1", "frontdesk2",
                                      "technician2", "gm1", "auditor1"])
def test_badge_equals_page_and_hand_counted_rows(app, logged_in, arranged, username):
    """DESIGN roles: the bell counts exactly the groups listed, each equal to the register rows by hand."""
    bell, groups = page(logged_in(username))
    expected = hand_counts(app, username)
    assert {k: c for k, (c, _rows, _links) in groups.items()} == expected
    assert bell == sum(expected.values())
    for kind, (count, rows, _links) in groups.items():
        assert rows == min(count, 50), kind  # the rows listed are the rows counted


def test_arranged_items_wait_for_their_owners(app, logged_in, arranged):
    """Each arranged row is on its owner's page with a link to act on it."""
    _bell, sup = page(logged_in("supervisor1"))
    assert f"/workorderview/show/{arranged['late']}" in sup["overdue_orders"][2]
    assert f"/workorderview/show/{arranged['suspended_late']}" in sup["overdue_orders"][2]
    assert f"/workorderview/show/{arranged['suspended_paused']}" not in sup["overdue_orders"][2]
    assert f"/approvalview/show/{arranged['leave']}" in sup["approvals"][2]
    _bell, tech = page(logged_in("technician1"))
    assert f"/workorderview/show/{arranged['order']}" in tech["my_orders"][2]
    _bell, desk = page(logged_in("frontdesk1"))
    assert f"/parkingrentalview/show/{arranged['rental']}" in desk["parking_expiring"][2]


def test_sc02_users_see_no_sc01_items(app, logged_in, arranged):
    """Centre scope: every row on SC02 pages belongs to SC02; the SC01 rental and orders are absent."""
    models = {"workorderview": WorkOrder, "parkingrentalview": ParkingRental, "approvalview": Approval,
              "renovationview": Renovation}
    sc02 = None
    for username in ("frontdesk2", "technician2", "center_manager2"):
        _bell, groups = page(logged_in(username))
        links = [link for _c, _r, found in groups.values() for link in found]
        assert f"/parkingrentalview/show/{arranged['rental']}" not in links
        assert f"/workorderview/show/{arranged['late']}" not in links
        with app.app_context():
            sc02 = factories.center("SC02").id
            for link in links:
                view, _show, pk = link.strip("/").split("/")
                if view in models:
                    assert db.session.get(models[view], int(pk)).center_id == sc02, (username, link)
    assert sc02 is not None


def test_dispatch_notifies_the_technician(app, logged_in):
    bell_before, before = page(logged_in("technician1"))
    order_id = _dispatched_order(app)
    bell, groups = page(logged_in("technician1"))
    assert groups["notifications"][0] == before["notifications"][0] + 1
    assert bell == bell_before + 2  # the notification and the order itself
    html = logged_in("technician1").get("/notifications/").get_data(as_text=True)
    with app.app_context():
        order_no = db.session.get(WorkOrder, order_id).order_no
    assert f"工单 {order_no} 已派给您处理" in html


@pytest.mark.parametrize(("decision", "words"), [("approve", "已审批通过"), ("return", "被退回修改"),
                                                 ("reject", "被驳回")])
def test_a_decision_notifies_the_submitter(app, api, logged_in, decision, words):
    """Approval engine: the submitter hears the outcome, with the approver and the comment."""
    aid = make_leave(app, days="1", submitter="frontdesk1")
    _bell, before = page(logged_in("frontdesk1"))
    r = api("supervisor1").post(f"/api/v1/approval/{aid}/{decision}", json={"comment": "请补充病假证明"})
    assert r.status_code == 200, r.json
    client = logged_in("frontdesk1")
    _bell, after = page(client)
    assert after["notifications"][0] == before["notifications"][0] + 1
    html = client.get("/notifications/").get_data(as_text=True)
    assert words in html and "请补充病假证明" in html and "supervisor1" in html
    assert f"/approvalview/show/{aid}" in after["notifications"][2]


def test_no_notification_for_a_refused_decision(app, api):
    """A refused decision (no comment on a return) writes nothing, so nobody is told anything."""
    aid = make_leave(app, days="1", submitter="frontdesk1")
    with app.app_context():
        before = db.session.query(Notification).count()
    assert api("supervisor1").post(f"/api/v1/approval/{aid}/return", json={"comment": ""}).status_code == 409
    with app.app_context():
        assert db.session.query(Notification).count() == before


def test_mark_read_one_and_all_only_for_oneself(app, logged_in):
    for _ in range(2):
        _dispatched_order(app)
    tech = logged_in("technician1")
    bell, groups = page(tech)
    unread = groups["notifications"][0]
    assert unread >= 2
    with app.app_context():
        mine = db.session.scalars(select(Notification.id).where(
            Notification.user_id == _user(app, "technician1").id, Notification.read_at.is_(None))).first()
    # another user cannot mark it read
    logged_in("frontdesk2").post(f"/notifications/read/{mine}")
    assert page(tech)[1]["notifications"][0] == unread
    r = tech.post(f"/notifications/read/{mine}", data={"next": "/workorderview/list/"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/workorderview/list/")
    bell_after, groups = page(tech)
    assert groups["notifications"][0] == unread - 1 and bell_after == bell - 1
    r = tech.post(f"/notifications/read/{mine}", data={"next": "https://example.com/"})
    assert r.headers["Location"].endswith("/notifications/")  # never an open redirect
    tech.post("/notifications/read-all")
    bell_all, groups = page(tech)
    assert groups["notifications"][0] == 0 and bell_all == bell - unread
    assert "已读通知" in tech.get("/notifications/").get_data(as_text=True)


def test_anonymous_is_sent_to_login(client):
    r = client.get("/notifications/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    r = client.post("/notifications/read-all")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    assert "todo-count" not in client.get("/login/").get_data(as_text=True)


def test_the_bell_is_on_every_page_next_to_the_user_menu(logged_in):
    html = logged_in("supervisor1").get("/desk/").get_data(as_text=True)
    right = html[html.index("navbar-right"):]
    assert right.index("todo-count") < right.index("fa-user")


@pytest.mark.parametrize("username", ["supervisor1", "technician1", "center_manager1", "frontdesk1"])
def test_all_badges_cost_one_select(app, username):
    """perf (issue 8): the bell and the other badges together are one round trip per request."""
    with app.test_request_context():
        g.user = _user(app, username)
        role_names(g.user), center_scope(g.user)  # loaded at login by every request's permission check
        seen = []

        def count(_conn, _cursor, statement, *_args):
            seen.append(statement)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            numbers = badges.counts(g.user)
            badges.todo_count()
            badges.counts(g.user)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        db.session.remove()
    assert len(seen) == 1, seen
    assert set(numbers) >= {"inbox_count", "sla_alert_count", "todo_approvals"}


def test_expiring_window_is_thirty_days(app, logged_in):
    """车位: a rental ending in 31 days is not yet on the list (30 days ahead)."""
    with app.app_context():
        space = ParkingSpace(center_id=factories.center("SC01").id, code=factories.unique("NW"), area="地面")
        db.session.add(space)
        db.session.commit()
        today = timeutil.today()
        later = parking.rent(space, factories.household("SC01"), "粤B9N031", date(2025, 1, 1),
                             today + timedelta(days=31), "300.00").id
    _bell, groups = page(logged_in("frontdesk1"))
    assert f"/parkingrentalview/show/{later}" not in groups["parking_expiring"][2]
