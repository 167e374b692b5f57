"""A renovation application through its chain in a real browser (DESIGN "Approval
chains": 装修申报 前台受理 → 工程审核 → 服务中心经理批准; "Renovation": the deposit
becomes a bill).

The demo data has 家美装饰设计有限公司's application in SC01, submitted by
frontdesk1 (前台受理). technician1 finds it in 待我审批, opens the 装修申请表 and
approves (工程审核); center_manager1 approves from the same form; the form then
shows 已批准 with both signers, the deposit bill, and prints (print.css).
"""

import re

from playwright.sync_api import Page, expect

from tests.e2e.helpers import sign_in

CONTRACTOR = "家美装饰设计有限公司"
APPROVERS = (("technician1", "工程审核", "水电方案可行"), ("center_manager1", "服务中心经理批准", "同意施工"))


def approve_from_the_form(page: Page, username: str, step: str, comment: str) -> None:
    sign_in(page, username)
    page.goto("/inbox/")
    page.locator("table.inbox tr", has_text=CONTRACTOR).locator("a.btn").click()
    page.wait_for_url(re.compile(r"/approvalview/show/"))
    page.locator("#request-link").click()
    page.wait_for_url(re.compile(r"/renovationview/show/"))
    expect(page.locator(".print-title")).to_have_text("装修申请表")
    expect(page.locator("table.approval-steps tr.info")).to_contain_text(step)
    page.fill(".approval-decide textarea[name=comment]", comment)
    page.locator(".approval-decide button[value=approve]").click()
    expect(page.locator(".alert-success")).to_be_visible()


def test_renovation_application_through_its_chain(new_page):
    for username, step, comment in APPROVERS:
        approve_from_the_form(new_page(), username, step, comment)
    page = new_page()
    sign_in(page, "frontdesk1")
    page.goto("/renovationview/list/?_flt_0_contractor=" + CONTRACTOR)
    page.locator("a[href*='/renovationview/show/']").first.click()
    rows = page.locator("table.approval-steps tbody tr")
    expect(rows).to_have_count(2)
    for i, (username, step, comment) in enumerate(APPROVERS):
        expect(rows.nth(i)).to_contain_text(step)
        expect(rows.nth(i)).to_contain_text(username)
        expect(rows.nth(i)).to_contain_text(comment)
    expect(page.locator(".approval-chain h4")).to_contain_text("已批准")
    expect(page.locator("table.renovation-deadlines")).to_contain_text("未缴")  # the deposit bill, for the cashier
    expect(page.locator("#sign-agreement")).to_be_visible()
    expect(page.locator("#print-form")).to_be_visible()
