"""A front-desk clerk's day in a real browser (Chromium + gunicorn + SQLite).

Issue: "log in as frontdesk1 in Chinese, open the household list, search, see
only centre-1 rows, export to xlsx and read the file back with openpyxl."
"""

import re
from urllib.parse import parse_qs, urlsplit

import openpyxl
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

CENTRE_1 = "阳光花园服务中心"
CENTRE_2 = "锦绣华庭服务中心"
PASSWORD = "demo-frontdesk"
LIST_COLUMNS = ["姓名", "类型", "电话", "房屋单元", "服务中心", "身份证号"]
MASKED_ID = re.compile(r"^\d{6}\*{8}[\dX]{4}$")  # 440305********1116
CONTAINS_OP = re.compile(r"^\s*(包含|Contains)\s*$")
SEARCH_LABEL = re.compile(r"搜索|Search")


# -- helpers -------------------------------------------------------------------

def login(page: Page, username: str, password: str = PASSWORD) -> None:
    page.goto("/login/")
    # The login screen is Chinese by default: title, field labels and button.
    expect(page.locator(".panel-title")).to_be_visible()
    expect(page.locator(".panel-title")).to_have_text(re.compile("登录"))
    expect(page.locator("input[type=submit]")).to_have_value(re.compile("登录"))
    expect(page.locator("#loginbox")).to_contain_text("密码")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("input[type=submit]").click()
    try:
        page.wait_for_url(lambda url: "/login" not in url)
    except PlaywrightTimeoutError:
        flash = page.locator(".alert").all_inner_texts()
        raise AssertionError(f"{username} was not logged in: still on {page.url} {flash}") from None
    expect(page.locator(".navbar")).to_contain_text(username)


def open_households_via_menu(page: Page) -> None:
    page.locator(".navbar a.dropdown-toggle", has_text="业户档案").click()
    page.locator(".navbar ul.dropdown-menu a", has_text=re.compile(r"^\s*业户\s*$")).click()
    page.wait_for_url(re.compile(r"/householdview/list/"))
    expect(page.locator(".panel-heading .panel-title").first).to_have_text(re.compile("业户"))


def list_table(page: Page):
    table = page.locator("table.table-bordered")
    expect(table).to_be_visible()
    headers = [h.strip() for h in table.locator("thead th").all_inner_texts()]
    assert headers[0] == "", headers  # the action-buttons column
    assert headers[1:] == LIST_COLUMNS, headers
    rows = []
    for tr in table.locator("tbody tr").all():
        cells = [c.strip() for c in tr.locator("> td").all_inner_texts()][1:]
        show = tr.locator("a[href*='/householdview/show/']").get_attribute("href")
        rows.append({"cells": cells, **dict(zip(LIST_COLUMNS, cells)), "show": show})
    return rows


def record_count(page: Page) -> int:
    text = page.locator(".well .pull-right").inner_text()
    m = re.search(r"(\d+)", text)
    assert m, f"no record count in {text!r}"
    return int(m.group(1))


def assert_centre_rows(rows, centre: str, other: str) -> None:
    assert rows, "the household list is empty"
    centres = {r["服务中心"] for r in rows}
    assert centres == {centre}, f"rows outside {centre}: {centres}"
    assert not any(other in " ".join(r["cells"]) for r in rows)


def assert_ids_masked(page: Page, rows) -> None:
    for r in rows:
        assert MASKED_ID.match(r["身份证号"]), f"ID number not masked: {r['身份证号']!r}"
    # And no full 18-digit ID number anywhere in the rendered page.
    assert not re.search(r"\b\d{17}[\dX]\b", page.content())


def search_by_name(page: Page, term: str) -> None:
    """Drive FAB's search widget: 搜索 → 添加过滤条件 → 姓名 → 包含 → term → 搜索."""
    page.locator("a.accordion-toggle", has_text=SEARCH_LABEL).click()
    form = page.locator("#filter_form")
    add_filter = form.locator("button.dropdown-toggle")
    expect(add_filter).to_be_visible()  # the accordion has opened
    add_filter.click()
    form.locator("a.filter[name=name]").click()

    row = form.locator("table.filters tr").last
    expect(row).to_contain_text("姓名")
    # The operation <select> is a select2 widget: open it, pick "contains".
    row.locator(".select2-selection").click()
    page.locator(".select2-results__option", has_text=CONTAINS_OP).click()
    value = row.locator("input.filter_val")
    # FAB names the input _flt_<operation index>_<column>; "contains" is index 2.
    expect(value).to_have_attribute("name", "_flt_2_name")
    value.fill(term)
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"_flt_2_name="))


