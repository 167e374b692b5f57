"""DESIGN "Rules from the manuals" for the personnel register, end to end:
rows built through app.services.personnel (tests/personnel_factories.py),
requests submitted as a user, decisions taken over HTTP through
POST /api/v1/approval/<id>/approve|reject|return by the demo approvers.
Each test's docstring names the rule it proves."""

import re
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask import g
from sqlalchemy import select

from app import timeutil
from app.errors import Conflict, DomainError
from app.extensions import db
from app.models.approvals import Approval
from app.models.personnel import (
    Applicant,
    Appointment,
    Employee,
    HandoverChecklist,
    Leave,
    Onboarding,
    Requisition,
    Resignation,
    RewardPenalty,
    SalarySettlement,
)
from app.services import approvals, hiring, leaving, personnel
from tests import factories
from tests import personnel_factories as pf

CHAIN3 = ("supervisor1", "center_manager1", "gm1")


# -- helpers ---------------------------------------------------------------------------

def _refused(api, username, url, body, status, zh_fragment, password=None):
    """A refusal answers `status` with its message in the caller's language; nothing changes,
    so the same call is replayed in English.

    The same call in English must answer the same status with an English message."""
    r = api(username, password).post(url, json=body)
    assert r.status_code == status, r.json
    assert zh_fragment in r.json["message"], r.json["message"]
    en = api(username, password, lang="en").post(url, json=body)
    assert en.status_code == status and en.json["message"]
    assert en.json["message"] != r.json["message"]
    assert not re.search(r"[\u4e00-\u9fff]", _message_text(en.json["message"])), en.json["message"]
    return r


def _approve(api, aid, users, **body):
    for username in users:
        r = api(username).post(f"/api/v1/approval/{aid}/approve", json={"comment": f"{username} 同意", **body})
        assert r.status_code == 200, (username, r.json)


def _url(aid, action="approve"):
    return f"/api/v1/approval/{aid}/{action}"


@contextmanager
def acting(app, username):
    """A request acted by `username` (scope and audit follow that user)."""
    with app.test_request_context():
        g.pop("_center_scope", None)
        g.user = app.appbuilder.sm.find_user(username=username)
        try:
            yield g.user
        finally:
            g.pop("user", None)
            g.pop("_center_scope", None)


@pytest.fixture()
def approval_day(monkeypatch):
    """Freeze the approval date the appointment rules and effects read."""

    def set_day(day: date):
        monkeypatch.setattr(timeutil, "today", lambda: day)

    return set_day


# -- 离职: notice, dismissal --------------------------------------------------------------

@pytest.mark.parametrize("level,required", [
    ("manager", 30), ("supervisor", 30), ("staff", 20), ("security_cleaning", 15),
])
def test_short_notice_needs_the_approvers_recorded_override(app, api, level, required):
    """DESIGN 离职: notice for 辞职 主管级及以上 30 days, 主管级以下 20, 安全员/保洁 15; a shorter
    notice needs an explicit override by the approver, recorded."""
    with app.app_context():
        short = pf.resignation(pf.employee(level=level), notice_days=required - 1)
        exact = pf.resignation(pf.employee(level=level), notice_days=required)
        rid, aid, exact_aid = short.id, pf.submit(short, "hr1"), pf.submit(exact, "hr1")
    r = _refused(api, "supervisor1", _url(aid), {"comment": "同意"}, 409, f"辞职须提前{required}天")
    assert f"只提前了{required - 1}天" in r.json["message"]
    _approve(api, aid, ["supervisor1"], override=True)
    _approve(api, aid, ["center_manager1", "gm1"])           # recorded once: later steps pass
    _approve(api, exact_aid, CHAIN3)                          # exactly the required notice: no override
    with app.app_context():
        res = db.session.get(Resignation, rid)
        assert res.status == "approved" and res.notice_override is True
        assert res.notice_override_by_id == app.appbuilder.sm.find_user(username="supervisor1").id
        approval = db.session.get(Approval, aid)
        assert [s.override for s in approval.steps] == [True, False, False]
        assert [e.override for e in approval.events if e.action == "approve"] == [True, False, False]
        assert db.session.get(Approval, exact_aid).steps[0].override is False


