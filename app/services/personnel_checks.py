"""Checks shared by the personnel use cases (register, hiring, appointments, leaving).

They live apart from app.services.personnel so that the use-case modules can
use them while personnel.before_save dispatches to those modules' rules,
without an import cycle. Each raises DomainError / Conflict with a message for
the user; none commits.
"""

from flask_babel import gettext as _
from sqlalchemy import func, inspect, select

from app.errors import Conflict, DomainError
from app.extensions import db
from app.i18n import join_list
from app.models.personnel import Employee
from app.validators import check_id_number, check_phone, is_masked, mask_id_number
from app.workflows import personnel_rules as rules

#: Request states in which the request is still open (employee cannot be deleted).
OPEN_STATES = ("draft", "pending", "returned")


def keep(item, defaults: dict) -> None:
    """System-managed columns: a new row gets the default, an edit keeps the stored value."""
    state = inspect(item)
    for name, default in defaults.items():
        if not state.persistent:
            setattr(item, name, default)
            continue
        hist = state.attrs[name].history
        if hist.has_changes():
            setattr(item, name, hist.deleted[0] if hist.deleted else stored(item, name))


def stored(item, name):
    model = type(item)
    return db.session.scalar(select(getattr(model, name)).where(model.id == item.id))


def choice(value, choices: dict, field) -> None:
    if value not in choices:
        raise DomainError(_("%(field)s无效，可选：%(choices)s", field=field,
                            choices=join_list(choices.values())))


def required_text(value, message) -> str:
    text = (value or "").strip()
    if not text:
        raise DomainError(message)
    return text


def clean_phone(value, required: bool) -> str | None:
    if not (value or "").strip():
        if required:
            raise DomainError(_("请填写联系电话"))
        return None
    try:
        return check_phone(value)
    except ValueError as e:
        raise DomainError(str(e)) from None


def clean_id_number(item) -> str | None:
    """Optional ID number; a masked value sent back unchanged keeps the stored one."""
    value = item.id_number
    if is_masked(value):
        previous = stored(item, "id_number") if inspect(item).persistent else None
        if not previous or mask_id_number(previous) != value:
            raise DomainError(_("请输入完整的身份证号"))
        return previous
    if not (value or "").strip():
        return None
    try:
        return check_id_number(value)
    except ValueError as e:
        raise DomainError(str(e)) from None


def exists(model, *criteria, exclude=None) -> bool:
    stmt = select(func.count()).select_from(model).where(model.deleted_on.is_(None), *criteria)
    if exclude is not None and exclude.id is not None:
        stmt = stmt.where(model.id != exclude.id)
    return bool(db.session.scalar(stmt))


def active_employee(emp: Employee) -> None:
    if emp.status == "left":
        raise Conflict(_("员工%(name)s已离职", name=emp.name))


def money(value):
    try:
        amount = rules.to_money(value)
    except (ArithmeticError, ValueError, TypeError):
        raise DomainError(_("金额格式不正确")) from None
    if amount < 0:
        raise DomainError(_("金额不能为负数"))
    return amount
