"""User administration with the centres each user serves (admin only)."""

from flask_appbuilder.security.views import RoleModelView, UserDBModelView, UserGroupModelView
from flask_babel import lazy_gettext as _l

from app.views.guards import MissingRowGuard


def _with_centers(columns):
    return [*columns[: columns.index("roles") + 1], "centers", *columns[columns.index("roles") + 1 :]]


class CenterUserDBModelView(MissingRowGuard, UserDBModelView):
    """FAB's user screens plus 所属服务中心, which drives row-level scope."""

    exclude_route_methods = {"download"}  # FAB's file route: no uploads on users

    class_permission_name = "UserDBModelView"  # FAB's name: self-service grants refer to it

    label_columns = {**UserDBModelView.label_columns, "centers": _l("所属服务中心")}
    description_columns = {
        **UserDBModelView.description_columns,
        "centers": _l("服务中心经理、主管、前台、收费员、维修人员只能看到所属服务中心的数据"),
    }
    list_columns = _with_centers(UserDBModelView.list_columns)
    add_columns = _with_centers(UserDBModelView.add_columns)
    edit_columns = _with_centers(UserDBModelView.edit_columns)
    show_fieldsets = [
        (name, {**spec, "fields": _with_centers(spec["fields"])} if "roles" in spec["fields"] else spec)
        for name, spec in UserDBModelView.show_fieldsets
    ]


class GuardedRoleModelView(MissingRowGuard, RoleModelView):
    """FAB's role screens; an action on a missing role answers 404."""

    class_permission_name = "RoleModelView"
    exclude_route_methods = {"download"}


class GuardedGroupModelView(MissingRowGuard, UserGroupModelView):
    """FAB's group screens; an action on a missing group answers 404."""

    class_permission_name = "UserGroupModelView"
    exclude_route_methods = {"download"}
