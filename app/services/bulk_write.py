"""Many new rows of one register in a few statements, with the same audit trail (perf, issue 8).

The ORM path (session.add per row, then the flush listeners of
app/services/audit.py) costs ~2 ms a row: 100k bills of a monthly run took
minutes. `insert_audited` writes what those listeners would — created_on /
changed_on and the acting user on each row, the centre checked against the
user's scope, one AuditLog "create" row per new row with its column values —
with Core INSERTs in batches. Uniqueness is still the database's: a
concurrent duplicate raises IntegrityError as before.
"""

import json

from flask_babel import gettext as _
from sqlalchemy import insert, inspect

from app import timeutil
from app.errors import ScopeError
from app.extensions import db
from app.models.audit import AuditLog
from app.security import acting_user, in_scope
from app.services.audit import _SKIP, _jsonable

BATCH = 5_000


def insert_audited(model, rows: list[dict]) -> int:
    """Insert `rows` (column → value) of `model` in this transaction; returns the count."""
    user = acting_user()
    now = timeutil.now()
    if any(not in_scope(row.get("center_id")) for row in rows if "center_id" in row):
        raise ScopeError(_("该记录不属于您所在的服务中心"))
    columns = [a for a in inspect(model).mapper.column_attrs if a.key not in _SKIP]
    defaults = {a.key: _default(a) for a in columns}
    for start in range(0, len(rows), BATCH):
        batch = [{**row, "created_on": now, "changed_on": now, "created_by_id": user.id if user else None,
                  "changed_by_id": user.id if user else None} for row in rows[start:start + BATCH]]
        ids = db.session.execute(
            insert(model).returning(model.id, sort_by_parameter_order=True), batch).scalars().all()
        db.session.execute(insert(AuditLog.__table__), [
            {"at": now, "user_id": user.id if user else None, "user_name": user.username if user else "system",
             "event": "create", "table_name": model.__tablename__, "row_id": str(pk), "before": None,
             "after": json.dumps({k: _jsonable(row.get(k, defaults[k]) if k != "id" else pk) for k in defaults},
                                 ensure_ascii=False)}
            for pk, row in zip(ids, batch, strict=True)
        ])
    return len(rows)


def _default(attr):
    """The value the ORM would have written for a column the row leaves out."""
    column = attr.columns[0]
    if column.default is not None and column.default.is_scalar:
        return column.default.arg
    return None
