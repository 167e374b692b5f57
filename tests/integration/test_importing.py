"""房屋及住户导入 (issue 7 part 3): dry run lists every problem and writes nothing;
确认导入 writes every row in one transaction with audit rows, or nothing; centre
scope and permissions hold; hostile files are refused with a clear 4xx.

The imports go to two centres of their own (TI01, TI02) with their own desk
users, so the demo centres the other tests count stay as they are.
"""

import io
import re
import time
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import event, func, select

from app.extensions import db
from app.models.audit import AuditLog
from app.models.estate import Building, Household, ServiceCenter, Unit
from app.services import import_files
from tests.conftest import login
from tests.factories import valid_id_number
from tests.xlsx_files import HOUSEHOLD_HEADERS, upload, workbook

URL = "/import/households"
PASSWORD = "Import-pass-2026"


@pytest.fixture(scope="module")
def centres(app):
    """TI01 (buildings A座, B座) and TI02 (C座), a desk user for each, a manager for TI01."""
    sm = app.appbuilder.sm
    with app.app_context():
        made = {}
        for code, buildings in (("TI01", ("A座", "B座")), ("TI02", ("C座",))):
            c = db.session.scalars(select(ServiceCenter).filter_by(code=code)).first()
            if c is None:
                c = ServiceCenter(code=code, name=f"导入测试{code}")
                db.session.add(c)
                db.session.flush()
                db.session.add_all([Building(center_id=c.id, name=b) for b in buildings])
            made[code] = c
        db.session.commit()
        for username, role, code in (("import_desk_a", "frontdesk", "TI01"), ("import_desk_b", "frontdesk", "TI02"),
                                     ("import_mgr_a", "center_manager", "TI01")):
            user = sm.find_user(username=username) or sm.add_user(
                username=username, first_name=username, last_name="导入", email=f"{username}@test.invalid",
                role=sm.find_role(role), password=PASSWORD)
            user.centers = [made[code]]
        db.session.commit()
        return {code: c.id for code, c in made.items()}


@pytest.fixture()
def as_user(app, centres):
    def make(username):
        c = app.test_client()
        password = PASSWORD if username.startswith("import_") else None
        assert login(c, username, password).status_code == 302
        return c
    return make


def counts(app) -> tuple[int, int, int]:
    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Unit, Household, AuditLog))


def rows_for(building="A座", start=1, n=3, centre="TI01"):
    return [[centre, building, f"R{start + i:04d}", "88.5", f"业主{start + i}", "业主", "13912345678",
             valid_id_number(), ""] for i in range(n)]


def check(client, data, name="住户.xlsx"):
    return client.post(f"{URL}/check", data=upload(data, name), content_type="multipart/form-data")


def token_of(page: str) -> str:
    return re.search(r'id="token" name="token" type="hidden" value="([^"]+)"', page).group(1)


def problems(page: str) -> list[tuple[str, str, str]]:
    table = page.split('id="import-problems"', 1)[1].split("</table>", 1)[0]
    cells = re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td><td>([^<]*)</td>", table)
    return [(r, c, m) for r, c, m in cells]


def test_template_has_the_columns_and_instructions(as_user):
    r = as_user("import_desk_a").get(f"{URL}/template")
    assert r.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(r.data))
    assert wb.sheetnames == ["房屋及住户", "填写说明"]
    assert [c.value for c in wb["房屋及住户"][1]] == HOUSEHOLD_HEADERS
    notes = {row[0]: row for row in wb["填写说明"].iter_rows(min_row=3, values_only=True)}
    assert notes["业户类型"][1] == "否" and "业主 或 租户" in notes["业户类型"][2]
    assert notes["房号"][1] == "是"


