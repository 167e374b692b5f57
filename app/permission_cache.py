"""Permission checks answered from one query per request (issue 8).

Flask-AppBuilder asks the database once per `has_access` (an EXISTS over
permission × view × role) and once more for the menu: ~60 queries on a list
page of ours (every menu entry, every button). This mixin loads the
(permission, view) pairs of the user's roles once per request and answers
both from that set. Same answers as FAB: the same role ids, the same
builtin-role handling; only the database round trips change.

The cache lives in the WSGI environ of the current request, not on `g`: a
test (or a CLI command) that holds an app context across several requests
shares one `g`, and a role edited between two requests must be seen by the
second. Outside a request nothing is cached.
"""

from flask import has_request_context, request
from flask_appbuilder.security.sqla.models import (
    Permission,
    PermissionView,
    ViewMenu,
    assoc_permissionview_role,
)
from sqlalchemy import select
from sqlalchemy.orm import joinedload

_ENVIRON_KEY = "app.permission_cache"


class RequestPermissionCache:
    """Mixed into the security manager, before FAB's SecurityManager."""

    def load_user(self, pk):
        """The signed-in user with roles, groups and centres in one query (FAB: four)."""
        model = self.user_model
        options = [joinedload(getattr(model, name)) for name in ("roles", "groups", "centers") if hasattr(model, name)]
        user = self.session.scalars(select(model).where(model.id == int(pk)).options(*options)).unique().first()
        return user if user is not None and user.is_active else None

    def _granted_pairs(self, role_ids) -> frozenset[tuple[str, str]]:
        key = tuple(sorted(set(role_ids)))
        cache = request.environ.setdefault(_ENVIRON_KEY, {}) if has_request_context() else {}
        if key not in cache:
            stmt = (
                select(Permission.name, ViewMenu.name)
                .select_from(PermissionView)
                .join(assoc_permissionview_role, assoc_permissionview_role.c.permission_view_id == PermissionView.id)
                .join(Permission, Permission.id == PermissionView.permission_id)
                .join(ViewMenu, ViewMenu.id == PermissionView.view_menu_id)
                .where(assoc_permissionview_role.c.role_id.in_(key))
            )
            cache[key] = frozenset(tuple(row) for row in self.session.execute(stmt).all())
        return cache[key]

    def exist_permission_on_roles(self, view_name: str, permission_name: str, role_ids) -> bool:
        """What FAB's has_access asks for database roles (one EXISTS each, by default)."""
        if not role_ids:
            return False
        return (permission_name, view_name) in self._granted_pairs(role_ids)

    def _get_user_permission_view_menus(self, user, permission_name: str, view_menus_name) -> set[str]:
        """The menu's question (menu_access per entry), from the same set."""
        roles = [self.get_public_role()] if user is None else self.get_user_roles(user)
        result = {
            name
            for role in roles
            if role.name in self.builtin_roles
            for name in view_menus_name
            if self._has_access_builtin_roles(role, permission_name, name)
        }
        db_role_ids = [role.id for role in roles if role.name not in self.builtin_roles]
        if db_role_ids:
            result.update(view for perm, view in self._granted_pairs(db_role_ids) if perm == permission_name)
        return result
