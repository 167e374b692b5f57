"""人事 through the REST API and the screens, per role (DESIGN "Registers" 1,
"Interfaces", "Row-level scope", "Approval chains" 离职).

hr works company-wide; centre roles see their own centre only, in lists,
detail pages, exports and the API; ID numbers are masked for everyone but
hr/admin; the stable field names integrators rely on are there; a request is
submitted through `POST /api/v1/<resource>/<id>/submit` and decided through
the approval resource; the resignation prints as 员工离职申请表.
"""

import io
import re
from datetime import timedelta

import openpyxl
import pytest
from sqlalchemy import select

from app import timeutil
from app.extensions import db
from app.models.personnel import Applicant, Employee
from tests import factories

MASKED = re.compile(r"^\d{6}\*{8}[\dX]{4}$")
FULL_ID = re.compile(r"^\d{17}[\dX]$")
EMPLOYEE_FIELDS = {
    "id", "center_id", "employee_no", "name", "gender", "level", "department_id", "position_id", "hire_date",
    "probation_months", "regular_date", "status", "phone", "id_number",
}
RESIGNATION_FIELDS = {
    "id", "center_id", "employee_id", "kind", "notice_date", "last_day", "reason", "dismissal_reason",
    "notice_override", "status", "approval_id",
}
LEAVE_FIELDS = {"id", "center_id", "employee_id", "kind", "start_date", "end_date", "days", "reason", "status",
                "approval_id"}
APPOINTMENT_FIELDS = {
    "id", "center_id", "employee_id", "kind", "new_position_id", "new_level", "new_salary_grade", "reason", "status",
    "approval_id", "special_approval", "effective_date",
}
REQUISITION_FIELDS = {"id", "center_id", "department_id", "position_id", "headcount", "required_by", "reason",
                      "status", "approval_id"}
CHAIN = ("supervisor1", "center_manager1", "gm1")


# -- helpers ------------------------------------------------------------------------

def centre_id(app, code):
    with app.app_context():
        return factories.center(code).id


def new_employee(api, app, center="SC01", level="staff", **extra):
    """A fresh roster entry created by hr1 through the API (no login)."""
    body = {
        "center_id": centre_id(app, center), "employee_no": factories.unique("E"), "name": factories.unique("员工"),
        "gender": "male", "level": level, "hire_date": "2024-03-15", "probation_months": 3,
        "phone": "13912345678", "id_number": factories.valid_id_number(), **extra,
    }
    r = api("hr1").post("/api/v1/employee/", json=body)
    assert r.status_code == 201, r.json
    return {**body, "id": r.json["id"]}


def new_resignation(api, employee_id, author="hr1", notice_days=35):
    today = timeutil.today()
    r = api(author).post("/api/v1/resignation/", json={
        "employee_id": employee_id, "kind": "resign", "notice_date": today.isoformat(),
        "last_day": (today + timedelta(days=notice_days)).isoformat(), "reason": "个人发展，另谋高就",
    })
    assert r.status_code == 201, r.json
    return r.json["id"]


def inbox_ids(api, username):
    r = api(username).get("/api/v1/approval/inbox")
    assert r.status_code == 200
    return {a["id"] for a in r.json["result"]}


def all_rows(api, username, resource):
    r = api(username).get(f"/api/v1/{resource}/?q=(page_size:100)")
    assert r.status_code == 200, r.json
    return r.json["result"]


# -- scope and roles -------------------------------------------------------------------

def test_hr_sees_both_centres_frontdesk2_only_its_own(api, app):   # DESIGN: company-wide vs own centre
    c1, c2 = centre_id(app, "SC01"), centre_id(app, "SC02")
    # company-wide: both demo centres (and any centre other tests imported staff into)
    assert {row["center_id"] for row in all_rows(api, "hr1", "employee")} >= {c1, c2}
    assert {row["center_id"] for row in all_rows(api, "frontdesk2", "employee")} == {c2}
    assert {row["center_id"] for row in all_rows(api, "supervisor1", "resignation")} == {c1}


