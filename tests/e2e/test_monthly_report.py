"""The centre manager's 月度工作报告 in a real browser (issue 7).

center_manager1 opens 报表 → 月度工作报告: the centre picker offers only their own
centre (阳光花园, SC01), the page shows last month's sections; 下载Excel gives the
workbook, which openpyxl reads back with the nine Chinese sheets, and whose
工单 total is the one the page shows (both come from the same blocks).
"""

import re

import openpyxl
from playwright.sync_api import Page, expect

from tests.e2e.helpers import open_menu, sign_in

SHEETS = ["概览", "工单", "五项指标", "投诉", "回访", "收费", "装修", "车位", "人事"]


def page_total(page: Page, sheet: str, heading: str) -> list[str]:
    """The cells of the 合计 row under `heading` in one section of the page."""
    section = page.locator(f".monthly-report-sheet[data-sheet='{sheet}']")
    table = section.locator("h5", has_text=heading).locator("xpath=following-sibling::table[1]")
    return [c.strip() for c in table.locator("tbody tr").last.locator("td").all_inner_texts()]


def test_center_manager_downloads_the_monthly_workbook(new_page, tmp_path, artifacts_dir):
    page = new_page()
    sign_in(page, "center_manager1")
    open_menu(page, "报表", "月度工作报告")
    expect(page).to_have_url(re.compile(r"/monthlyreport/"))
    expect(page.locator(".monthly-report-subtitle")).to_contain_text("阳光花园")
    options = page.locator("select#center option").all_inner_texts()
    assert len(options) == 1 and "SC01" in options[0], options
    for name in SHEETS:
        expect(page.locator(f".monthly-report-sheet[data-sheet='{name}']")).to_be_visible()
    total = page_total(page, "工单", "按类型")
    assert total[0] == "合计"
    page.screenshot(path=str(artifacts_dir / "e2e-monthly-report.png"), full_page=True)

    with page.expect_download() as info:
        page.locator("#monthly-report-download").click()
    download = info.value
    assert download.suggested_filename.startswith("monthly-report-SC01-"), download.suggested_filename
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames == SHEETS
    assert "阳光花园" in wb["概览"]["A1"].value
    rows = [r for r in wb["工单"].iter_rows(values_only=True) if r[0] == "合计"]
    assert [str(v) for v in rows[0][:4]] == total[:4]
