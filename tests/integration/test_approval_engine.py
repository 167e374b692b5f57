"""DESIGN "Approval chains": the generic engine on every route (REST, web UI,
CLI). Nobody decides what they submitted or what concerns them; only the
current step's role within scope decides; a step is decided once; two
approvers at the same moment: one wins, the other gets a clear 409; every
decision keeps who, when, what, comment. Uses the leave request (one-step
chains) and the three-step resignation chain."""

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask import g
from sqlalchemy import select

from app.extensions import db
from app.models.approvals import Approval, ApprovalChain
from app.models.personnel import Employee, Leave, Resignation
from app.services import approvals
from tests import factories

_seq = iter(range(1, 10**6))


def _user(app, username):
    return app.appbuilder.sm.find_user(username=username)


def _employee(center_code="SC01", level="staff", user=None):
    n = next(_seq)
    e = Employee(
        center_id=factories.center(center_code).id, employee_no=f"T{n:06d}", name=f"测试员工{n}",
        level=level, hire_date=date(2024, 1, 10), probation_months=3, status="regular",
        user_id=user.id if user else None,
    )
    db.session.add(e)
    db.session.commit()
    return e


def _submit(app, obj, username):
    with app.test_request_context():
        g.user = _user(app, username)
        return approvals.submit(obj, actor=g.user).id


def make_leave(app, days="1", center="SC01", submitter="hr1", subject_user=None):
    with app.app_context():
        emp = _employee(center, user=_user(app, subject_user) if subject_user else None)
        start = date(2026, 12, 1)
        leave = Leave(employee=emp, center_id=emp.center_id, kind="personal", start_date=start,
                      end_date=start + timedelta(days=max(int(Decimal(days)) - 1, 0)),
                      days=Decimal(days), reason="家中有事")
        db.session.add(leave)
        db.session.commit()
        return _submit(app, leave, submitter)


def make_resignation(app, submitter="hr1", center="SC01"):
    with app.app_context():
        emp = _employee(center)
        r = Resignation(employee=emp, center_id=emp.center_id, kind="resign", notice_date=date(2026, 11, 1),
                        last_day=date(2026, 12, 31), reason="个人发展")
        db.session.add(r)
        db.session.commit()
        return _submit(app, r, submitter)


def test_submit_copies_the_chain_and_waits_for_the_first_role(app):
    aid = make_resignation(app)
    with app.app_context():
        a = db.session.get(Approval, aid)
        assert a.status == "pending" and a.current_step == 1 and a.required_role == "supervisor"
        assert [s.role for s in a.steps] == ["supervisor", "center_manager", "gm"]
        assert a.due_at is not None and a.events[0].action == "submit"
        assert db.session.get(Resignation, a.request_id).status == "pending"


def test_full_chain_through_the_api_with_history(app, api):
    aid = make_resignation(app)
    for user in ("supervisor1", "center_manager1", "gm1"):
        r = api(user).post(f"/api/v1/approval/{aid}/approve", json={"comment": f"{user} 同意"})
        assert r.status_code == 200, r.json
    body = api("gm1").get(f"/api/v1/approval/{aid}").json["result"]
    assert body["status"] == "approved"
    assert [s["decided_by"] for s in body["steps"]] == ["supervisor1", "center_manager1", "gm1"]
    assert [h["action"] for h in body["history"]] == ["submit", "approve", "approve", "approve"]
    assert body["history"][1]["comment"] == "supervisor1 同意"
    assert all(h["at"] for h in body["history"])


def test_gm_cannot_skip_the_centre_manager(app, api):
    aid = make_resignation(app)
    api("supervisor1").post(f"/api/v1/approval/{aid}/approve", json={})
    r = api("gm1").post(f"/api/v1/approval/{aid}/approve", json={})
    assert r.status_code == 403 and "当前步骤" in r.json["message"]


def test_submitter_cannot_decide_own_request(app, api):
    aid = make_leave(app, submitter="supervisor1")
    r = api("supervisor1").post(f"/api/v1/approval/{aid}/approve", json={})
    assert r.status_code == 403 and "本人提交" in r.json["message"]


def test_nobody_decides_a_request_that_concerns_themselves(app, api):
    aid = make_leave(app, submitter="hr1", subject_user="supervisor1")
    r = api("supervisor1").post(f"/api/v1/approval/{aid}/approve", json={})
    assert r.status_code == 403 and "与本人相关" in r.json["message"]
    assert aid not in [a["id"] for a in api("supervisor1").get("/api/v1/approval/inbox").json["result"]]


def test_only_the_centre_of_the_request_may_decide_centre_steps(app, api):
    aid = make_leave(app, center="SC02")
    r = api("supervisor1").post(f"/api/v1/approval/{aid}/approve", json={})
    assert r.status_code in (403, 404)
    with app.app_context():
        assert db.session.get(Approval, aid).current_step == 1


