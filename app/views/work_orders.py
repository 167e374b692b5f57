"""工单 screens: the register, the desk, my orders, the detail page with
deadlines and transition forms, and the REST resource `workorder`."""

import os
import tempfile
from datetime import timedelta

from flask import abort, after_this_request, flash, g, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.api import expose as api_expose
from flask_appbuilder.api import protect, safe
from flask_appbuilder.fieldwidgets import Select2Widget
from flask_appbuilder.security.sqla.models import Role, User
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import FileField, SelectField

from app import timeutil
from app.errors import DomainError
from app.extensions import db
from app.models.estate import Household, ServiceCenter, Unit
from app.models.work_orders import WorkOrder
from app.reports.work_order_report import write_report
from app.security import METHOD_PERMISSIONS, RESOURCE_PERMISSIONS, role_names
from app.services import records, uploads
from app.services import work_order_desk as desk_queries
from app.services import work_orders as service
from app.services.paging import page_arg
from app.services.sla_scan import weekly_sample
from app.services.work_order_kpis import kpis_by_center, month_bounds
from app.validators import check_phone
from app.views.base import ScopedModelRestApi, ScopedModelView, interface
from app.views.fields import SearchSelectField, api_check, wtf_check
from app.views.list_orders import work_orders_by_urgency
from app.views.versioning import VERSION_FIELD, VersionedApi, VersionedEditView
from app.workflows.work_orders import (
    CALLBACK_METHODS,
    KINDS,
    REPAIR_SCOPES,
    SATISFACTION,
    SEVERITY_CHOICES,
    SOURCES,
    STATES,
    TECHNICAL_KINDS,
    TRANSITIONS,
)

DEPARTMENTS = {"engineering": _l("工程部"), "service": _l("客服部"), "security": _l("秩序部"),
               "cleaning": _l("环境部")}
CLOCK_LABELS = {"dispatch": _l("派工"), "respond": _l("响应"), "onsite": _l("到场"), "complete": _l("完成"),
                "callback": _l("回访"), "rework_arrange": _l("返修安排"), "return": _l("退回")}

LABELS = {
    "order_no": _l("工单号"), "kind": _l("类型"), "severity": _l("紧急程度"), "severity_label": _l("紧急程度"),
    "repair_scope": _l("报修范围"),
    "source": _l("来源"), "household": _l("业户"), "unit": _l("房屋单元"), "contact_name": _l("联系人"),
    "contact_phone": _l("联系电话"), "location": _l("位置"), "description": _l("问题描述"),
    "department": _l("责任部门"), "assignee": _l("处理人"), "status": _l("状态"), "received_at": _l("受理时间"),
    "complete_due": _l("完成时限"), "respond_due": _l("响应时限"), "center": _l("服务中心"),
    "quoted_price": _l("报价(元)"), "materials": _l("材料"), "satisfaction": _l("满意度"),
    "completed_at": _l("完成时间"),
}


def _label(mapping):
    return lambda v: str(mapping.get(v, v or ""))


def _choices(mapping, blank=False):
    items = list(mapping.items())  # lazy labels: translated when the form renders
    return [("", "")] + items if blank else items


_SELECTS = {
    "kind": SelectField(_l("类型"), choices=_choices(KINDS), widget=Select2Widget()),
    "severity": SelectField(_l("紧急程度"), choices=_choices(SEVERITY_CHOICES, blank=True), widget=Select2Widget()),
    "repair_scope": SelectField(_l("报修范围"), choices=_choices(REPAIR_SCOPES, blank=True),
                                widget=Select2Widget()),
    "source": SelectField(_l("来源"), choices=_choices(SOURCES), widget=Select2Widget()),
    "department": SelectField(_l("责任部门"), choices=_choices(DEPARTMENTS, blank=True), widget=Select2Widget()),
}


