"""The downloadable import templates (.xlsx). No Flask imports: texts come in translated.

Sheet 1 is the data sheet: the header row (required columns highlighted),
text format on code / phone / ID columns so Excel keeps leading zeros and all
18 digits, date format on date columns, drop-downs for the allowed values.
Sheet 2 (填写说明) explains each column: required, allowed values, example.
"""

from dataclasses import dataclass
from datetime import date

import xlsxwriter

#: Rows that get the drop-downs and formats (the import takes at most 5000).
FORMAT_ROWS = 5_000


@dataclass(frozen=True)
class TemplateColumn:
    header: str
    required: bool
    kind: str  # text | date | number | choice
    explanation: str
    example: str
    choices: tuple[str, ...] = ()
    width: int = 14


def write_template(target, sheet_title: str, columns: list[TemplateColumn], notes_title: str,
                   notes_headers: tuple[str, str, str, str], required_labels: tuple[str, str], intro: str) -> None:
    """Write the template to `target` (a path or a binary file object)."""
    wb = xlsxwriter.Workbook(target, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    try:
        _data_sheet(wb, sheet_title, columns)
        _notes_sheet(wb, notes_title, columns, notes_headers, required_labels, intro)
    finally:
        wb.close()


def _data_sheet(wb, title: str, columns: list[TemplateColumn]) -> None:
    ws = wb.add_worksheet(title[:31])
    head = {True: wb.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1}),
            False: wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})}
    formats = {"text": wb.add_format({"num_format": "@"}), "date": wb.add_format({"num_format": "yyyy-mm-dd"}),
               "number": wb.add_format({"num_format": "0.00"}), "choice": wb.add_format({"num_format": "@"})}
    for col, column in enumerate(columns):
        ws.write_string(0, col, column.header, head[column.required])
        ws.set_column(col, col, column.width, formats[column.kind])
        if column.choices:
            ws.data_validation(1, col, FORMAT_ROWS, col, {"validate": "list", "source": list(column.choices)})
        elif column.kind == "date":
            ws.data_validation(1, col, FORMAT_ROWS, col, {
                "validate": "date", "criteria": "between", "minimum": date(1950, 1, 1),
                "maximum": date(2100, 12, 31), "ignore_blank": True})
    ws.freeze_panes(1, 0)


def _notes_sheet(wb, title, columns, notes_headers, required_labels, intro) -> None:
    ws = wb.add_worksheet(title[:31])
    bold = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    ws.merge_range(0, 0, 0, 3, intro, wrap)
    ws.set_row(0, 60)
    for col, text in enumerate(notes_headers):
        ws.write_string(1, col, text, bold)
    for row, column in enumerate(columns, start=2):
        ws.write_string(row, 0, column.header, wrap)
        ws.write_string(row, 1, required_labels[0] if column.required else required_labels[1], wrap)
        ws.write_string(row, 2, column.explanation, wrap)
        ws.write_string(row, 3, column.example, wrap)
    ws.set_column(0, 0, 16)
    ws.set_column(1, 1, 8)
    ws.set_column(2, 2, 60)
    ws.set_column(3, 3, 22)

