"""红冲 reversal of a payment (DESIGN "Fees": a paid bill is never edited or deleted,
only reversed; amounts are never negative except on an explicit reversal; issue 5
§3 "a 红冲 reversal with a reason, approved by finance, undoes it and is itself
audited"), through REST, the web screens and the approval engine."""

import json
import threading

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models.approvals import Approval
from app.models.audit import AuditLog
from app.models.billing import Payment
from app.models.cash import PaymentReversal
from app.services import approvals
from tests.cash_factories import PASSWORD, as_user, new_user, pay, payment_row
from tests.conftest import Api


@pytest.fixture()
def cashier(app):
    return new_user(app)


def _api(client, username, lang="zh"):
    return Api(client, username, PASSWORD if username.startswith("t_") else None, lang)


def _request(client, username, payment_id, reason="收错户，业主要求退款", lang="zh"):
    return _api(client, username, lang).post("/api/v1/reversal/", json={"payment_id": payment_id, "reason": reason})


def _counts(app, payment_id):
    with app.app_context():
        rows = db.session.scalar(select(func.count()).select_from(PaymentReversal)
                                 .where(PaymentReversal.payment_id == payment_id))
        approvals_n = db.session.scalar(select(func.count()).select_from(Approval)
                                        .where(Approval.request_type == "reversal"))
        return rows, approvals_n


def _submitted(app, client, cashier, payment_id):
    r = _request(client, cashier, payment_id)
    assert r.status_code == 201, r.json
    s = _api(client, cashier).post(f"/api/v1/reversal/{r.json['id']}/submit")
    assert s.status_code == 200, s.json
    return r.json["id"], s.json["result"]["approval_id"]


# -- the whole path -------------------------------------------------------------------

def test_whole_path_request_submit_approve_undoes_the_payment(app, client, cashier):
    """Draft (amount = minus the payment) → 财务审批 in finance's inbox → approved:
    payment reversed, its bills unpaid (payment and paid time cleared) and payable
    again, booked on the approval day, every change audited with finance's name."""
    pid = pay(app, cashier, "123.45", "wechat", n=2)
    r = _request(client, cashier, pid)
    assert r.status_code == 201, r.json
    got = r.json["result"]
    assert got["amount"] == "-246.90" and got["status"] == "draft" and got["payment_id"] == pid
    rid = r.json["id"]
    s = _api(client, cashier).post(f"/api/v1/reversal/{rid}/submit", json={"comment": "请财务审批"})
    assert s.status_code == 200 and s.json["result"]["status"] == "pending"
    aid = s.json["result"]["approval_id"]
    finance = _api(client, "finance1")
    inbox = finance.get("/api/v1/approval/inbox").json["result"]
    mine = next(a for a in inbox if a["id"] == aid)
    assert mine["request_type"] == "reversal" and mine["steps"][0]["label"] == "财务审批"
    assert mine["steps"][0]["role"] == "finance" and mine["required_role"] == "finance"
    assert payment_row(app, pid)["status"] == "valid"                       # nothing happens before approval
    a = finance.post(f"/api/v1/approval/{aid}/approve", json={"comment": "同意红冲"})
    assert a.status_code == 200 and a.json["result"]["status"] == "approved", a.json
    row = payment_row(app, pid)
    assert row == {"status": "reversed", "bills": [("unpaid", None, None), ("unpaid", None, None)]}
    rev = _api(client, cashier).get(f"/api/v1/reversal/{rid}").json["result"]
    assert rev["status"] == "approved" and rev["booked_on"] is not None and rev["amount"] == "-246.90"
    with app.app_context():
        item = db.session.get(PaymentReversal, rid)
        assert item.booked_on == item.approval.decided_at.date() and item.approved_by.username == "finance1"
        bill_ids = [line.bill_id for line in db.session.get(Payment, pid).lines]
        logs = db.session.scalars(select(AuditLog).where(AuditLog.table_name == "payment",
                                                         AuditLog.row_id == str(pid))).all()
        assert [(x.user_name, json.loads(x.after)) for x in logs if x.event == "update"] == [
            ("finance1", {"status": "reversed"})]
        bill_logs = db.session.scalars(select(AuditLog).where(AuditLog.table_name == "bill", AuditLog.event == "update",
                                                              AuditLog.row_id.in_([str(i) for i in bill_ids]))).all()
        reversed_ = [x for x in bill_logs if json.loads(x.after).get("status") == "unpaid"]
        assert len(reversed_) == 2 and {x.user_name for x in reversed_} == {"finance1"}
        assert json.loads(reversed_[0].before)["status"] == "paid"
    again = _api(client, cashier).post("/api/v1/payment/", json={"bill_ids": bill_ids, "method": "cash",
                                                                 "amount": "246.90"})
    assert again.status_code == 201, again.json                                    # paid correctly again