def test_dismissal_needs_a_listed_reason_and_no_notice(app, api):
    """DESIGN 离职: 辞退 for a listed reason needs no notice; the dismissal records its reason."""
    with app.app_context():
        emp = pf.employee(level="manager")
        for reason in (None, "看不顺眼"):
            with pytest.raises(DomainError, match="法定辞退理由"):
                pf.resignation(emp, kind="dismiss", notice_days=0, dismissal_reason=reason)
            db.session.rollback()
        with pytest.raises(DomainError, match="最后工作日不能早于提出日期"):
            pf.resignation(emp, notice_date=date(2027, 4, 1), last_day=date(2027, 3, 31))
        db.session.rollback()
        res = pf.resignation(emp, kind="dismiss", notice_days=0, dismissal_reason="rule_violation")
        rid, aid = res.id, pf.submit(res, "hr1")
        abandon = pf.resignation(pf.employee(), kind="abandon", notice_days=0, dismissal_reason="other")
        abandon_id, abandon_aid = abandon.id, pf.submit(abandon, "hr1")
    _approve(api, aid, CHAIN3)
    _approve(api, abandon_aid, CHAIN3)
    with app.app_context():
        res = db.session.get(Resignation, rid)
        assert res.status == "approved" and res.dismissal_reason == "rule_violation" and not res.notice_override
        assert db.session.get(Resignation, abandon_id).dismissal_reason is None   # only dismissals keep one


# -- 离职: leaving completes -------------------------------------------------------------------

def _approved_resignation(app, api, last_day, with_login=True):
    with app.app_context():
        login = pf.user("frontdesk") if with_login else None
        emp = pf.employee(login=login)
        res = pf.resignation(emp, last_day=last_day, notice_date=last_day - timedelta(days=60))
        ids = {"res": res.id, "emp": emp.id, "user": login.id if login else None,
               "username": login.username if login else None, "approval": pf.submit(res, "hr1")}
    _approve(api, ids["approval"], CHAIN3)
    return ids


def _hr_clerk() -> str:
    """Settlements are prepared by an HR clerk and reviewed by 人事经理 (hr1): not the same person."""
    return pf.user("hr", center_codes=()).username


def _leaving_state(ids):
    res = db.session.get(Resignation, ids["res"])
    emp = db.session.get(Employee, ids["emp"])
    return res, emp


def test_leaving_completes_only_with_done_checklist_and_approved_settlement(app, api, client):
    """DESIGN 离职: leaving completes only when the handover checklist (工作交接, 公款, 办公用品,
    工作证/工牌/出入卡, 工作服, 宿舍退房) is done and the salary settlement is approved
    (人事经理 → 总经理); a last day already past: the employee leaves at once, login deactivated."""
    today = timeutil.today()
    ids = _approved_resignation(app, api, last_day=today - timedelta(days=3))
    with app.app_context():
        res, emp = _leaving_state(ids)
        assert res.status == "approved" and res.completed_on is None and emp.status == "regular"
        cl = pf.checklist(res, done=False, work_handover=True, public_funds=True)
        st = pf.settlement(res, total=Decimal("99999.00"))
        assert st.total == Decimal("3100.25")                   # computed, not typed
        cl_id, st_aid = cl.id, pf.submit(st, _hr_clerk())
    _refused(api, "supervisor1", _url(st_aid), {}, 403, "您无权审批此步骤")
    _approve(api, st_aid, ["hr1", "gm1"])
    with app.app_context():
        res, emp = _leaving_state(ids)
        assert res.completed_on is None and emp.status == "regular"        # checklist not done
        cl = db.session.get(HandoverChecklist, cl_id)
        for item in HandoverChecklist.ITEMS:
            setattr(cl, item, True)
        personnel.before_save(cl)
        db.session.commit()
        res, emp = _leaving_state(ids)
        assert res.completed_on == today
        assert emp.status == "left" and emp.left_date == res.last_day
        assert emp.user.active is False
    r = client.post("/api/v1/security/login",
                    json={"username": ids["username"], "password": pf.PASSWORD, "provider": "db"})
    assert r.status_code == 401


