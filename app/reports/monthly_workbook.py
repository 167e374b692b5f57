"""月度工作报告 workbook: a cover sheet and one sheet per section, laid out for
printing (title, frozen headers, headers repeated on every page, landscape A4,
one page wide). Rows in → .xlsx out; no Flask imports.

A sheet is a list of blocks (heading, headers, rows). The type of a value
chooses its number format: Decimal money ¥#,##0.00, Percent 0.0% (75.0 is
written as 0.75), Hours 0.0, int 0, date / datetime; every text cell goes
through app.reports.xlsx.neutralise, so "=HYPERLINK(…)" stays text.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import xlsxwriter

from app.reports.xlsx import neutralise

A4 = 9  # xlsxwriter's paper code
MONEY = "¥#,##0.00"
PERCENT = "0.0%"
HOURS = "0.0"


class Percent(Decimal):
    """A percentage as the services compute it (75.0 means 75.0 %)."""


class Hours(Decimal):
    """A duration in hours, one decimal."""


@dataclass
class Block:
    heading: str
    headers: Sequence[str]
    rows: list[Sequence]
    total: bool = False  # the last row is a total (bold)
    note: str = ""


@dataclass
class Sheet:
    name: str  # Chinese sheet name (≤ 31 characters)
    title: str
    blocks: list[Block] = field(default_factory=list)


def write_monthly(path: str, sheets: Sequence[Sheet], subtitle: str, footer: str = "") -> None:
    """Write every sheet. `subtitle` (centre, period, generation time) is the
    second line of each sheet; `footer` the printed footer's left part."""
    wb = xlsxwriter.Workbook(path, {"strings_to_formulas": False, "strings_to_urls": False,
                                    "strings_to_numbers": False})
    try:
        formats = _formats(wb)
        for sheet in sheets:
            _sheet(wb.add_worksheet(sheet.name[:31]), sheet, subtitle, footer, formats)
    finally:
        wb.close()


def _formats(wb) -> dict:
    base = {"border": 1, "valign": "vcenter"}
    kinds = {"text": {}, "int": {"num_format": "0"}, "money": {"num_format": MONEY},
             "pct": {"num_format": PERCENT}, "hours": {"num_format": HOURS},
             "date": {"num_format": "yyyy-mm-dd"}, "datetime": {"num_format": "yyyy-mm-dd hh:mm"}}
    formats = {k: wb.add_format({**base, **v}) for k, v in kinds.items()}
    formats.update({f"bold_{k}": wb.add_format({**base, **v, "bold": True, "bg_color": "#F2F2F2"})
                    for k, v in kinds.items()})
    formats["title"] = wb.add_format({"bold": True, "font_size": 16})
    formats["subtitle"] = wb.add_format({"font_color": "#595959"})
    formats["heading"] = wb.add_format({"bold": True, "font_size": 12})
    formats["note"] = wb.add_format({"italic": True, "font_color": "#595959"})
    formats["head"] = wb.add_format({**base, "bold": True, "bg_color": "#DDEBF7", "text_wrap": True,
                                     "align": "center"})
    return formats


def _sheet(ws, sheet: Sheet, subtitle: str, footer: str, fmt: dict) -> None:
    ws.set_landscape()
    ws.set_paper(A4)
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.set_margins(left=0.5, right=0.5, top=0.7, bottom=0.7)
    ws.set_footer(f"&L{footer.replace('&', '&&')}&R&P / &N")
    ws.write_string(0, 0, neutralise(sheet.title), fmt["title"])
    ws.write_string(1, 0, neutralise(subtitle), fmt["subtitle"])
    row, widths, first_head = 3, {}, None
    for block in sheet.blocks:
        ws.write_string(row, 0, neutralise(block.heading), fmt["heading"])
        row += 1
        if first_head is None:
            first_head = row
        for col, text in enumerate(block.headers):
            ws.write_string(row, col, neutralise(str(text)), fmt["head"])
            widths[col] = max(widths.get(col, 10), _width(text))
        for i, values in enumerate(block.rows):
            bold = block.total and i == len(block.rows) - 1
            for col, value in enumerate(values):
                _cell(ws, row + 1 + i, col, value, fmt, bold)
                widths[col] = max(widths.get(col, 10), _width(value))
        row += len(block.rows) + 1
        if block.note:
            ws.write_string(row, 0, neutralise(block.note), fmt["note"])
            row += 1
        row += 1
    for col, width in widths.items():
        ws.set_column(col, col, min(width, 48))
    if first_head is not None:
        ws.freeze_panes(first_head + 1, 0)
        ws.repeat_rows(0, first_head)


def _width(value) -> int:
    """Column width for a value: CJK characters count double."""
    text = str(value if value is not None else "")
    return 4 + sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _cell(ws, r: int, c: int, value, fmt: dict, bold: bool) -> None:
    def f(kind):
        return fmt[f"bold_{kind}" if bold else kind]

    if value is None:
        ws.write_blank(r, c, None, f("text"))
    elif isinstance(value, bool):
        ws.write_string(r, c, "✓" if value else "", f("text"))
    elif isinstance(value, Percent):
        ws.write_number(r, c, value / 100, f("pct"))
    elif isinstance(value, Hours):
        ws.write_number(r, c, value, f("hours"))
    elif isinstance(value, Decimal):
        ws.write_number(r, c, value, f("money"))
    elif isinstance(value, int):
        ws.write_number(r, c, value, f("int"))
    elif isinstance(value, datetime):
        ws.write_datetime(r, c, value, f("datetime"))
    elif isinstance(value, date):
        ws.write_datetime(r, c, datetime(value.year, value.month, value.day), f("date"))
    else:
        ws.write_string(r, c, neutralise(str(value)), f("text"))
