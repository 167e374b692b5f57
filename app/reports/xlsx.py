"""Write rows to an .xlsx file with constant memory. No Flask imports.

Excel runs a cell that starts with = + - @ (or a tab / carriage return) as a
formula; such text is prefixed with an apostrophe so it stays text.
"""

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

import xlsxwriter

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Money cells of the reports whose columns are known to be money: a number shown as ¥1,234.50 (issue 7).
#: Generic list exports keep "#,##0.00": their Decimal columns include floor areas.
MONEY_FORMAT = '"¥"#,##0.00'


def neutralise(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def write_workbook(
    path: str, sheet_title: str, headers: Sequence[str], rows: Iterable[Sequence], bool_labels=("是", "否")
) -> int:
    """Write one sheet; returns the number of data rows written.

    `bool_labels` are the (true, false) texts in the reader's language."""
    wb = xlsxwriter.Workbook(
        path,
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
    )
    try:
        ws = wb.add_worksheet(sheet_title[:31])
        fmt = {
            "head": wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1}),
            "date": wb.add_format({"num_format": "yyyy-mm-dd"}),
            "datetime": wb.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
            "money": wb.add_format({"num_format": "#,##0.00"}),
            "bool": bool_labels,
        }
        for col, title in enumerate(headers):
            ws.write_string(0, col, str(title), fmt["head"])
            ws.set_column(col, col, max(10, min(40, len(str(title)) * 2 + 4)))
        ws.freeze_panes(1, 0)
        count = 0
        for count, row in enumerate(rows, start=1):
            for col, value in enumerate(row):
                _write_cell(ws, count, col, value, fmt)
        return count
    finally:
        wb.close()


def _write_cell(ws, row: int, col: int, value, fmt) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        ws.write_string(row, col, fmt["bool"][0] if value else fmt["bool"][1])
    elif isinstance(value, Decimal):
        ws.write_number(row, col, value, fmt["money"])
    elif isinstance(value, (int, float)):
        ws.write_number(row, col, value)
    elif isinstance(value, datetime):
        ws.write_datetime(row, col, value, fmt["datetime"])
    elif isinstance(value, date):
        ws.write_datetime(row, col, datetime(value.year, value.month, value.day), fmt["date"])
    else:
        ws.write_string(row, col, neutralise(str(value)))