def test_frontdesk2_never_sees_a_centre_1_employee(api, app, logged_in):   # DESIGN: row-level scope
    emp = new_employee(api, app, "SC01")
    a = api("frontdesk2")
    assert a.get(f"/api/v1/employee/{emp['id']}").status_code == 404
    assert emp["id"] not in {row["id"] for row in all_rows(api, "frontdesk2", "employee")}
    c = logged_in("frontdesk2")
    page = c.get("/employeeview/list/?psize_EmployeeView=100").get_data(as_text=True)
    assert "锦绣华庭服务中心" in page and emp["name"] not in page and "阳光花园服务中心" not in page
    assert c.get(f"/employeeview/show/{emp['id']}").status_code == 404
    assert emp["name"] not in c.get(f"/employeeview/lookup/?q={emp['name']}").get_data(as_text=True)
    r = logged_in("center_manager1").get("/employeeview/export/")  # frontdesk has no export on the roster
    rows = list(openpyxl.load_workbook(io.BytesIO(r.data), read_only=True).active.iter_rows(values_only=True))
    assert {row[rows[0].index("服务中心")] for row in rows[1:]} == {"阳光花园服务中心"}
    assert all(MASKED.match(row[rows[0].index("身份证号")]) for row in rows[1:] if row[rows[0].index("身份证号")])
    assert logged_in("frontdesk2").get("/employeeview/export/").status_code == 403


def test_technician_cannot_create_or_edit_employees(api, app, logged_in):   # roles table
    emp = new_employee(api, app)
    a = api("technician1")
    assert a.get("/api/v1/employee/").status_code == 200
    assert a.post("/api/v1/employee/", json={"name": "x"}).status_code == 403
    assert a.put(f"/api/v1/employee/{emp['id']}", json={"phone": "13800000000"}).status_code == 403
    c = logged_in("technician1")
    assert c.get("/employeeview/add").status_code == 403
    assert c.get("/resignationview/list/").status_code == 403
    assert c.get("/leaveview/add").status_code == 200  # everyone asks for leave


@pytest.mark.parametrize("username, masked", [("supervisor1", True), ("center_manager1", True), ("gm1", True),
                                              ("hr1", False), ("admin1", False)])
def test_id_numbers_masked_except_for_hr_and_admin(api, app, logged_in, username, masked):
    emp = new_employee(api, app)
    row = api(username).get(f"/api/v1/employee/{emp['id']}").json["result"]
    assert bool(MASKED.match(row["id_number"])) is masked
    assert (row["id_number"] == emp["id_number"]) is not masked
    listed = next(r for r in all_rows(api, username, "employee") if r["id"] == emp["id"])
    assert listed["id_number"] == row["id_number"]
    page = logged_in(username).get(f"/employeeview/show/{emp['id']}").get_data(as_text=True)
    assert (emp["id_number"] in page) is not masked


# -- fields and CRUD ---------------------------------------------------------------------

@pytest.mark.parametrize("resource, fields", [
    ("employee", EMPLOYEE_FIELDS), ("resignation", RESIGNATION_FIELDS), ("leave", LEAVE_FIELDS),
    ("appointment", APPOINTMENT_FIELDS), ("requisition", REQUISITION_FIELDS),
])
def test_stable_field_names(api, resource, fields):   # DESIGN "Interfaces"
    rows = all_rows(api, "hr1", resource)
    assert rows, resource
    assert fields <= set(rows[0]), fields - set(rows[0])
    one = api("hr1").get(f"/api/v1/{resource}/{rows[0]['id']}").json["result"]
    assert fields - {"id"} <= set(one)


def test_hr_creates_reads_updates_and_deletes_an_employee(api, app):
    emp = new_employee(api, app, level="security_cleaning")
    a = api("hr1")
    row = a.get(f"/api/v1/employee/{emp['id']}").json["result"]
    assert row["status"] == "probation" and row["level"] == "security_cleaning"
    assert row["regular_date"] == "2024-06-16"  # hired 3-15, 3 months → regular on 6-16
    assert FULL_ID.match(row["id_number"])
    assert a.put(f"/api/v1/employee/{emp['id']}", json={"phone": "13700001111"}).status_code == 200
    assert a.get(f"/api/v1/employee/{emp['id']}").json["result"]["phone"] == "13700001111"
    assert a.delete(f"/api/v1/employee/{emp['id']}").status_code == 200
    assert a.get(f"/api/v1/employee/{emp['id']}").status_code == 404
    with app.app_context():
        assert db.session.get(Employee, emp["id"]).deleted_on is not None  # soft delete


