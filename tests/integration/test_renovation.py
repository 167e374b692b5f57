"""装修 Renovation end to end through the REST API (DESIGN.md "Renovation", approval
chain 装修申报 前台受理 → 工程审核 → 服务中心经理批准, "Fees", row-level scope).

frontdesk1 (SC01) takes the application and submits it (= 前台受理), technician1
decides 工程审核, center_manager1 approves; the deposit becomes a bill the cashier
collects; works start only after approval + agreement + paid deposit; technicians
inspect and raise notices; acceptance after all notices are closed; the refund is
deposit − deductions, approved by finance.
"""

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from app import timeutil
from app.extensions import db
from app.models.approvals import Approval
from app.models.billing import Bill
from app.models.renovation import Renovation, RenovationInspection, RenovationRefund
from tests import factories

HAN = re.compile(r"[\u4e00-\u9fff]")
FIELDS = {"id", "center_id", "unit_id", "household_id", "status", "approval_id", "contractor", "contractor_person",
          "contractor_phone", "worker_count", "scope_text", "scope_plumbing", "start_date", "planned_end_date",
          "deposit", "agreement_signed", "site_status", "decision_due_at", "deposit_bill_id", "decision_overdue"}


# -- helpers ---------------------------------------------------------------------------

def household(app, code="SC01") -> int:
    with app.app_context():
        return factories.household(code).id


def application(household_id, deposit="3000.00", **kw):
    today = timeutil.today()
    return {"household_id": household_id, "contractor": "深圳美居装饰工程有限公司", "contractor_person": "郑工",
            "contractor_phone": "13800138000", "worker_count": 4, "scope_text": "厨房卫生间翻新，更换门窗",
            "scope_plumbing": True, "scope_waterproofing": True, "start_date": today.isoformat(),
            "planned_end_date": (today + timedelta(days=40)).isoformat(), "deposit": deposit, **kw}


def create(api, app, desk="frontdesk1", code="SC01", **kw) -> int:
    r = api(desk).post("/api/v1/renovation/", json=application(household(app, code), **kw))
    assert r.status_code == 201, r.json
    return r.json["id"]


def submitted(api, app, **kw) -> tuple[int, int]:
    rid = create(api, app, **kw)
    r = api(kw.get("desk", "frontdesk1")).post(f"/api/v1/renovation/{rid}/submit", json={"comment": "资料齐全"})
    assert r.status_code == 200, r.json
    return rid, r.json["result"]["approval_id"]


def approve(api, aid, *users):
    for username in users:
        r = api(username).post(f"/api/v1/approval/{aid}/approve", json={"comment": f"{username} 同意"})
        assert r.status_code == 200, (username, r.json)


def approved(api, app, **kw) -> int:
    rid, aid = submitted(api, app, **kw)
    approve(api, aid, "technician1", "center_manager1")
    return rid


def bill_of(app, rid):
    with app.app_context():
        return db.session.scalars(select(Bill).where(Bill.source_key == f"reno:{rid}")).first()


def pay_deposit(api, app, rid):
    bill = bill_of(app, rid)
    r = api("cashier1").post("/api/v1/payment/", json={"bill_ids": [bill.id], "method": "cash",
                                                     "amount": f"{bill.amount:.2f}"})
    assert r.status_code == 201, r.json


def active_site(api, app, **kw) -> int:
    rid = approved(api, app, **kw)
    pay_deposit(api, app, rid)
    desk = api("frontdesk1")
    assert desk.post(f"/api/v1/renovation/{rid}/agreement", json={}).status_code == 200
    r = desk.post(f"/api/v1/renovation/{rid}/start", json={})
    assert r.status_code == 200 and r.json["result"]["site_status"] == "in_progress", r.json
    return rid


def refused(api, username, url, body, status, zh_fragment):
    """The refusal answers `status` in zh and in en (no Chinese in the English message)."""
    r = api(username).post(url, json=body)
    assert r.status_code == status, r.json
    assert zh_fragment in r.json["message"], r.json["message"]
    en = api(username, lang="en").post(url, json=body)
    assert en.status_code == status and en.json["message"] != r.json["message"]
    assert not HAN.search(en.json["message"]), en.json["message"]
    return r