def test_future_last_day_is_applied_by_the_daily_job(app, api):
    """DESIGN 离职: the employee becomes 离职 on the last working day: a leaving completed
    earlier is applied by `apply_due_leavers()` when that day comes."""
    today = timeutil.today()
    last_day = today + timedelta(days=40)
    ids = _approved_resignation(app, api, last_day=last_day)
    with app.app_context():
        res, _emp = _leaving_state(ids)
        pf.checklist(res)                                            # all items done
        with pytest.raises(DomainError, match="不能为负数"):
            pf.settlement(res, deductions=Decimal("5000.00"))
        db.session.rollback()
        st_aid = pf.submit(pf.settlement(res), _hr_clerk())
    _approve(api, st_aid, ["hr1", "gm1"])                              # the settlement is the last piece
    with app.app_context():
        res, emp = _leaving_state(ids)
        assert res.completed_on == today and emp.status == "regular" and emp.user.active is True
        assert leaving.apply_due_leavers(today=last_day - timedelta(days=1)) >= 0
        res, emp = _leaving_state(ids)
        assert emp.status == "regular"
        assert leaving.apply_due_leavers(today=last_day) >= 1
        res, emp = _leaving_state(ids)
        assert emp.status == "left" and emp.left_date == last_day and emp.user.active is False
        assert leaving.apply_due_leavers(today=last_day) == 0             # idempotent


def test_apply_leavers_cli(app, api):
    """DESIGN 离职 (daily job): `flask personnel apply-leavers` applies due leavings."""
    last_day = timeutil.today() + timedelta(days=50)
    ids = _approved_resignation(app, api, last_day=last_day, with_login=False)
    with app.app_context():
        res, _emp = _leaving_state(ids)
        pf.checklist(res)
        st_aid = pf.submit(pf.settlement(res), _hr_clerk())
    _approve(api, st_aid, ["hr1", "gm1"])
    runner = app.test_cli_runner()
    result = runner.invoke(args=["personnel", "apply-leavers", "--today", last_day.isoformat()])
    assert result.exit_code == 0, result.output
    assert "left" in result.output
    with app.app_context():
        assert _leaving_state(ids)[1].status == "left"


def test_settlement_and_checklist_follow_the_resignation(app):
    """DESIGN 离职: a settlement only for an approved resignation; the handover starts once
    the resignation is under way; one of each per resignation."""
    with app.app_context():
        res = pf.resignation()
        with pytest.raises(Conflict, match="只有审批中或已批准"):
            pf.checklist(res)
        db.session.rollback()
        pf.submit(res, "hr1")
        with pytest.raises(Conflict, match="离职申请批准后才能办理工资结算"):
            pf.settlement(res)
        db.session.rollback()
        pf.checklist(res, done=False)
        with pytest.raises(Conflict, match="已有交接清单"):
            pf.checklist(res)
        db.session.rollback()


# -- 转正 / 试用期 / 录用 ---------------------------------------------------------------------------

def test_probation_three_months_by_default_at_most_six_regular_date(app):
    """DESIGN 转正: probation 3 months by default, extendable to at most 6; regular date =
    hire date + probation months + 1 day (hired 3-15, 3 months → 6-16); status starts 试用."""
    with app.app_context():
        e = Employee(center_id=factories.center("SC01").id, employee_no=factories.unique("P"), name="试用员工",
                     hire_date=date(2026, 3, 15), status="regular", probation_months=None)
        personnel.before_save(e)
        assert (e.probation_months, e.status, e.regular_date) == (3, "probation", date(2026, 6, 16))
        db.session.add(e)
        db.session.commit()
        e.probation_months = 7
        with pytest.raises(DomainError, match="最长延长至6个月"):
            personnel.before_save(e)
        db.session.rollback()
        e.probation_months = 6
        personnel.before_save(e)
        db.session.commit()
        assert e.regular_date == date(2026, 9, 16)
        regular = pf.employee(status="regular")
        regular.probation_months = 4
        with pytest.raises(Conflict, match="试用期不能再修改"):
            personnel.before_save(regular)
        db.session.rollback()