def test_one_bad_row_refuses_the_file_then_the_corrected_file_imports_every_row(app, as_user, centres):
    c = as_user("import_desk_a")
    rows = rows_for(start=1, n=4)
    good_id = rows[2][7]
    rows[2][7] = good_id[:-1] + ("0" if good_id[-1] != "0" else "1")  # wrong check digit on sheet row 4
    before = counts(app)
    r = check(c, workbook(HOUSEHOLD_HEADERS, rows))
    page = r.get_data(as_text=True)
    assert r.status_code == 422
    assert ("4", "身份证号", "身份证号校验位不正确，请核对") in problems(page)
    assert len(problems(page)) == 1 and 'id="import-confirm"' not in page
    assert counts(app) == before
    rows[2][7] = good_id
    r = check(c, workbook(HOUSEHOLD_HEADERS, rows))
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "新增房屋4套、业户4户" in page
    assert counts(app) == before  # the clean dry run writes nothing either
    r = c.post(f"{URL}/confirm", data={"token": token_of(page)})
    assert r.status_code == 302 and "/householdview/list" in r.headers["Location"]
    after = counts(app)
    assert after[0] - before[0] == 4 and after[1] - before[1] == 4
    assert after[2] - before[2] == 4 + 4 + 1  # one create per unit and household, one for the import
    with app.app_context():
        user_id = app.appbuilder.sm.find_user(username="import_desk_a").id
        hh = db.session.scalars(select(Household).where(Household.name == "业主3")).one()
        assert (hh.center_id, hh.unit.room_no, hh.unit.area, hh.id_number) == (
            centres["TI01"], "R0003", Decimal("88.50"), good_id)
        assert hh.created_by_id == user_id
        log = db.session.scalars(select(AuditLog).where(AuditLog.event == "import")
                                 .order_by(AuditLog.id.desc())).first()
        assert log.user_id == user_id and '"households": 4' in log.after


def test_an_imported_id_number_is_masked_like_a_typed_one(app, as_user, logged_in):
    """The desk sees an imported owner's ID as 110101********123X in the list, the show page and
    the export, as for one typed into the form; admin (ID_NUMBER_ROLES) sees it whole."""
    from app.validators import mask_id_number

    c = as_user("import_desk_a")
    rows = rows_for(building="B座", start=7001, n=1)
    whole = rows[0][7]
    page = check(c, workbook(HOUSEHOLD_HEADERS, rows)).get_data(as_text=True)
    assert c.post(f"{URL}/confirm", data={"token": token_of(page)}).status_code == 302
    with app.app_context():
        hh_id = db.session.scalars(select(Household.id).where(Household.name == "业主7001")).one()
    masked = mask_id_number(whole)
    for url in ("/householdview/list/?_flt_0_name=业主7001", f"/householdview/show/{hh_id}"):
        shown = c.get(url).get_data(as_text=True)
        assert masked in shown and whole not in shown, url
    export = c.get("/householdview/export/?_flt_0_name=业主7001")
    sheet = openpyxl.load_workbook(io.BytesIO(export.data), read_only=True).active
    assert [r[5] for r in sheet.iter_rows(min_row=2, values_only=True)] == [masked]
    assert whole in logged_in("admin1").get(f"/householdview/show/{hh_id}").get_data(as_text=True)


def test_duplicates_inside_the_file_and_against_the_database_are_reported(app, as_user):
    c = as_user("import_desk_a")
    assert c.post(f"{URL}/confirm", data={"token": token_of(check(c, workbook(
        HOUSEHOLD_HEADERS, rows_for(start=101, n=1))).get_data(as_text=True))}).status_code == 302
    rows = rows_for(start=101, n=1) + rows_for(start=102, n=1) + rows_for(start=102, n=1)
    rows[2][3] = "90"  # the same unit again, with another area
    before = counts(app)
    r = check(c, workbook(HOUSEHOLD_HEADERS, rows))
    found = problems(r.get_data(as_text=True))
    assert r.status_code == 422
    assert ("2", "业户姓名", "系统中该房屋已有此业户") in found
    assert ("4", "业户姓名", "与第3行重复：同一房屋的同一业户") in found
    assert ("4", "建筑面积(㎡)", "与第3行同一房屋的建筑面积不一致") in found
    assert counts(app) == before


