"""日结 Day close (DESIGN "Fees": "the cashier hands the day's cash to finance with a
day-close record"; issue 5 §7 "a closed day's payments cannot change", §10 the
day-close journal). Totals equal the payments' sums (hand-checked below); after a
close the cashier takes no more payments that day; closing and paying never race;
finance confirms, not the cashier; a confirmed close cannot change."""

import io
import threading
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import func, select

from app import timeutil
from app.extensions import db
from app.models.billing import Bill, Payment
from app.models.cash import DayClose
from tests.cash_factories import PASSWORD, at, bills, new_user, pay
from tests.conftest import Api

#: hand-checked: cash 100.00 + 50.50 = 150.50; non-cash 200.00 + 30.25 + 1000.00 + 12.34 = 1242.59
DAY = [("100.00", "cash"), ("50.50", "cash"), ("200.00", "wechat"), ("30.25", "alipay"),
       ("1000.00", "bank_transfer"), ("12.34", "bank_debit")]


def _api(client, username, lang="zh"):
    return Api(client, username, PASSWORD if username.startswith("t_") else None, lang)


def _close(client, username, cash_handed, note="", lang="zh", **extra):
    return _api(client, username, lang).post("/api/v1/dayclose/", json={
        "cash_handed": cash_handed, "difference_note": note, **extra})


def _closes_of(app, username) -> int:
    with app.app_context():
        uid = app.appbuilder.sm.find_user(username=username).id
        return db.session.scalar(select(func.count()).select_from(DayClose).where(DayClose.cashier_id == uid))


def _sums(app, username, day: date) -> dict:
    """The cashier's payments of the day summed straight from the payment table."""
    with app.app_context():
        uid = app.appbuilder.sm.find_user(username=username).id
        start = datetime(day.year, day.month, day.day)
        rows = db.session.execute(select(Payment.method, func.count(), func.sum(Payment.amount)).where(
            Payment.cashier_id == uid, Payment.paid_at >= start,
            Payment.paid_at < datetime.fromordinal(day.toordinal() + 1)).group_by(Payment.method)).all()
        return {m: (n, Decimal(s).quantize(Decimal("0.01"))) for m, n, s in rows}


@pytest.fixture()
def cashier(app):
    return new_user(app)


# -- totals ---------------------------------------------------------------------------------

def test_today_preview_and_close_equal_the_payments(app, client, cashier):
    for amount, method in DAY:
        pay(app, cashier, amount, method)
    preview = _api(client, cashier).get("/api/v1/dayclose/today").json["result"]
    assert preview["payment_count"] == 6 and preview["closed_id"] is None and len(preview["payments"]) == 6
    assert (preview["total_cash"], preview["cash_total"], preview["noncash_total"]) == ("150.50", "150.50", "1242.59")
    r = _close(client, cashier, "150.50")
    assert r.status_code == 201, r.json
    got = r.json["result"]
    assert {k: got[k] for k in ("payment_count", "total_cash", "total_wechat", "total_alipay", "total_bank_transfer",
                                "total_bank_debit", "reversals_total", "cash_total", "noncash_total", "cash_handed",
                                "difference", "status")} == {
        "payment_count": 6, "total_cash": "150.50", "total_wechat": "200.00", "total_alipay": "30.25",
        "total_bank_transfer": "1000.00", "total_bank_debit": "12.34", "reversals_total": "0.00",
        "cash_total": "150.50", "noncash_total": "1242.59", "cash_handed": "150.50", "difference": "0.00",
        "status": "submitted"}
    sums = _sums(app, cashier, timeutil.today())
    for method, (_n, total) in sums.items():
        assert got[f"total_{method}"] == f"{total:.2f}"
    assert sum(n for n, _t in sums.values()) == got["payment_count"]
    detail = _api(client, cashier).get(f"/api/v1/dayclose/{r.json['id']}").json["result"]
    assert sorted(p["amount"] for p in detail["payments"]) == sorted(a for a, _m in DAY)


@pytest.mark.parametrize("lang,message", [("zh", "今日已日结，不能再收款"),
                                          ("en", "Today has been closed; no more payments can be taken")])
