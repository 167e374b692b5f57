"""Every write route of the app (issue 9 §7), from the URL map, as the permission
matrix builds its table (tests/permission_matrix.py), and a recorder of what
each request really wrote.

A route's kind (form add/edit/delete, FAB action, REST POST/PUT/DELETE, a
hand-written POST) says how the test makes one valid write through it.
"""

import re
from dataclasses import dataclass

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from tests.permission_matrix import ACTION_METHODS, PUBLIC_ENDPOINTS

WRITE_METHODS = ("POST", "PUT", "DELETE")


@dataclass
class WriteRoute:
    endpoint: str
    rule: str
    http: str
    view: object
    kind: str  # form_add, form_edit, form_delete, action, action_post, api_post, api_put, api_delete, custom

    @property
    def label(self) -> str:
        return f"{self.http} {self.rule}"


def _kind(view, method: str, http: str, rule: str) -> str:
    api = rule.startswith("/api/")
    if method in ACTION_METHODS:
        return method
    if api and method in ("post", "put", "delete") and rule.rstrip("/").count("<") <= 1:
        return f"api_{method}"
    if not api and method in ("add", "edit", "delete"):
        return f"form_{method}"
    return "custom"


def write_routes(app) -> list[WriteRoute]:
    views = {v.endpoint: v for v in app.appbuilder.baseviews}
    out = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        methods = [m for m in WRITE_METHODS if m in rule.methods]
        if not methods or rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        view_name, _, method = rule.endpoint.partition(".")
        view = views.get(view_name)
        assert view is not None, f"write route {rule.rule} belongs to no registered view"
        http = methods[0]
        out.append(WriteRoute(rule.endpoint, rule.rule, http, view, _kind(view, method, http, rule.rule)))
    return out


def fill(rule: str, pk, **values) -> str:
    """The rule with <pk>/<int:pk> set to `pk` and other arguments from `values`."""

    def value(match):
        name = match.group(2)
        return str(pk if name == "pk" else values.get(name, "x"))

    return re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", value, rule)


class WriteRecorder:
    """Tables and primary keys flushed while recording (every session, every route)."""

    def __init__(self):
        self.rows: list[tuple[str, str, str]] = []
        self.on = False

    def _after_flush(self, session, flush_context):
        if not self.on:
            return
        for kind, objs in (("create", session.new), ("update", session.dirty), ("delete", session.deleted)):
            for obj in objs:
                if kind == "update" and not session.is_modified(obj, include_collections=False):
                    continue
                state = inspect(obj)
                pk = ",".join(str(v) for v in state.mapper.primary_key_from_instance(obj))
                self.rows.append((state.mapper.local_table.name, pk, kind))

    def __enter__(self):
        event.listen(Session, "after_flush", self._after_flush)
        return self

    def __exit__(self, *exc):
        event.remove(Session, "after_flush", self._after_flush)

    def take(self) -> list[tuple[str, str, str]]:
        rows, self.rows = self.rows, []
        return rows


def parents_of(metadata, table: str) -> set[str]:
    """The tables `table` points at: a child row (a payment's bill link, an approval's
    step) is covered by its parent's audit row written in the same request."""
    if table not in metadata.tables:
        return set()
    return {fk.column.table.name for fk in metadata.tables[table].foreign_keys}