class WorkOrderView(VersionedEditView, ScopedModelView):
    datamodel = interface(WorkOrder)
    class_permission_name = "WorkOrder"
    method_permission_name = {**METHOD_PERMISSIONS, "act": "write", "photo": "read"}
    service = service
    list_title = _l("工单")
    show_title = _l("工单详情")
    add_title = _l("新建工单")
    edit_title = _l("修改工单")
    show_template = "work_orders/show.html"
    label_columns = LABELS
    list_columns = ["order_no", "kind", "severity_label", "status", "contact_name", "unit", "assignee",
                    "received_at", "complete_due"]
    add_columns = ["kind", "severity", "repair_scope", "source", "household", "unit", "contact_name",
                   "contact_phone", "location", "description", "photo_file", "department", "quoted_price",
                   "materials"]
    edit_columns = ["contact_name", "contact_phone", "location", "description", "department", "quoted_price",
                    "materials", VERSION_FIELD]
    search_columns = ["order_no", "kind", "severity", "status", "source", "contact_phone", "received_at"]
    order_columns = ["order_no", "received_at", "complete_due", "status"]
    base_order = ("urgency", "asc")  # open 急修/重大 first, then the soonest deadline
    compound_orders = {"urgency": work_orders_by_urgency}
    formatters_columns = {"kind": _label(KINDS), "status": _label(STATES),
                          "source": _label(SOURCES)}
    validators_columns = {"contact_phone": [wtf_check(check_phone)]}
    add_form_extra_fields = {
        **_SELECTS,
        "household": SearchSelectField(_l("业户"), model=Household, endpoint="HouseholdView.lookup"),
        "unit": SearchSelectField(_l("房屋单元"), model=Unit, endpoint="UnitView.lookup"),
        "photo_file": FileField(_l("照片（可选）"), render_kw={"accept": "image/*"}),
    }
    edit_form_extra_fields = {"department": _SELECTS["department"], **VersionedEditView.version_extra_fields}
    search_form_extra_fields = {k: _SELECTS[k] for k in ("kind", "source")}
    description_columns = {"household": _l("输入业主姓名或电话搜索；公共区域报修可只选房屋单元或不选")}

    def pre_add(self, item):
        """The photo is stored only once the order itself is valid."""
        super().pre_add(item)
        item.photo = uploads.save_image(request.files.get("photo_file"), "work_orders")

    @expose("/photo/<int:pk>")
    @has_access
    def photo(self, pk):
        order = self.datamodel.get(pk)  # scoped: other centres' photos do not exist for you
        path = uploads.path_of("work_orders", order.photo) if order is not None and order.photo else None
        if path is None:
            abort(404)
        return send_file(path)

    def post_add_redirect(self):
        return redirect(url_for("WorkOrderDeskView.desk"))

    @expose("/show/<pk>")
    @has_access
    def show(self, pk):
        order = self.datamodel.get(pk)
        if order is None:
            abort(404)
        return self.render_template(self.show_template, title=self.show_title, order=order,
                                    **detail_context(order))

    @expose("/act/<int:pk>", methods=["POST"])
    @has_access
    def act(self, pk):
        order = self.datamodel.get(pk)
        if order is None:
            abort(404)
        form = request.form
        try:
            service.transition(
                order, form.get("action", ""), actor=g.user, reason=form.get("reason", ""),
                assignee_id=form.get("assignee_id", type=int), agreed_at=form.get("agreed_at") or None,
                satisfaction=form.get("satisfaction"), method=form.get("method"),
                owner_signed=form.get("owner_signed") == "y", defect=form.get("defect") == "y",
                note=form.get("note", ""),
            )
            flash(_("已处理"), "success")
        except DomainError as e:
            db.session.rollback()
            flash(str(e), "danger")
        return redirect(request.form.get("next") or url_for(".show", pk=pk))


def technicians_with_load(center_id: int, kind: str = "repair"):
    """Technicians of the order's centre with their open-order counts (for dispatch)."""
    roles = ["technician"] if kind in TECHNICAL_KINDS else list(service.ASSIGNEE_ROLES)
    users = db.session.scalars(
        select(User).join(User.roles).where(Role.name.in_(roles), User.active.is_(True))
    ).unique().all()
    users = [u for u in users if any(c.id == center_id for c in u.centers)]
    load = service.technician_load({center_id})
    return [(u, load.get(u.id, 0)) for u in sorted(users, key=lambda u: load.get(u.id, 0))]


#: Transitions that undo work or end the order: the button asks first (js/ux.js data-confirm).
CONFIRM_ACTIONS = {
    "return": _l("确认退单?工单将退回客服重新派工"),
    "suspend": _l("确认挂起该工单?"),
    "close": _l("确认关闭该工单?关闭后不能再处理"),
}