def test_no_payment_after_the_close(app, client, cashier, lang, message):
    """The receipt number the refused payment would have taken is not lost (gapless)."""
    pay(app, cashier, "10.00")
    assert _close(client, cashier, "10.00").status_code == 201
    ids = bills(app, 1, "25.00")
    body = {"bill_ids": ids, "method": "cash", "amount": "25.00"}
    r = _api(client, cashier, lang).post("/api/v1/payment/", json=body)
    assert r.status_code == 409 and r.json["message"] == message
    year = timeutil.today().year
    with app.app_context():
        assert db.session.get(Bill, ids[0]).status == "unpaid"
        last = max(int(x.rsplit("-", 1)[1]) for x in db.session.scalars(
            select(Payment.receipt_no).where(Payment.receipt_no.like(f"SC01-{year}-%"))))
    other = new_user(app)
    nxt = _api(client, other).post("/api/v1/payment/", json={"bill_ids": ids, "method": "cash", "amount": "25.00"})
    assert nxt.status_code == 201 and nxt.json["receipt_no"] == f"SC01-{year}-{last + 1:06d}"


@pytest.mark.parametrize("lang,empty,twice", [
    ("zh", "没有收款或红冲记录，无需日结", "已日结，不能重复日结"),
    ("en", "Nothing to close on", "has already been closed")])
def test_nothing_to_close_and_closing_twice(app, client, cashier, lang, empty, twice):
    r = _close(client, cashier, "0.00", lang=lang)
    assert r.status_code == 409 and empty in r.json["message"]
    assert _closes_of(app, cashier) == 0
    pay(app, cashier, "5.00")
    assert _close(client, cashier, "5.00").status_code == 201
    again = _close(client, cashier, "5.00", lang=lang)
    assert again.status_code == 409 and twice in again.json["message"]
    assert _closes_of(app, cashier) == 1


def test_only_a_cashier_closes(app, client):
    for username in ("finance1", "center_manager1", "auditor1", "frontdesk1"):
        assert _close(client, username, "0.00").status_code == 403, username
    r = _close(client, "admin1", "0.00")
    assert r.status_code == 403 and r.json["message"] == "只有收费员可以办理日结"


@pytest.mark.parametrize("handed,note,fragment", [
    ("140.50", "", "请填写差额说明"), ("-1.00", "", "不能为负数"), (150.5, "", "字符串"), ("1.005", "", "两位小数"),
    ("", "", "请填写交给财务的现金金额"), ("abc", "", "金额格式")])
def test_cash_handed_rules_write_nothing(app, client, cashier, handed, note, fragment):
    pay(app, cashier, "150.50")
    r = _close(client, cashier, handed, note)
    assert r.status_code == 422 and fragment in r.json["message"], r.json
    assert _closes_of(app, cashier) == 0


def test_difference_with_a_note_is_kept(app, client, cashier):
    pay(app, cashier, "150.50")
    r = _close(client, cashier, "140.50", "少收10元，次日补交")
    assert r.status_code == 201
    assert (r.json["result"]["difference"], r.json["result"]["difference_note"]) == ("-10.00", "少收10元，次日补交")
    en = _close(client, new_user(app), "1.00", lang="en")
    assert en.status_code == 409 and "Nothing to close" in en.json["message"]


def test_future_date_is_refused(app, client, cashier):
    pay(app, cashier, "1.00")
    r = _close(client, cashier, "1.00", business_date="2099-01-01")
    assert r.status_code == 422 and "将来" in r.json["message"]
    assert _close(client, cashier, "1.00", business_date="2099-13-01").status_code == 422


# -- confirm and edit --------------------------------------------------------------------------

