"""A front-desk handover in a real browser (DESIGN "Shift handover").

frontdesk1 records an ordinary (轻微) complaint through the work-order form,
then hands the 前台 post over to frontdesk3 (交接班 → 交接班记录 → 交班): the
record lists that complaint among its pending items, pulled automatically.
frontdesk3, signed in separately, opens the record and presses 签收; the
record reads 已签收 and 已锁定 for both, and frontdesk1's attempt to edit it
is refused. Screenshots go to test-artifacts/.
"""

import re

from playwright.sync_api import Page, expect

from tests.e2e.helpers import open_menu, sign_in

COMPLAINT = "楼下商铺夜间噪音扰民（交接班端到端测试）"


def choose(page: Page, field: str, label: str) -> None:
    """Pick the select2 option of a form field whose text contains `label`."""
    page.locator(f"#{field} + .select2-container .select2-selection").click()
    page.locator(".select2-container--open .select2-results__option", has_text=label).first.click()
    expect(page.locator(f"#{field} + .select2-container .select2-selection__rendered")).to_contain_text(label)


def record_complaint(page: Page) -> str:
    """An open 轻微 complaint of SC01 through the intake form; returns its number."""
    lookup = page.request.get("/householdview/lookup/?q=")
    household = lookup.json()["results"][0]
    page.goto("/workorderview/add")
    choose(page, "kind", "投诉")
    choose(page, "severity", "轻微（投诉）")
    choose(page, "source", "电话")
    page.locator("#household + .select2-container .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(household["text"][:2])
    page.locator(".select2-container--open .select2-results__option", has_text=household["text"]).first.click()
    page.fill("textarea#description", COMPLAINT)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/desk/$"))
    expect(page.locator(".alert-danger")).to_have_count(0)
    row = page.locator("table.desk-orders tbody tr", has_text="投诉").filter(has_text="已受理").first
    api = page.request.get("/api/v1/workorder/?q=(order_column:id,order_direction:desc,page_size:1)")
    assert api.ok, api.status
    order = api.json()["result"][0]
    assert order["description"] == COMPLAINT and order["kind"] == "complaint", order
    expect(row).to_be_visible()
    return api.json()["ids"][0]


def test_front_desk_handover_signed_by_the_incoming_desk(new_page, artifacts_dir):
    desk = new_page()
    sign_in(desk, "frontdesk1")
    order_id = record_complaint(desk)
    order_no = desk.request.get(f"/api/v1/workorder/{order_id}").json()["result"]["order_no"]

    open_menu(desk, "交接班", "交接班记录")
    desk.wait_for_url(re.compile(r"/handoverview/list/"))
    desk.goto("/handoverview/add")
    choose(desk, "post", "前台")
    choose(desk, "shift", "早")
    choose(desk, "incoming", "frontdesk3")
    desk.fill("textarea#leader_instructions", "噪音投诉今晚继续跟进")
    desk.locator("form button[type=submit]").first.click()
    desk.wait_for_url(re.compile(r"/handoverview/list/"))
    expect(desk.locator(".alert-danger")).to_have_count(0)
    links = desk.locator("a[href*='/handoverview/show/']").evaluate_all("els => els.map(e => e.href)")
    show_url = max(links, key=lambda h: int(re.search(r"/show/(\d+)", h).group(1)))
    desk.goto(show_url)

    record = desk.locator(".handover-record")
    expect(record.locator(".handover-status")).to_have_text("待签收")
    expect(record.locator(".handover-incoming")).to_contain_text("frontdesk3")
    items = record.locator("table.handover-items")
    expect(items).to_contain_text(order_no)
    expect(items.locator("tr", has_text=order_no)).to_contain_text(COMPLAINT)
    expect(items.locator("tr", has_text=order_no)).to_contain_text("投诉·轻微")
    expect(desk.locator("#sign-handover")).to_have_count(0)  # only the incoming person signs
    desk.screenshot(path=str(artifacts_dir / "e2e-handover-open.png"), full_page=True)

    incoming = new_page()
    sign_in(incoming, "frontdesk3")
    incoming.goto(show_url)
    incoming.once("dialog", lambda d: d.accept())  # signing locks the record: confirm step (js/ux.js)
    incoming.locator("#sign-handover").click()
    incoming.wait_for_load_state()
    expect(incoming.locator(".alert-success")).to_contain_text("已签收")
    expect(incoming.locator(".handover-status")).to_have_text("已签收")
    expect(incoming.locator(".handover-locked")).to_contain_text("已锁定")
    expect(incoming.locator(".handover-signed")).to_contain_text("frontdesk3")

    desk.goto(show_url)
    expect(desk.locator(".handover-status")).to_have_text("已签收")
    expect(desk.locator("#edit-handover")).to_have_count(0)
    desk.goto(show_url.replace("/show/", "/edit/"))
    desk.fill("textarea#notes", "签收后想改")
    desk.locator("form button[type=submit]").first.click()
    desk.wait_for_load_state()
    expect(desk.locator(".alert-danger")).to_contain_text("已签收并锁定")
    desk.goto(show_url)
    expect(desk.locator(".handover-record")).not_to_contain_text("签收后想改")
    desk.screenshot(path=str(artifacts_dir / "e2e-handover-signed.png"), full_page=True)