@pytest.mark.parametrize("resource, field, value", [
    ("employee", "status", "regular"), ("employee", "regular_date", "2020-01-01"),
    ("resignation", "status", "approved"), ("resignation", "notice_override", True),
    ("resignation", "approval_id", 1), ("appointment", "special_approval", True),
    ("appointment", "effective_date", "2026-06-01"), ("leave", "status", "approved"),
])
def test_system_fields_are_read_only(api, app, resource, field, value):   # status only through actions
    r = api("hr1").post(f"/api/v1/{resource}/", json={field: value})
    assert r.status_code == 422
    assert r.json["message"][field] == ["Unknown field."]


def test_invalid_codes_and_id_numbers_are_refused(api, app):
    a = api("hr1")
    base = {"center_id": centre_id(app, "SC01"), "employee_no": factories.unique("E"), "name": "张三",
            "gender": "male", "level": "staff", "hire_date": "2024-01-01"}
    r = a.post("/api/v1/employee/", json={**base, "level": "boss"})
    assert r.status_code == 422 and "level" in r.json["message"]
    r = a.post("/api/v1/employee/", json={**base, "id_number": "110105198001011234"})
    assert r.status_code == 422 and "校验位" in str(r.json["message"]["id_number"])
    r = a.post("/api/v1/employee/", json={**base, "department_id": "abc"})
    assert r.status_code == 422 and "department_id" in r.json["message"]


# -- submit and the full chain -----------------------------------------------------------------

def test_submit_endpoint_starts_the_chain_once(api, app):
    emp = new_employee(api, app)
    rid = new_resignation(api, emp["id"])
    assert api("frontdesk2").post(f"/api/v1/resignation/{rid}/submit", json={}).status_code == 403  # no grant
    assert api("supervisor1").get(f"/api/v1/resignation/{rid}").status_code == 200
    r = api("hr1").post(f"/api/v1/resignation/{rid}/submit", json={"comment": "员工本人书面提出"})
    assert r.status_code == 200, r.json
    assert r.json["result"]["status"] == "pending" and r.json["result"]["approval_id"]
    again = api("hr1").post(f"/api/v1/resignation/{rid}/submit", json={})
    assert again.status_code == 409 and "草稿" in again.json["message"]
    assert api("hr1").put(f"/api/v1/resignation/{rid}", json={"reason": "改"}).status_code == 409


def test_resignation_walks_the_full_chain_through_the_api(api, app, logged_in):   # 主管 → 经理 → 总经理
    emp = new_employee(api, app, "SC01", level="supervisor")
    rid = new_resignation(api, emp["id"], notice_days=31)
    aid = api("hr1").post(f"/api/v1/resignation/{rid}/submit", json={}).json["result"]["approval_id"]
    assert aid not in inbox_ids(api, "hr1")  # the submitter never decides
    for i, approver in enumerate(CHAIN):
        waiting = {u: aid in inbox_ids(api, u) for u in CHAIN}
        assert waiting == {u: u == approver for u in CHAIN}, (approver, waiting)
        assert aid not in inbox_ids(api, "frontdesk2")
        r = api(approver).post(f"/api/v1/approval/{aid}/approve", json={"comment": f"{approver}同意", "step": i + 1})
        assert r.status_code == 200, r.json
        status = api("hr1").get(f"/api/v1/resignation/{rid}").json["result"]["status"]
        assert status == ("approved" if approver == "gm1" else "pending")
    assert not any(aid in inbox_ids(api, u) for u in CHAIN)
    body = api("hr1").get(f"/api/v1/approval/{aid}").json["result"]
    assert body["status"] == "approved" and body["request_type"] == "resignation" and body["request_id"] == rid
    assert [s["decided_by"] for s in body["steps"]] == list(CHAIN)
    assert [(h["action"], h["actor"]) for h in body["history"]] == [
        ("submit", "hr1"), ("approve", "supervisor1"), ("approve", "center_manager1"), ("approve", "gm1")]
    assert api("hr1").get(f"/api/v1/resignation/{rid}").json["result"]["notice_override"] is False

    page = logged_in("hr1").get(f"/resignationview/show/{rid}").get_data(as_text=True)
    assert "员工离职申请表" in page and "打印" in page and "css/print.css" in page
    for approver in CHAIN:
        assert approver in page and f"{approver}同意" in page
    assert emp["name"] in page and "已批准" in page
    assert 'id="submit-approval"' not in page