def test_finance_confirms_and_a_confirmed_close_cannot_change(app, client, cashier):
    pay(app, cashier, "88.00")
    cid = _close(client, cashier, "88.00").json["id"]
    mine = _api(client, cashier)
    r = mine.put(f"/api/v1/dayclose/{cid}", json={"cash_handed": "80.00", "difference_note": "点错"})
    assert r.status_code == 200, r.json
    got = mine.get(f"/api/v1/dayclose/{cid}").json["result"]
    assert (got["cash_handed"], got["difference"], got["cash_total"]) == ("80.00", "-8.00", "88.00")
    assert mine.put(f"/api/v1/dayclose/{cid}", json={"cash_handed": "70.00", "difference_note": ""}
                    ).status_code == 422                                         # a difference needs its note
    colleague = _api(client, new_user(app))
    r = colleague.put(f"/api/v1/dayclose/{cid}", json={"cash_handed": "88.00", "difference_note": ""})
    assert r.status_code == 403 and r.json["message"] == "只能修改本人的日结"
    assert mine.post(f"/api/v1/dayclose/{cid}/confirm").status_code == 403   # the cashier has no confirm
    assert _api(client, "center_manager1").post(f"/api/v1/dayclose/{cid}/confirm").status_code == 403
    ok = _api(client, "finance1").post(f"/api/v1/dayclose/{cid}/confirm")
    assert ok.status_code == 200 and ok.json["result"]["status"] == "confirmed"
    with app.app_context():
        assert ok.json["result"]["confirmed_by_id"] == app.appbuilder.sm.find_user(username="finance1").id
    assert ok.json["result"]["confirmed_at"]
    again = _api(client, "finance1", "en").post(f"/api/v1/dayclose/{cid}/confirm")
    assert again.status_code == 409 and again.json["message"] == "This day close has already been confirmed"
    for lang, message in (("zh", "已确认的日结不能修改"), ("en", "A confirmed day close cannot be changed")):
        r = _api(client, cashier, lang).put(f"/api/v1/dayclose/{cid}", json={"cash_handed": "88.00"})
        assert r.status_code == 409 and r.json["message"] == message
    assert mine.get(f"/api/v1/dayclose/{cid}").json["result"]["cash_handed"] == "80.00"
    assert mine.delete(f"/api/v1/dayclose/{cid}").status_code in (404, 405)


@pytest.mark.parametrize("lang,message", [("zh", "只有财务可以确认日结"),
                                          ("en", "Only finance can confirm a day close")])
def test_only_finance_confirms(app, client, cashier, lang, message):
    """admin holds every permission, yet confirming the cash is finance's job."""
    pay(app, cashier, "4.00")
    cid = _close(client, cashier, "4.00").json["id"]
    r = _api(client, "admin1", lang).post(f"/api/v1/dayclose/{cid}/confirm")
    assert r.status_code == 403 and r.json["message"] == message
    with app.app_context():
        assert db.session.get(DayClose, cid).status == "submitted"


def test_a_cashier_cannot_confirm_their_own_close(app, client):
    both = new_user(app, extra_roles=("finance",))
    pay(app, both, "9.00")
    cid = _close(client, both, "9.00").json["id"]
    r = _api(client, both).post(f"/api/v1/dayclose/{cid}/confirm")
    assert r.status_code == 403 and r.json["message"] == "不能确认本人的日结"
    with app.app_context():
        assert db.session.get(DayClose, cid).status == "submitted"


def test_scope_and_read_only_roles(app, client, cashier):
    pay(app, cashier, "3.00")
    cid = _close(client, cashier, "3.00").json["id"]
    sc02 = new_user(app, centres=("SC02",))
    assert _api(client, sc02).get(f"/api/v1/dayclose/{cid}").status_code == 404
    assert cid not in [x["id"] for x in _api(client, sc02).get("/api/v1/dayclose/").json["result"]]
    assert _api(client, sc02).post(f"/api/v1/dayclose/{cid}/confirm").status_code in (403, 404)
    for username in ("finance1", "gm1", "auditor1", "center_manager1"):
        assert _api(client, username).get(f"/api/v1/dayclose/{cid}").status_code == 200, username
    assert _api(client, "frontdesk1").get(f"/api/v1/dayclose/{cid}").status_code == 403
    assert _api(client, "gm1").put(f"/api/v1/dayclose/{cid}", json={"cash_handed": "1.00"}).status_code == 403


# -- a closed day never changes; reversals are booked on their approval day ------------------------

def _reverse(app, client, requester, payment_id):
    r = _api(client, requester).post("/api/v1/reversal/", json={"payment_id": payment_id, "reason": "退款"})
    assert r.status_code == 201, r.json
    s = _api(client, requester).post(f"/api/v1/reversal/{r.json['id']}/submit")
    return r.json["id"], s.json["result"]["approval_id"]