def row(api, rid, username="frontdesk1"):
    r = api(username).get(f"/api/v1/renovation/{rid}")
    assert r.status_code == 200, r.json
    return r.json["result"]


def count(app, model, **key):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).filter_by(**key))


# -- the chain ------------------------------------------------------------------------------

def test_full_chain_through_rest_bills_the_deposit(api, app):   # 装修申报 chain; deposit as a Bill
    rid, aid = submitted(api, app)
    result = row(api, rid)
    assert FIELDS <= set(result) and result["status"] == "pending" and result["deposit"] == "3000.00"
    assert bill_of(app, rid) is None
    a = api("technician1").get("/api/v1/approval/inbox").json["result"]
    assert aid in {x["id"] for x in a}
    refused(api, "center_manager1", f"/api/v1/approval/{aid}/approve", {}, 403, "当前步骤")  # no skipping 工程审核
    approve(api, aid, "technician1", "center_manager1")
    result = row(api, rid)
    assert result["status"] == "approved" and result["site_status"] == "waiting"
    bill = bill_of(app, rid)
    assert bill is not None and bill.amount == 3000 and bill.status == "unpaid"
    assert result["deposit_bill_id"] == bill.id
    with app.app_context():
        bill = db.session.get(Bill, bill.id)
        today = timeutil.today()
        assert (bill.household_id, bill.unit_id) == (result["household_id"], result["unit_id"])
        assert bill.period == f"{today:%Y-%m}" and bill.due_date == today
        assert (bill.charge_item.code, bill.charge_item.kind, bill.charge_item.name) == (
            "ZXYJ", "renovation_deposit", "装修押金")
        steps = db.session.get(Approval, aid).steps
        assert [(s.role, s.label, s.decided_by_name) for s in steps] == [
            ("technician", "工程审核", "technician1"), ("center_manager", "服务中心经理批准", "center_manager1")]


def test_zero_deposit_makes_no_bill(api, app):   # deposit 0 → no bill
    rid = approved(api, app, deposit="0")
    assert bill_of(app, rid) is None and row(api, rid)["deposit_bill_id"] is None


def test_nobody_approves_their_own_submission(api, app):   # engine: not one's own request
    """A front-desk user who is also a technician submits: they cannot decide 工程审核 of it."""
    from tests import personnel_factories as pf

    with app.app_context():
        desk_tech = pf.user("technician")
        desk_tech.roles.append(app.appbuilder.sm.find_role("frontdesk"))
        db.session.commit()
        name = desk_tech.username
    r = api(name, pf.PASSWORD).post("/api/v1/renovation/", json=application(household(app)))
    rid = r.json["id"]
    r = api(name, pf.PASSWORD).post(f"/api/v1/renovation/{rid}/submit")
    assert r.status_code == 200, r.json
    aid = r.json["result"]["approval_id"]
    r = api(name, pf.PASSWORD).post(f"/api/v1/approval/{aid}/approve", json={})
    assert r.status_code == 403 and "本人" in r.json["message"]


def test_three_day_decision_deadline_and_overdue_mark(api, app, logged_in, monkeypatch):
    """Decided within 3 days of 前台受理: deadline = submitted + 3 days, marked and listed (逾期未批) after."""
    past = datetime.combine(timeutil.today() - timedelta(days=4), datetime.min.time()).replace(hour=9)
    monkeypatch.setattr(timeutil, "now", lambda: past)
    rid, aid = submitted(api, app)
    monkeypatch.undo()
    result = row(api, rid)
    assert result["decision_due_at"].startswith((past + timedelta(days=3)).date().isoformat())
    assert result["decision_overdue"] is True
    fresh, _aid = submitted(api, app)
    assert row(api, fresh)["decision_overdue"] is False
    page = logged_in("frontdesk1").get("/renovationview/overdue/").get_data(as_text=True)
    assert f"/renovationview/show/{rid}" in page and f"/renovationview/show/{fresh}\"" not in page
    assert "已逾期" in logged_in("frontdesk1").get(f"/renovationview/show/{rid}").get_data(as_text=True)


# -- starting the works -----------------------------------------------------------------------