def test_a_step_is_decided_once(app, api):
    aid = make_resignation(app)
    assert api("supervisor1").post(f"/api/v1/approval/{aid}/approve", json={"step": 1}).status_code == 200
    r = api("supervisor1").post(f"/api/v1/approval/{aid}/approve", json={"step": 1})
    assert r.status_code == 409 and "已由他人处理" in r.json["message"]


def test_decided_request_cannot_be_decided_again(app, api):
    aid = make_leave(app)
    assert api("supervisor1").post(f"/api/v1/approval/{aid}/approve", json={}).status_code == 200
    r = api("supervisor1").post(f"/api/v1/approval/{aid}/reject", json={"comment": "晚了"})
    assert r.status_code == 409 and "已处理完毕" in r.json["message"]


def test_reject_and_return_need_a_comment(app, api):
    aid = make_leave(app)
    r = api("supervisor1").post(f"/api/v1/approval/{aid}/reject", json={})
    assert r.status_code == 409 and "请填写意见" in r.json["message"]


def test_reject_closes_the_request(app, api):
    aid = make_leave(app)
    assert api("supervisor1").post(f"/api/v1/approval/{aid}/reject", json={"comment": "人手不足"}).status_code == 200
    with app.app_context():
        a = db.session.get(Approval, aid)
        assert a.status == "rejected" and db.session.get(Leave, a.request_id).status == "rejected"
        assert a.step(1).comment == "人手不足" and a.step(1).decided_by_name == "supervisor1"


def test_return_then_resubmit_restarts_the_chain(app, api):
    aid = make_resignation(app)
    api("supervisor1").post(f"/api/v1/approval/{aid}/approve", json={})
    r = api("center_manager1").post(f"/api/v1/approval/{aid}/return", json={"comment": "请补充交接安排"})
    assert r.status_code == 200 and r.json["result"]["status"] == "returned"
    with app.app_context():
        a = db.session.get(Approval, aid)
        resignation = db.session.get(Resignation, a.request_id)
        assert resignation.status == "returned"
        assert _submit(app, resignation, "hr1") == aid
        a = db.session.get(Approval, aid)
        assert a.status == "pending" and a.current_step == 1 and all(s.decision is None for s in a.steps)
        assert [e.action for e in a.events] == ["submit", "approve", "return", "submit"]   # history is kept


def test_only_the_submitter_withdraws(app, api):
    aid = make_leave(app, submitter="hr1")
    assert api("gm1").post(f"/api/v1/approval/{aid}/withdraw", json={}).status_code == 403
    assert api("hr1").post(f"/api/v1/approval/{aid}/withdraw", json={"comment": "不请了"}).status_code == 200
    with app.app_context():
        assert db.session.get(Approval, aid).status == "withdrawn"


def test_leave_of_one_day_goes_to_the_supervisor_longer_to_the_centre_manager(app, api):
    short, long_ = make_leave(app, days="1"), make_leave(app, days="3")
    assert api("center_manager1").post(f"/api/v1/approval/{short}/approve", json={}).status_code == 403
    assert api("supervisor1").post(f"/api/v1/approval/{long_}/approve", json={}).status_code == 403
    assert api("supervisor1").post(f"/api/v1/approval/{short}/approve", json={}).status_code == 200
    assert api("center_manager1").post(f"/api/v1/approval/{long_}/approve", json={}).status_code == 200


def test_inbox_lists_what_waits_for_the_caller(app, api):
    aid = make_resignation(app)

    def inbox(user):
        return [a["id"] for a in api(user).get("/api/v1/approval/inbox").json["result"]]

    assert aid in inbox("supervisor1") and aid not in inbox("center_manager1") and aid not in inbox("hr1")
    assert aid not in inbox("frontdesk2")
    api("supervisor1").post(f"/api/v1/approval/{aid}/approve", json={})
    assert aid not in inbox("supervisor1") and aid in inbox("center_manager1")
    api("center_manager1").post(f"/api/v1/approval/{aid}/approve", json={})
    assert aid in inbox("gm1")


def test_overdue_is_marked(app, api):
    aid = make_leave(app)
    with app.app_context():
        a = db.session.get(Approval, aid)
        a.due_at = a.due_at - timedelta(days=5)
        db.session.commit()
    row = next(a for a in api("supervisor1").get("/api/v1/approval/inbox").json["result"] if a["id"] == aid)
    assert row["overdue"] is True


def test_anonymous_and_other_centres_cannot_read_approvals(app, client, api):
    aid = make_leave(app)
    assert client.get(f"/api/v1/approval/{aid}").status_code == 401
    assert client.post(f"/api/v1/approval/{aid}/approve", json={}).status_code == 401
    assert api("frontdesk2").get(f"/api/v1/approval/{aid}").status_code == 404