def test_leave_api_for_own_leave_goes_to_the_supervisor(api, app):   # 请假 ≤ 1 天 → 客服主管
    with app.app_context():
        own = db.session.query(Employee).filter_by(employee_no="SC01-004").one().id  # cashier1's roster entry
    start = (timeutil.today() + timedelta(days=60)).isoformat()
    a = api("cashier1")
    r = a.post("/api/v1/leave/", json={"employee_id": own, "kind": "personal", "start_date": start,
                                        "end_date": start, "days": "0.5", "reason": "银行办事"})
    assert r.status_code == 201, r.json
    lid = r.json["id"]
    r = a.post(f"/api/v1/leave/{lid}/submit", json={})
    assert r.status_code == 200 and r.json["result"]["status"] == "pending"
    aid = r.json["result"]["approval_id"]
    assert aid in inbox_ids(api, "supervisor1") and aid not in inbox_ids(api, "center_manager1")
    assert aid not in inbox_ids(api, "cashier1")
    assert api("frontdesk2").post(f"/api/v1/leave/{lid}/submit", json={}).status_code == 404  # other centre
    assert api("frontdesk2").get(f"/api/v1/leave/{lid}").status_code == 404


# -- screens ---------------------------------------------------------------------------

def test_submit_button_and_refusal_on_the_detail_page(api, app, logged_in):
    emp = new_employee(api, app)
    rid = new_resignation(api, emp["id"])
    c = logged_in("hr1")
    page = c.get(f"/resignationview/show/{rid}").get_data(as_text=True)
    assert 'id="submit-approval"' in page and f"/resignationview/submit/{rid}" in page
    assert "尚未提交审批" in page
    done = c.post(f"/resignationview/submit/{rid}", follow_redirects=True).get_data(as_text=True)
    assert "已提交审批" in done and "审批流程" in done and "部门主管受理" in done
    refused = c.post(f"/resignationview/submit/{rid}", follow_redirects=True).get_data(as_text=True)
    assert "只有草稿或退回修改的申请可以提交" in refused
    assert logged_in("frontdesk2").post(f"/resignationview/submit/{rid}").status_code in (403, 404)


def test_approver_decides_from_the_request_page(api, app, logged_in):
    emp = new_employee(api, app)
    rid = new_resignation(api, emp["id"])
    aid = api("hr1").post(f"/api/v1/resignation/{rid}/submit", json={}).json["result"]["approval_id"]
    c = logged_in("supervisor1")
    page = c.get(f"/resignationview/show/{rid}").get_data(as_text=True)
    assert 'name="action" value="approve"' in page and f'value="/resignationview/show/{rid}"' in page
    r = c.post(f"/approvalview/decide/{aid}", data={"action": "approve", "comment": "情况属实", "step": "1",
                                                    "next": f"/resignationview/show/{rid}"})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/resignationview/show/{rid}")
    assert aid in inbox_ids(api, "center_manager1")


def test_forms_use_labelled_selects_and_a_searchable_employee_picker(logged_in):
    page = logged_in("hr1").get("/resignationview/add").get_data(as_text=True)
    assert 'class="form-control search-select"' in page and "/employeeview/lookup/" in page
    assert "辞职" in page and "辞退" in page and "自动离职" in page
    assert 'name="status"' not in page and 'name="approval_id"' not in page
    assert 'name="notice_override"' not in page
    employee_form = logged_in("hr1").get("/employeeview/add").get_data(as_text=True)
    assert "安全员·保洁" in employee_form and 'name="regular_date"' not in employee_form
    assert 'name="status"' not in employee_form
    appointment = logged_in("hr1").get("/appointmentview/add").get_data(as_text=True)
    assert "转正" in appointment and 'name="old_level"' not in appointment
    assert 'name="special_approval"' not in appointment and 'name="effective_date"' not in appointment
    settlement = logged_in("hr1").get("/salarysettlementview/add").get_data(as_text=True)
    assert 'name="total"' not in settlement


def test_lists_show_labels_not_codes(logged_in):
    page = logged_in("hr1").get("/resignationview/list/?psize_ResignationView=100").get_data(as_text=True)
    assert "辞职" in page and "审批中" in page and "已批准" in page and ">resign<" not in page
    roster = logged_in("hr1").get("/employeeview/list/").get_data(as_text=True)
    assert "员工花名册" in roster and "正式" in roster and ">regular<" not in roster