def detail_context(order: WorkOrder) -> dict:
    actions = [t for t in TRANSITIONS.values() if order.status in t.sources
               and role_names(g.user) & (t.roles | {"admin"})]
    return {
        "clocks": service.clock_status(order),
        "actions": actions,
        "technicians": technicians_with_load(order.center_id, order.kind) if any(
            a.name in ("dispatch", "transfer") for a in actions) else [],
        "confirm_actions": CONFIRM_ACTIONS,
        "labels": {"kind": KINDS, "status": STATES, "source": SOURCES,
                   "scope": REPAIR_SCOPES, "clock": CLOCK_LABELS, "satisfaction": SATISFACTION,
                   "method": CALLBACK_METHODS, "department": DEPARTMENTS},
    }


class WorkOrderDeskView(BaseView):
    """The desk: open orders, most urgent first, a page at a time (services/work_order_desk.py),
    the counts on the filter buttons, and each technician's load; my orders."""

    route_base = "/desk"
    default_view = "desk"
    class_permission_name = "WorkOrder"
    method_permission_name = {"desk": "read", "mine": "read"}
    base_permissions = RESOURCE_PERMISSIONS

    def _render(self, title, criteria, only):
        now = timeutil.now()
        only_filter = only if only != "mine" else None
        page = desk_queries.desk_page(now, *criteria, only=only_filter, page=page_arg(request.args))
        overdue = service.overdue_ids(page.rows, now)
        load = page.counts["load"] if only != "mine" else []
        return self.render_template("work_orders/desk.html", title=title, desk=page, overdue=overdue,
                                    now=now, only=only, load=load, labels=detail_context_labels())

    @expose("/")
    @has_access
    def desk(self):
        """All open orders of the user's centres, 50 a page, overdue first (filters: overdue, due soon)."""
        only = request.args.get("filter")
        return self._render(_("工单台"), [], only if only in desk_queries.FILTERS else None)

    @expose("/mine")
    @has_access
    def mine(self):
        return self._render(_("我的工单"), [WorkOrder.assignee_id == g.user.id], "mine")


def detail_context_labels():
    return {"kind": KINDS, "status": STATES, "source": SOURCES}


# -- REST ---------------------------------------------------------------------------

class WorkOrderApi(VersionedApi, ScopedModelRestApi):
    resource_name = "workorder"
    datamodel = interface(WorkOrder)
    class_permission_name = "WorkOrder"
    method_permission_name = {**METHOD_PERMISSIONS, "act": "write"}
    service = service
    label_columns = LABELS
    list_columns = show_columns = [
        "id", "order_no", "center_id", "household_id", "unit_id", "kind", "severity", "repair_scope", "source",
        "contact_name", "contact_phone", "location", "description", "department", "status", "assignee_id",
        "received_at", "dispatch_due", "respond_due", "onsite_due", "complete_due", "callback_due",
        "completed_at", "visited_at", "satisfaction", "quoted_price", "rework_count", "version",
    ]
    add_columns = ["household_id", "unit_id", "kind", "severity", "repair_scope", "source", "contact_name",
                   "contact_phone", "location", "description", "department", "quoted_price", "materials"]
    edit_columns = ["contact_name", "contact_phone", "location", "description", "department", "quoted_price",
                    "materials"]
    order_columns = ["id", "received_at", "complete_due"]
    search_columns = ["center_id", "household_id", "kind", "severity", "source", "status", "assignee_id"]
    validators_columns = {"contact_phone": api_check(check_phone)}

    @api_expose("/<int:pk>/<string:action>", methods=["POST"])
    @protect()
    @safe
    def act(self, pk, action):
        """Fire a transition: dispatch, transfer, return, start, reschedule, suspend, resume,
        complete, answer, callback, close. Body: reason, assignee_id, agreed_at (ISO),
        satisfaction, method, owner_signed, defect, note."""
        order = records.scoped_get(WorkOrder, pk)
        if order is None:
            return self.response_404()
        body = request.get_json(silent=True) or {}
        try:
            service.transition(
                order, action, actor=g.user, reason=str(body.get("reason") or ""),
                assignee_id=body.get("assignee_id"), agreed_at=body.get("agreed_at"),
                satisfaction=body.get("satisfaction"), method=body.get("method"),
                owner_signed=bool(body.get("owner_signed")), defect=bool(body.get("defect")),
                note=str(body.get("note") or ""),
            )
        except DomainError as e:
            db.session.rollback()
            return self.response(e.status, message=str(e))
        order = records.scoped_get(WorkOrder, pk)
        return self.response(200, result={
            "id": order.id, "status": order.status, "assignee_id": order.assignee_id,
            "clocks": [{"clock": c["clock"], "due": c["due"].isoformat(),
                        "done": c["done"].isoformat() if c["done"] else None, "met": c["met"]}
                       for c in service.clock_status(order)],
        })



