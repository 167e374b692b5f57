"""交接班 screens: posts, shifts, rota (排班), major incidents, the handover log
with its printable 交接班记录 page (签收, checklist), and shift swaps (换班).

Views only declare; every rule is in app/services/handover.py and
shift_swaps.py (REST resources: app/views/handover_api.py).
"""

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.actions import action
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import TimeField
from wtforms.validators import DataRequired, Optional

from app.errors import DomainError
from app.extensions import db
from app.models.handover import (
    HANDOVER_STATUSES,
    POST_CATEGORIES,
    Handover,
    MajorIncident,
    Post,
    RotaEntry,
    Shift,
    ShiftSwap,
)
from app.security import METHOD_PERMISSIONS, WRITE, center_scope
from app.services import handover as service
from app.services import shift_swaps
from app.views import approvals as approval_views
from app.views.base import ScopedModelView, interface
from app.views.personnel import ApprovableView
from app.views.personnel_columns import enum_label, query_select, select_field
from app.workflows.chains import STATUS_LABELS
from app.workflows.handover import GRACE_MINUTES
from app.workflows.work_orders import KINDS, STATES, severity_label

approval_views.REQUEST_TYPE_LABELS.setdefault("shiftswap", _l("换班申请"))
approval_views.REQUEST_VIEWS.setdefault("shiftswap", "ShiftSwapView.show")

LABELS = {
    "id": _l("编号"), "center": _l("服务中心"), "center_id": _l("服务中心"), "code": _l("岗位编号"),
    "name": _l("名称"), "category": _l("岗位类别"), "checklist_items": _l("交接物品清单"), "active": _l("启用"),
    "start": _l("开始时间"), "end": _l("结束时间"), "day": _l("日期"), "post": _l("岗位"), "post_id": _l("岗位"),
    "shift": _l("班次"), "shift_id": _l("班次"), "user": _l("值班人员"), "user_id": _l("值班人员"),
    "note": _l("备注"), "notes": _l("备注"), "title": _l("事件"), "opened_at": _l("发生时间"),
    "closed_at": _l("关闭时间"), "outgoing": _l("交班人"), "outgoing_id": _l("交班人"),
    "incoming": _l("接班人"), "incoming_id": _l("接班人"), "handed_at": _l("交班时间"),
    "shift_date": _l("班次日期"), "is_late": _l("迟交"), "late_minutes": _l("迟交分钟"),
    "leader_instructions": _l("领导指示"), "status": _l("状态"), "signed_at": _l("签收时间"),
    "override_reason": _l("主管特批理由"), "override_by": _l("特批人"), "override_at": _l("特批时间"),
    "requester": _l("申请人"), "requester_id": _l("申请人"), "counterpart": _l("换班对象"),
    "counterpart_id": _l("换班对象"), "swap_date": _l("申请人班次日期"), "requester_shift": _l("申请人班次"),
    "requester_shift_id": _l("申请人班次"), "counterpart_date": _l("对方班次日期"),
    "counterpart_shift": _l("对方班次"), "counterpart_shift_id": _l("对方班次"), "reason": _l("换班原因"),
    "swapped_at": _l("换班生效时间"), "approval_id": _l("审批编号"), "created_on": _l("创建时间"),
    "changed_on": _l("修改时间"),
}


def _blank(v):
    return "" if v is None else v


def _when(v):
    return f"{v:%Y-%m-%d %H:%M}" if v else ""


def _yes(v):
    return _("是") if v else ""


def _staff():
    return service.staff_of(center_scope())


def people_picker(label, required=True):
    return query_select(label, _staff, get_label=service.person_name,
                        validators=[DataRequired()] if required else [Optional()], allow_blank=not required)


PEOPLE = {"outgoing": service.person_name, "incoming": service.person_name, "user": service.person_name,
          "requester": service.person_name, "counterpart": service.person_name}


class HandoverRegisterView(ScopedModelView):
    service = service
    label_columns = LABELS
    formatters_columns = {**PEOPLE, "note": _blank, "notes": _blank, "closed_at": _when, "opened_at": _when,
                          "handed_at": _when, "signed_at": _when, "is_late": _yes, "active": _yes,
                          "category": enum_label(POST_CATEGORIES), "status": enum_label(HANDOVER_STATUSES),
                          "post": _blank}