def test_cannot_start_before_approval_agreement_and_paid_deposit(api, app):   # 施工中 preconditions
    rid, aid = submitted(api, app)
    url = f"/api/v1/renovation/{rid}/start"
    refused(api, "frontdesk1", url, {}, 409, "尚未批准")
    approve(api, aid, "technician1", "center_manager1")
    refused(api, "frontdesk1", url, {}, 409, "装修协议")
    assert api("frontdesk1").post(f"/api/v1/renovation/{rid}/agreement", json={}).status_code == 200
    refused(api, "frontdesk1", url, {}, 409, "押金")
    assert row(api, rid)["site_status"] == "waiting"  # nothing written on refusal
    pay_deposit(api, app, rid)
    r = api("frontdesk1").post(url, json={})
    assert r.status_code == 200 and r.json["result"]["site_status"] == "in_progress"


def test_application_rules_refused_in_zh_and_en_nothing_written(api, app):   # end ≥ start, deposit ≥ 0
    hh = household(app)
    before = count(app, Renovation)
    today = timeutil.today()
    bad_dates = application(hh, planned_end_date=(today - timedelta(days=1)).isoformat())
    refused(api, "frontdesk1", "/api/v1/renovation/", bad_dates, 422, "计划完工日期不能早于开工日期")
    refused(api, "frontdesk1", "/api/v1/renovation/", application(hh, deposit="-1.00"), 422, "押金不能为负数")
    assert count(app, Renovation) == before


# -- passes ----------------------------------------------------------------------------------

def test_worker_pass_validity_check_digit_unique_number_revoke(api, app, logged_in):   # 出入证
    rid = approved(api, app)
    reno = row(api, rid)
    body = {"renovation_id": rid, "holder_name": "王师傅", "id_number": factories.valid_id_number(),
            "phone": "13700001111", "valid_from": reno["start_date"], "valid_to": reno["planned_end_date"]}
    desk = api("frontdesk1")
    r = desk.post("/api/v1/renovationpass/", json=body)
    assert r.status_code == 201, r.json
    pid = r.json["id"]
    shown = desk.get(f"/api/v1/renovationpass/{pid}").json["result"]
    assert re.match(r"^\d{6}\*{8}[\dX]{4}$", shown["id_number"]) and shown["pass_no"]
    wrong_digit = body["id_number"][:-1] + ("0" if body["id_number"][-1] != "0" else "1")
    assert desk.post("/api/v1/renovationpass/", json={**body, "id_number": wrong_digit}).status_code == 422
    late = (timeutil.today() + timedelta(days=41)).isoformat()
    refused(api, "frontdesk1", "/api/v1/renovationpass/", {**body, "valid_to": late}, 422, "装修期间内")
    refused(api, "frontdesk1", "/api/v1/renovationpass/", {**body, "pass_no": shown["pass_no"]}, 409,
            "出入证编号")
    refused(api, "frontdesk1", f"/api/v1/renovationpass/{pid}/revoke", {}, 422, "注销原因")
    r = desk.post(f"/api/v1/renovationpass/{pid}/revoke", json={"reason": "工人离场"})
    assert r.status_code == 200 and r.json["result"]["revoked_at"] and r.json["result"]["revoke_reason"] == "工人离场"
    page = logged_in("frontdesk1").get(f"/renovationpassview/show/{pid}").get_data(as_text=True)
    assert "装修出入证" in page and "已注销" in page and body["id_number"] not in page


# -- inspections and rectification -------------------------------------------------------------

def test_inspection_overdue_after_two_days(api, app):   # 巡查 at least every 2 days per active site
    rid = active_site(api, app)
    overdue = lambda: {x["renovation_id"] for x in api("technician1").get(  # noqa: E731
        "/api/v1/renovationinspection/overdue").json["result"]}
    assert rid not in overdue()
    with app.app_context():
        db.session.get(Renovation, rid).work_started_on = timeutil.today() - timedelta(days=3)
        db.session.commit()
    assert rid in overdue()
    r = api("technician1").post("/api/v1/renovationinspection/",
                                json={"renovation_id": rid, "findings": "现场整洁，按方案施工", "result": "ok"})
    assert r.status_code == 201, r.json
    assert rid not in overdue()
    with app.app_context():
        ins = db.session.get(RenovationInspection, r.json["id"])
        ins.inspected_at -= timedelta(days=2)
        db.session.commit()
    assert rid not in overdue()  # 2 days since the last inspection: still in time
    with app.app_context():
        db.session.get(RenovationInspection, r.json["id"]).inspected_at -= timedelta(days=1)
        db.session.commit()
    assert rid in overdue()