def test_probation_list_within_thirty_days(app):
    """DESIGN 转正 (probation list): employees in probation whose regular date comes within 30 days,
    in the user's centres only."""
    with app.app_context():
        soon = pf.employee(status="probation", hire_date=date(2026, 3, 15)).id        # regular 6-16
        later = pf.employee(status="probation", hire_date=date(2026, 4, 20)).id       # regular 7-21
        regular = pf.employee(status="regular", hire_date=date(2026, 3, 15)).id
        other_centre = pf.employee("SC02", status="probation", hire_date=date(2026, 3, 15)).id
        due = [e.id for e in hiring.probation_due(30, today=date(2026, 6, 1))]
        assert soon in due and other_centre in due and later not in due and regular not in due
        with acting(app, "supervisor1"):
            scoped = [e.id for e in hiring.probation_due(30, today=date(2026, 6, 1))]
        assert soon in scoped and other_centre not in scoped


@pytest.mark.parametrize("field,value,message", [
    ("id_number", "110105194912310021", "校验位不正确"),
    ("phone", "12345", "电话号码格式不正确"),
    ("level", "boss", "级别无效"),
    ("employee_no", "  ", "请填写工号"),
])
def test_employee_input_is_checked(app, field, value, message):
    """DESIGN 人员: ID number validated with its check digit, phone, level from the list, 工号 given."""
    with app.app_context():
        e = Employee(center_id=factories.center("SC01").id, employee_no=factories.unique("P"), name="校验",
                     hire_date=date(2026, 1, 5))
        setattr(e, field, value)
        with pytest.raises(DomainError, match=message):
            personnel.before_save(e)


def test_employee_number_unique_among_active_rows(app):
    """DESIGN 人员: 工号 identifies one employee (a deleted row frees it)."""
    with app.app_context():
        first = pf.employee()
        twin = Employee(center_id=first.center_id, employee_no=first.employee_no, name="重号",
                        hire_date=date(2026, 1, 5))
        with pytest.raises(Conflict, match="已存在"):
            personnel.before_save(twin)
        db.session.rollback()
        personnel.before_delete(first)
        db.session.commit()
        personnel.before_save(twin)


def test_hiring_creates_the_employee_and_onboarding_training_within_a_month(app):
    """DESIGN 人员 (录用 / 上岗通知): hiring creates the employee in probation (3 months) and the
    onboarding checklist with 入职培训 due within a month; the decision is taken only by hiring."""
    with app.app_context():
        a = pf.applicant(id_number=factories.valid_id_number())
        dep, pos = pf.department(), pf.position("staff")
        with acting(app, "hr1") as hr:
            emp = hiring.hire_applicant(a, employee_no=factories.unique("H"), hire_date=date(2026, 3, 15),
                                        department=dep, position=pos.id, level="staff", actor=hr)
        assert (emp.status, emp.probation_months, emp.regular_date) == ("probation", 3, date(2026, 6, 16))
        assert emp.center_id == a.center_id and emp.name == a.name and emp.position_id == pos.id
        ob = db.session.scalars(select(Onboarding).filter_by(employee_id=emp.id)).one()
        assert ob.training_due == date(2026, 4, 15)
        a = db.session.get(Applicant, a.id)
        assert a.decision == "hired" and a.employee_id == emp.id
        with pytest.raises(Conflict, match="已有录用结论"):
            hiring.hire_applicant(a, employee_no=factories.unique("H"), hire_date=date(2026, 3, 15),
                                  department=dep, position=pos, actor=None)
        other = pf.applicant()
        other.decision = "hired"
        with pytest.raises(DomainError, match="请通过“录用”操作"):
            personnel.before_save(other)
        db.session.rollback()
        assert ob.id in [o.id for o in hiring.training_overdue(today=date(2026, 4, 16))]
        assert ob.id not in [o.id for o in hiring.training_overdue(today=date(2026, 4, 15))]
        ob.training_done_on = date(2026, 4, 10)
        db.session.commit()
        assert ob.id not in [o.id for o in hiring.training_overdue(today=date(2026, 5, 1))]


