"""A resignation through its whole chain in a real browser (DESIGN "Approval
chains": 离职 部门主管受理 → 服务中心经理审核 → 总经理批准).

hr1 fills in 员工离职申请 for a centre-1 employee and submits it; supervisor1,
center_manager1 and gm1 each sign in (own browser context), find it in 待我审批
next to the count badge, open it and approve with a comment; the request ends
已批准 with the three signers in its chain and prints as 员工离职申请表.
"""

import re
from datetime import timedelta

from playwright.sync_api import Page, expect

from app import timeutil
from tests.e2e.helpers import open_menu, sign_in

EMPLOYEE = "张伟"  # SC01-006, 安全员 in the demo data: no login, no other request
TITLE = f"{EMPLOYEE} 辞职"
APPROVERS = (
    ("supervisor1", "部门主管受理", "情况属实，同意离职"),
    ("center_manager1", "服务中心经理审核", "已安排接替人员"),
    ("gm1", "总经理批准", "同意"),
)






def pick_employee(page: Page, name: str) -> None:
    """The searchable select asks the server as one types (select2 + /employeeview/lookup/)."""
    page.locator("#employee + .select2-container .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(name)
    page.locator(".select2-results__option", has_text=name).first.click()
    expect(page.locator("#employee + .select2-container .select2-selection__rendered")).to_contain_text(name)


def fill_date(page: Page, field: str, value) -> None:
    box = page.locator(f"input#{field}")
    box.click()
    box.press_sequentially(value.isoformat())
    page.locator(".panel-heading").first.click()  # the date picker closes and keeps the typed date
    expect(page.locator(f"input#{field}")).to_have_value(value.isoformat())


def chain_rows(page: Page) -> list[list[str]]:
    rows = page.locator("table.approval-steps tbody tr")
    return [[c.strip() for c in r.locator("td").all_inner_texts()] for r in rows.all()]


def create_and_submit(page: Page, artifacts_dir) -> str:
    """hr1: 人事 → 员工离职申请 → 新增 → 保存 → 提交审批; returns the detail page URL."""
    today = timeutil.today()
    sign_in(page, "hr1")
    open_menu(page, "人事", "员工离职申请")
    page.wait_for_url(re.compile(r"/resignationview/list/"))
    page.locator("a[href*='/resignationview/add']").first.click()
    page.wait_for_url(re.compile(r"/resignationview/add"))
    pick_employee(page, EMPLOYEE)
    expect(page.locator("#kind + .select2-container")).to_contain_text("辞职")
    fill_date(page, "notice_date", today)
    fill_date(page, "last_day", today + timedelta(days=35))  # ≥ 15 days for 安全员: no override needed
    page.fill("textarea#reason", "家中老人需要照顾，回老家发展")
    page.screenshot(path=str(artifacts_dir / "e2e-resignation-form.png"), full_page=True)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/resignationview/list/"))
    expect(page.locator(".alert-success")).to_be_visible()

    row = page.locator("table.table-bordered tbody tr", has_text=EMPLOYEE).first
    expect(row).to_contain_text("草稿")
    row.locator("a[href*='/resignationview/show/']").click()
    page.wait_for_url(re.compile(r"/resignationview/show/\d+$"))
    expect(page.locator(".print-title")).to_have_text("员工离职申请表")
    expect(page.locator("body")).to_contain_text("尚未提交审批")
    page.locator("#submit-approval").click()
    expect(page.locator(".alert-success")).to_contain_text("已提交审批")
    expect(page.locator(".approval-chain h4")).to_contain_text("审批中")
    assert [r[0] for r in chain_rows(page)] == ["1. 部门主管受理", "2. 服务中心经理审核", "3. 总经理批准"]
    expect(page.locator("#submit-approval")).to_have_count(0)
    return page.url


def approve_from_inbox(page: Page, username: str, step_label: str, comment: str, shot=None) -> None:
    sign_in(page, username)
    badge = page.locator(".navbar .inbox-count").first
    expect(badge).to_be_visible()
    count = int(badge.inner_text())
    assert count >= 1, f"{username}: empty badge"
    open_menu(page, "审批", "待我审批")
    page.wait_for_url(re.compile(r"/inbox/"))
    rows = page.locator("table.inbox tbody tr")
    assert rows.count() == count, f"{username}: badge {count} vs {rows.count()} rows"
    row = rows.filter(has_text=TITLE)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("员工离职申请")
    expect(row).to_contain_text(step_label)
    if shot:
        page.screenshot(path=str(shot), full_page=True)
    row.locator("a.btn", has_text="审批").click()
    page.wait_for_url(re.compile(r"/approvalview/show/\d+$"))
    expect(page.locator("h3")).to_contain_text(TITLE)
    page.fill("textarea#comment", comment)
    page.locator("button[name=action][value=approve]").click()
    expect(page.locator(".alert-success")).to_contain_text("已处理")
    step = next(r for r in chain_rows(page) if r[0].endswith(step_label))
    assert step[2] == username and step[3] == comment and step[5] == "批准", step
    # It left this approver's inbox: the badge went down by one.
    expect(page.locator(".navbar .inbox-count").first).to_have_text(str(count - 1))


def test_resignation_walks_the_chain_in_the_browser(new_page, artifacts_dir):
    hr = new_page()
    detail_url = create_and_submit(hr, artifacts_dir)
    hr.screenshot(path=str(artifacts_dir / "e2e-resignation-submitted.png"), full_page=True)

    for username, step_label, comment in APPROVERS:
        shot = artifacts_dir / "e2e-resignation-inbox-supervisor1.png" if username == "supervisor1" else None
        approve_from_inbox(new_page(), username, step_label, comment, shot)

    hr.goto(detail_url)
    expect(hr.locator(".approval-chain h4")).to_contain_text("已批准")
    expect(hr.locator("table.table-bordered").first).to_contain_text("已批准")
    rows = chain_rows(hr)
    assert [(r[2], r[3], r[5]) for r in rows] == [(u, c, "批准") for u, _, c in APPROVERS], rows
    assert all(re.match(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}$", r[4]) for r in rows), rows
    history = hr.locator("ul.approval-history li").all_inner_texts()
    assert len(history) == 4 and "hr1" in history[0] and "提交" in history[0]
    hr.screenshot(path=str(artifacts_dir / "e2e-resignation-approved.png"), full_page=True)

    # The paper form: no navigation, buttons or forms; title, fields, signers.
    hr.emulate_media(media="print")
    expect(hr.locator(".navbar")).to_be_hidden()
    expect(hr.locator("#print-form")).to_be_hidden()
    expect(hr.locator(".print-title")).to_be_visible()
    expect(hr.locator("table.approval-steps")).to_be_visible()
    expect(hr.locator("table.approval-steps")).to_contain_text("center_manager1")
    hr.screenshot(path=str(artifacts_dir / "e2e-resignation-print.png"), full_page=True)
    hr.pdf(path=str(artifacts_dir / "e2e-resignation-print.pdf"), format="A4")
