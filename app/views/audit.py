"""Read-only audit trail screen (admin, auditor)."""

from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l

from app.models.audit import AuditLog
from app.views.base import ScopedModelView

EVENT_LABELS = {"create": _l("新增"), "update": _l("修改"), "delete": _l("删除"), "restore": _l("恢复")}


class AuditLogView(ScopedModelView):
    datamodel = SQLAInterface(AuditLog)
    class_permission_name = "AuditLog"
    base_permissions = ["can_read", "can_export"]  # no write: the log is append-only
    list_title = show_title = _l("操作日志")
    label_columns = {
        "at": _l("时间"),
        "user_name": _l("用户"),
        "event": _l("操作"),
        "table_name": _l("数据表"),
        "row_id": _l("记录号"),
        "before": _l("修改前"),
        "after": _l("修改后"),
    }
    list_columns = ["at", "user_name", "event", "table_name", "row_id", "after"]
    show_columns = ["at", "user_name", "event", "table_name", "row_id", "before", "after"]
    search_columns = ["user_name", "event", "table_name", "row_id", "at"]
    order_columns = ["at", "user_name", "table_name"]
    base_order = ("at", "desc")
    formatters_columns = {"event": lambda v: str(EVENT_LABELS.get(v, v))}