def test_vacant_units_tenants_of_existing_units_and_area_checks(app, as_user):
    c = as_user("import_desk_a")
    vacant = ["TI01", "A座", "V0001", "120", None, None, None, None, None]
    tenant = ["TI01", "A座", "R0101", None, "租客甲", "租户", "0755-12345678", None, "合租"]
    r = check(c, workbook(HOUSEHOLD_HEADERS, [vacant, tenant]))
    assert r.status_code == 200, problems(r.get_data(as_text=True))
    assert "新增房屋1套、业户1户" in r.get_data(as_text=True)
    assert c.post(f"{URL}/confirm", data={"token": token_of(r.get_data(as_text=True))}).status_code == 302
    with app.app_context():
        tenant_row = db.session.scalars(select(Household).where(Household.name == "租客甲")).one()
        assert tenant_row.kind == "tenant" and tenant_row.unit.room_no == "R0101"
    wrong = [["TI01", "A座", "V0001", None, None, None, None, None, None],
             ["TI01", "A座", "R0101", "99", "租客乙", "租户", "13912345678", None, None],
             ["TI01", "A座", "N0001", None, "新业主", None, "12345", None, None],
             ["TI01", "Z座", "N0002", "50", "某人", None, "13912345678", None, None]]
    found = problems(check(c, workbook(HOUSEHOLD_HEADERS, wrong)).get_data(as_text=True))
    assert ("2", "房号", "系统中已有此房屋") in found
    assert ("3", "建筑面积(㎡)", "与系统中该房屋的建筑面积88.50不一致") in found
    assert ("4", "建筑面积(㎡)", "新房屋必须填写建筑面积") in found
    assert ("4", "联系电话", "电话号码格式不正确：手机号为11位数字，座机需带区号") in found
    assert ("5", "楼栋", "该服务中心没有此楼栋，请先在“楼栋”中添加") in found


def test_a_user_of_another_centre_cannot_import_into_it(app, as_user):
    before = counts(app)
    b = as_user("import_desk_b")
    r = check(b, workbook(HOUSEHOLD_HEADERS, rows_for(start=201, n=2)))
    assert r.status_code == 422
    assert ("2", "服务中心编号", "服务中心编号不存在或不在您的服务中心范围内") in problems(r.get_data(as_text=True))
    # A token uploaded by the TI01 desk is not the TI02 desk's to confirm.
    a = as_user("import_desk_a")
    token = token_of(check(a, workbook(HOUSEHOLD_HEADERS, rows_for(start=201, n=2))).get_data(as_text=True))
    r = b.post(f"{URL}/confirm", data={"token": token})
    assert r.status_code == 400 and "已失效" in r.get_data(as_text=True)
    assert counts(app) == before


@pytest.mark.parametrize(("username", "url", "method"), [
    ("cashier1", URL + "/", "get"), ("cashier1", URL + "/check", "post"), ("technician1", URL + "/template", "get"),
    ("hr1", URL + "/confirm", "post"), ("auditor1", URL + "/", "get"), ("frontdesk1", "/import/employees/", "get"),
    ("center_manager1", "/import/employees/check", "post"),
])
def test_roles_without_the_grant_get_403(app, logged_in, username, url, method):
    before = counts(app)
    assert getattr(logged_in(username), method)(url).status_code == 403
    assert counts(app) == before