def test_inspection_only_on_active_sites(api, app):   # 巡查 of active sites (施工中)
    rid = approved(api, app)
    refused(api, "technician1", "/api/v1/renovationinspection/",
            {"renovation_id": rid, "findings": "x", "result": "ok"}, 409, "施工中")


def test_rectification_deadline_reinspection_and_acceptance(api, app):
    """整改通知单 with a deadline; not passed → new deadline; acceptance only after all notices closed,
    within 3 days of the owner's request."""
    rid = active_site(api, app)
    tech = api("technician1")
    ins = tech.post("/api/v1/renovationinspection/",
                    json={"renovation_id": rid, "findings": "卫生间未做闭水试验", "result": "issue"}).json["id"]
    today = timeutil.today()
    refused(api, "technician1", "/api/v1/rectification/",
            {"inspection_id": ins, "issue": "补做闭水试验", "deadline": (today - timedelta(days=1)).isoformat()},
            422, "整改期限")
    r = tech.post("/api/v1/rectification/", json={"inspection_id": ins, "issue": "补做闭水试验48小时",
                                                 "deadline": (today + timedelta(days=2)).isoformat()})
    assert r.status_code == 201, r.json
    nid = r.json["id"]
    refused(api, "technician1", f"/api/v1/rectification/{nid}/reinspect", {"passed": False, "notes": "仍渗水"},
            422, "整改期限")
    new_deadline = (today + timedelta(days=4)).isoformat()
    r = tech.post(f"/api/v1/rectification/{nid}/reinspect",
                  json={"passed": False, "notes": "仍渗水", "new_deadline": new_deadline})
    assert r.status_code == 200 and r.json["result"]["deadline"] == new_deadline
    assert r.json["result"]["status"] == "open" and r.json["result"]["reinspection_count"] == 1
    acc = api("frontdesk1").post(f"/api/v1/renovation/{rid}/acceptance", json={}).json
    assert acc["result"]["deadline"] == (today + timedelta(days=3)).isoformat() and not acc["result"]["overdue"]
    refused(api, "technician1", f"/api/v1/renovationacceptance/{acc['id']}/record", {"result": "passed"}, 409,
            "整改通知单")
    r = tech.post(f"/api/v1/rectification/{nid}/reinspect", json={"passed": True, "notes": "闭水试验合格"})
    assert r.json["result"]["status"] == "closed" and r.json["result"]["closed_at"]
    r = tech.post(f"/api/v1/renovationacceptance/{acc['id']}/record", json={"result": "passed", "notes": "合格"})
    assert r.status_code == 200 and r.json["result"]["result"] == "passed"
    assert row(api, rid)["site_status"] == "accepted"


def test_overdue_notice_and_acceptance_marks(api, app, logged_in):   # notices past deadline; 3-day acceptance
    rid = active_site(api, app)
    tech = api("technician1")
    ins = tech.post("/api/v1/renovationinspection/",
                    json={"renovation_id": rid, "findings": "垃圾堆放楼道", "result": "issue"}).json["id"]
    nid = tech.post("/api/v1/rectification/", json={"inspection_id": ins, "issue": "清理楼道",
                                                   "deadline": timeutil.today().isoformat()}).json["id"]
    from app.models.renovation import RenovationRectification

    with app.app_context():
        db.session.get(RenovationRectification, nid).deadline -= timedelta(days=1)
        db.session.commit()
    page = logged_in("technician1").get("/renovationrectificationview/overdue/").get_data(as_text=True)
    assert f"/renovationrectificationview/show/{nid}" in page
    notice = logged_in("technician1").get(f"/renovationrectificationview/show/{nid}").get_data(as_text=True)
    assert "整改通知单" in notice and "已逾期" in notice
    requested = (timeutil.today() - timedelta(days=4)).isoformat()
    acc = api("frontdesk1").post(f"/api/v1/renovation/{rid}/acceptance", json={"requested_on": requested}).json
    assert acc["result"]["overdue"] is True