def test_engine_directly_applies_the_same_effect(app, cashier):
    pid = pay(app, cashier, "80.00")
    with as_user(app, cashier) as user:
        from app.services import reversals

        item = reversals.request_reversal(pid, "重复收款", actor=user, submit=True)
        aid = item.approval_id
    with as_user(app, "finance1") as finance:
        approvals.approve(aid, actor=finance, comment="核实无误")
    assert payment_row(app, pid) == {"status": "reversed", "bills": [("unpaid", None, None)]}


def test_web_action_on_the_payment_opens_the_form_and_submits(app, logged_in, cashier):
    """申请红冲 is an action on the payment's detail page; the form sends it to 财务审批."""
    pid = pay(app, cashier, "66.00")
    web = logged_in(cashier, PASSWORD)
    page = web.get(f"/paymentview/show/{pid}").get_data(as_text=True)
    assert "申请红冲" in page and f"/paymentview/action/request_reversal/{pid}" in page
    r = web.post(f"/paymentview/action/request_reversal/{pid}", data={})
    assert r.status_code == 302 and f"/paymentreversalview/new/{pid}" in r.headers["Location"]
    form = web.get(f"/paymentreversalview/new/{pid}").get_data(as_text=True)
    assert "-¥66.00" in form
    done = web.post(f"/paymentreversalview/new/{pid}", data={"reason": "金额录错"})
    assert done.status_code == 302 and "/paymentreversalview/show/" in done.headers["Location"]
    show = web.get(done.headers["Location"]).get_data(as_text=True)
    assert "财务审批" in show and "金额录错" in show
    refused = web.post(f"/paymentreversalview/new/{pid}", data={"reason": "再来一次"}, follow_redirects=True)
    assert "已有待审批或已批准的红冲申请" in refused.get_data(as_text=True)
    assert _counts(app, pid)[0] == 1
    fin = logged_in("finance1")
    assert "申请红冲" not in fin.get(f"/paymentview/show/{pid}").get_data(as_text=True)   # finance: no button


# -- refusals (zh and en), nothing written ---------------------------------------------------

@pytest.mark.parametrize("lang,reason,message", [
    ("zh", "", "请填写红冲原因"), ("zh", "   ", "请填写红冲原因"), ("zh", None, "请填写红冲原因"),
    ("en", "", "Please give the reason for the reversal"),
])
def test_reason_is_required(app, client, cashier, lang, reason, message):
    pid = pay(app, cashier)
    before = _counts(app, pid)
    r = _request(client, cashier, pid, reason=reason, lang=lang)
    assert r.status_code == 422 and r.json["message"] == message
    assert _counts(app, pid) == before and payment_row(app, pid)["status"] == "valid"


@pytest.mark.parametrize("lang,message", [
    ("zh", "财务负责审批红冲，不能申请红冲"), ("en", "Finance approves reversals and cannot request one")])
def test_finance_may_not_request(app, client, cashier, lang, message):
    """Separation of duties: finance approves, so it never requests — not finance1
    (no write on the register) and not a cashier who also holds the finance role."""
    pid = pay(app, cashier)
    before = _counts(app, pid)
    assert _request(client, "finance1", pid, lang=lang).status_code == 403
    both = new_user(app, extra_roles=("finance",))
    r = _request(client, both, pid, lang=lang)
    assert r.status_code == 403 and r.json["message"] == message
    assert _counts(app, pid) == before


@pytest.mark.parametrize("lang,message", [
    ("zh", "只能为本服务中心的收款申请红冲"),
    ("en", "You can only request reversals of payments of your own service centre")])
