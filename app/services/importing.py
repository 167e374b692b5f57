"""Bulk import from the centres' own spreadsheets: parse, dry run, then one transaction.

An importer (app.services.import_households, import_employees) declares its
columns and two functions: `validate(rows, report)` turns parsed rows into a
plan while adding every problem it finds (app.validators as on the screens,
lookups in the user's scope, duplicates in the file and in the database), and
`write(plan, report)` saves the plan — employees through the roster's own save
hook, households in audited batches (app.services.bulk_write). `dry_run` never
writes. `run` validates the same file again and writes all rows or none: the
audit trail and the centre scope guard apply to every row, any refusal rolls
the whole import back and is reported against its row, and there is one
commit, with one extra AuditLog row ("import") naming the file. Cell values
are converted here, so both importers read dates, numbers and enum labels the
same way.
"""

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from app import timeutil
from app.errors import DomainError
from app.extensions import db
from app.models.audit import AuditLog
from app.reports.import_template import TemplateColumn, write_template
from app.reports.xlsx_read import Cell, ReadError, read_sheet
from app.security import acting_user
from app.validators import check_id_number, check_phone

MAX_ROWS = 5_000
#: Problems listed on the page; the rest are counted.
SHOWN_PROBLEMS = 500
_DATE_TEXT = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_EXCEL_EPOCH = date(1899, 12, 30)


class ImportRefused(DomainError):
    """The file as a whole cannot be imported (not an xlsx, wrong headers, too many rows)."""

    status = 400


@dataclass(frozen=True)
class Column:
    key: str
    header: object  # lazy Chinese msgid
    required: bool
    explanation: object
    example: str
    kind: str = "text"  # text | date | decimal | int | choice
    max_len: int | None = None
    choices: dict | None = None  # code → lazy label
    width: int = 14


@dataclass
class Problem:
    row: int
    column: str
    message: str
    value: str = ""


@dataclass
class Row:
    number: int
    values: dict


@dataclass
class Report:
    """What a dry run or an import found: the rows read and every problem."""

    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    counts: dict = field(default_factory=dict)  # what was (or would be) written

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, row: int, column, message, value=None) -> None:
        shown = "" if value is None else str(value)
        self.problems.append(Problem(row, str(column), str(message), shown[:40] + ("…" if len(shown) > 40 else "")))

    @property
    def shown(self) -> list[Problem]:
        return sorted(self.problems, key=lambda p: p.row)[:SHOWN_PROBLEMS]


@dataclass(frozen=True)
class Importer:
    name: str  # households | employees (audit table and file kind)
    table: str
    sheet_title: object
    columns: tuple[Column, ...]
    validate: Callable  # (rows, report) -> plan
    write: Callable  # (plan) -> counts dict
    intro: object = ""


# -- template -------------------------------------------------------------------------------

def template_bytes(importer: Importer) -> bytes:
    cols = [TemplateColumn(str(c.header), c.required, _template_kind(c), str(c.explanation), c.example,
                           tuple(str(v) for v in (c.choices or {}).values()), c.width) for c in importer.columns]
    buf = io.BytesIO()
    write_template(buf, str(importer.sheet_title), cols, _("填写说明"),
                   (_("列名"), _("必填"), _("说明及允许的值"), _("示例")), (_("是"), _("否")), str(importer.intro))
    return buf.getvalue()


def _template_kind(column: Column) -> str:
    return {"date": "date", "decimal": "number", "int": "number", "choice": "choice"}.get(column.kind, "text")


# -- parsing --------------------------------------------------------------------------------

_READ_ERRORS = {
    "not_xlsx": _l("文件不是有效的 .xlsx 格式Excel文件，请用模板填写后另存为 .xlsx 再上传"),
    "too_big": _l("文件解压后过大，不是正常的导入表格"),
    "no_sheet": _l("文件中没有工作表"),
    "empty": _l("表格中没有数据：第一行应为列名，从第二行起每行一条记录"),
    "too_many_rows": _l("一次最多导入%(limit)s行，请分批导入"),
}