# -- refund --------------------------------------------------------------------------------------

def accepted_site(api, app) -> int:
    rid = active_site(api, app)
    acc = api("frontdesk1").post(f"/api/v1/renovation/{rid}/acceptance", json={}).json["id"]
    r = api("technician1").post(f"/api/v1/renovationacceptance/{acc}/record", json={"result": "passed"})
    assert r.status_code == 200, r.json
    return rid


def test_refund_is_deposit_less_deductions_approved_by_finance(api, app):   # 3000.00 − 450.50 = 2549.50
    rid = accepted_site(api, app)
    deductions = [{"reason": "损坏公共走廊地砖", "amount": "300.00"}, {"reason": "垃圾清运", "amount": "150.50"}]
    r = api("frontdesk1").post(f"/api/v1/renovation/{rid}/refund", json={"deductions": deductions})
    assert r.status_code == 201, r.json
    refund = r.json["result"]
    assert (refund["deposit"], refund["deductions_total"], refund["refund_amount"]) == ("3000.00", "450.50", "2549.50")
    assert refund["due_on"] == (timeutil.today() + timedelta(days=1)).isoformat() and refund["status"] == "pending"
    aid = refund["approval_id"]
    refused(api, "center_manager1", f"/api/v1/approval/{aid}/approve", {}, 403, "财务审批")
    approve(api, aid, "finance1")
    r = api("finance1").get(f"/api/v1/renovationrefund/{refund['id']}")
    assert r.json["result"]["status"] == "approved" and r.json["result"]["refunded_at"]
    with app.app_context():
        assert db.session.get(RenovationRefund, refund["id"]).refunded_by.username == "finance1"
    assert row(api, rid)["site_status"] == "refunded"


def test_deductions_above_the_deposit_are_refused(api, app):   # refund never negative
    rid = accepted_site(api, app)
    before = count(app, RenovationRefund)
    body = {"deductions": [{"reason": "赔偿", "amount": "3000.01"}]}
    refused(api, "frontdesk1", f"/api/v1/renovation/{rid}/refund", body, 422, "超过押金")
    refused(api, "frontdesk1", f"/api/v1/renovation/{rid}/refund",
            {"deductions": [{"reason": "x", "amount": "-5.00"}]}, 422, "不能为负数")
    assert count(app, RenovationRefund) == before


def test_refund_needs_acceptance_and_a_paid_deposit(api, app):   # refund after acceptance, of a paid bill
    rid = active_site(api, app)
    refused(api, "frontdesk1", f"/api/v1/renovation/{rid}/refund", {}, 409, "验收合格")
    rid2 = approved(api, app)
    with app.app_context():  # accepted on paper, but the deposit bill was never paid
        reno = db.session.get(Renovation, rid2)
        reno.site_status, reno.accepted_on = "accepted", timeutil.today()
        db.session.commit()
    refused(api, "frontdesk1", f"/api/v1/renovation/{rid2}/refund", {}, 409, "未缴费")


# -- scope and roles -------------------------------------------------------------------------------

def test_frontdesk2_never_sees_sc01_renovations(api, app, logged_in):   # row-level scope
    rid = create(api, app)
    other = api("frontdesk2")
    assert other.get(f"/api/v1/renovation/{rid}").status_code == 404
    assert rid not in {x["id"] for x in other.get("/api/v1/renovation/?q=(page_size:100)").json["result"]}
    assert other.post(f"/api/v1/renovation/{rid}/submit").status_code == 404
    c = logged_in("frontdesk2")
    assert c.get(f"/renovationview/show/{rid}").status_code == 404
    assert "深圳美居" not in c.get("/renovationview/list/").get_data(as_text=True) or \
        f"/renovationview/show/{rid}" not in c.get("/renovationview/list/").get_data(as_text=True)
    sc02 = create(api, app, desk="frontdesk2", code="SC02")
    assert api("frontdesk1").get(f"/api/v1/renovation/{sc02}").status_code == 404
    r = api("frontdesk2").post("/api/v1/renovation/", json=application(household(app, "SC01")))
    assert r.status_code in (403, 404)


def test_technician_of_another_centre_cannot_decide(api, app):   # chain step scope "center"
    rid, aid = submitted(api, app)
    r = api("technician2").post(f"/api/v1/approval/{aid}/approve", json={})
    assert r.status_code in (403, 404) and row(api, rid)["status"] == "pending"