def test_web_ui_decision_with_comment_and_menu_badge(app, logged_in):
    aid = make_leave(app)
    c = logged_in("supervisor1")
    page = c.get("/inbox/").get_data(as_text=True)
    assert "待我审批" in page and f"/approvalview/show/{aid}" in page
    assert 'class="badge inbox-count"' in page
    detail = c.get(f"/approvalview/show/{aid}").get_data(as_text=True)
    assert 'name="action" value="approve"' in detail
    r = c.post(f"/approvalview/decide/{aid}", data={"action": "approve", "comment": "同意", "step": "1"},
               follow_redirects=True)
    assert "已处理" in r.get_data(as_text=True)
    with app.app_context():
        a = db.session.get(Approval, aid)
        assert a.status == "approved" and a.step(1).comment == "同意"


def test_web_ui_refusal_is_shown_and_changes_nothing(app, logged_in):
    aid = make_leave(app, days="3")
    c = logged_in("supervisor1")
    assert 'value="approve"' not in c.get(f"/approvalview/show/{aid}").get_data(as_text=True)
    r = c.post(f"/approvalview/decide/{aid}", data={"action": "approve"}, follow_redirects=True)
    assert "您无权审批此步骤" in r.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Approval, aid).status == "pending"


def test_cli_applies_the_same_rules(app):
    aid = make_leave(app, submitter="supervisor1")
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["approval", "approve", str(aid), "--user", "supervisor1"])
    assert refused.exit_code != 0 and "本人提交" in refused.output
    other = make_leave(app)
    ok = runner.invoke(args=["approval", "approve", str(other), "--user", "supervisor1", "--comment", "CLI 同意"])
    assert ok.exit_code == 0, ok.output
    with app.app_context():
        assert db.session.get(Approval, other).status == "approved"


def test_admin_edits_a_chain_for_new_requests_only(app):
    old = make_leave(app)
    with app.app_context():
        chain = db.session.scalars(select(ApprovalChain).filter_by(request_type="leave.short")).one()
        chain.steps[0].role = "center_manager"
        db.session.commit()
    try:
        new = make_leave(app)
        with app.app_context():
            assert db.session.get(Approval, new).required_role == "center_manager"
            assert db.session.get(Approval, old).required_role == "supervisor"
    finally:
        with app.app_context():
            chain = db.session.scalars(select(ApprovalChain).filter_by(request_type="leave.short")).one()
            chain.steps[0].role = "supervisor"
            db.session.commit()


def test_two_approvers_at_the_same_moment_one_wins(app, db_url):
    """Concurrency: exactly one decision lands; the other gets a clear 409."""
    if not db_url.startswith("postgresql"):
        pytest.skip("row-lock concurrency is proven on PostgreSQL (TEST_DATABASE_URL)")
    with app.app_context():
        sm = app.appbuilder.sm
        if sm.find_user(username="supervisor_b") is None:
            u = sm.add_user("supervisor_b", "主管", "乙", "supb@demo.invalid", sm.find_role("supervisor"),
                            password="Supervisor-b-2026")
            u.centers = [factories.center("SC01")]
            db.session.commit()
    from tests.conftest import Api

    for _round in range(5):
        aid = make_resignation(app)
        barrier = threading.Barrier(2)
        results = {}

        def decide(username, password=None):
            client = app.test_client()
            caller = Api(client, username, password)
            barrier.wait()
            results[username] = caller.post(f"/api/v1/approval/{aid}/approve", json={"step": 1, "comment": username})

        threads = [threading.Thread(target=decide, args=("supervisor1",)),
                   threading.Thread(target=decide, args=("supervisor_b", "Supervisor-b-2026"))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        codes = sorted(r.status_code for r in results.values())
        assert codes == [200, 409], {k: (v.status_code, v.json) for k, v in results.items()}
        loser = next(r for r in results.values() if r.status_code == 409)
        assert "已由他人处理" in loser.json["message"] or "刚刚已被他人处理" in loser.json["message"]
        with app.app_context():
            a = db.session.get(Approval, aid)
            assert a.current_step == 2 and len([e for e in a.events if e.action == "approve"]) == 1


def test_override_is_recorded_only_when_a_rule_was_overridden(app, api):
    aid = make_resignation(app)   # notice 60 days: nothing to override
    r = api("supervisor1").post(f"/api/v1/approval/{aid}/approve", json={"override": True, "comment": "同意"})
    assert r.status_code == 200
    body = api("supervisor1").get(f"/api/v1/approval/{aid}").json["result"]
    assert body["steps"][0]["override"] is False and body["history"][-1]["override"] is False


def test_approval_page_links_to_the_request_form(app, logged_in):
    aid = make_resignation(app)
    with app.app_context():
        rid = db.session.get(Approval, aid).request_id
    page = logged_in("supervisor1").get(f"/approvalview/show/{aid}").get_data(as_text=True)
    assert f"/resignationview/show/{rid}" in page