def test_probation_and_training_lists(logged_in):   # DESIGN: probation 3 months; training within a month
    hr = logged_in("hr1")
    due = hr.get("/employeeview/probation_due/").get_data(as_text=True)
    assert "试用期到期" in due and "刘强" in due and "张伟" not in due
    overdue = hr.get("/onboardingview/training_overdue/").get_data(as_text=True)
    assert "入职培训逾期" in overdue and "黄秀英" in overdue and "刘强" not in overdue
    assert "黄秀英" not in logged_in("frontdesk2").get("/employeeview/probation_due/").get_data(as_text=True)
    assert logged_in("frontdesk1").get("/onboardingview/training_overdue/").status_code == 403


def test_hr_manages_the_roster_through_the_screens(app, logged_in):   # add, edit, delete (soft)
    c = logged_in("hr1")
    employee_no, name = factories.unique("UI"), factories.unique("界面员工")
    with app.app_context():
        position_id = db.session.execute(db.text("select id from position where name='客服助理'")).scalar()
    form = {"employee_no": employee_no, "name": name, "gender": "female", "id_number": factories.valid_id_number(),
            "phone": "13512345678", "center": centre_id(app, "SC02"), "position": position_id, "level": "staff",
            "hire_date": "2026-03-15", "probation_months": "3"}
    r = c.post("/employeeview/add", data=form)
    assert r.status_code == 302, r.get_data(as_text=True)
    with app.app_context():
        emp = db.session.query(Employee).filter_by(employee_no=employee_no).one()
        assert emp.status == "probation" and str(emp.regular_date) == "2026-06-16"
        pk = emp.id
    assert c.post(f"/employeeview/edit/{pk}", data={**form, "phone": "13587654321"}).status_code == 302
    assert c.post("/employeeview/add", data={**form, "id_number": "110105198001011234"}).status_code == 200
    assert c.post(f"/employeeview/delete/{pk}").status_code == 302
    with app.app_context():
        emp = db.session.get(Employee, pk)
        assert emp.phone == "13587654321" and emp.deleted_on is not None


def test_supervisor_files_a_leave_through_the_form(app, logged_in, api):   # searchable employee picker
    c = logged_in("supervisor1")
    with app.app_context():
        own = db.session.query(Employee).filter_by(employee_no="SC01-002").one().id
        other = db.session.query(Employee).filter_by(employee_no="SC02-004").one().id
    assert [r["id"] for r in c.get("/employeeview/lookup/?q=SC01-002").json["results"]] == [own]
    assert c.get("/employeeview/lookup/?q=SC02-004").json["results"] == []
    start = (timeutil.today() + timedelta(days=90)).isoformat()
    form = {"employee": own, "kind": "annual", "start_date": start, "end_date": start, "days": "1",
            "reason": factories.unique("年假")}
    refused = c.post("/leaveview/add", data={**form, "employee": other}).get_data(as_text=True)
    assert "不在您的服务中心范围内" in refused
    missing = c.post("/leaveview/add", data={**form, "employee": ""}).get_data(as_text=True)
    assert "此项必填" in missing
    assert c.post("/leaveview/add", data=form).status_code == 302
    row = next(r for r in all_rows(api, "supervisor1", "leave") if r["reason"] == form["reason"])
    assert row["status"] == "draft" and row["employee_id"] == own


def test_checklist_picker_offers_only_open_resignations_without_one(logged_in):
    page = logged_in("hr1").get("/handoverchecklistview/add").get_data(as_text=True)
    assert "黄秀英 辞职" in page  # pending, no checklist yet
    assert "周涛 辞职" not in page and "孙磊 辞职" not in page  # has one / rejected or withdrawn
    assert "周涛 辞职" not in logged_in("hr1").get("/salarysettlementview/add").get_data(as_text=True)


