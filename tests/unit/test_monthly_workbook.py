"""The 月度工作报告 writer alone (no database): the value's type picks the number
format, every text cell is neutralised (headings and headers too), totals are
bold, the header row freezes and repeats on every printed page."""

from datetime import date
from decimal import Decimal

import openpyxl

from app.reports.monthly_workbook import Block, Hours, Percent, Sheet, write_monthly

PAYLOAD = "=1+2"


def test_formats_neutralising_and_print_setup(tmp_path):
    path = tmp_path / "m.xlsx"
    rows = [[PAYLOAD, Decimal("1234.50"), Percent("66.7"), Hours("12.5"), 3, date(2026, 5, 31)],
            ["合计", Decimal("1234.50"), Percent("100.0"), None, 3, None]]
    write_monthly(str(path), [Sheet("收费", "+标题", [Block("-小节", ["@项目", "金额", "比率", "小时", "户数", "日期"],
                                                          rows, total=True, note="说明")])], "副标题", "页脚 & 公司")
    ws = openpyxl.load_workbook(path)["收费"]
    assert [ws["A1"].value, ws["A4"].value, ws["A5"].value] == ["'+标题", "'-小节", "'@项目"]
    text, money, rate, hours, count, day = (ws.cell(row=6, column=c) for c in range(1, 7))
    assert text.value == "'" + PAYLOAD and text.data_type == "s"
    assert (money.value, money.number_format) == (1234.5, "¥#,##0.00")
    assert (rate.value, rate.number_format) == (0.667, "0.0%")
    assert (hours.value, hours.number_format) == (12.5, "0.0")
    assert (count.value, count.number_format) == (3, "0")
    assert day.number_format == "yyyy-mm-dd"
    assert ws.cell(row=7, column=1).font.b and not text.font.b
    assert ws["A8"].value == "说明"
    assert ws.freeze_panes == "A6" and ws.print_title_rows == "$1:$5"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert (ws.oddFooter.left.text, ws.oddFooter.right.text) == ("页脚 && 公司", "&P / &N")  # & escaped, page numbers