def test_regularize_takes_effect_on_the_approval_date(app, api, approval_day):
    """DESIGN 转正: 部门主管 → 服务中心经理 → 总经理; takes effect on the approval date; only for
    an employee in probation."""
    with app.app_context():
        emp = pf.employee(status="probation", hire_date=date(2026, 1, 5))
        appt = pf.appointment(emp, "regularize")
        eid, apid, aid = emp.id, appt.id, pf.submit(appt, "hr1")
        with pytest.raises(Conflict, match="只有试用期员工"):
            pf.appointment(pf.employee(status="regular"), "regularize")
        db.session.rollback()
    approval_day(date(2026, 4, 3))
    _approve(api, aid, CHAIN3)
    with app.app_context():
        emp, appt = db.session.get(Employee, eid), db.session.get(Appointment, apid)
        assert emp.status == "regular" and emp.regular_date == date(2026, 4, 3)
        assert appt.effective_date == date(2026, 4, 3) and appt.special_approval is False


# -- 晋升 / 调薪 ---------------------------------------------------------------------------------

def _appointment(app, kind, *, last_change, old_level="staff", **kw):
    with app.app_context():
        emp = pf.employee(level=old_level, last_change_date=last_change)
        appt = pf.appointment(emp, kind, **kw)
        return emp.id, appt.id, pf.submit(appt, "hr1")


def _special_approval(app, api, aid, apid, zh_fragment):
    """Earlier steps forward; the GM is refused without override (nothing decided), then passes with it."""
    _approve(api, aid, CHAIN3[:2])
    r = _refused(api, "gm1", _url(aid), {"comment": "同意"}, 409, zh_fragment)
    assert "总经理特批" in r.json["message"]
    with app.app_context():
        approval = db.session.get(Approval, aid)
        assert approval.status == "pending" and approval.current_step == 3 and approval.steps[2].decision is None
        assert db.session.get(Appointment, apid).special_approval is False
    _approve(api, aid, ["gm1"], override=True)
    with app.app_context():
        assert db.session.get(Appointment, apid).special_approval is True
        assert db.session.get(Approval, aid).steps[2].override is True


@pytest.mark.parametrize("kind,new", [
    ("promote", {"new_level": "supervisor"}),
    ("raise", {"new_salary_grade": "G5"}),
])
def test_promotion_and_raise_only_in_june_and_december_unless_gm_special_approval(app, api, approval_day, kind, new):
    """DESIGN 晋升/调薪: only in the June and December rounds (GM special approval excepted);
    takes effect on the approval date."""
    eid, apid, aid = _appointment(app, kind, last_change=date(2025, 5, 1), **new)
    approval_day(date(2026, 5, 20))
    _special_approval(app, api, aid, apid, "6月和12月")
    with app.app_context():
        emp, appt = db.session.get(Employee, eid), db.session.get(Appointment, apid)
        assert appt.effective_date == date(2026, 5, 20) and emp.last_change_date == date(2026, 5, 20)
        assert emp.level == new.get("new_level", "staff") and emp.salary_grade == new.get("new_salary_grade", "G3")


def test_promotion_needs_six_months_since_the_last_change(app, api, approval_day):
    """DESIGN 晋升/调薪: at least 6 months since the last change (GM special approval excepted)."""
    eid, apid, aid = _appointment(app, "raise", last_change=date(2026, 3, 1), new_salary_grade="G4")
    approval_day(date(2026, 6, 10))
    _special_approval(app, api, aid, apid, "不足6个月")
    with app.app_context():
        assert db.session.get(Employee, eid).salary_grade == "G4"


