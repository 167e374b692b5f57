"""A cashier's 催缴 round in a real browser (Chromium + gunicorn + SQLite).

DESIGN.md "Fees" (arrears escalation): a household 2 months in arrears shows on
本月催缴 with a phone/SMS reminder and a written notice due; the cashier records
the phone call, the reminder leaves the list and the notice stays; the
printable 催缴通知书 lists the bill and its total, and downloads as PDF.
"""

import re
from datetime import timedelta
from decimal import Decimal

from playwright.sync_api import Page, expect

from app import timeutil
from tests.e2e.helpers import money_value, open_menu, sign_in


def _api_token(page: Page) -> dict:
    r = page.request.post("/api/v1/security/login",
                          data={"username": "cashier1", "password": "demo-cashier", "provider": "db"})
    assert r.ok, r.text()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _overdue_bill(page: Page) -> int:
    """A bill of 321.50 due about 2 months ago for one SC01 household, through the REST API."""
    auth = _api_token(page)
    households = page.request.get("/api/v1/household/?q=(order_column:id,order_direction:desc,page_size:1)",
                                  headers=auth).json()["result"]
    household_id = households[0]["id"]
    center_id = households[0]["center_id"]
    item = page.request.post("/api/v1/chargeitem/", headers=auth, data={
        "center_id": center_id, "code": "E2EAR", "name": "E2E管理费", "kind": "management", "basis": "fixed",
        "rate": "321.50", "due_day": 15, "active": False})
    assert item.status == 201, item.text()
    due = timeutil.today() - timedelta(days=65)
    bill = page.request.post("/api/v1/bill/", headers=auth, data={
        "household_id": household_id, "charge_item_id": item.json()["id"], "period": "2001-05",
        "amount": "321.50", "due_date": due.isoformat()})
    assert bill.status == 201, bill.text()
    return household_id


def test_cashier_records_a_reminder_and_prints_the_notice(new_page):
    page = new_page()
    household_id = _overdue_bill(page)
    sign_in(page, "cashier1")
    open_menu(page, "收费", "本月催缴")
    row = page.locator(f"tr.due-row[data-household='{household_id}']")
    expect(row.locator(".pending-actions")).to_contain_text("电话/短信提醒")
    expect(row.locator(".pending-actions")).to_contain_text("书面催缴通知")
    row.locator("select[name=method]").select_option("phone")
    row.locator("select[name=result]").select_option("no_answer")
    row.locator("button", has_text="记录催缴").click()
    expect(page.locator(".alert")).to_contain_text("已记录催缴")
    row = page.locator(f"tr.due-row[data-household='{household_id}']")
    expect(row.locator(".pending-actions")).not_to_contain_text("电话/短信提醒")
    expect(row.locator(".pending-actions")).to_contain_text("书面催缴通知")
    row.locator("a", has_text="催缴通知书").click()
    page.wait_for_url(re.compile(rf"/arrears/notice/{household_id}"))
    expect(page.locator(".print-title")).to_have_text("催缴通知书")
    expect(page.locator(".notice-lines")).to_contain_text("E2E管理费")
    e2e_line = page.locator(".notice-lines tbody tr", has_text="E2E管理费")
    expect(e2e_line.locator("td").nth(4)).to_have_text("¥321.50")
    # The household may owe demo bills too: the total is the sum of the lines listed.
    amounts = [money_value(t) for t in page.locator(".notice-lines tbody tr td:nth-child(5)").all_inner_texts()]
    assert Decimal("321.50") in amounts
    expect(page.locator(".notice-total")).to_have_text(f"¥{sum(amounts):,.2f}")
    with page.expect_download() as info:
        page.locator("a", has_text="下载PDF").click()
    path = info.value.path()
    with open(path, "rb") as f:
        assert f.read(5) == b"%PDF-"
