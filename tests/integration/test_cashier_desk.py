"""收银台 and receipts (DESIGN.md "Fees": a payment settles several bills of one
household, a bill is never paid twice, every payment gets a gapless receipt
number per centre and year, printable receipt; row-level scope by centre;
CSRF on every form). The desk goes through app.services.payments.pay."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app import create_app, timeutil
from app.extensions import db
from app.models.billing import Bill, ChargeItem, Payment
from seeds.payments import PAID_PERIODS, PERIODS, load_payments
from tests import factories
from tests.conftest import login, make_config


def _item(center_id, kind="other", rate="100.00") -> int:
    item = ChargeItem(center_id=center_id, code=factories.unique("DK"), name=factories.unique("收费"), kind=kind,
                      basis="fixed", rate=Decimal(rate), due_day=15, active=True)
    db.session.add(item)
    db.session.commit()
    return item.id


def make_bills(app, specs, center_code="SC01", household_id=None):
    """Bills of one household: specs = [(period, amount, due date, kind, status)]; returns (household id, ids)."""
    with app.app_context():
        center_id = factories.center(center_code).id
        hh = household_id or factories.household(center_code).id
        ids = []
        for period, amount, due, kind, status in specs:
            b = Bill(center_id=center_id, household_id=hh, charge_item_id=_item(center_id, kind, amount),
                     period=period, amount=Decimal(amount), due_date=due, status=status)
            db.session.add(b)
            db.session.flush()
            ids.append(b.id)
        db.session.commit()
        return hh, ids


def one_bill(app, amount="100.00", center_code="SC01"):
    return make_bills(app, [("2030-01", amount, date(2030, 1, 15), "other", "unpaid")], center_code)


def statuses(app, ids):
    with app.app_context():
        return [db.session.get(Bill, i).status for i in ids]


def payment_count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Payment))


def pay(client, hh, ids, amount, method="wechat"):
    return client.post("/cashier/pay", data={"household_id": hh, "bill_ids": ids, "method": method,
                                             "amount": amount}, follow_redirects=True)


# -- the desk ------------------------------------------------------------------------

def test_desk_lists_unpaid_bills_oldest_first_with_overdue_days_and_late_fees(app, logged_in):
    """Unpaid bills only, oldest period first, overdue days from the due date, 滞纳金 marked."""
    today = timeutil.today()
    hh, (newer, paid, late, older) = make_bills(app, [
        ("2031-03", "210.33", today + timedelta(days=10), "management", "unpaid"),
        ("2030-01", "999.00", today - timedelta(days=99), "other", "paid"),
        ("2030-02", "3.15", today - timedelta(days=5), "late_fee", "unpaid"),
        ("2030-01", "15.00", today - timedelta(days=40), "other", "unpaid"),
    ])
    page = logged_in("cashier1").get(f"/cashier/?household={hh}").get_data(as_text=True)
    rows = re.findall(r'data-bill-id="(\d+)"', page)
    assert rows == [str(older), str(late), str(newer)]                      # oldest first, paid one absent
    cells = re.findall(r'<tr class="bill-row[^"]*" data-bill-id="\d+">(.*?)</tr>', page, re.S)
    overdue = [re.findall(r"<td>(.*?)</td>", c, re.S)[-1].strip() for c in cells]
    assert overdue == ["40", "5", ""]                                       # not yet due: no days
    assert "滞纳金" in cells[1] and "滞纳金" not in cells[0]
    assert 'id="desk-total">228.48<' in page and 'name="amount" id="amount"' in page
    assert 'value="228.48"' in page and page.count('class="bill-tick"') == 3
    assert "csrf_token" in page and 'id="take-payment"' in page


def test_desk_payment_settles_the_ticked_bills_and_shows_the_receipt(app, logged_in):
    hh, ids = make_bills(app, [("2030-01", "1000.00", date(2030, 1, 15), "management", "unpaid"),
                               ("2030-02", "5.60", date(2030, 2, 15), "other", "unpaid"),
                               ("2030-03", "7.00", date(2030, 3, 15), "other", "unpaid")])
    c = logged_in("cashier1")
    r = pay(c, hh, ids[:2], "1005.60")                                       # the third stays unticked
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "/cashier/receipt/" in r.request.path, page[:300]
    assert statuses(app, ids) == ["paid", "paid", "unpaid"]
    with app.app_context():
        p = db.session.get(Payment, db.session.get(Bill, ids[0]).payment_id)
        receipt_no, pid = p.receipt_no, p.id
        assert p.amount == Decimal("1005.60") and p.method == "wechat" and p.household_id == hh
    assert re.match(rf"SC01-{timeutil.today().year}-\d{{6}}$", receipt_no)
    assert f'id="receipt-no">{receipt_no}<' in page and "收款成功" in page
    assert "¥1,005.60" in page and "壹仟零伍元陆角" in page and "阳光花园服务中心" in page
    assert ">微信<" in page and "cashier1" in page and "已红冲" not in page
    pdf = c.get(f"/cashier/receipt/{pid}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and b"STSong-Light" in pdf.data  # CJK font
    assert f"filename={receipt_no}.pdf" in pdf.headers["Content-Disposition"]


REFUSALS = {
    "wrong_amount": "不符",
    "already_paid": "重复缴费",
    "two_households": "同一业户",
    "other_centre": "不属于您所在的服务中心",
    "nothing_ticked": "请勾选",
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_desk_refusals_are_flashed_and_write_nothing(app, logged_in, case):
    hh, ids = one_bill(app)
    other_hh, other = one_bill(app, center_code="SC02" if case == "other_centre" else "SC01")
    c = logged_in("cashier1")
    if case == "already_paid":
        assert "收款成功" in pay(c, hh, ids, "100.00").get_data(as_text=True)
    body = {"wrong_amount": (ids, "99.99"), "already_paid": (ids, "100.00"),
            "two_households": (ids + other, "200.00"), "other_centre": (other, "100.00"),
            "nothing_ticked": ([], "0")}[case]
    before = payment_count(app)
    r = pay(c, hh, *body)
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and r.request.path == "/cashier/" and REFUSALS[case] in page
    assert payment_count(app) == before
    assert statuses(app, other) == ["unpaid"]
    assert statuses(app, ids) == ["paid" if case == "already_paid" else "unpaid"]


def test_desk_refusal_reads_in_english(app, logged_in):
    hh, ids = one_bill(app)
    _other_hh, other = one_bill(app)
    c = logged_in("cashier1")
    c.get("/lang/en")
    page = pay(c, hh, ids + other, "200.00").get_data(as_text=True)
    assert "One payment can only cover bills of one household" in page
    assert statuses(app, ids + other) == ["unpaid", "unpaid"]


def test_desk_post_without_csrf_token_is_refused(app, db_url):
    """With CSRF on (as in production) the desk form needs its token."""
    strict = create_app(make_config(db_url, WTF_CSRF_ENABLED=True))
    hh, ids = one_bill(strict)
    c = strict.test_client()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', c.get("/login/").get_data(as_text=True))
    login_data = {"username": "cashier1", "password": "demo-cashier", "csrf_token": token.group(1)}
    assert c.post("/login/", data=login_data).status_code == 302
    body = {"household_id": hh, "bill_ids": ids, "method": "cash", "amount": "100.00"}
    assert c.post("/cashier/pay", data=body).status_code == 400
    assert statuses(strict, ids) == ["unpaid"]
    desk = c.get(f"/cashier/?household={hh}").get_data(as_text=True)
    body["csrf_token"] = re.search(r'name="csrf_token" value="([^"]+)"', desk).group(1)
    r = c.post("/cashier/pay", data=body)
    assert r.status_code == 302 and "/cashier/receipt/" in r.headers["Location"]
    assert statuses(strict, ids) == ["paid"]


# -- permissions and scope -----------------------------------------------------------

def test_frontdesk_may_not_use_the_desk(app, logged_in):
    hh, ids = one_bill(app)
    c = logged_in("frontdesk1")
    assert c.get("/cashier/").status_code == 403
    r = c.post("/cashier/pay", data={"household_id": hh, "bill_ids": ids, "method": "cash", "amount": "100.00"})
    assert r.status_code == 403 and statuses(app, ids) == ["unpaid"]


def test_center_manager_sees_the_desk_read_only(app, logged_in):
    hh, ids = one_bill(app)
    c = logged_in("center_manager1")
    page = c.get(f"/cashier/?household={hh}").get_data(as_text=True)
    assert f'data-bill-id="{ids[0]}"' in page and 'id="take-payment"' not in page
    r = c.post("/cashier/pay", data={"household_id": hh, "bill_ids": ids, "method": "cash", "amount": "100.00"})
    assert r.status_code == 403 and statuses(app, ids) == ["unpaid"]


def test_cashier_cannot_see_another_centres_household(app, logged_in):
    hh, ids = one_bill(app, center_code="SC02")
    page = logged_in("cashier1").get(f"/cashier/?household={hh}").get_data(as_text=True)
    assert "不在您的服务中心范围内" in page and f'data-bill-id="{ids[0]}"' not in page


def test_household_search_by_room_name_phone_within_scope(app, logged_in):
    with app.app_context():
        u = factories.unit("SC01", room_no=factories.unique("Q"))
        h = factories.household("SC01", unit=u, name=factories.unique("查找"), phone="13700001234")
        hid, room, name, building = h.id, u.room_no, h.name, u.building.name
        other = factories.household("SC02", phone="13700001234").id
    c = logged_in("cashier1")
    for term in (room, name, "13700001234", f"{building}-{room}"):
        found = [r["id"] for r in c.get("/cashier/households/", query_string={"q": term}).json["results"]]
        assert hid in found and other not in found, term
    page = c.get("/cashier/", query_string={"q": room}).get_data(as_text=True)  # without JS: links
    assert f"/cashier/?household={hid}" in page


def _paid_receipt(app, logged_in, center_code="SC01", cashier="cashier1"):
    hh, ids = one_bill(app, "246.90", center_code)
    pay(logged_in(cashier), hh, ids, "246.90")
    with app.app_context():
        p = db.session.get(Payment, db.session.get(Bill, ids[0]).payment_id)
        return p.id, p.receipt_no


@pytest.mark.parametrize("username,status", [("cashier1", 200), ("cashier2", 404), ("auditor1", 200),
                                             ("finance1", 200), ("frontdesk1", 403)])
def test_receipt_is_scoped_by_centre(app, logged_in, username, status):
    pid, _no = _paid_receipt(app, logged_in)
    c = logged_in(username)
    assert c.get(f"/cashier/receipt/{pid}").status_code == status
    assert c.get(f"/cashier/receipt/{pid}.pdf").status_code == status


def test_receipt_pdf_over_the_api_and_from_the_payment_detail(app, logged_in, api):
    pid, receipt_no = _paid_receipt(app, logged_in)
    r = api("cashier1").get(f"/api/v1/payment/{pid}/receipt.pdf")
    assert r.status_code == 200 and r.data.startswith(b"%PDF") and receipt_no in r.headers["Content-Disposition"]
    assert api("cashier2").get(f"/api/v1/payment/{pid}/receipt.pdf").status_code == 404
    assert api("frontdesk1").get(f"/api/v1/payment/{pid}/receipt.pdf").status_code == 403
    show = logged_in("cashier1").get(f"/paymentview/show/{pid}").get_data(as_text=True)
    assert f"/cashier/receipt/{pid}" in show and f"/cashier/receipt/{pid}.pdf" in show


def test_reversed_payment_receipt_is_stamped(app, logged_in):
    pid, _no = _paid_receipt(app, logged_in)
    with app.app_context():
        db.session.get(Payment, pid).status = "reversed"  # what a 红冲 leaves behind (reversals: another module)
        db.session.commit()
    page = logged_in("cashier1").get(f"/cashier/receipt/{pid}").get_data(as_text=True)
    assert 'id="reversed-stamp">已红冲<' in page
    assert logged_in("cashier1").get(f"/cashier/receipt/{pid}.pdf").data.startswith(b"%PDF")


def test_desk_is_the_first_entry_of_the_fees_menu(app, logged_in):
    page = logged_in("cashier1").get("/cashier/").get_data(as_text=True)
    assert 0 < page.index("/cashier/") < page.index("/billview/list/") < page.index("/paymentview/list/")
    assert "/feereport/collection/" in page


# -- demo payments -------------------------------------------------------------------

def test_demo_payments_pay_about_70_percent_and_run_once(app):
    """seeds/payments.py: 7 in 10 households of each demo centre paid the two older demo months, the current open."""
    with app.app_context():
        for code in ("SC01", "SC02"):
            cid = factories.center(code).id
            items = db.session.scalars(select(ChargeItem.id).where(ChargeItem.center_id == cid,
                                                                  ChargeItem.code.in_(["WY", "LJ"]))).all()
            assert len(items) == 2
            for period in PERIODS:
                got = dict(db.session.execute(select(Bill.status, func.count()).where(
                    Bill.center_id == cid, Bill.period == period, Bill.charge_item_id.in_(items))
                    .group_by(Bill.status)).all())
                total = sum(got.values())
                assert total >= 200, (code, period, got)
                paid = got.get("paid", 0)
                assert (0.65 <= paid / total <= 0.75) if period in PAID_PERIODS else paid == 0, (code, period, got)
        before = db.session.scalar(select(func.count()).select_from(Payment))
        assert load_payments(progress=lambda *_: None) == 0
        assert db.session.scalar(select(func.count()).select_from(Payment)) == before


def test_login_as_sc02_cashier_is_bound_to_sc02(app):
    c = app.test_client()
    assert login(c, "cashier2").status_code == 302
    with app.app_context():
        assert [x.code for x in app.appbuilder.sm.find_user(username="cashier2").centers] == ["SC02"]


def test_desk_and_receipt_read_in_english(app, logged_in):
    """Chinese first, English second (translations/pending/desk.json)."""
    pid, receipt_no = _paid_receipt(app, logged_in)
    hh, _ids = one_bill(app)
    c = logged_in("cashier1")
    c.get("/lang/en")
    desk = c.get(f"/cashier/?household={hh}").get_data(as_text=True)
    assert "Cashier desk" in desk and "Take payment" in desk and "Days overdue" in desk
    receipt = c.get(f"/cashier/receipt/{pid}").get_data(as_text=True)
    assert "Payment receipt" in receipt and receipt_no in receipt and "In words" in receipt
    assert "贰佰肆拾陆元玖角" in receipt                     # the capital amount stays Chinese, as on paper
