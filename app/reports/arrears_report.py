"""欠费账龄 and 业主委员会 workbooks. Rows in → .xlsx out (constant memory), no Flask imports.

Money cells are Decimal written as numbers with two places; text cells are
neutralised (a leading = + - @ stays text).
"""

from collections.abc import Iterable, Sequence

import xlsxwriter

from app.reports.xlsx import MONEY_FORMAT, _write_cell


def write_sheets(path: str, sheets: Iterable[tuple[str, str, Sequence[str], Iterable[Sequence]]]) -> None:
    """Each sheet: (name, heading line, headers, rows). The heading is row 1,
    headers row 3, data from row 4; headers repeat on every printed page."""
    wb = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_formulas": False,
                                    "strings_to_urls": False})
    try:
        fmt = {
            "head": wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True}),
            "date": wb.add_format({"num_format": "yyyy-mm-dd"}),
            "datetime": wb.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
            "money": wb.add_format({"num_format": MONEY_FORMAT}),
            "bool": ("是", "否"),
        }
        title = wb.add_format({"bold": True, "font_size": 14})
        for name, heading, headers, rows in sheets:
            ws = wb.add_worksheet(name[:31])
            ws.set_landscape()
            ws.fit_to_pages(1, 0)
            ws.write_string(0, 0, heading, title)
            for col, text in enumerate(headers):
                ws.write_string(2, col, str(text), fmt["head"])
                ws.set_column(col, col, 13)
            ws.freeze_panes(3, 0)
            ws.repeat_rows(2)
            for r, row in enumerate(rows, start=3):
                for c, value in enumerate(row):
                    _write_cell(ws, r, c, value, fmt)
    finally:
        wb.close()