# -- monthly KPIs ----------------------------------------------------------------------

KPI_COLUMNS = [
    ("timely_rate", _l("零修急修及时率(%)")), ("pass_rate", _l("维修合格率(%)")), ("rework_rate", _l("返修率(%)")),
    ("callback_rate", _l("回访率(%)")), ("satisfaction_rate", _l("满意率(%)")),
    ("repairs_due", _l("应完成零修急修")), ("repairs_on_time", _l("按时完成")), ("repairs_completed", _l("完成维修")),
    ("repair_callbacks", _l("维修回访")), ("repair_defects", _l("返修")), ("completed", _l("完成工单")),
    ("called_back", _l("已回访")),
]


class WorkOrderKpiView(BaseView):
    """月度工单统计: the five KPIs per centre, counts by kind and source, Excel."""

    route_base = "/workorderkpi"
    default_view = "month"
    class_permission_name = "WorkOrderReport"
    method_permission_name = {"month": "read", "export": "export", "sample": "read"}
    base_permissions = ["can_read", "can_export"]

    def _period(self):
        period = request.args.get("period") or (timeutil.today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
        try:
            month_bounds(period)
        except ValueError:
            abort(400)
        return period

    def _kpis(self, period):
        centers = db.session.scalars(records.scoped_select(ServiceCenter).order_by(ServiceCenter.code)).all()
        kpis = kpis_by_center([c.id for c in centers], period)
        return [(c, kpis[c.id]) for c in centers]

    @expose("/")
    @has_access
    def month(self):
        period = self._period()
        return self.render_template("work_orders/kpis.html", title=_("月度工单统计"), period=period,
                                    rows=self._kpis(period), columns=KPI_COLUMNS, kinds=KINDS, sources=SOURCES)

    @expose("/sample")
    @has_access
    def sample(self):
        """每周抽查回访: 30 % (at least 3) of last week's repairs, for the centre manager."""
        today = timeutil.today()
        week = today - timedelta(days=today.weekday())
        centers = db.session.scalars(records.scoped_select(ServiceCenter).order_by(ServiceCenter.code)).all()
        picks = [(c, weekly_sample(c.id, week)) for c in centers]
        return self.render_template("work_orders/sample.html", title=_("每周抽查回访"), week=week, picks=picks,
                                    labels=detail_context_labels())

    @expose("/export")
    @has_access
    def export(self):
        period = self._period()
        rows = self._kpis(period)
        start, end = month_bounds(period)
        orders = db.session.scalars(
            records.scoped_select(WorkOrder).where(WorkOrder.received_at >= start, WorkOrder.received_at < end)
            .order_by(WorkOrder.received_at).execution_options(yield_per=1000)
        )
        fd, path = tempfile.mkstemp(suffix=".xlsx")
        os.close(fd)
        write_report(
            path,
            {"kpis": _("指标"), "orders": _("工单明细"), "heading": _("月度工单统计 %(period)s", period=period)},
            [_("服务中心")] + [str(label) for _key, label in KPI_COLUMNS],
            ([c.name] + [getattr(k, key) for key, _label in KPI_COLUMNS] for c, k in rows),
            [_("工单号"), _("类型"), _("紧急程度"), _("来源"), _("状态"), _("受理时间"), _("完成时限"), _("完成时间"),
             _("满意度")],
            ([o.order_no, str(KINDS.get(o.kind, o.kind)), o.severity_label,
              str(SOURCES.get(o.source, o.source)), str(STATES.get(o.status, o.status)), o.received_at,
              o.complete_due, o.completed_at, str(SATISFACTION.get(o.satisfaction, ""))] for o in orders),
        )

        @after_this_request
        def _cleanup(response):
            response.call_on_close(lambda: os.path.exists(path) and os.remove(path))
            return response

        return send_file(path, as_attachment=True, download_name=f"work-orders-{period}.xlsx")