def _aliases(importer: Importer) -> dict[str, Column]:
    """Header text (Chinese or English, with or without a trailing *) → column."""
    out = {}
    for column in importer.columns:
        with force_locale("zh"):
            out[str(column.header)] = column
        with force_locale("en"):
            out[str(column.header)] = column
    return {k.strip().rstrip("*＊").strip().lower(): v for k, v in out.items()}


def _map_headers(importer: Importer, headers: list[str]) -> list[Column | None]:
    aliases = _aliases(importer)
    mapped, seen, unknown = [], set(), []
    for text in headers:
        key = text.strip().rstrip("*＊").strip().lower()
        column = aliases.get(key)
        if not key:
            mapped.append(None)
            continue
        if column is None:
            unknown.append(text[:30])
        elif column.key in seen:
            raise ImportRefused(_("列“%(name)s”出现了两次", name=text[:30]))
        else:
            seen.add(column.key)
        mapped.append(column)
    missing = [str(c.header) for c in importer.columns if c.required and c.key not in seen]
    if unknown or missing:
        parts = []
        if missing:
            parts.append(_("缺少必填列：%(names)s", names="、".join(missing)))
        if unknown:
            parts.append(_("无法识别的列：%(names)s", names="、".join(unknown)))
        raise ImportRefused(_("列名与模板不符（%(detail)s），请下载模板，按模板第一行的列名填写",
                              detail="；".join(parts)))
    return mapped


def parse(importer: Importer, path, report: Report) -> list[Row]:
    """Rows of the uploaded file with each cell converted; conversion problems go to `report`."""
    try:
        sheet = read_sheet(path, str(importer.sheet_title), max_rows=MAX_ROWS)
    except ReadError as e:
        raise ImportRefused(str(_READ_ERRORS[e.code]) % e.params) from None
    columns = _map_headers(importer, sheet.headers)
    rows = []
    for number, cells in sheet.rows:
        values = {}
        for column, cell in zip(columns, cells, strict=True):
            if column is None:
                continue
            try:
                values[column.key] = convert(column, cell)
            except ValueError as e:
                report.add(number, column.header, e, cell.value)
                values[column.key] = INVALID
        for column in importer.columns:
            values.setdefault(column.key, None)
            if column.required and values[column.key] is None:
                report.add(number, column.header, _("必填，不能为空"))
        rows.append(Row(number, values))
    report.rows = len(rows)
    return rows


class _Invalid:
    """A cell that could not be converted (its problem is already reported)."""

    def __repr__(self):
        return "INVALID"


INVALID = _Invalid()


def convert(column: Column, cell: Cell):
    """The cell as the column's Python type, or ValueError with the user's message."""
    if cell.formula:
        raise ValueError(_("不能使用公式，请复制后“选择性粘贴—数值”"))
    value = cell.value
    if value is None:
        return None
    converter = {"date": _to_date, "decimal": _to_decimal, "int": _to_int, "choice": _to_choice}.get(column.kind)
    return converter(column, value) if converter else _to_text(column, value)


def _to_text(column: Column, value) -> str:
    if isinstance(value, float):
        if column.key == "id_number":
            raise ValueError(_("身份证号请按文本格式填写（数字格式会丢失末几位）"))
        value = int(value) if value.is_integer() else value
    if isinstance(value, datetime | date):
        value = value.isoformat()[:10]
    text = str(value).strip()
    if column.max_len and len(text) > column.max_len:
        raise ValueError(_("不能超过%(n)s个字符（现有%(m)s个）", n=column.max_len, m=len(text)))
    return text


