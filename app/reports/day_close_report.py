"""Day-close journal workbook (日结汇总): one sheet of closes, one of the payment and
reversal lines they count. Rows in → .xlsx out. No Flask imports.

Money cells are numbers shown as ¥1,234.50 (xlsx.MONEY_FORMAT); text that looks like a
formula is neutralised (app.reports.xlsx.neutralise)."""

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

import xlsxwriter

from app.reports.xlsx import MONEY_FORMAT, neutralise


def write_journal(path: str, titles: dict, close_headers: Sequence[str], close_rows: Iterable[Sequence],
                  line_headers: Sequence[str], line_rows: Iterable[Sequence]) -> None:
    wb = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_formulas": False,
                                    "strings_to_urls": False})
    try:
        fmt = {
            "head": wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True}),
            "title": wb.add_format({"bold": True, "font_size": 14}),
            "money": wb.add_format({"num_format": MONEY_FORMAT}),
            "date": wb.add_format({"num_format": "yyyy-mm-dd"}),
            "when": wb.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
        }
        _sheet(wb, titles["closes"], titles["heading"], close_headers, close_rows, fmt)
        _sheet(wb, titles["lines"], titles["heading"], line_headers, line_rows, fmt)
    finally:
        wb.close()


def _sheet(wb, name, heading, headers, rows, fmt):
    ws = wb.add_worksheet(name[:31])
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.write_string(0, 0, heading, fmt["title"])
    for col, text in enumerate(headers):
        ws.write_string(2, col, str(text), fmt["head"])
        ws.set_column(col, col, 13)
    ws.freeze_panes(3, 0)
    ws.repeat_rows(2)
    for r, row in enumerate(rows, start=3):
        for c, value in enumerate(row):
            _cell(ws, r, c, value, fmt)


def _cell(ws, r, c, value, fmt):
    if value is None:
        return
    if isinstance(value, Decimal):
        ws.write_number(r, c, value, fmt["money"])
    elif isinstance(value, int) and not isinstance(value, bool):
        ws.write_number(r, c, value)
    elif isinstance(value, datetime):
        ws.write_datetime(r, c, value, fmt["when"])
    elif isinstance(value, date):
        ws.write_datetime(r, c, datetime(value.year, value.month, value.day), fmt["date"])
    else:
        ws.write_string(r, c, neutralise(str(value)))
