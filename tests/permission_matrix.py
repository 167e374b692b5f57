"""The permission matrix (issue 9 §1), generated from the app's own registry.

Every URL rule of the app is one row: the view behind it, the permission its
decorator checks (FAB: `can_<method_permission_name[method]>` on the view's
class_permission_name, or one per declared action) and the roles whose
ROLE_GRANTS row grants it. Nothing here is typed by hand except the short list
of routes that are public on purpose.
"""

import re
from dataclasses import dataclass, field

from app.security import ROLES, _wanted_permissions

#: Routes anyone may reach without logging in (login, language, static files, /health).
PUBLIC_ENDPOINTS = frozenset({
    "static", "appbuilder.static", "IndexView.index", "UtilView.back", "LocaleView.index",
    "SecurityApi.login", "SecurityApi.refresh", "AuthDBView.login", "AuthDBView.logout", "health.health",
})
#: FAB's action routes check the action's own permission inside the view function.
ACTION_METHODS = frozenset({"action", "action_post"})
MISSING_PK = "999999999"
_ARG_VALUES = {"locale": "en", "version": "v1", "filename": "x.txt", "group_by": "x"}


@dataclass
class Cell:
    endpoint: str
    path: str
    http: str
    resource: str
    permission: str | None  # None: public on purpose
    allowed: frozenset = field(default_factory=frozenset)
    body: dict | None = None

    @property
    def is_api(self) -> bool:
        return self.path.startswith("/api/")

    @property
    def label(self) -> str:
        return f"{self.http} {self.path} [{self.permission or 'public'} on {self.resource}]"


def _path(rule, action: str | None = None) -> str:
    def value(match):
        converter, name = match.group(1), match.group(2)
        if name == "name" and action is not None:
            return action
        if name == "action":
            return "dispatch"
        if name == "pk" or converter == "int":
            return MISSING_PK
        return _ARG_VALUES.get(name, "x")

    return re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", value, rule.rule)


def _allowed(view, permission: str, check_base: bool = True) -> frozenset:
    """Roles granted `permission` on the view's resource by ROLE_GRANTS (admin: all).

    FAB's has_access/protect also refuse, for everyone, a permission missing
    from the view's base_permissions; action routes skip that check."""
    if check_base and view.base_permissions is not None and permission not in view.base_permissions:
        return frozenset()
    resource = view.class_permission_name
    return frozenset({"admin"} | {role for role in ROLES
                                 if role != "admin" and (permission, resource) in _wanted_permissions(role)})


def _permission_of(view, method: str, fn) -> str | None:
    name = getattr(fn, "_permission_name", None)
    if name is None:
        return None
    mapped = (view.method_permission_name or {}).get(method)
    return f"can_{mapped or name}"


def build(app) -> list[Cell]:
    """One cell per (route, HTTP method used); actions give one cell each."""
    views = {v.endpoint: v for v in app.appbuilder.baseviews}
    cells: list[Cell] = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        view_name, _, method = rule.endpoint.partition(".")
        view = views.get(view_name)
        http = next(m for m in ("GET", "POST", "PUT", "DELETE") if m in rule.methods)
        resource = getattr(view, "class_permission_name", None) or view_name
        if rule.endpoint in PUBLIC_ENDPOINTS:
            cells.append(Cell(rule.endpoint, _path(rule), http, resource, None, frozenset(ROLES)))
            continue
        if view is None:
            raise AssertionError(f"route {rule.rule} ({rule.endpoint}) belongs to no registered view")
        if method in ACTION_METHODS:
            cells.extend(_action_cells(view, rule, http, method))
            continue
        permission = _permission_of(view, method, app.view_functions[rule.endpoint])
        if permission is None:
            raise AssertionError(f"route {rule.rule} ({rule.endpoint}) is neither protected nor public")
        cells.append(Cell(rule.endpoint, _path(rule), http, resource, permission, _allowed(view, permission)))
    return cells


def _action_cells(view, rule, http, method) -> list[Cell]:
    out = []
    for name in sorted(getattr(view, "actions", {}) or {}):
        permission = view.get_action_permission_name(name)
        if method == "action":
            out.append(Cell(rule.endpoint, _path(rule, name), "GET", view.class_permission_name, permission,
                            _allowed(view, permission, False)))
        else:
            out.append(Cell(rule.endpoint, _path(rule), "POST", view.class_permission_name, permission,
                            _allowed(view, permission, False), body={"action": name, "rowid": MISSING_PK}))
    return out


def as_markdown(cells: list[Cell]) -> str:
    roles = list(ROLES)
    lines = ["| route | permission | " + " | ".join(roles) + " |", "|---|---|" + "---|" * len(roles)]
    for c in cells:
        marks = " | ".join("✓" if r in c.allowed else "·" for r in roles)
        lines.append(f"| `{c.http} {c.path}` | {c.permission or 'public'} on {c.resource} | {marks} |")
    return "\n".join(lines) + "\n"