class PostView(HandoverRegisterView):
    datamodel = interface(Post)
    class_permission_name = "ShiftPost"
    list_title = show_title = add_title = edit_title = _l("岗位")
    list_columns = ["center", "code", "name", "category", "checklist_items", "active"]
    show_columns = [*list_columns, "created_on", "changed_on"]
    add_columns = edit_columns = ["center", "code", "name", "category", "checklist_items", "active"]
    search_columns = ["center", "code", "name", "category"]
    order_columns = ["code", "name"]
    base_order = ("code", "asc")
    description_columns = {"checklist_items": _l("交接时清点的物品，用“、”分隔，如：对讲机、钥匙、现金、资料"),
                           "category": _l("前台交接全部未办结工单和投诉；工程交接未完成的报修")}
    add_form_extra_fields = edit_form_extra_fields = {"category": select_field(_l("岗位类别"), POST_CATEGORIES)}


class ShiftView(HandoverRegisterView):
    datamodel = interface(Shift)
    class_permission_name = "Shift"
    list_title = show_title = add_title = edit_title = _l("班次")
    list_columns = ["center", "name", "start", "end"]
    show_columns = [*list_columns, "created_on", "changed_on"]
    add_columns = edit_columns = ["center", "name", "start", "end"]
    search_columns = ["center", "name"]
    order_columns = ["name", "start"]
    base_order = ("start", "asc")
    description_columns = {"end": _l("结束时间早于或等于开始时间表示跨夜（次日结束），如 16:00–00:00")}
    # FAB has no form field for Time columns
    add_form_extra_fields = edit_form_extra_fields = {
        "start": TimeField(_l("开始时间"), render_kw={"class": "form-control"}),
        "end": TimeField(_l("结束时间"), render_kw={"class": "form-control"}),
    }


class RotaEntryView(HandoverRegisterView):
    datamodel = interface(RotaEntry)
    class_permission_name = "RotaEntry"
    list_title = show_title = add_title = edit_title = _l("排班表")
    list_columns = ["day", "shift", "post", "user", "note", "center"]
    show_columns = [*list_columns, "created_on", "changed_on"]
    add_columns = edit_columns = ["day", "post", "shift", "user", "note"]
    search_columns = ["center", "day", "post", "shift"]
    order_columns = ["day"]
    base_order = ("day", "asc")
    add_form_extra_fields = edit_form_extra_fields = {"user": people_picker(_l("值班人员"))}


class MajorIncidentView(HandoverRegisterView):
    datamodel = interface(MajorIncident)
    class_permission_name = "MajorIncident"
    method_permission_name = {**METHOD_PERMISSIONS, "close_incident": WRITE}
    list_title = show_title = add_title = edit_title = _l("重大事件登记")
    list_columns = ["center", "post", "title", "opened_at", "closed_at"]
    show_columns = [*list_columns, "note", "created_on", "changed_on"]
    add_columns = edit_columns = ["center", "post", "title", "note"]
    search_columns = ["center", "post", "title", "opened_at"]
    order_columns = ["opened_at", "closed_at"]
    base_order = ("opened_at", "desc")
    description_columns = {"post": _l("未关闭期间该岗位不能交接班（除非主管特批）；不选岗位则影响本中心所有岗位")}

    @action("close_incident", _l("关闭事件"), confirmation=_l("确认该事件已处理完毕并关闭?"), multiple=False,
            single=True)
    def close_incident(self, item):
        try:
            service.close_incident(item, actor=g.user)
            flash(_("已处理"), "success")
        except DomainError as e:
            db.session.rollback()
            flash(str(e), "danger")
        return redirect(request.referrer or self.get_redirect())