def _to_date(column: Column, value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 2958466:
        return _EXCEL_EPOCH + timedelta(days=int(value))
    match = _DATE_TEXT.match(str(value).strip())
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
    raise ValueError(_("日期格式不正确，应为如 2024-03-15 的日期"))


def _to_decimal(column: Column, value) -> Decimal:
    try:
        number = Decimal(repr(value) if isinstance(value, float) else str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise ValueError(_("应为数字")) from None
    if not number.is_finite() or isinstance(value, bool):
        raise ValueError(_("应为数字"))
    if number != number.quantize(Decimal("0.01")):
        raise ValueError(_("最多两位小数"))
    if number <= 0 or number >= Decimal("100000000"):
        raise ValueError(_("应大于0且小于100000000"))
    return number.quantize(Decimal("0.01"))


def _to_int(column: Column, value) -> int:
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(_("应为整数")) from None
    if isinstance(value, bool) or not number.is_finite() or number != number.to_integral_value():
        raise ValueError(_("应为整数"))
    return int(number)


def _to_choice(column: Column, value) -> str:
    code = _choice_aliases(column).get(str(value).strip().lower())
    if code is None:
        raise ValueError(_("无效，可选：%(choices)s", choices="、".join(str(v) for v in column.choices.values())))
    return code


_CHOICES: dict = {}


def _choice_aliases(column: Column) -> dict:
    """code, label and English label (lower case) → code; built once per column and language
    (switching the locale per cell made a 2000-row dry run take seconds)."""
    key = (id(column.choices), str(get_locale()))
    if key not in _CHOICES:
        aliases = {}
        for code, label in column.choices.items():
            with force_locale("en"):
                aliases[str(label).lower()] = code
            aliases[str(label).lower()] = code
            aliases[code.lower()] = code
        _CHOICES[key] = aliases
    return _CHOICES[key]


# -- dry run and import ---------------------------------------------------------------------

def dry_run(importer: Importer, path) -> Report:
    """Every problem of the file; nothing is written."""
    report = Report()
    rows = parse(importer, path, report)
    plan = importer.validate(rows, report)
    report.counts = plan.counts() if report.ok else {}
    db.session.rollback()  # the lookups only read; leave nothing behind
    return report


def run(importer: Importer, path, file_name: str = "") -> Report:
    """Validate again and write every row in one transaction, or nothing."""
    report = Report()
    rows = parse(importer, path, report)
    plan = importer.validate(rows, report)
    if not report.ok:
        db.session.rollback()
        return report
    try:
        report.counts = importer.write(plan, report)
        if not report.ok:
            db.session.rollback()
            return report
        _log(importer, file_name, report)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # another user added the same unit / 工号 since the check
        report.add(0, "", _("导入期间其他用户添加了相同的记录，没有导入任何数据，请重新上传检查"))
    except Exception:
        db.session.rollback()
        raise
    return report


def _log(importer: Importer, file_name: str, report: Report) -> None:
    """One audit row for the import itself, next to the rows' own create entries."""
    import json

    user = acting_user()
    db.session.add(AuditLog(
        at=timeutil.now(), user_id=user.id if user else None, user_name=user.username if user else "system",
        event="import", table_name=importer.table, row_id=None,
        after=json.dumps({"file": file_name[:200], "rows": report.rows, **report.counts}, ensure_ascii=False)))


def save_each(items_with_rows, before_save, report: Report) -> None:
    """Run the register's own save hook on each new row; a refusal is reported against its row."""
    for number, item, column in items_with_rows:
        try:
            before_save(item)
        except DomainError as e:
            report.add(number, column, e)
            continue
        db.session.add(item)


def check_contact(v: dict, number: int, report: Report, headers: dict) -> None:
    """The phone and ID number as the forms check them (validators): normalised in place,
    a bad one reported against its cell. Both importers' rows carry these two columns."""
    for key, check in (("phone", check_phone), ("id_number", check_id_number)):
        if isinstance(v[key], str):
            try:
                v[key] = check(v[key])
            except ValueError as e:
                report.add(number, headers[key], e, v[key])


def chunks(values, size: int = 500):
    """`values` in slices of `size`: an IN list per query that every database accepts."""
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]