def test_hr_hires_an_applicant(app, logged_in):   # 求职申请 → 录用
    c = logged_in("hr1")
    name = factories.unique("应聘")
    with app.app_context():
        position_id = db.session.execute(db.text("select id from position where name='维修工'")).scalar()
        department_id = db.session.execute(db.text("select id from department where name='工程部'")).scalar()
    r = c.post("/applicantview/add", data={
        "center": centre_id(app, "SC01"), "name": name, "gender": "female", "phone": "13612345678",
        "position": position_id, "applied_on": "2026-11-01", "interview_notes": "动手能力强", "decision": "pending",
    })
    assert r.status_code == 302, r.get_data(as_text=True)
    with app.app_context():
        applicant = db.session.query(Applicant).filter_by(name=name).one().id
    show = c.get(f"/applicantview/show/{applicant}").get_data(as_text=True)
    assert f"/applicantview/hire/{applicant}" in show and "动手能力强" in show
    employee_no = factories.unique("H")
    r = c.post(f"/applicantview/hire/{applicant}", data={
        "employee_no": employee_no, "hire_date": "2026-11-16", "department": department_id,
        "position": position_id, "level": "staff",
    })
    assert r.status_code == 302 and "/employeeview/show/" in r.headers["Location"]
    with app.app_context():
        emp = db.session.query(Employee).filter_by(employee_no=employee_no).one()
        assert emp.name == name and emp.status == "probation" and str(emp.regular_date) == "2027-02-17"
        assert db.session.get(Applicant, applicant).decision == "hired"
    assert f"/applicantview/hire/{applicant}" not in c.get(f"/applicantview/show/{applicant}").get_data(as_text=True)
    again = c.post(f"/applicantview/hire/{applicant}", data={
        "employee_no": factories.unique("H"), "hire_date": "2026-11-16", "department": department_id,
        "position": position_id, "level": "staff"}, follow_redirects=True).get_data(as_text=True)
    assert "已有录用结论" in again


def test_personnel_menu_by_role(logged_in):
    hr = logged_in("hr1").get("/employeeview/list/").get_data(as_text=True)
    for label in ("人事", "员工花名册", "试用期到期", "求职申请", "入职培训逾期", "员工离职申请", "离职人员工资结算单"):
        assert label in hr, label
    tech = logged_in("technician1").get("/leaveview/list/").get_data(as_text=True)
    assert "请假申请" in tech and "/resignationview/list/" not in tech and "/applicantview/list/" not in tech


# -- demo data -----------------------------------------------------------------------------

@pytest.mark.parametrize("username", ["supervisor1", "center_manager1", "gm1", "hr1"])
def test_seeded_inboxes_are_not_empty(api, username):   # seeds/personnel.py
    assert inbox_ids(api, username)


def test_seeded_requests_cover_every_state(api):
    states = {row["status"] for row in all_rows(api, "hr1", "resignation")}
    states |= {row["status"] for row in all_rows(api, "hr1", "leave")}
    assert {"draft", "pending", "approved", "rejected", "returned", "withdrawn"} <= states
    logins = {row["employee_no"] for row in all_rows(api, "hr1", "employee")}
    assert {"SC01-001", "SC01-005", "SC02-003"} <= logins


def test_requisition_and_appointment_walk_their_full_chains_through_the_api(api, app):
    """人员需求 and 职务任免: 部门主管 → 服务中心经理 → 总经理, then the effects (an appointment
    in probation becomes regular on the approval date)."""
    from app.models.personnel import Department, Position

    with app.app_context():
        dept = db.session.scalars(select(Department.id)).first()
        pos = db.session.scalars(select(Position.id)).first()
        sc01 = factories.center("SC01").id
    req = api("hr1").post("/api/v1/requisition/", json={
        "center_id": sc01, "department_id": dept, "position_id": pos, "headcount": 2, "reason": "新项目入伙"})
    assert req.status_code == 201, req.json
    req_aid = api("hr1").post(f"/api/v1/requisition/{req.json['id']}/submit", json={}).json["result"]["approval_id"]
    emp = new_employee(api, app, "SC01")
    a = api("hr1").post("/api/v1/appointment/", json={"employee_id": emp["id"], "kind": "regularize",
                                                       "reason": "试用期表现良好"})
    assert a.status_code == 201, a.json
    app_aid = api("hr1").post(f"/api/v1/appointment/{a.json['id']}/submit", json={}).json["result"]["approval_id"]
    for aid in (req_aid, app_aid):
        for step, approver in enumerate(CHAIN, start=1):
            r = api(approver).post(f"/api/v1/approval/{aid}/approve", json={"comment": "同意", "step": step})
            assert r.status_code == 200, r.json
        assert api("hr1").get(f"/api/v1/approval/{aid}").json["result"]["status"] == "approved"
    assert api("hr1").get(f"/api/v1/requisition/{req.json['id']}").json["result"]["status"] == "approved"
    with app.app_context():
        employee = db.session.get(Employee, emp["id"])
        assert employee.status == "regular" and employee.regular_date == timeutil.today()
