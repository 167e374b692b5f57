"""User administration with the centres each user serves (admin only)."""

from flask_appbuilder.security.views import UserDBModelView
from flask_babel import lazy_gettext as _l


def _with_centers(columns):
    return [*columns[: columns.index("roles") + 1], "centers", *columns[columns.index("roles") + 1 :]]


class CenterUserDBModelView(UserDBModelView):
    """FAB's user screens plus 所属服务中心, which drives row-level scope."""

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