class HandoverView(HandoverRegisterView):
    datamodel = interface(Handover)
    class_permission_name = "Handover"
    method_permission_name = {**METHOD_PERMISSIONS, "sign": WRITE, "checklist": WRITE}
    list_title = _l("交接班记录")
    show_title = _l("交接班记录")
    add_title = _l("交班")
    edit_title = _l("修改交接班记录")
    show_template = "handover/show.html"
    list_columns = ["post", "shift", "shift_date", "outgoing", "incoming", "handed_at", "is_late", "status",
                    "signed_at", "center"]
    show_columns = list_columns
    add_columns = ["post", "shift", "incoming", "outgoing", "leader_instructions", "notes", "override_reason"]
    edit_columns = ["incoming", "leader_instructions", "notes"]
    search_columns = ["center", "post", "shift", "status", "is_late", "handed_at"]
    order_columns = ["handed_at", "shift_date", "status"]
    base_order = ("handed_at", "desc")
    description_columns = {
        "outgoing": _l("默认为本人；主管可代为登记他人的交班"),
        "override_reason": _l("仅主管填写：有未关闭的重大事件或重大投诉时特批交接的理由"),
        "incoming": _l("接班人登录后签收，签收后记录锁定"),
    }
    add_form_extra_fields = {"incoming": people_picker(_l("接班人")),
                             "outgoing": people_picker(_l("交班人"), required=False)}
    edit_form_extra_fields = {"incoming": people_picker(_l("接班人"))}

    @expose("/show/<pk>")
    @has_access
    def show(self, pk):
        item = self.datamodel.get(pk)
        if item is None:
            abort(404)
        user = g.user
        return self.render_template(
            self.show_template, title=self.show_title, item=item, person=service.person_name,
            statuses=HANDOVER_STATUSES, kinds=KINDS, states=STATES, severity_label=severity_label,
            grace=GRACE_MINUTES, may_write=self.appbuilder.sm.has_access("can_write", "Handover"),
            can_sign=item.status == "open" and user.id == item.incoming_id,
            can_fill=item.status == "open" and (user.id == item.outgoing_id or service.is_supervisor(user)),
        )

    @expose("/sign/<int:pk>", methods=["POST"])
    @has_access
    def sign(self, pk):
        """签收 by the incoming person; refusals are flashed."""
        item = self.datamodel.get(pk)
        if item is None:
            abort(404)
        try:
            service.sign(item, actor=g.user)
        except DomainError as e:
            flash(str(e), "danger")
        else:
            flash(_("已签收，交接班记录已锁定"), "success")
        return redirect(url_for(".show", pk=pk))

    @expose("/checklist/<int:pk>", methods=["POST"])
    @has_access
    def checklist(self, pk):
        item = self.datamodel.get(pk)
        if item is None:
            abort(404)
        form = request.form
        values = {c.id: {"count": form.get(f"count-{c.id}"), "ok": form.get(f"ok-{c.id}") == "y",
                         "note": form.get(f"note-{c.id}")} for c in item.checks}
        try:
            service.save_checklist(item, values, actor=g.user)
        except DomainError as e:
            flash(str(e), "danger")
        else:
            flash(_("物品清单已保存"), "success")
        return redirect(url_for(".show", pk=pk))

    @action("sign_action", _l("签收"), confirmation=_l("确认签收该交接班记录?签收后不能修改"), multiple=False,
            single=True)
    def sign_action(self, item):
        try:
            service.sign(item, actor=g.user)
            flash(_("已签收，交接班记录已锁定"), "success")
        except DomainError as e:
            flash(str(e), "danger")
        return redirect(request.referrer or self.get_redirect())


class ShiftSwapView(ApprovableView):
    datamodel = interface(ShiftSwap)
    class_permission_name = "ShiftSwap"
    service = shift_swaps
    list_title = show_title = add_title = edit_title = _l("换班申请")
    print_title = _l("换班申请表")
    label_columns = LABELS
    formatters_columns = {**PEOPLE, "status": enum_label(STATUS_LABELS), "swapped_at": _when}
    list_columns = ["requester", "counterpart", "post", "swap_date", "requester_shift", "counterpart_date",
                    "counterpart_shift", "status", "center"]
    show_columns = [*list_columns, "reason", "swapped_at", "created_on"]
    add_columns = ["post", "requester", "counterpart", "swap_date", "requester_shift", "counterpart_date",
                   "counterpart_shift", "reason"]
    edit_columns = add_columns[2:]
    search_columns = ["center", "post", "status", "swap_date"]
    order_columns = ["swap_date", "status"]
    base_order = ("swap_date", "desc")
    description_columns = {
        "requester": _l("默认为本人；主管可代为登记"),
        "counterpart_date": _l("不填则与申请人班次日期相同；双方须为同一岗位，节假日不能换班，每人每月最多2次"),
    }
    _people = {"counterpart": people_picker(_l("换班对象"))}
    add_form_extra_fields = {"requester": people_picker(_l("申请人"), required=False), **_people}
    edit_form_extra_fields = _people

    @expose("/submit/<int:pk>", methods=["POST"])
    @has_access
    def submit(self, pk):
        """提交审批 after the swap rules are checked again; a refusal is flashed."""
        item = self.datamodel.get(pk)
        if item is None:
            abort(404)
        try:
            shift_swaps.submit(item, actor=g.user, comment=(request.form.get("comment") or "")[:2000])
        except DomainError as e:
            db.session.rollback()
            flash(str(e), "danger")
        else:
            flash(_("已提交审批"), "success")
        return redirect(url_for(".show", pk=pk))


