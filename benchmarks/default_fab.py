"""The household list as Flask-AppBuilder serves it by default, for the side-by-side figure.

A plain ModelView over SQLAInterface: no search_columns (every column is
searchable, so the search form lists every unit in a dropdown), no scope
interface, FAB's own list template. It reuses the Household permission so
the same admin can open it; its permission checks run through FAB's own
SecurityManager methods (see `fab_security`), not our per-request cache.
"""

import types
from contextlib import contextmanager

from flask_appbuilder import ModelView
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.sqla.manager import SecurityManager

from app.models.estate import Household
from app.security import METHOD_PERMISSIONS, RESOURCE_PERMISSIONS


class DefaultHouseholdView(ModelView):
    route_base = "/bench_default_household"
    datamodel = SQLAInterface(Household)
    class_permission_name = "Household"
    method_permission_name = METHOD_PERMISSIONS
    base_permissions = RESOURCE_PERMISSIONS
    list_columns = ["name", "kind", "phone", "unit", "center", "id_number"]


def register(appbuilder) -> None:
    appbuilder.add_view_no_menu(DefaultHouseholdView())


#: CenterSecurityManager methods that cache per request; FAB's own run instead inside fab_security().
CACHED_METHODS = ("exist_permission_on_roles", "_get_user_permission_view_menus")


@contextmanager
def fab_security(sm):
    """Run FAB's uncached permission checks on this security manager for the block."""
    patched = [name for name in CACHED_METHODS if hasattr(SecurityManager, name)]
    for name in patched:
        setattr(sm, name, types.MethodType(getattr(SecurityManager, name), sm))
    try:
        yield
    finally:
        for name in patched:
            delattr(sm, name)