def read_xlsx(path):
    wb = openpyxl.load_workbook(path, read_only=True)
    ws = wb.active
    values = [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]
    wb.close()
    return values[0], values[1:]


# -- tests ---------------------------------------------------------------------

def test_frontdesk1_searches_and_exports_own_centre(new_page, artifacts_dir, tmp_path):
    page = new_page()
    login(page, "frontdesk1")
    open_households_via_menu(page)

    rows = list_table(page)
    assert len(rows) == 20  # one full page of the centre's 100 households
    assert record_count(page) == 100
    assert_centre_rows(rows, CENTRE_1, CENTRE_2)
    assert_ids_masked(page, rows)
    export = page.locator("#export-xlsx")
    expect(export).to_be_visible()
    expect(export).to_contain_text("导出 Excel")
    page.screenshot(path=str(artifacts_dir / "e2e-households.png"), full_page=True)

    # Search: two characters of a visible name; the demo data has such names
    # in both centres, so the result also proves the centre scope holds.
    term = rows[0]["姓名"][:2]
    search_by_name(page, term)
    assert parse_qs(urlsplit(page.url).query)["_flt_2_name"] == [term]
    found = list_table(page)
    assert 0 < record_count(page) < 100
    assert all(term in r["姓名"] for r in found), [r["姓名"] for r in found]
    assert_centre_rows(found, CENTRE_1, CENTRE_2)
    assert_ids_masked(page, found)
    assert record_count(page) == len(found)  # every match is on this one page
    page.screenshot(path=str(artifacts_dir / "e2e-households-search.png"), full_page=True)

    # Export: the link carries the current filter; the file holds exactly the list.
    export_href = re.compile(r"/householdview/export/\?.*_flt_2_name=")
    expect(page.locator("#export-xlsx")).to_have_attribute("href", export_href)
    with page.expect_download() as info:
        page.locator("#export-xlsx").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx"), download.suggested_filename
    target = tmp_path / download.suggested_filename
    download.save_as(target)

    header, data = read_xlsx(target)
    assert header == LIST_COLUMNS
    assert len(data) == len(found)
    assert [d[0] for d in data] == [r["姓名"] for r in found]
    assert data == [r["cells"] for r in found]
    assert {d[header.index("服务中心")] for d in data} == {CENTRE_1}
    for d in data:
        assert MASKED_ID.match(d[header.index("身份证号")]), d


def test_frontdesk2_sees_only_centre_2_and_not_centre_1_records(new_page):
    # A centre-1 household, as frontdesk1 sees it.
    page1 = new_page()
    login(page1, "frontdesk1")
    open_households_via_menu(page1)
    centre1_row = list_table(page1)[0]
    show_url = centre1_row["show"]
    m = re.search(r"/householdview/show/(\d+)$", show_url or "")
    assert m, show_url
    pk = m.group(1)
    r = page1.goto(show_url)
    assert r.status == 200
    expect(page1.locator("body")).to_contain_text(centre1_row["姓名"])

    # frontdesk2 (centre 2) in a separate browser context.
    page2 = new_page()
    login(page2, "frontdesk2")
    open_households_via_menu(page2)
    rows = list_table(page2)
    assert record_count(page2) == 100
    assert_centre_rows(rows, CENTRE_2, CENTRE_1)
    assert_ids_masked(page2, rows)
    assert f"/householdview/show/{pk}" not in {row["show"] for row in rows}

    for url in (f"/householdview/show/{pk}", f"/householdview/edit/{pk}"):
        r = page2.goto(url)
        assert r.status == 404, (url, r.status, page2.url)
        body = page2.locator("body").inner_text()
        # Phone numbers and masked ID numbers are unique to the record.
        assert centre1_row["电话"] not in body, url
        assert centre1_row["身份证号"] not in body, url
        assert CENTRE_1 not in body, url