def test_promotion_skipping_a_level_needs_gm_special_approval(app, api, approval_day):
    """DESIGN 晋升: no skipping a level (GM special approval excepted)."""
    eid, apid, aid = _appointment(app, "promote", last_change=None, new_level="manager")
    approval_day(date(2026, 12, 1))
    _special_approval(app, api, aid, apid, "不能越级晋升")
    with app.app_context():
        assert db.session.get(Employee, eid).level == "manager"


def test_only_the_gm_grants_special_approval_and_in_rule_promotion_passes(app, api, approval_day):
    """DESIGN 晋升: the special approval is the GM's; a promotion within the rules needs none,
    takes effect on the approval date, and keeps the old values taken from the roster."""
    with app.app_context():
        emp = pf.employee(level="staff", last_change_date=date(2025, 6, 1))
        new_position = pf.position("supervisor")
        appt = pf.appointment(emp, "promote", new_level="supervisor", new_position=new_position,
                              old_level="manager", new_salary_grade="G6")
        assert appt.old_level == "staff" and appt.old_salary_grade == "G3"      # from the roster, not typed
        eid, apid, pos_id, aid = emp.id, appt.id, new_position.id, pf.submit(appt, "hr1")
    approval_day(date(2026, 6, 10))
    _refused(api, "supervisor1", _url(aid), {"override": True}, 403, "只有总经理可以特批")
    _approve(api, aid, ["supervisor1"])
    _refused(api, "center_manager1", _url(aid), {"override": True}, 403, "只有总经理可以特批")
    _approve(api, aid, ["center_manager1", "gm1"])
    with app.app_context():
        emp, appt = db.session.get(Employee, eid), db.session.get(Appointment, apid)
        assert appt.special_approval is False and appt.effective_date == date(2026, 6, 10)
        assert (emp.level, emp.position_id, emp.salary_grade) == ("supervisor", pos_id, "G6")
        assert emp.last_change_date == date(2026, 6, 10)


def test_transfer_changes_the_position_only(app, api, approval_day):
    """DESIGN 调岗: a transfer changes the position, not the level or the last-change date."""
    with app.app_context():
        emp = pf.employee(level="staff", last_change_date=date(2025, 1, 1))
        target = pf.position("staff")
        appt = pf.appointment(emp, "transfer", new_position=target, new_level="manager")
        eid, pos_id, aid = emp.id, target.id, pf.submit(appt, "hr1")
    approval_day(date(2026, 3, 3))
    _approve(api, aid, CHAIN3)
    with app.app_context():
        emp = db.session.get(Employee, eid)
        assert (emp.position_id, emp.level, emp.last_change_date) == (pos_id, "staff", date(2025, 1, 1))


# -- 请假 -------------------------------------------------------------------------------------

@pytest.mark.parametrize("days,decider,other,chain", [
    ("0.5", "supervisor1", "center_manager1", "leave.short"),
    ("1", "supervisor1", "center_manager1", "leave.short"),
    ("1.5", "center_manager1", "supervisor1", "leave.long"),
    ("3", "center_manager1", "supervisor1", "leave.long"),
])
def test_leave_up_to_one_day_supervisor_longer_centre_manager(app, api, days, decider, other, chain):
    """DESIGN 请假: ≤ 1 day 客服主管; > 1 day 服务中心经理 (the other role is refused)."""
    with app.app_context():
        leave = pf.leave(days=days)
        lid, aid = leave.id, pf.submit(leave, "hr1")
        assert db.session.get(Approval, aid).chain_key == chain
    _refused(api, other, _url(aid), {}, 403, "您无权审批此步骤")
    _approve(api, aid, [decider])
    with app.app_context():
        assert db.session.get(Leave, lid).status == "approved"


@pytest.mark.parametrize("start,end,days,message", [
    (date(2027, 2, 2), date(2027, 2, 1), "1", "不能晚于结束日期"),
    (date(2027, 2, 1), date(2027, 2, 1), "1.5", "不能超过"),
    (date(2027, 2, 1), date(2027, 2, 2), "0", "必须大于0"),
])
def test_leave_dates_and_days_are_checked(app, start, end, days, message):
    """DESIGN 请假: start ≤ end, days > 0 and within the dates (half days allowed)."""
    with app.app_context():
        with pytest.raises(DomainError, match=message):
            pf.leave(start=start, end_date=end, days=days)