def test_cashier_of_another_centre_is_refused(app, client, cashier, lang, message):
    pid = pay(app, cashier)
    other = new_user(app, centres=("SC02",))
    before = _counts(app, pid)
    r = _request(client, other, pid, lang=lang)
    assert r.status_code == 403 and r.json["message"] == message
    assert _counts(app, pid) == before
    assert _api(client, other).get(f"/api/v1/payment/{pid}").status_code == 404


@pytest.mark.parametrize("lang,message", [
    ("zh", "只有收费员可以申请红冲"), ("en", "Only a cashier can request a reversal")])
def test_only_a_cashier_requests(app, client, cashier, lang, message):
    """admin may write every register, yet a reversal is the cashier's request."""
    pid = pay(app, cashier)
    r = _request(client, "admin1", pid, lang=lang)
    assert r.status_code == 403 and r.json["message"] == message
    assert _counts(app, pid)[0] == 0


def test_roles_without_the_register_cannot_request(app, client, cashier):
    pid = pay(app, cashier)
    for username in ("frontdesk1", "center_manager1", "auditor1"):
        assert _request(client, username, pid).status_code == 403, username
    assert _counts(app, pid)[0] == 0


@pytest.mark.parametrize("lang,message", [
    ("zh", "该收款已有待审批或已批准的红冲申请"),
    ("en", "This payment already has a pending or approved reversal request")])
def test_one_open_request_per_payment(app, client, cashier, lang, message):
    pid = pay(app, cashier)
    _submitted(app, client, cashier, pid)
    before = _counts(app, pid)
    r = _request(client, cashier, pid, reason="第二份", lang=lang)
    assert r.status_code == 409 and r.json["message"] == message
    assert _counts(app, pid) == before


@pytest.mark.parametrize("lang,message", [
    ("zh", "该收款已红冲，不能重复红冲"), ("en", "This payment has already been reversed")])
def test_a_payment_is_reversed_once(app, client, cashier, lang, message):
    pid = pay(app, cashier)
    _rid, aid = _submitted(app, client, cashier, pid)
    assert _api(client, "finance1").post(f"/api/v1/approval/{aid}/approve").status_code == 200
    before = _counts(app, pid)
    r = _request(client, cashier, pid, reason="再冲一次", lang=lang)
    assert r.status_code == 409 and r.json["message"] == message
    assert _counts(app, pid) == before


def test_rejected_or_withdrawn_request_frees_the_payment(app, client, cashier):
    pid = pay(app, cashier)
    _rid, aid = _submitted(app, client, cashier, pid)
    assert _api(client, "finance1").post(f"/api/v1/approval/{aid}/reject", json={"comment": "原因不充分"}
                                         ).status_code == 200
    assert payment_row(app, pid)["status"] == "valid"
    _rid2, aid2 = _submitted(app, client, cashier, pid)
    assert _api(client, cashier).post(f"/api/v1/approval/{aid2}/withdraw").status_code == 200
    assert _request(client, cashier, pid).status_code == 201


def test_nobody_approves_what_they_submitted_or_their_own_payment(app, client):
    """A cashier who later also holds the finance role still cannot decide their own
    request, nor the reversal of a payment they took; a plain cashier cannot decide."""
    requester = new_user(app)
    pid = pay(app, requester)
    _rid, aid = _submitted(app, client, requester, pid)
    assert _api(client, requester).post(f"/api/v1/approval/{aid}/approve").status_code == 403
    with app.app_context():
        u = app.appbuilder.sm.find_user(username=requester)
        u.roles.append(app.appbuilder.sm.find_role("finance"))
        db.session.commit()
    for lang, message in (("zh", "不能审批本人提交或与本人相关的申请"),
                          ("en", "You cannot decide on a request that you submitted or that concerns you")):
        r = _api(client, requester, lang).post(f"/api/v1/approval/{aid}/approve")
        assert r.status_code == 403 and r.json["message"] == message
    taker = new_user(app)
    pid2 = pay(app, taker)
    other = new_user(app)
    _rid2, aid2 = _submitted(app, client, other, pid2)
    with app.app_context():
        u = app.appbuilder.sm.find_user(username=taker)
        u.roles.append(app.appbuilder.sm.find_role("finance"))
        db.session.commit()
    assert _api(client, taker).post(f"/api/v1/approval/{aid2}/approve").status_code == 403
    assert payment_row(app, pid)["status"] == "valid" and payment_row(app, pid2)["status"] == "valid"