def test_anonymous_is_sent_to_login(client):
    r = client.get(URL + "/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def _formula_file():
    data = workbook(HOUSEHOLD_HEADERS, rows_for(start=301, n=1))
    wb = openpyxl.load_workbook(io.BytesIO(data))
    wb.active["D2"] = "=80+8.5"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


HOSTILE = {
    "not an xlsx": (lambda: b"name,phone\n", "住户.xlsx", 400, "不是有效的 .xlsx"),
    "a csv": (lambda: b"name,phone\n", "住户.csv", 400, "只能导入 .xlsx"),
    "only headers": (lambda: workbook(HOUSEHOLD_HEADERS, []), "住户.xlsx", 400, "表格中没有数据"),
    "an empty sheet": (lambda: workbook([], []), "住户.xlsx", 400, "表格中没有数据"),
    "wrong headers": (lambda: workbook(["姓名", "电话"], [["张三", "13912345678"]]), "住户.xlsx", 400,
                      "缺少必填列：服务中心编号、楼栋、房号"),
    "10k rows": (lambda: workbook(HOUSEHOLD_HEADERS, rows_for(start=1000, n=10_000)), "住户.xlsx", 400,
                 "一次最多导入5000行"),
    "a formula": (_formula_file, "住户.xlsx", 422, "不能使用公式"),
    "a huge string": (lambda: workbook(HOUSEHOLD_HEADERS, [["TI01", "A座", "R0401", "80", "张" * 20_000, None,
                                                            "13912345678", None, None]]),
                      "住户.xlsx", 422, "不能超过50个字符（现有20000个）"),
    "6 MB": (lambda: b"PK" + b"\0" * (6 * 1024 * 1024), "住户.xlsx", 413, "文件不能超过5MB"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_files_are_refused_with_a_clear_message(app, as_user, case):
    make, name, status, message = HOSTILE[case]
    before = counts(app)
    r = check(as_user("import_desk_a"), make(), name)
    assert r.status_code == status and message in r.get_data(as_text=True)
    assert 'id="import-confirm"' not in r.get_data(as_text=True)
    assert counts(app) == before


def test_a_token_is_used_once_and_expires(app, as_user, monkeypatch):
    c = as_user("import_desk_a")
    token = token_of(check(c, workbook(HOUSEHOLD_HEADERS, rows_for(start=501, n=1))).get_data(as_text=True))
    assert c.post(f"{URL}/confirm", data={"token": token}).status_code == 302
    before = counts(app)
    r = c.post(f"{URL}/confirm", data={"token": token})
    assert r.status_code == 400 and "已导入" in r.get_data(as_text=True)
    token = token_of(check(c, workbook(HOUSEHOLD_HEADERS, rows_for(start=502, n=1))).get_data(as_text=True))
    monkeypatch.setattr(import_files, "TTL_SECONDS", -1)
    r = c.post(f"{URL}/confirm", data={"token": token})
    assert r.status_code == 400 and "已超过30分钟" in r.get_data(as_text=True)
    assert c.post(f"{URL}/confirm", data={"token": "../../etc/passwd"}).status_code == 400
    assert counts(app) == before


def test_two_thousand_rows_import_in_one_transaction(app, as_user, capsys):
    c = as_user("import_mgr_a")
    data = workbook(HOUSEHOLD_HEADERS, rows_for(building="B座", start=1, n=2000))
    before = counts(app)
    started = time.perf_counter()
    r = check(c, data)
    dry = time.perf_counter() - started
    assert r.status_code == 200, problems(r.get_data(as_text=True))[:5]
    commits = []

    def count_commit(session):
        commits.append(session)

    event.listen(db.session, "after_commit", count_commit)
    try:
        started = time.perf_counter()
        r = c.post(f"{URL}/confirm", data={"token": token_of(r.get_data(as_text=True))})
        write = time.perf_counter() - started
    finally:
        event.remove(db.session, "after_commit", count_commit)
    assert r.status_code == 302
    after = counts(app)
    assert (after[0] - before[0], after[1] - before[1], after[2] - before[2]) == (2000, 2000, 4001)
    assert len(commits) == 1
    with app.app_context():
        dialect = db.engine.dialect.name
    with capsys.disabled():
        print(f"\n2000-row household import ({dialect}): dry run {dry:.2f}s, import {write:.2f}s")


def test_cli_dry_run_and_import_act_as_the_given_user(app, centres, tmp_path):
    path = tmp_path / "住户.xlsx"
    path.write_bytes(workbook(HOUSEHOLD_HEADERS, rows_for(start=601, n=2)))
    runner = app.test_cli_runner()
    before = counts(app)
    r = runner.invoke(args=["import", "households", str(path), "--user", "import_desk_b"])
    assert r.exit_code != 0 and "row 2\t服务中心编号\t服务中心编号不存在或不在您的服务中心范围内" in r.output
    r = runner.invoke(args=["import", "households", str(path), "--dry-run", "--user", "import_desk_a"])
    assert r.exit_code == 0 and "units=2, households=2" in r.output
    assert counts(app) == before
    r = runner.invoke(args=["import", "households", str(path), "--user", "import_desk_a"])
    assert r.exit_code == 0, r.output
    assert counts(app)[1] == before[1] + 2


def test_upload_and_confirm_need_the_csrf_token(app, db_url, centres):
    """With CSRF on (as in production) neither the check nor the confirm runs without the form's token."""
    from app import create_app
    from tests.conftest import make_config

    strict = create_app(make_config(db_url, WTF_CSRF_ENABLED=True))
    c = strict.test_client()
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', c.get("/login/").get_data(as_text=True))
    assert c.post("/login/", data={"username": "import_desk_a", "password": PASSWORD,
                                   "csrf_token": csrf.group(1)}).status_code == 302
    data = workbook(HOUSEHOLD_HEADERS, rows_for(start=701, n=1))
    assert check(c, data).status_code == 400
    page = c.get(f"{URL}/").get_data(as_text=True)
    csrf = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    r = c.post(f"{URL}/check", data={**upload(data), "csrf_token": csrf}, content_type="multipart/form-data")
    assert r.status_code == 200
    before = counts(app)
    assert c.post(f"{URL}/confirm", data={"token": token_of(r.get_data(as_text=True))}).status_code == 400
    assert counts(app) == before