def test_reversal_of_a_closed_days_payment_is_booked_on_its_own_day(app, client, cashier, monkeypatch):
    d1, d2, d3 = datetime(2031, 3, 10, 10, 0), datetime(2031, 3, 11, 9, 0), datetime(2031, 3, 12, 9, 0)
    at(monkeypatch, d1)
    cash = pay(app, cashier, "100.00", "cash")
    wechat = pay(app, cashier, "60.00", "wechat")
    c1 = _close(client, cashier, "100.00").json
    before = {k: c1["result"][k] for k in ("payment_count", "total_cash", "total_wechat", "reversals_total",
                                           "cash_total", "noncash_total")}
    at(monkeypatch, d2)
    rid, aid = _reverse(app, client, cashier, wechat)
    assert _api(client, "finance1").post(f"/api/v1/approval/{aid}/approve").status_code == 200
    assert _api(client, cashier).get(f"/api/v1/reversal/{rid}").json["result"]["booked_on"] == "2031-03-11"
    after = _api(client, cashier).get(f"/api/v1/dayclose/{c1['id']}").json["result"]
    assert {k: after[k] for k in before} == before                                    # day 1 never changes
    assert [p["status"] for p in after["payments"]] == ["valid", "reversed"] and after["reversals"] == []
    pay(app, cashier, "20.00", "cash")
    c2 = _close(client, cashier, "20.00").json["result"]
    assert (c2["payment_count"], c2["reversal_count"], c2["reversals_total"], c2["cash_total"],
            c2["noncash_total"]) == (1, 1, "-60.00", "20.00", "-60.00")
    # day 2 is closed: a reversal requested by this cashier cannot be booked on it
    _rid2, aid2 = _reverse(app, client, cashier, cash)
    r = _api(client, "finance1").post(f"/api/v1/approval/{aid2}/approve")
    assert r.status_code == 409 and "今日已日结" in r.json["message"]
    with app.app_context():
        assert db.session.get(Payment, cash).status == "valid"
    at(monkeypatch, d3)
    assert _api(client, "finance1").post(f"/api/v1/approval/{aid2}/approve").status_code == 200
    pre = _api(client, cashier).get("/api/v1/dayclose/today").json["result"]
    assert (pre["reversals_total"], pre["cash_total"], pre["payment_count"]) == ("-100.00", "-100.00", 0)


# -- screens ---------------------------------------------------------------------------------------

def test_today_page_close_form_and_finance_confirm_on_screen(app, logged_in, cashier):
    pay(app, cashier, "88.80", "alipay")
    pay(app, cashier, "11.20", "cash")
    web = logged_in(cashier, PASSWORD)
    page = web.get("/daycloseview/today/").get_data(as_text=True)
    assert "88.80" in page and "11.20" in page and 'id="close-day"' in page
    r = web.post("/daycloseview/close/", data={"cash_handed": "11.20"})
    assert r.status_code == 302 and "/daycloseview/show/" in r.headers["Location"]
    cid = int(r.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    show = web.get(f"/daycloseview/show/{cid}").get_data(as_text=True)
    assert "88.80" in show and "财务确认" not in show                                  # no confirm for cashiers
    assert "今日已日结" in web.get("/daycloseview/today/").get_data(as_text=True)
    fin = logged_in("finance1")
    assert "财务确认" in fin.get(f"/daycloseview/show/{cid}").get_data(as_text=True)
    done = fin.post(f"/daycloseview/action/confirm/{cid}", data={}, follow_redirects=True)
    assert "日结已确认" in done.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(DayClose, cid).status == "confirmed"


@pytest.mark.parametrize("username,code", [("center_manager1", 200), ("finance1", 200), ("auditor1", 200),
                                           ("gm1", 200), ("frontdesk1", 403), ("technician1", 403)])
def test_screens_per_role(app, logged_in, username, code):
    c = logged_in(username)
    for url in ("/daycloseview/list/", "/paymentreversalview/list/", "/dayclosereport/"):
        assert c.get(url).status_code == code, (username, url)


# -- concurrency -----------------------------------------------------------------------------------

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


def test_closing_and_paying_do_not_race(app, db_url):
    """A close and four payments of the same cashier at the same moment: every payment
    that lands is counted in the close, every later one is refused; stored totals equal
    the payment table. Run with threads on PostgreSQL (and SQLite's write lock)."""
    for _round in range(3):
        cashier = new_user(app)
        pay(app, cashier, "1.00")
        ids = [bills(app, 1, "10.00")[0] for _ in range(4)]
        callers = [_api(app.test_client(), cashier) for _ in range(5)]
        calls = [lambda: callers[0].post("/api/v1/dayclose/", json={"cash_handed": "0.00", "difference_note": "并发"})]
        calls += [lambda c=c, i=i: c.post("/api/v1/payment/", json={"bill_ids": [i], "method": "wechat",
                                                                     "amount": "10.00"})
                  for c, i in zip(callers[1:], ids, strict=True)]
        results = _race(calls)
        assert results[0].status_code == 201, results[0].json
        paid = [r for r in results[1:] if r.status_code == 201]
        refused = [r for r in results[1:] if r.status_code != 201]
        assert all(r.status_code == 409 and r.json["message"] == "今日已日结，不能再收款" for r in refused)
        close = results[0].json["result"]
        sums = _sums(app, cashier, timeutil.today())
        assert close["payment_count"] == 1 + len(paid) == sum(n for n, _t in sums.values())
        assert close["total_wechat"] == f"{Decimal(10 * len(paid)):.2f}"
        with app.app_context():
            assert sum(db.session.get(Bill, i).status == "unpaid" for i in ids) == len(refused)


def test_two_closes_at_once_give_one(app):
    cashier = new_user(app)
    pay(app, cashier, "2.00")
    callers = [_api(app.test_client(), cashier) for _ in range(2)]
    results = _race([lambda c=c: c.post("/api/v1/dayclose/", json={"cash_handed": "2.00"}) for c in callers])
    assert sorted(r.status_code for r in results) == [201, 409], [r.json for r in results]
    assert _closes_of(app, cashier) == 1


# -- the day-close journal report ---------------------------------------------------------------

def _xlsx(response):
    """The data rows (those starting with a date) of each sheet."""
    assert response.status_code == 200, response.status_code
    wb = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True)
    return [[row for row in ws.iter_rows(values_only=True) if isinstance(row[0], datetime)] for ws in wb.worksheets]