@pytest.mark.parametrize("username, resource, can_write", [
    ("frontdesk1", "renovation", True), ("frontdesk1", "renovationinspection", False),
    ("technician1", "renovationinspection", True), ("technician1", "renovation", False),
    ("cashier1", "renovation", False), ("auditor1", "renovation", False), ("finance1", "renovation", False),
])
def test_role_grants(api, username, resource, can_write):   # roles table
    a = api(username)
    assert a.get(f"/api/v1/{resource}/").status_code == 200
    status = a.post(f"/api/v1/{resource}/", json={}).status_code
    assert (status != 403) is can_write, status


def test_application_form_prints_with_the_approval_history(api, app, logged_in):   # 装修申请表
    rid = approved(api, app)
    page = logged_in("frontdesk1").get(f"/renovationview/show/{rid}").get_data(as_text=True)
    assert "装修申请表" in page and "工程审核" in page and "服务中心经理批准" in page
    assert "technician1" in page and "center_manager1" in page and "print.css" in page


def test_desk_takes_an_application_on_the_web_form_and_submits_it(app, logged_in):   # screens call the services
    hh = household(app)
    c = logged_in("frontdesk1")
    today = timeutil.today()
    r = c.post("/renovationview/add", data={
        "household": hh, "contractor": "网页装饰有限公司", "contractor_person": "李工",
        "contractor_phone": "13800138000", "worker_count": "2", "scope_text": "墙面翻新", "scope_plumbing": "y",
        "start_date": today.isoformat(), "planned_end_date": (today + timedelta(days=20)).isoformat(),
        "deposit": "2000.00"})
    assert r.status_code == 302
    with app.app_context():
        reno = db.session.scalars(select(Renovation).where(Renovation.contractor == "网页装饰有限公司")).one()
        assert (reno.status, reno.scope_plumbing, reno.scope_walls, reno.deposit) == ("draft", True, False, 2000)
        rid = reno.id
    assert c.post(f"/renovationview/submit/{rid}").status_code == 302
    page = c.get(f"/renovationview/show/{rid}").get_data(as_text=True)
    assert "审批截止" in page and "工程审核" in page
    with app.app_context():
        assert db.session.get(Renovation, rid).status == "pending"


def test_export_and_dropdowns_are_scoped(api, app, logged_in):   # row-level scope: exports, dropdowns
    import io

    import openpyxl

    name = factories.unique("范围装饰")
    create(api, app, contractor=name)
    r = logged_in("supervisor1").get("/renovationview/export/")
    rows = list(openpyxl.load_workbook(io.BytesIO(r.data), read_only=True).active.iter_rows(values_only=True))
    assert rows[1:] and {row[rows[0].index("服务中心")] for row in rows[1:]} == {"阳光花园服务中心"}
    assert logged_in("frontdesk2").get(f"/renovationview/lookup/?q={name}").get_json()["results"] == []
    assert len(logged_in("frontdesk1").get(f"/renovationview/lookup/?q={name}").get_json()["results"]) == 1


def test_concurrent_passes_with_one_number_exactly_one_wins(api, app):   # pass number unique per centre
    """Desks issue the same 出入证 number at the same moment: one 201, the others the same 409."""
    import threading

    from tests.conftest import Api

    rid = approved(api, app)
    reno = row(api, rid)
    number = factories.unique("RACE")
    n = 4
    callers = [Api(app.test_client(), "frontdesk1") for _ in range(n)]
    barrier, results = threading.Barrier(n), [None] * n

    def issue(i):
        body = {"renovation_id": rid, "pass_no": number, "holder_name": f"工人{i}",
                "id_number": factories.valid_id_number(), "valid_from": reno["start_date"],
                "valid_to": reno["planned_end_date"]}
        barrier.wait()
        results[i] = callers[i].post("/api/v1/renovationpass/", json=body)

    threads = [threading.Thread(target=issue, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    codes = sorted(r.status_code for r in results)
    assert codes == [201] + [409] * (n - 1), [(r.status_code, r.json) for r in results]
    assert all(number in r.json["message"] for r in results if r.status_code == 409)
