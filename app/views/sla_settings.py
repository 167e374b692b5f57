"""Settings of the SLA clocks: policies per kind/severity (admin), each
centre's working hours (centre manager, own centre) and holidays (admin)."""

from flask_appbuilder.fieldwidgets import Select2Widget
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, TimeField

from app.models.work_orders import Holiday, SlaPolicy, WorkCalendar
from app.services import sla_config
from app.views.base import ScopedModelView, interface
from app.workflows.work_orders import KINDS, SEVERITY_CHOICES

LABELS = {
    "kind": _l("工单类型"), "severity": _l("紧急程度"), "dispatch_minutes": _l("派工(分钟)"),
    "respond_minutes": _l("响应(分钟)"), "onsite_minutes": _l("到场(分钟)"), "complete_hours": _l("完成(小时)"),
    "response_working_hours": _l("投诉响应(工作小时)"), "response_outside_hours": _l("非工作时间响应(小时)"),
    "callback_working_days": _l("回访(工作日)"), "callback_max_hours": _l("回访最迟(小时)"),
    "rework_arrange_hours": _l("返修安排(小时)"), "center": _l("服务中心"), "start": _l("上班时间"),
    "end": _l("下班时间"), "weekdays": _l("工作日"), "day": _l("日期"), "name": _l("名称"),
    "center_id": _l("服务中心"),
}


class SlaPolicyView(ScopedModelView):
    datamodel = interface(SlaPolicy)
    class_permission_name = "SlaPolicy"
    service = sla_config
    list_title = show_title = add_title = edit_title = _l("工单时限规则")
    label_columns = LABELS
    list_columns = ["kind", "severity", "dispatch_minutes", "respond_minutes", "onsite_minutes", "complete_hours",
                    "response_working_hours", "callback_working_days", "rework_arrange_hours"]
    add_columns = edit_columns = ["kind", "severity", "dispatch_minutes", "respond_minutes", "onsite_minutes",
                                  "complete_hours", "response_working_hours", "response_outside_hours",
                                  "callback_working_days", "callback_max_hours", "rework_arrange_hours"]
    search_columns = ["kind", "severity"]
    order_columns = ["kind", "severity"]
    base_order = ("kind", "asc")
    formatters_columns = {
        "kind": lambda v: str(KINDS.get(v, v)),
        "severity": lambda v: str(SEVERITY_CHOICES.get(v, v or "")),
    }
    add_form_extra_fields = edit_form_extra_fields = {
        "kind": SelectField(_l("工单类型"), choices=list(KINDS.items()), widget=Select2Widget()),
        "severity": SelectField(_l("紧急程度"), choices=[("", "")] + list(SEVERITY_CHOICES.items()),
                                widget=Select2Widget()),
    }


class WorkCalendarView(ScopedModelView):
    datamodel = interface(WorkCalendar)
    class_permission_name = "WorkCalendar"
    service = sla_config
    list_title = show_title = add_title = edit_title = _l("服务中心工作时间")
    label_columns = LABELS
    list_columns = ["center", "start", "end", "weekdays"]
    add_columns = edit_columns = ["center", "start", "end", "weekdays"]
    search_columns = ["center"]
    order_columns = ["start"]
    base_order = ("center_id", "asc")
    description_columns = {"weekdays": _l("0–6 的数字，0 为星期一，例如 01234 表示周一至周五")}
    # FAB has no form field for Time columns
    add_form_extra_fields = edit_form_extra_fields = {
        "start": TimeField(_l("上班时间"), render_kw={"class": "form-control"}),
        "end": TimeField(_l("下班时间"), render_kw={"class": "form-control"}),
    }


class HolidayView(ScopedModelView):
    datamodel = interface(Holiday)
    class_permission_name = "Holiday"
    service = sla_config
    list_title = show_title = add_title = edit_title = _l("节假日")
    label_columns = LABELS
    list_columns = ["day", "name", "center_id"]
    add_columns = edit_columns = ["day", "name"]
    search_columns = ["day", "name"]
    order_columns = ["day"]
    base_order = ("day", "desc")
