"""红冲 in a real browser (DESIGN "Fees": a paid bill is only reversed, approved by
finance) and the cashier's 今日日结 page.

cashier1 takes a payment through the REST API (JWT), opens it under 收费 → 收款记录,
presses 申请红冲, gives the reason and submits; finance1 finds it in 待我审批,
approves; the bill is 未缴 again and the payment 已红冲. The cashier's 今日日结
page shows the day's takings and the reversal (the day is not closed here: a
close would stop cashier1 taking payments in the other browser tests).
"""

import re

from playwright.sync_api import expect

from tests.e2e.helpers import open_menu, sign_in


def _api(playwright_instance, live_server, username):
    ctx = playwright_instance.request.new_context(base_url=live_server)
    r = ctx.post("/api/v1/security/login", data={"username": username, "password": "demo-cashier",
                                                 "provider": "db"})
    assert r.ok, r.text()
    token = r.json()["access_token"]
    return ctx, {"Authorization": f"Bearer {token}"}


def _paid_bill(playwright_instance, live_server) -> dict:
    """A 333.30 bill of an SC01 household, paid in cash by cashier1; ids and receipt."""
    ctx, auth = _api(playwright_instance, live_server, "cashier1")
    households = ctx.get("/api/v1/household/?q=(page_size:1)", headers=auth).json()["result"]
    centres = ctx.get("/api/v1/servicecenter/", headers=auth).json()["result"]
    sc01 = next(c["id"] for c in centres if c["code"] == "SC01")
    item = ctx.post("/api/v1/chargeitem/", headers=auth, data={
        "center_id": sc01, "code": "E2ERV", "name": "红冲演示费", "kind": "other", "basis": "fixed",
        "rate": "333.30", "active": True, "due_day": 15})
    assert item.status == 201, item.text()
    bill = ctx.post("/api/v1/bill/", headers=auth, data={
        "household_id": households[0]["id"], "charge_item_id": item.json()["id"], "period": "2041-01",
        "amount": "333.30", "due_date": "2041-01-15"})
    assert bill.status == 201, bill.text()
    paid = ctx.post("/api/v1/payment/", headers=auth, data={"bill_ids": [bill.json()["id"]], "method": "cash",
                                                            "amount": "333.30"})
    assert paid.status == 201, paid.text()
    out = {"bill_id": bill.json()["id"], **paid.json()}
    ctx.dispose()
    return out


def test_cashier_requests_finance_approves_and_the_bill_is_unpaid_again(playwright_instance, live_server, new_page,
                                                                         artifacts_dir):
    paid = _paid_bill(playwright_instance, live_server)
    cashier = new_page()
    sign_in(cashier, "cashier1")
    open_menu(cashier, "收费", "收款记录")
    cashier.goto(f"/paymentview/show/{paid['id']}")
    expect(cashier.locator("body")).to_contain_text(paid["receipt_no"])
    cashier.locator("a", has_text="申请红冲").first.click()
    cashier.wait_for_url(re.compile(rf"/paymentreversalview/new/{paid['id']}"))
    expect(cashier.locator("table.reversal-payment")).to_contain_text("-¥333.30")
    cashier.fill("#reason", "收错业户，退回重收")
    cashier.once("dialog", lambda d: d.accept())  # the confirm step of a reversal (js/ux.js data-confirm)
    cashier.locator("#request-reversal").click()
    cashier.wait_for_url(re.compile(r"/paymentreversalview/show/\d+"))
    expect(cashier.locator(".alert-success")).to_contain_text("红冲申请已提交财务审批")
    expect(cashier.locator("table.approval-steps")).to_contain_text("财务审批")

    finance = new_page()
    sign_in(finance, "finance1")
    open_menu(finance, "审批", "待我审批")
    finance.locator("a", has_text=paid["receipt_no"]).first.click()
    finance.fill("#comment", "核实无误，同意红冲")
    finance.locator("button[name=action][value=approve]").click()
    expect(finance.locator(".alert-success")).to_contain_text("已处理")
    finance.screenshot(path=str(artifacts_dir / "reversal-approved.png"), full_page=True)

    cashier.goto(f"/billview/show/{paid['bill_id']}")
    expect(cashier.locator("body")).to_contain_text("未缴")
    cashier.goto(f"/paymentview/show/{paid['id']}")
    expect(cashier.locator("body")).to_contain_text("已红冲")
    open_menu(cashier, "收费", "今日日结")
    cashier.wait_for_url(re.compile(r"/daycloseview/today/"))
    expect(cashier.locator("table.close-payments")).to_contain_text(paid["receipt_no"])
    expect(cashier.locator("table.close-reversals")).to_contain_text("-¥333.30")
    expect(cashier.locator("#close-day")).to_be_visible()
    cashier.screenshot(path=str(artifacts_dir / "day-close-today.png"), full_page=True)