# -- engine rules for these request types -----------------------------------------------------

def test_nobody_decides_a_request_about_themselves(app, api):
    """DESIGN 审批: nobody approves a request that concerns themselves (leave and appointment)."""
    with app.app_context():
        me = pf.employee_of("supervisor1")
        leave_aid = pf.submit(pf.leave(me, days="1"), "hr1")
        appt_aid = pf.submit(pf.appointment(me, "transfer", new_position=pf.position(me.level)), "hr1")
    for aid in (leave_aid, appt_aid):
        _refused(api, "supervisor1", _url(aid), {}, 403, "与本人相关")
        inbox = api("supervisor1").get("/api/v1/approval/inbox").json["result"]
        assert aid not in [a["id"] for a in inbox]


def test_nobody_decides_what_they_submitted(app, api):
    """DESIGN 审批 / 人员需求 (部门主管 → 服务中心经理 → 总经理): the submitter cannot decide it."""
    with app.app_context():
        aid = pf.submit(pf.requisition(), "supervisor1")
    _refused(api, "supervisor1", _url(aid), {}, 403, "本人提交")
    _refused(api, "center_manager1", _url(aid), {}, 403, "您无权审批此步骤")


def test_only_the_current_steps_role_within_scope_decides(app, api):
    """DESIGN 审批: only the current step's role decides, within its centre."""
    with app.app_context():
        outsider = pf.user("supervisor", center_codes=("SC02",)).username
        aid = pf.submit(pf.resignation(), "hr1")
    assert api(outsider, pf.PASSWORD).post(_url(aid), json={}).status_code == 404
    _refused(api, "gm1", _url(aid), {}, 403, "当前步骤")
    _approve(api, aid, ["supervisor1"])


def test_a_step_is_decided_once(app, api):
    """DESIGN 审批: a step is decided once; a late decision on it is told clearly."""
    with app.app_context():
        aid = pf.submit(pf.resignation(), "hr1")
    _approve(api, aid, ["supervisor1"])
    _refused(api, "center_manager1", _url(aid), {"step": 1}, 409, "已由他人处理")
    _refused(api, "supervisor1", _url(aid, "reject"), {"comment": "不同意", "step": 1}, 409, "已由他人处理")
    with app.app_context():
        approval = db.session.get(Approval, aid)
        assert approval.current_step == 2 and approval.steps[0].decided_by_name == "supervisor1"
        assert [e.step for e in approval.events if e.action == "approve"] == [1]


def test_final_approval_runs_effects_in_the_same_transaction(app, api, monkeypatch):
    """DESIGN 审批: final approval and its effects are one transaction (an effect that fails
    leaves the request pending, nothing half-written)."""
    with app.app_context():
        req = pf.requisition()
        rid, aid = req.id, pf.submit(req, "hr1")
    _approve(api, aid, CHAIN3[:2])

    def failing_effect(obj, approval, actor):
        obj.headcount = 99
        raise DomainError("测试：生效失败")

    with monkeypatch.context() as m:
        m.setitem(approvals.EFFECTS, "requisition", failing_effect)
        r = api("gm1").post(_url(aid), json={})
        assert r.status_code == 422 and "生效失败" in r.json["message"]
    with app.app_context():
        approval, req = db.session.get(Approval, aid), db.session.get(Requisition, rid)
        assert approval.status == "pending" and approval.steps[2].decision is None
        assert req.status == "pending" and req.headcount == 2
    _approve(api, aid, ["gm1"])
    with app.app_context():
        assert db.session.get(Requisition, rid).status == "approved"


# -- the other registers' rules --------------------------------------------------------------------

