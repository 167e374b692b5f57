"""A repair from the phone call to the callback, in a real browser (DESIGN
"Work orders": 已受理 → 已派工 → 处理中 → 已完成 → 已回访).

frontdesk1 opens 工单 → 工单台, records a repair (报修 · 小修 · 户内 · 电话)
for a centre-1 household found by typing part of its name in the searchable
业户 box, sees it on the desk, and dispatches it to technician1 (the dispatch
select shows each technician's open load). technician1, in a browser context
of their own, finds it under 我的工单 and presses 到场处理, then 完成.
frontdesk1 records the callback (满意, 电话): the order reads 已回访, its
处理记录 lists the four transitions and its 时限 table says 按时 for 完成.

The demo data may hold seeded work orders (seeds/work_orders.py): the test
finds its own order as the one row the desk gained, never by position.
"""

import re

from playwright.sync_api import Page, expect

from tests.e2e.helpers import open_menu, sign_in

DESCRIPTION = "卫生间洗手盆下水堵塞，水排不下去（端到端测试）"
ORDER_LINK = "table.desk-orders a[href*='/workorderview/show/']"


# -- helpers -------------------------------------------------------------------





def desk_orders(page: Page) -> dict[str, list[str]]:
    """Order number → the cells of its desk row."""
    rows = {}
    for tr in page.locator("table.desk-orders tbody tr").all():
        cells = [c.strip() for c in tr.locator("td").all_inner_texts()]
        rows[cells[0]] = cells
    return rows


def technician_load(page: Page, username: str) -> int:
    """The desk's 维修人员未完成工单数 for one technician (absent: none open)."""
    for line in page.locator("ul.technician-load li").all_inner_texts():
        name, _, count = line.partition("：")
        if name.strip() == username:
            return int(count)
    return 0


def choose(page: Page, field: str, label: str) -> None:
    """Pick an option of one of the form's select2 boxes by its visible label."""
    page.locator(f"#{field} + .select2-container .select2-selection").click()
    page.locator(".select2-container--open .select2-results__option",
                 has_text=re.compile(rf"^\s*{re.escape(label)}\s*$")).click()
    expect(page.locator(f"#{field} + .select2-container .select2-selection__rendered")).to_contain_text(label)


