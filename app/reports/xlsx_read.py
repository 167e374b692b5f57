"""Read the rows of an uploaded .xlsx safely. No Flask imports.

Uploads come from outside: a renamed text file, a zip bomb, a sheet of a
million formatted empty rows, formula cells. `read_sheet` checks the zip
before openpyxl touches it (its read-only mode still unpacks the shared
strings whole), stops after `max_rows` non-empty rows, and reports formula
cells instead of evaluating them. Problems raise ReadError with a code the
caller turns into a message in the user's language.
"""

import zipfile
from dataclasses import dataclass

import openpyxl

#: Unpacked size above which a workbook is refused (a 5 MB upload unpacks to ~30 MB at most).
MAX_UNPACKED = 60 * 1024 * 1024
#: Rows read past the last non-empty one before giving up (formatted empty rows).
MAX_EMPTY_RUN = 2_000


class ReadError(Exception):
    """code: not_xlsx | too_big | no_sheet | empty | too_many_rows (params in .params)."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Cell:
    value: object  # str | int | float | datetime | bool | None
    formula: bool = False


@dataclass
class Sheet:
    headers: list[str]
    rows: list[tuple[int, list[Cell]]]  # (row number in the sheet, cells under the headers)


def _check_zip(path) -> None:
    if not zipfile.is_zipfile(path):
        raise ReadError("not_xlsx")
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        if "xl/workbook.xml" not in names:
            raise ReadError("not_xlsx")
        if sum(i.file_size for i in zf.infolist()) > MAX_UNPACKED:
            raise ReadError("too_big")


def _open(path):
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds on a damaged file  # noqa: BLE001
        raise ReadError("not_xlsx") from None


def _cell(c) -> Cell:
    value = getattr(c, "value", None)
    if getattr(c, "data_type", None) == "f":
        return Cell(value, formula=True)
    if isinstance(value, str):
        value = value.strip()
        if value == "":
            value = None
    return Cell(value)


def read_sheet(path, sheet_name: str | None = None, max_rows: int = 5_000, max_cols: int = 40) -> Sheet:
    """The header row and the non-empty data rows of `sheet_name` (else the first sheet)."""
    _check_zip(path)
    wb = _open(path)
    try:
        if not wb.sheetnames:
            raise ReadError("no_sheet")
        ws = wb[sheet_name] if sheet_name in wb.sheetnames else wb[wb.sheetnames[0]]
        return _rows(ws, max_rows, max_cols)
    except ReadError:
        raise
    except Exception:  # a damaged sheet part  # noqa: BLE001
        raise ReadError("not_xlsx") from None
    finally:
        wb.close()


def _rows(ws, max_rows: int, max_cols: int) -> Sheet:
    it = ws.iter_rows(min_row=1, max_col=max_cols)
    headers: list[str] | None = None
    rows: list[tuple[int, list[Cell]]] = []
    empty_run = 0
    for number, raw in enumerate(it, start=1):
        cells = [_cell(c) for c in (raw if headers is None else raw[:len(headers)])]
        if headers is None:
            if any(c.value is not None for c in cells):
                headers = [str(c.value).strip() if c.value is not None else "" for c in cells]
                while headers and not headers[-1]:
                    headers.pop()
            elif number > MAX_EMPTY_RUN:
                break
            continue
        cells = (cells + [Cell(None)] * len(headers))[:len(headers)]
        if all(c.value is None for c in cells):
            empty_run += 1
            if empty_run > MAX_EMPTY_RUN:
                break
            continue
        empty_run = 0
        if len(rows) >= max_rows:
            raise ReadError("too_many_rows", limit=max_rows)
        rows.append((number, cells))
    if headers is None or not rows:
        raise ReadError("empty")
    return Sheet(headers, rows)
