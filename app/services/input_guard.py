"""What the database would refuse, refused first with a message people can act on.

Runs on every ORM flush of a register row (services.audit calls it), so a
form, the REST API, an action or the CLI all get the same answer: a
DomainError (422) naming the field — never a database error (PostgreSQL
refuses NUL bytes, over-long text, out-of-range integers and numbers with
too many digits; SQLite stores them silently, so the two would differ) and
never a half-written row. Also used at the request edge
(app/views/errors.py) for text that cannot even be decoded into a column.
"""

import math
from decimal import Decimal, InvalidOperation

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import Integer, Numeric, String, inspect, select
from sqlalchemy.types import BigInteger, SmallInteger

from app.errors import DomainError

INT32 = 2**31 - 1
_INT_LIMITS = {SmallInteger: 2**15 - 1, BigInteger: 2**63 - 1}


def unstorable_text(value: str) -> bool:
    """NUL (PostgreSQL refuses it in text) or a lone surrogate (not encodable)."""
    if "\x00" in value:
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def int_in_range(value: int, limit: int = INT32) -> bool:
    return -limit - 1 <= value <= limit


def check_row(session, obj, seen: set | None = None) -> None:
    """Raise DomainError for the first changed column the database could not store.

    `seen` holds the references already found in this flush (a batch of bills
    pointing at one household asks once)."""
    state = inspect(obj)
    for attr in state.mapper.column_attrs:
        column = attr.columns[0]
        if not hasattr(column, "type") or not state.attrs[attr.key].history.has_changes():
            continue
        value = getattr(obj, attr.key)
        if value is None:
            continue
        problem = _problem(column.type, value)
        if problem:
            raise DomainError(problem % {"field": label_of(type(obj), attr.key)})
    _check_references(session, obj, state, set() if seen is None else seen)


def _problem(col_type, value) -> str | None:
    impl = getattr(col_type, "impl", col_type)
    if isinstance(value, str):
        if unstorable_text(value):
            return _("「%(field)s」含有无法保存的字符（如空字符或残缺的表情字符），请删除后重试")
        length = getattr(impl, "length", None)
        if isinstance(impl, String) and length and len(value) > length:
            return _("「%(field)s」最多 %(n)s 个字符", field="%(field)s", n=length)
    elif isinstance(impl, Integer) and isinstance(value, int) and not isinstance(value, bool):
        limit = next((v for k, v in _INT_LIMITS.items() if isinstance(impl, k)), INT32)
        if not int_in_range(value, limit):
            return _("「%(field)s」的数值超出允许范围")
    elif isinstance(impl, Numeric) and isinstance(value, (Decimal, int, float)):
        return _numeric_problem(impl, value)
    return None


def _numeric_problem(impl: Numeric, value) -> str | None:
    try:
        number = Decimal(value)
        finite = number.is_finite() and not (isinstance(value, float) and not math.isfinite(value))
    except (InvalidOperation, ValueError):
        finite = False
    if not finite:
        return _("「%(field)s」必须是有效的数字")
    if impl.precision is not None:
        scale = impl.scale or 0
        whole_digits = len(str(abs(int(number)))) if int(number) else 0
        if whole_digits > impl.precision - scale:
            return _("「%(field)s」的数值过大，整数部分最多 %(n)s 位", field="%(field)s", n=impl.precision - scale)
    return None


def _check_references(session, obj, state, seen: set) -> None:
    """A changed foreign key must name an existing row (one query per changed key)."""
    for fk_column in state.mapper.local_table.foreign_keys:
        column = fk_column.parent
        attr = state.mapper.get_property_by_column(column)
        if not state.attrs[attr.key].history.has_changes():
            continue
        value = getattr(obj, attr.key)
        if value is None:
            continue
        target = fk_column.column
        key = (target.table.name, target.name, value)
        if key in seen:
            continue
        if isinstance(value, int) and not int_in_range(value, _INT_LIMITS[BigInteger]):
            raise DomainError(_("所选的「%(field)s」不存在", field=label_of(type(obj), attr.key)))
        seen.add(key)
        with session.no_autoflush:
            found = session.execute(select(target).where(target == value).limit(1)).first()
        if found is None:
            raise DomainError(_("所选的「%(field)s」不存在", field=label_of(type(obj), attr.key)))


def label_of(model, key: str) -> str:
    """The label a screen shows for this column (the key itself if no screen names it)."""
    if has_app_context() and hasattr(current_app, "appbuilder"):
        relation = key[:-3] if key.endswith("_id") else key
        for view in current_app.appbuilder.baseviews:
            datamodel = getattr(view, "datamodel", None)
            labels = getattr(view, "label_columns", None) or {}
            if datamodel is not None and datamodel.obj is model:
                for name in (key, relation):
                    if name in labels:
                        return str(labels[name])
    return key