def pick_household(page: Page, typed: str, wanted: str) -> None:
    """The 业户 box asks /householdview/lookup/ as one types (select2 ajax)."""
    page.locator("#household + .select2-container .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(typed)
    option = page.locator(".select2-container--open .select2-results__option",
                          has_text=re.compile(rf"^\s*{re.escape(wanted)}\s*$"))
    expect(option).to_have_count(1)
    option.click()
    expect(page.locator("#household + .select2-container .select2-selection__rendered")).to_contain_text(wanted)


def act(page: Page, action: str, label: str) -> None:
    """Submit one of the detail page's transition forms and expect it to succeed."""
    form = page.locator(f"form#action-{action}")
    button = form.locator("button[type=submit]")
    expect(button).to_contain_text(label)  # 完成 reads 处理完成 on the button
    page.once("dialog", lambda d: d.accept())  # 退单 / 挂起 / 关闭 ask first (js/ux.js data-confirm)
    button.click()
    page.wait_for_load_state()
    expect(page.locator(".alert-success")).to_contain_text("已处理")
    expect(page.locator(".alert-danger")).to_have_count(0)


def status(page: Page):
    return page.locator("table.work-order-detail .label")


def events(page: Page) -> list[str]:
    return [e.strip() for e in page.locator("ul.work-order-events li").all_inner_texts()]


def clocks(page: Page) -> dict[str, list[str]]:
    rows = {}
    for tr in page.locator("table.work-order-clocks tr").all():
        cells = [c.strip() for c in tr.locator("td").all_inner_texts()]
        if cells:
            rows[cells[0]] = cells
    return rows


# -- the test --------------------------------------------------------------------

def test_repair_from_intake_to_callback(new_page, artifacts_dir):
    desk = new_page()
    sign_in(desk, "frontdesk1")
    open_menu(desk, "工单", "工单台")
    desk.wait_for_url(re.compile(r"/desk/$"))
    expect(desk.locator(".panel-heading")).to_contain_text("工单台")
    before = set(desk_orders(desk))
    load = technician_load(desk, "technician1")

    # A centre-1 household: the first one the searchable box offers frontdesk1.
    lookup = desk.request.get("/householdview/lookup/?q=")
    assert lookup.ok, lookup.status
    household = lookup.json()["results"][0]["text"]  # "陈伟杰 (1栋-101)"
    name = household.split(" (")[0]

    # 新建工单: 报修 · 小修 · 户内 · 电话, the household found by part of its name.
    desk.locator("#new-order").click()
    desk.wait_for_url(re.compile(r"/workorderview/add"))
    choose(desk, "kind", "报修")
    choose(desk, "severity", "小修（报修）/ 轻微（投诉）")
    choose(desk, "repair_scope", "户内")
    choose(desk, "source", "电话")
    pick_household(desk, name[:2], household)
    desk.fill("textarea#description", DESCRIPTION)
    desk.locator("form button[type=submit]").first.click()

    # Saved: back on the desk with exactly one new row, ours.
    desk.wait_for_url(re.compile(r"/desk/$"))
    expect(desk.locator(".alert-danger")).to_have_count(0)
    rows = desk_orders(desk)
    new = set(rows) - before
    assert len(new) == 1, f"the desk gained {sorted(new)}"
    order_no = new.pop()
    assert re.fullmatch(r"WO\d{10}", order_no), order_no
    cells = rows[order_no]
    assert cells[1:4] == ["报修", "小修", "已受理"], cells
    assert name in cells[4] and cells[5] == "", cells
    desk.screenshot(path=str(artifacts_dir / "e2e-work-order-desk.png"), full_page=True)

    # Open it and dispatch to technician1; the select shows each technician's open load.
    desk.locator(ORDER_LINK, has_text=order_no).click()
    desk.wait_for_url(re.compile(r"/workorderview/show/\d+$"))
    detail_url = desk.url
    expect(status(desk)).to_have_text("已受理")
    expect(desk.locator("table.work-order-detail")).to_contain_text(DESCRIPTION)
    options = desk.locator("form#action-dispatch select[name=assignee_id] option")
    labels = [o.strip() for o in options.all_inner_texts()]
    assert labels and all(re.fullmatch(r"\S+（\d+）", label) for label in labels), labels
    assert f"technician1（{load}）" in labels, (labels, load)
    technician_id = options.filter(has_text="technician1").get_attribute("value")
    desk.locator("form#action-dispatch select[name=assignee_id]").select_option(technician_id)
    act(desk, "dispatch", "派工")
    expect(status(desk)).to_have_text("已派工")
    expect(desk.locator("table.work-order-detail")).to_contain_text("technician1")

    # technician1, signed in separately: 我的工单 → the order → 到场处理 → 完成.
    tech = new_page()
    sign_in(tech, "technician1")
    open_menu(tech, "工单", "我的工单")
    tech.wait_for_url(re.compile(r"/desk/mine$"))
    mine = desk_orders(tech)
    assert order_no in mine and mine[order_no][3] == "已派工", mine.get(order_no)
    expect(tech.locator("#new-order")).to_have_count(0)  # the technician does not take calls
    tech.locator(ORDER_LINK, has_text=order_no).click()
    tech.wait_for_url(detail_url)
    expect(tech.locator("form#action-dispatch")).to_have_count(0)
    act(tech, "start", "到场处理")
    expect(status(tech)).to_have_text("处理中")
    act(tech, "complete", "完成")
    expect(status(tech)).to_have_text("已完成")

    # frontdesk1 calls the owner back: 满意, by phone.
    desk.goto(detail_url)
    expect(status(desk)).to_have_text("已完成")
    callback = desk.locator("form#action-callback")
    callback.locator("select[name=satisfaction]").select_option(label="满意")
    callback.locator("select[name=method]").select_option(label="电话")
    callback.locator("textarea[name=note]").fill("业主表示已经通畅，满意")
    act(desk, "callback", "回访")
    expect(status(desk)).to_have_text("已回访")
    expect(desk.locator("table.work-order-detail")).to_contain_text("满意 · 电话")

    log = events(desk)
    assert len(log) == 4, log
    for line, (actor, move) in zip(log, [
        ("frontdesk1", "已受理 → 已派工"),
        ("technician1", "已派工 → 处理中"),
        ("technician1", "处理中 → 已完成"),
        ("frontdesk1", "已完成 → 已回访"),
    ]):
        assert re.match(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} · ", line), line
        assert f"· {actor} · {move}" in line, (line, actor, move)
    timing = clocks(desk)
    assert timing["完成"][-1] == "按时", timing
    assert timing["回访"][-1] == "按时", timing
    desk.screenshot(path=str(artifacts_dir / "e2e-work-order-detail.png"), full_page=True)

    # Back on the desk the order has left the open list (已回访 is not open).
    open_menu(desk, "工单", "工单台")
    desk.wait_for_url(re.compile(r"/desk/$"))
    assert order_no not in desk_orders(desk)