def test_requests_under_way_cannot_be_edited_or_deleted(app):
    """DESIGN 审批 / 人员: a request is changed only as draft or returned; a pending or approved
    request is never deleted, nor an employee with open requests; deletes are soft."""
    with app.app_context():
        emp = pf.employee()
        leave = pf.leave(emp)
        pf.submit(leave, "hr1")
        leave.reason = "改个理由"
        with pytest.raises(Conflict, match="只有草稿或退回修改的申请可以修改"):
            personnel.before_save(leave)
        db.session.rollback()
        with pytest.raises(Conflict, match="审批中或已批准的申请不能删除"):
            personnel.before_delete(leave)
        with pytest.raises(Conflict, match="未办结的申请"):
            personnel.before_delete(emp)
        draft = pf.leave(pf.employee())
        personnel.before_delete(draft)
        db.session.commit()
        assert db.session.get(Leave, draft.id).deleted_on is not None


def test_requisition_reward_and_applicant_rules(app):
    """DESIGN 人员: requisition headcount ≥ 1 with a reason; rewards/penalties never negative
    (Decimal) with a reason; applicant's phone valid."""
    with app.app_context():
        for kw, message in (({"headcount": 0}, "至少为1人"), ({"reason": " "}, "需求原因")):
            with pytest.raises(DomainError, match=message):
                pf.requisition(**kw)
            db.session.rollback()
        emp = pf.employee()
        day = date(2026, 1, 5)
        bad = RewardPenalty(employee=emp, kind="penalty", amount=Decimal("-1"), reason="迟到", issued_on=day)
        with pytest.raises(DomainError, match="不能为负数"):
            personnel.before_save(bad)
        db.session.rollback()
        good = RewardPenalty(employee=emp, kind="reward", amount="100.005", reason="好人好事", issued_on=day)
        personnel.before_save(good)
        assert good.amount == Decimal("100.01") and good.center_id == emp.center_id
        db.session.rollback()
        with pytest.raises(DomainError, match="电话号码格式不正确"):
            pf.applicant(phone="123")
        db.session.rollback()


def test_settlement_row_cannot_be_created_for_another_centres_resignation(app):
    """DESIGN row-level scope: a checklist or settlement takes the resignation's employee and centre,
    which must be visible to the user."""
    with app.app_context():
        res = pf.resignation(pf.employee("SC02"))
        pf.submit(res, "hr1")
        with acting(app, "supervisor1"):
            with pytest.raises(DomainError, match="不在您的服务中心范围内"):
                personnel.before_save(SalarySettlement(resignation_id=res.id, base_pay=Decimal("1")))
            with pytest.raises(DomainError, match="不在您的服务中心范围内"):
                personnel.before_save(HandoverChecklist(resignation_id=res.id))
        db.session.rollback()


def test_save_time_refusals_answer_4xx_over_the_rest_api(app, api):
    """DESIGN Interfaces + 离职/请假: a rule that refuses a row answers 4xx with the message in the
    caller's language on the REST resources too (the hooks call app.services.personnel)."""
    with app.app_context():
        eid = pf.employee().id
    dismissal = {"employee_id": eid, "kind": "dismiss", "notice_date": "2027-03-01", "last_day": "2027-03-01",
                 "reason": "违纪"}
    _refused(api, "hr1", "/api/v1/resignation/", dismissal, 422, "法定辞退理由")
    too_long = {"employee_id": eid, "kind": "personal", "start_date": "2027-03-01", "end_date": "2027-03-01",
                "days": "2", "reason": "有事"}
    _refused(api, "hr1", "/api/v1/leave/", too_long, 422, "不能超过")
    r = api("hr1").post("/api/v1/resignation/", json={**dismissal, "dismissal_reason": "rule_violation"})
    assert r.status_code == 201, r.json
    with app.app_context():
        res = db.session.get(Resignation, r.json["id"])
        assert res.status == "draft" and res.notice_override is False and res.center_id == factories.center("SC01").id


def _message_text(message) -> str:
    """A 4xx message is a string, or (field validation) a dict of lists."""
    if isinstance(message, dict):
        return " ".join(" ".join(map(str, v)) if isinstance(v, list) else str(v) for v in message.values())
    return str(message)
