"""Automatic audit trail and centre guard for every register write.

Listens to every ORM flush, so no route (form, REST, action, CLI) can write
a register row without: audit columns filled, the centre checked against
the acting user's scope, and an AuditLog row with before/after values in
the same transaction.
"""

import json
from datetime import date, datetime, time
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from app import timeutil
from app.errors import ScopeError
from app.models.audit import AuditLog
from app.models.mixins import AuditMixin, CenterScopedMixin, SoftDeleteMixin
from app.security import acting_user, in_scope
from app.services.input_guard import check_row

_SKIP = {"created_on", "changed_on", "created_by_id", "changed_by_id", "version"}  # version: optimistic lock counter
#: FAB's security tables carry no AuditMixin, yet who may do what is the most
#: sensitive change there is: logged too, when a person makes it (the CLI's
#: permission sync at deployment is not a user action). Login bookkeeping is not
#: a change; password hashes are never copied into the log.
_SECURITY_TABLES = {"ab_user", "ab_role", "ab_group", "ab_permission", "ab_view_menu", "ab_permission_view"}
_SECURITY_SKIP = _SKIP | {"last_login", "login_count", "fail_login_count", "changed_by_fk", "created_by_fk"}
_SECRET = {"password"}


def _jsonable(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return value


def _is_security(obj) -> bool:
    return getattr(obj, "__tablename__", None) in _SECURITY_TABLES


def _columns(obj):
    skip = _SECURITY_SKIP if _is_security(obj) else _SKIP
    return [a for a in inspect(obj).mapper.column_attrs if a.key not in skip]


def _value(obj, key, value):
    return "***" if key in _SECRET and value is not None else _jsonable(value)


def _snapshot(obj) -> dict:
    return {a.key: _value(obj, a.key, getattr(obj, a.key)) for a in _columns(obj)}


def _created(obj) -> dict:
    """A new row's values; a new user's roles (or role's permissions) with it."""
    snapshot = _snapshot(obj)
    if _is_security(obj):
        state = inspect(obj)
        for rel in state.mapper.relationships:
            if rel.uselist and rel.key in state.dict:
                snapshot[rel.key] = [str(v) for v in state.dict[rel.key]]
    return snapshot


def _changes(obj) -> tuple[dict, dict]:
    state = inspect(obj)
    before, after = {}, {}
    for attr in _columns(obj):
        hist = state.attrs[attr.key].history
        if hist.has_changes():
            before[attr.key] = _value(obj, attr.key, hist.deleted[0]) if hist.deleted else None
            after[attr.key] = _value(obj, attr.key, hist.added[0]) if hist.added else None
    if _is_security(obj):  # a user's roles, a role's permissions: collections, not columns
        for rel in state.mapper.relationships:
            hist = state.attrs[rel.key].history
            if rel.uselist and (hist.added or hist.deleted):
                before[rel.key] = [str(v) for v in hist.unchanged + hist.deleted]
                after[rel.key] = [str(v) for v in hist.unchanged + hist.added]
    return before, after


def _audited(obj, user) -> bool:
    return isinstance(obj, AuditMixin) or (user is not None and _is_security(obj))


def _stamp_and_guard(session, flush_context, instances):
    user = acting_user()
    now = timeutil.now()
    new = session.new  # built once: see _write_log
    seen: set = set()
    for obj in [*new, *session.dirty]:
        if obj in new or session.is_modified(obj, include_collections=False):
            check_row(session, obj, seen)  # what the database would refuse, refused with a message
        if not isinstance(obj, AuditMixin):
            continue
        is_new = obj in new
        if not is_new and not session.is_modified(obj, include_collections=False):
            continue
        if isinstance(obj, CenterScopedMixin) and not in_scope(obj.center_id):
            raise ScopeError(_("该记录不属于您所在的服务中心"))
        if is_new:
            obj.created_on = obj.created_on or now
            obj.created_by_id = obj.created_by_id or (user.id if user else None)
        obj.changed_on = now
        obj.changed_by_id = user.id if user else None
    for obj in session.deleted:
        if isinstance(obj, CenterScopedMixin) and not in_scope(obj.center_id):
            raise ScopeError(_("该记录不属于您所在的服务中心"))


def _event_for(obj, new, deleted) -> tuple[str, dict | None, dict | None] | None:
    if obj in new:
        return "create", None, _created(obj)
    if obj in deleted:
        return "delete", _snapshot(obj), None
    before, after = _changes(obj)
    if not after:
        return None
    if isinstance(obj, SoftDeleteMixin) and "deleted_on" in after:
        return ("delete" if after["deleted_on"] else "restore"), before, after
    return "update", before, after


def _row_id(obj) -> str | None:
    """The primary key; new rows have it after the INSERT, before their identity key."""
    pk = inspect(obj).mapper.primary_key_from_instance(obj)
    return ",".join(str(v) for v in pk) if all(v is not None for v in pk) else None


def _write_log(session, flush_context):
    user = acting_user()
    rows = []
    # session.new / .deleted build a new set on every access: take them once (a bulk import
    # flushes thousands of rows; asking per row made the flush quadratic).
    new, deleted = session.new, session.deleted
    for obj in [*new, *session.dirty, *deleted]:
        if not _audited(obj, user):
            continue
        found = _event_for(obj, new, deleted)
        if found is None:
            continue
        event_name, before, after = found
        rows.append(
            {
                "at": timeutil.now(),
                "user_id": user.id if user else None,
                "user_name": user.username if user else "system",
                "event": event_name,
                "table_name": obj.__tablename__,
                "row_id": _row_id(obj),
                "before": json.dumps(before, ensure_ascii=False) if before is not None else None,
                "after": json.dumps(after, ensure_ascii=False) if after is not None else None,
            }
        )
    if rows:
        session.connection().execute(insert(AuditLog.__table__), rows)


def install() -> None:
    """Attach the listeners once per process."""
    if not event.contains(Session, "before_flush", _stamp_and_guard):
        event.listen(Session, "before_flush", _stamp_and_guard)
        event.listen(Session, "after_flush", _write_log)
