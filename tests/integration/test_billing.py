"""收费 Fees (DESIGN.md "Fees", "Interfaces"): bill generation (Decimal, half-up,
idempotent), payment with gapless receipt numbers per centre and year, a bill
never paid twice (also under concurrent requests), paid bills locked, scope."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app import timeutil
from app.errors import DomainError
from app.extensions import db
from app.models.billing import Bill, ChargeItem, Payment
from app.models.estate import ServiceCenter
from app.services import billing
from tests import factories


def make_item(center_id, basis="fixed", rate="100.00", kind="other", due_day=15, active=True) -> int:
    item = ChargeItem(center_id=center_id, code=factories.unique("CI"), name=factories.unique("收费"), kind=kind,
                      basis=basis, rate=Decimal(rate), due_day=due_day, active=active)
    db.session.add(item)
    db.session.commit()
    return item.id


def make_bills(app, n=1, center_code="SC01", amount="100.00", household_id=None) -> list[int]:
    """n unpaid bills of one household (new unless given) of the centre."""
    with app.app_context():
        center_id = factories.center(center_code).id
        hh = household_id or factories.household(center_code).id
        item = make_item(center_id, rate=amount, active=False)  # in a demo centre: a re-seed must not bill it
        ids = []
        for i in range(n):
            b = Bill(center_id=center_id, household_id=hh, charge_item_id=item, period=f"2030-{i + 1:02d}",
                     amount=Decimal(amount), due_date=date(2030, i + 1, 15), status="unpaid")
            db.session.add(b)
            db.session.flush()
            ids.append(b.id)
        db.session.commit()
        return ids


def bill_status(app, bill_id):
    with app.app_context():
        return db.session.get(Bill, bill_id).status


# -- generation ---------------------------------------------------------------------

@pytest.fixture()
def fee_center(app):
    """A centre of its own: one household on 89.50 m², one on 120.00 m²;
    管理费 per_area 2.35 元/m² (due day 31), 垃圾费 fixed 15.00, an inactive item,
    a 车位费 item (billed from rentals, not per household)."""
    with app.app_context():
        c = ServiceCenter(code=factories.unique("FC"), name=factories.unique("收费测试中心"))
        db.session.add(c)
        db.session.commit()
        from app.models.estate import Building, Household, Unit

        bld = Building(center_id=c.id, name="1栋")
        db.session.add(bld)
        db.session.flush()
        hhs = []
        for room, area in (("F901", "89.50"), ("F902", "120.00")):
            u = Unit(center_id=c.id, building=bld, room_no=room, area=Decimal(area))
            db.session.add(u)
            db.session.flush()
            h = Household(center_id=c.id, unit=u, name=f"业主{room}", kind="owner", phone="13912345678")
            db.session.add(h)
            db.session.flush()
            hhs.append(h.id)
        db.session.commit()
        mgmt = make_item(c.id, basis="per_area", rate="2.35", kind="management", due_day=31)
        fixed = make_item(c.id, basis="fixed", rate="15", kind="other")
        off = make_item(c.id, basis="fixed", rate="9")
        db.session.get(ChargeItem, off).active = False
        make_item(c.id, basis="fixed", rate="300", kind="parking")
        db.session.commit()
        return c.id, hhs, mgmt, fixed


def test_generation_amounts_half_up_and_idempotent(app, fee_center):
    """89.50 m² × 2.35 = 210.325 → 210.33 (half-up); 120.00 × 2.35 = 282.00;
    fixed 15.00 each; due 2031-02-28 (day 31 clamped) and 2031-02-15.
    Inactive and 车位费 items bill nothing. A second run adds 0."""
    center_id, (h1, h2), mgmt, fixed = fee_center
    lines = []
    with app.app_context():
        assert billing.generate("2031-02", center_ids=[center_id], progress=lines.append) == 4
        got = {(b.household_id, b.charge_item_id): (b.amount, b.due_date, b.status, b.period)
               for b in db.session.scalars(select(Bill).where(Bill.center_id == center_id))}
        assert got == {
            (h1, mgmt): (Decimal("210.33"), date(2031, 2, 28), "unpaid", "2031-02"),
            (h2, mgmt): (Decimal("282.00"), date(2031, 2, 28), "unpaid", "2031-02"),
            (h1, fixed): (Decimal("15.00"), date(2031, 2, 15), "unpaid", "2031-02"),
            (h2, fixed): (Decimal("15.00"), date(2031, 2, 15), "unpaid", "2031-02"),
        }
        assert len(lines) == 1 and "4 bill(s)" in lines[0]
        assert billing.generate("2031-02", center_ids=[center_id]) == 0
        assert billing.generate("2031-03", center_ids=[center_id]) == 4
        for bad in ("2031-2", "2031/02", "2031-13", "", "abcd-ef"):
            with pytest.raises(DomainError, match="YYYY-MM"):
                billing.generate(bad)


def test_cli_billing_generate_prints_progress_per_centre(app, fee_center):
    out = app.test_cli_runner().invoke(args=["billing", "generate", "--period", "2031-04"])
    assert out.exit_code == 0, out.output
    assert "SC01" in out.output and "bill(s) created" in out.output
    again = app.test_cli_runner().invoke(args=["billing", "generate", "--period", "2031-04"])
    assert "0 bill(s) created" in again.output.splitlines()[-1]
    bad = app.test_cli_runner().invoke(args=["billing", "generate", "--period", "2031-4"])
    assert bad.exit_code != 0 and "YYYY-MM" in bad.output


# -- payment ---------------------------------------------------------------------------

def test_payment_happy_path_issues_a_receipt(app, api):
    ids = make_bills(app, 2, amount="123.45")
    r = api("cashier1").post("/api/v1/payment/", json={"bill_ids": ids, "method": "wechat", "amount": "246.90"})
    assert r.status_code == 201, r.json
    year = timeutil.today().year
    assert r.json["receipt_no"].startswith(f"SC01-{year}-") and len(r.json["receipt_no"].split("-")[-1]) == 6
    assert r.json["amount"] == "246.90"
    assert all(bill_status(app, i) == "paid" for i in ids)
    got = api("cashier1").get(f"/api/v1/bill/{ids[0]}").json["result"]
    assert got["status"] == "paid" and got["amount"] == "123.45" and got["payment_id"] == r.json["id"]
    assert {"id", "center_id", "household_id", "charge_item_id", "period", "amount", "due_date", "status"} <= set(got)
    pay = api("cashier1").get(f"/api/v1/payment/{r.json['id']}").json["result"]
    assert pay["receipt_no"] == r.json["receipt_no"] and pay["method"] == "wechat"


def test_double_payment_is_refused(app, api):
    ids = make_bills(app, 1)
    cashier = api("cashier1")
    assert cashier.post("/api/v1/payment/", json={"bill_ids": ids, "method": "cash", "amount": "100.00"}
                        ).status_code == 201
    r = cashier.post("/api/v1/payment/", json={"bill_ids": ids, "method": "cash", "amount": "100.00"})
    assert r.status_code == 409 and "重复缴费" in r.json["message"]


@pytest.mark.parametrize("amount,fragment", [("99.99", "不符"), ("100.01", "不符"), ("0", "大于0"),
                                             ("-100.00", "大于0"), ("abc", "金额格式"), (100.0, "字符串")])
def test_wrong_amount_is_refused(app, api, amount, fragment):
    ids = make_bills(app, 1)
    r = api("cashier1").post("/api/v1/payment/", json={"bill_ids": ids, "method": "cash", "amount": amount})
    assert r.status_code == 422 and fragment in r.json["message"], r.json
    assert bill_status(app, ids[0]) == "unpaid"


def test_bad_method_and_mixed_households_are_refused(app, api):
    a, b = make_bills(app, 1)[0], make_bills(app, 1)[0]
    cashier = api("cashier1")
    r = cashier.post("/api/v1/payment/", json={"bill_ids": [a], "method": "bitcoin", "amount": "100.00"})
    assert r.status_code == 422 and "付款方式" in r.json["message"]
    r = cashier.post("/api/v1/payment/", json={"bill_ids": [a, b], "method": "cash", "amount": "200.00"})
    assert r.status_code == 422 and "同一业户" in r.json["message"]


def test_other_centre_bill_is_refused(app, api):
    ids = make_bills(app, 1, center_code="SC02")
    r = api("cashier1").post("/api/v1/payment/", json={"bill_ids": ids, "method": "cash", "amount": "100.00"})
    assert r.status_code in (403, 404) and r.json["message"]
    assert bill_status(app, ids[0]) == "unpaid"
    assert api("cashier1").get(f"/api/v1/bill/{ids[0]}").status_code == 404


def test_paid_bill_cannot_be_edited_or_deleted(app, api):
    ids = make_bills(app, 1)
    cashier = api("cashier1")
    assert cashier.put(f"/api/v1/bill/{ids[0]}", json={"note": "改"}).status_code == 200   # unpaid: fine
    assert cashier.post("/api/v1/payment/", json={"bill_ids": ids, "method": "cash", "amount": "100.00"}
                        ).status_code == 201
    r = cashier.put(f"/api/v1/bill/{ids[0]}", json={"note": "再改"})
    assert r.status_code == 409 and r.json["message"] == "已缴费的账单不能修改或删除，只能红冲"
    r = cashier.delete(f"/api/v1/bill/{ids[0]}")
    assert r.status_code == 409 and "只能红冲" in r.json["message"]
    assert bill_status(app, ids[0]) == "paid"


def test_bill_api_add_forces_unpaid_and_refuses_duplicates(app, api):
    with app.app_context():
        hh = factories.household("SC01").id
        item = make_item(factories.center("SC01").id, active=False)  # a re-seed must not bill it
    body = {"household_id": hh, "charge_item_id": item, "period": "2032-05", "amount": "88.8", "due_date": "2032-05-20"}
    cashier = api("cashier1")
    r = cashier.post("/api/v1/bill/", json=body)
    assert r.status_code == 201, r.json
    got = cashier.get(f"/api/v1/bill/{r.json['id']}").json["result"]
    assert got["status"] == "unpaid" and got["amount"] == "88.80" and got["due_date"] == "2032-05-20"
    assert cashier.post("/api/v1/bill/", json=body).status_code == 409
    assert api("frontdesk1").post("/api/v1/bill/", json={**body, "period": "2032-06"}).status_code == 403


# -- concurrency -----------------------------------------------------------------------------

def _race(app, n, bodies):
    from tests.conftest import Api

    callers = [Api(app.test_client(), "cashier1") for _ in range(n)]
    barrier = threading.Barrier(n)
    results = [None] * n

    def go(i):
        barrier.wait()
        results[i] = callers[i].post("/api/v1/payment/", json=bodies[i])

    threads = [threading.Thread(target=go, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_concurrent_payments_get_consecutive_receipts(app):
    """6 cashiers pay 6 different bills of one centre at the same moment."""
    n = 6
    ids = [make_bills(app, 1)[0] for _ in range(n)]
    results = _race(app, n, [{"bill_ids": [i], "method": "cash", "amount": "100.00"} for i in ids])
    assert [r.status_code for r in results] == [201] * n, [r.json for r in results]
    receipts = [r.json["receipt_no"] for r in results]
    assert len(set(receipts)) == n
    numbers = sorted(int(x.rsplit("-", 1)[1]) for x in receipts)
    assert numbers == list(range(numbers[0], numbers[0] + n))
    with app.app_context():
        center_id = factories.center("SC01").id
        all_numbers = sorted(int(x.rsplit("-", 1)[1]) for x in db.session.scalars(
            select(Payment.receipt_no).where(Payment.center_id == center_id,
                                             Payment.receipt_no.like(f"SC01-{timeutil.today().year}-%"))))
        assert all_numbers == list(range(1, len(all_numbers) + 1))             # gapless from 1


def test_concurrent_payments_of_one_bill_exactly_one_wins(app):
    ids = make_bills(app, 1)
    results = _race(app, 2, [{"bill_ids": ids, "method": "cash", "amount": "100.00"}] * 2)
    assert sorted(r.status_code for r in results) == [201, 409], [r.json for r in results]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Payment).where(
            Payment.household_id == db.session.get(Bill, ids[0]).household_id)) == 1


@pytest.mark.parametrize("url", ["/billview/list/", "/billview/add", "/paymentview/list/", "/chargeitemview/list/",
                                 "/chargeitemview/add"])
def test_cashier_screens_render(app, logged_in, url):
    r = logged_in("cashier1").get(url)
    assert r.status_code == 200, url