def test_journal_page_and_excel_equal_the_payments(app, client, logged_in, monkeypatch):
    """Two SC01 cashiers and one SC02 cashier close 2032-05-10 / 11; the journal's
    numbers are the payments' sums; scope holds on the page and the workbook."""
    a, b, z = new_user(app), new_user(app), new_user(app, centres=("SC02",))
    at(monkeypatch, datetime(2032, 5, 10, 9, 30))
    pay(app, a, "100.00", "cash")
    wechat = pay(app, a, "45.60", "wechat", n=2)                            # 91.20
    pay(app, b, "12.34", "bank_debit")
    pay(app, z, "300.00", "cash", centre="SC02")
    for user, handed in ((a, "100.00"), (b, "0.00"), (z, "300.00")):
        assert _close(client, user, handed).status_code == 201
    at(monkeypatch, datetime(2032, 5, 11, 9, 30))
    _rid, aid = _reverse(app, client, a, wechat)
    assert _api(client, "finance1").post(f"/api/v1/approval/{aid}/approve").status_code == 200
    pay(app, a, "7.00", "alipay")
    c_a2 = _close(client, a, "0.00").json
    assert _api(client, "finance1").post(f"/api/v1/dayclose/{c_a2['id']}/confirm").status_code == 200
    query = "start=2032-05-10&end=2032-05-11"
    page = logged_in("finance1").get(f"/dayclosereport/?{query}").get_data(as_text=True)
    assert "¥91.20" in page and "-¥91.20" in page and "¥300.00" in page and "¥12.34" in page
    closes, lines = _xlsx(logged_in("finance1").get(f"/dayclosereport/export?{query}"))
    assert len(closes) == 4 and len(lines) == 4 + 1 + 1                      # 4 payments, 1 on day 2, 1 reversal
    by = {(row[0].date(), row[2]): row for row in closes}
    for (day, user), row in by.items():
        sums = _sums(app, user, day)
        assert row[3] == sum(n for n, _t in sums.values())
        for i, method in enumerate(("cash", "wechat", "alipay", "bank_transfer", "bank_debit")):
            assert Decimal(str(row[5 + i])).quantize(Decimal("0.01")) == sums.get(method, (0, Decimal("0.00")))[1]
    assert by[(date(2032, 5, 11), a)][10] == -91.20 and by[(date(2032, 5, 11), a)][-2] == "finance1"
    assert sum(Decimal(str(r[5])) for r in lines if r[1] == a) == Decimal("198.20") - Decimal("91.20")
    mine_z = logged_in(z, PASSWORD).get(f"/dayclosereport/?{query}").get_data(as_text=True)
    assert "300.00" in mine_z and "91.20" not in mine_z                       # SC02 sees only SC02
    closes_z, _lines_z = _xlsx(logged_in(z, PASSWORD).get(f"/dayclosereport/export?{query}"))
    assert [row[2] for row in closes_z] == [z]
