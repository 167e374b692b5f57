"""收缴率 workbook: one sheet, a row per centre subtotal and per building. No Flask imports."""

from collections.abc import Iterable, Sequence

import xlsxwriter

from app.reports.xlsx import MONEY_FORMAT, neutralise


def write_collection(path: str, heading: str, headers: Sequence[str], rows: Iterable, total_label: str) -> int:
    """`rows` are CollectionRow-like objects (period, center, building, billed,
    collected, rate, households_billed, households_paid); subtotal rows (building
    None) are bold and read `total_label` in the building column. Returns the count."""
    wb = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_formulas": False,
                                    "strings_to_urls": False})
    try:
        ws = wb.add_worksheet(heading[:31])
        title = wb.add_format({"bold": True, "font_size": 14})
        head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        plain = {"money": wb.add_format({"num_format": MONEY_FORMAT}), "pct": wb.add_format({"num_format": "0.0"}),
                 "text": wb.add_format({})}
        bold = {k: wb.add_format({"bold": True, "num_format": f.num_format}) for k, f in plain.items()}
        ws.write_string(0, 0, heading, title)
        for col, text in enumerate(headers):
            ws.write_string(2, col, str(text), head)
            ws.set_column(col, col, 14)
        ws.freeze_panes(3, 0)
        count = 0
        for count, row in enumerate(rows, start=1):
            _row(ws, 2 + count, row, bold if row.building is None else plain, total_label)
        return count
    finally:
        wb.close()


def _row(ws, r, row, fmt, total_label):
    ws.write_string(r, 0, row.period, fmt["text"])
    ws.write_string(r, 1, neutralise(row.center), fmt["text"])
    ws.write_string(r, 2, neutralise(row.building) if row.building is not None else total_label, fmt["text"])
    ws.write_number(r, 3, row.billed, fmt["money"])
    ws.write_number(r, 4, row.collected, fmt["money"])
    ws.write_number(r, 5, row.outstanding, fmt["money"])
    if row.rate is not None:
        ws.write_number(r, 6, row.rate, fmt["pct"])
    ws.write_number(r, 7, row.households_billed, fmt["text"])
    ws.write_number(r, 8, row.households_paid, fmt["text"])