def test_paid_bill_is_locked_until_the_reversal_is_approved(app, client, cashier):
    """The only way back to unpaid is an approved reversal: a pending one changes nothing."""
    pid = pay(app, cashier)
    with app.app_context():
        bill_id = db.session.get(Payment, pid).lines[0].bill_id
    _rid, aid = _submitted(app, client, cashier, pid)
    c = _api(client, cashier)
    assert c.put(f"/api/v1/bill/{bill_id}", json={"note": "改"}).status_code == 409
    assert c.delete(f"/api/v1/bill/{bill_id}").status_code == 409
    assert c.get(f"/api/v1/bill/{bill_id}").json["result"]["status"] == "paid"
    assert _api(client, "finance1").post(f"/api/v1/approval/{aid}/approve").status_code == 200
    assert c.put(f"/api/v1/bill/{bill_id}", json={"note": "红冲后可改"}).status_code == 200


def test_reversal_rows_cannot_be_edited_or_deleted_and_amount_is_not_taken_from_input(app, client, cashier):
    pid = pay(app, cashier, "50.00")
    r = _api(client, cashier).post("/api/v1/reversal/", json={"payment_id": pid, "reason": "退款", "amount": "-1"})
    assert r.status_code == 201 and r.json["result"]["amount"] == "-50.00"
    rid = r.json["id"]
    assert _api(client, cashier).put(f"/api/v1/reversal/{rid}", json={"reason": "x"}).status_code in (404, 405)
    assert _api(client, cashier).delete(f"/api/v1/reversal/{rid}").status_code in (404, 405)


def test_scope_of_the_reversal_register(app, client, cashier):
    pid = pay(app, cashier)
    rid, _aid = _submitted(app, client, cashier, pid)
    other = new_user(app, centres=("SC02",))
    assert _api(client, other).get(f"/api/v1/reversal/{rid}").status_code == 404
    assert rid not in [x["id"] for x in _api(client, other).get("/api/v1/reversal/").json["result"]]
    for username in ("finance1", "auditor1", "gm1", "center_manager1"):
        assert _api(client, username).get(f"/api/v1/reversal/{rid}").status_code == 200, username
    assert _api(client, "frontdesk1").get(f"/api/v1/reversal/{rid}").status_code == 403


# -- concurrency ------------------------------------------------------------------------------

def _race(calls):
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def go(i):
        barrier.wait()
        results[i] = calls[i]()

    threads = [threading.Thread(target=go, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_two_requests_at_once_give_exactly_one(app, cashier):
    """Two cashiers request a reversal of one payment at the same moment: one 201, one 409."""
    second = new_user(app)
    for _round in range(3):
        pid = pay(app, cashier)
        callers = [_api(app.test_client(), u) for u in (cashier, second)]
        results = _race([lambda c=c: c.post("/api/v1/reversal/", json={"payment_id": pid, "reason": "并发"})
                         for c in callers])
        assert sorted(r.status_code for r in results) == [201, 409], [r.json for r in results]
        assert _counts(app, pid)[0] == 1


def test_two_finance_approvals_at_once_give_exactly_one_reversal(app, db_url, cashier):
    if not db_url.startswith("postgresql"):
        pytest.skip("row-lock concurrency of approvals is proven on PostgreSQL (TEST_DATABASE_URL)")
    finance_b = new_user(app, role="finance", centres=())
    for _round in range(3):
        pid = pay(app, cashier, "77.70")
        _rid, aid = _submitted(app, app.test_client(), cashier, pid)
        callers = [_api(app.test_client(), u) for u in ("finance1", finance_b)]
        results = _race([lambda c=c: c.post(f"/api/v1/approval/{aid}/approve", json={"step": 1}) for c in callers])
        assert sorted(r.status_code for r in results) == [200, 409], [r.json for r in results]
        assert payment_row(app, pid) == {"status": "reversed", "bills": [("unpaid", None, None)]}
        with app.app_context():
            a = db.session.get(Approval, aid)
            assert len([e for e in a.events if e.action == "approve"]) == 1
            updates = db.session.scalars(select(AuditLog).where(AuditLog.table_name == "payment",
                                                                AuditLog.row_id == str(pid),
                                                                AuditLog.event == "update")).all()
            assert len(updates) == 1

