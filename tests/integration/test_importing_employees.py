"""员工导入 (issue 7 part 3): hr imports a new centre's roster; every row goes through
the roster's own rules (工号 unique, ID check digit, probation, 转正日期); a file with
a bad row writes nothing; other roles are refused.
"""

import io
from datetime import date, timedelta

import openpyxl
import pytest
from sqlalchemy import func, select

from app import timeutil
from app.extensions import db
from app.models.audit import AuditLog
from app.models.personnel import Employee
from tests.factories import center, valid_id_number
from tests.integration.test_importing import centres, problems, token_of  # noqa: F401 - the centres fixture
from tests.xlsx_files import EMPLOYEE_HEADERS, upload, workbook

URL = "/import/employees"
pytestmark = pytest.mark.usefixtures("centres")


def counts(app) -> tuple[int, int]:
    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Employee, AuditLog))


def staff(no, hired: date, **kw):
    row = {"工号": no, "姓名": kw.get("name", f"员工{no}"), "性别": "女", "身份证号": kw.get("id", valid_id_number()),
           "联系电话": "13800138000", "服务中心编号": "TI01", "部门": kw.get("department"), "岗位": "客服助理",
           "级别": None, "工资等级": None, "入职日期": hired, "试用期(月)": kw.get("months"), "状态": kw.get("status"),
           "备注": None}
    return [row[h] for h in EMPLOYEE_HEADERS]


def check(client, rows):
    return client.post(f"{URL}/check", data=upload(workbook(EMPLOYEE_HEADERS, rows, title="员工"), "员工.xlsx"),
                       content_type="multipart/form-data")


def test_employee_template(logged_in):
    r = logged_in("hr1").get(f"{URL}/template")
    wb = openpyxl.load_workbook(io.BytesIO(r.data))
    assert wb.sheetnames == ["员工", "填写说明"]
    assert [c.value for c in wb["员工"][1]] == EMPLOYEE_HEADERS


def test_bad_rows_are_all_listed_and_nothing_is_written(app, logged_in):
    with app.app_context():
        taken = db.session.scalar(select(Employee.employee_no).where(Employee.deleted_on.is_(None)).limit(1))
    today = timeutil.today()
    bad_id = valid_id_number()
    rows = [
        staff("IMP-E001", today, id=bad_id[:-1] + ("1" if bad_id[-1] != "1" else "2")),
        staff("IMP-E002", today, department="不存在的部门"),
        staff("IMP-E002", today),
        staff(taken, today),
        staff("IMP-E005", "2024-13-45"),
        staff("IMP-E006", today, months=7),
        staff("IMP-E007", today, status="正式"),
        staff("IMP-E008", today, status="离职"),
    ]
    before = counts(app)
    r = check(logged_in("hr1"), rows)
    found = problems(r.get_data(as_text=True))
    assert r.status_code == 422
    assert ("2", "身份证号", "身份证号校验位不正确，请核对") in found
    assert ("3", "部门", "系统中没有此部门，请先在“部门”中添加") in found
    assert ("4", "工号", "与第3行工号重复") in found
    assert ("5", "工号", "系统中已有此工号") in found
    assert ("6", "入职日期", "日期格式不正确，应为如 2024-03-15 的日期") in found
    assert ("7", "试用期(月)", "试用期应为1至6个月（默认3个月，最长延长至6个月）") in found
    assert any(p[0] == "8" and p[1] == "状态" and "还未到，不能为正式" in p[2] for p in found)
    assert ("9", "状态", "无效，可选：试用、正式") in found
    assert counts(app) == before


def test_hr_imports_the_roster_with_status_and_regular_dates(app, logged_in):
    today = timeutil.today()
    veteran_hired, new_hired = date(2019, 3, 15), today - timedelta(days=10)
    rows = [staff("IMP-E101", veteran_hired), staff("IMP-E102", new_hired, months=6),
            staff("IMP-E103", veteran_hired, status="试用")]
    c = logged_in("hr1")
    before = counts(app)
    r = check(c, rows)
    assert r.status_code == 200, problems(r.get_data(as_text=True))
    r = c.post(f"{URL}/confirm", data={"token": token_of(r.get_data(as_text=True))})
    assert r.status_code == 302 and "/employeeview/list" in r.headers["Location"]
    assert tuple(a - b for a, b in zip(counts(app), before, strict=True)) == (3, 4)
    with app.app_context():
        got = {e.employee_no: e for e in db.session.scalars(
            select(Employee).where(Employee.employee_no.in_(["IMP-E101", "IMP-E102", "IMP-E103"])))}
        hr_id = app.appbuilder.sm.find_user(username="hr1").id
        assert (got["IMP-E101"].status, got["IMP-E101"].regular_date) == ("regular", date(2019, 6, 16))
        assert got["IMP-E102"].status == "probation" and got["IMP-E102"].probation_months == 6
        assert got["IMP-E103"].status == "probation"
        e = got["IMP-E101"]
        assert (e.center_id, e.department.name, e.position.name, e.level, e.created_by_id) == (
            center("TI01").id, "客服部", "客服助理", "staff", hr_id)
