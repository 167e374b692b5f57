"""Monthly work-order report workbook: one sheet of KPIs per centre, one of
the month's orders. Rows in → .xlsx out (constant memory). No Flask imports."""

from collections.abc import Iterable, Sequence

import xlsxwriter

from app.reports.xlsx import neutralise


def write_report(path: str, titles: dict, kpi_headers: Sequence[str], kpi_rows: Iterable[Sequence],
                 order_headers: Sequence[str], order_rows: Iterable[Sequence]) -> None:
    wb = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_formulas": False,
                                    "strings_to_urls": False})
    try:
        head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
        title = wb.add_format({"bold": True, "font_size": 14})
        pct = wb.add_format({"num_format": "0.0\"%\""})
        when = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        _sheet(wb, titles["kpis"], titles["heading"], kpi_headers, kpi_rows, head, title, {"pct": pct})
        _sheet(wb, titles["orders"], titles["heading"], order_headers, order_rows, head, title, {"when": when})
    finally:
        wb.close()


def _sheet(wb, name, heading, headers, rows, head, title, formats):
    ws = wb.add_worksheet(name[:31])
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.write_string(0, 0, heading, title)
    for col, text in enumerate(headers):
        ws.write_string(2, col, str(text), head)
        ws.set_column(col, col, 14)
    ws.freeze_panes(3, 0)
    ws.repeat_rows(2)
    for r, row in enumerate(rows, start=3):
        for c, value in enumerate(row):
            _cell(ws, r, c, value, formats)


def _cell(ws, r, c, value, formats):
    from datetime import datetime
    from decimal import Decimal

    if value is None:
        return
    if isinstance(value, Decimal):
        ws.write_number(r, c, value, formats.get("pct"))
    elif isinstance(value, (int, float)):
        ws.write_number(r, c, value)
    elif isinstance(value, datetime):
        ws.write_datetime(r, c, value, formats.get("when"))
    else:
        ws.write_string(r, c, neutralise(str(value)))
