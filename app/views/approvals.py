"""Approval screens (待我审批 inbox, detail with history and decision form,
chain settings) and the REST resource `approval` with its actions."""

from flask import flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.api import expose as api_expose
from flask_appbuilder.api import protect, safe
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.errors import DomainError
from app.extensions import db
from app.models.approvals import Approval, ApprovalChain, ApprovalChainStep
from app.security import METHOD_PERMISSIONS, RESOURCE_PERMISSIONS, ROLES
from app.services import approval_inbox, approvals, chains
from app.services.paging import page_arg
from app.services.records import scoped_get
from app.views.base import ScopedModelRestApi, ScopedModelView, interface
from app.views.list_orders import approvals_by_due
from app.workflows.chains import EVENT_LABELS, STATUS_LABELS

REQUEST_TYPE_LABELS = {
    "resignation": _l("员工离职申请"),
    "requisition": _l("人员需求申请"),
    "appointment": _l("职务任免及工资审批"),
    "leave": _l("请假申请"),
    "settlement": _l("离职人员工资结算"),
}

#: request type → the endpoint of its detail page (the paper form the approver reads)
REQUEST_VIEWS = {
    "resignation": "ResignationView.show",
    "requisition": "RequisitionView.show",
    "appointment": "AppointmentView.show",
    "leave": "LeaveView.show",
    "settlement": "SalarySettlementView.show",
}

LABELS = {
    "title": _l("申请"),
    "request_type": _l("申请类型"),
    "status": _l("状态"),
    "current_step": _l("当前步骤"),
    "required_role": _l("待审批角色"),
    "due_at": _l("截止时间"),
    "submitted_at": _l("提交时间"),
    "submitted_by": _l("提交人"),
    "decided_at": _l("完成时间"),
    "center": _l("服务中心"),
    "overdue_label": _l("是否逾期"),
}

#: FAB method → verb for approval screens: deciding is a write.
DECIDE_PERMISSIONS = {**METHOD_PERMISSIONS, "inbox": "read", "decide": "write"}


def _label(mapping, value):
    return str(mapping.get(value, value or ""))


def decide_or_flash(fn, approval, **kwargs) -> bool:
    """Run one approval action for the web UI; flash the outcome."""
    try:
        fn(approval, actor=g.user, **kwargs)
    except DomainError as e:
        db.session.rollback()
        flash(str(e), "danger")
        return False
    flash(_("已处理"), "success")
    return True


class ApprovalView(ScopedModelView):
    """All approvals of the user's centres, with the decision page."""

    datamodel = interface(Approval)
    class_permission_name = "Approval"
    method_permission_name = DECIDE_PERMISSIONS
    list_title = _l("审批记录")
    show_title = _l("审批详情")
    show_template = "approvals/show.html"
    label_columns = LABELS
    list_columns = ["title", "request_type", "status", "required_role", "due_at", "submitted_at", "center"]
    search_columns = ["request_type", "status", "title", "submitted_at"]
    order_columns = ["submitted_at", "due_at", "status"]
    base_order = ("due", "asc")  # pending first, the one due soonest on top
    compound_orders = {"due": approvals_by_due}
    formatters_columns = {
        "request_type": lambda v: _label(REQUEST_TYPE_LABELS, v),
        "status": lambda v: _label(STATUS_LABELS, v),
        "required_role": lambda v: _label(ROLES, v),
    }
    base_permissions = RESOURCE_PERMISSIONS

    @expose("/show/<pk>")
    @has_access
    def show(self, pk):
        approval = self.datamodel.get(pk)
        if approval is None:
            return self._not_found()
        return self.render_template(
            self.show_template,
            title=self.show_title,
            approval=approval,
            can_decide=_can_decide(approval),
            request_type_label=_label(REQUEST_TYPE_LABELS, approval.request_type),
            request_url=_request_url(approval),
            status_labels=STATUS_LABELS,
            event_labels=EVENT_LABELS,
            roles=ROLES,
        )

    @expose("/decide/<int:pk>", methods=["POST"])
    @has_access
    def decide(self, pk):
        approval = self.datamodel.get(pk)
        if approval is None:
            return self._not_found()
        action = request.form.get("action")
        comment = (request.form.get("comment") or "").strip()
        step = request.form.get("step", type=int)
        if action == "approve":
            decide_or_flash(approvals.approve, approval, comment=comment, step=step,
                            override=request.form.get("override") == "y")
        elif action == "reject":
            decide_or_flash(approvals.reject, approval, comment=comment, step=step)
        elif action == "return":
            decide_or_flash(approvals.return_for_revision, approval, comment=comment, step=step)
        elif action == "withdraw":
            decide_or_flash(approvals.withdraw, approval, comment=comment)
        else:
            flash(_("未知的操作"), "danger")
        return redirect(request.form.get("next") or url_for(".show", pk=pk))

    def _not_found(self):
        from flask import abort

        abort(404)


def _request_url(approval) -> str | None:
    endpoint = REQUEST_VIEWS.get(approval.request_type)
    return url_for(endpoint, pk=approval.request_id) if endpoint else None


def _can_decide(approval) -> bool:
    try:
        approvals._check_can_decide(approval, g.user, None)
    except DomainError:
        return False
    return True


class ApprovalInboxView(BaseView):
    """待我审批: what waits for the signed-in user, the most urgent first, a page at a time."""

    route_base = "/inbox"
    default_view = "inbox"
    class_permission_name = "Approval"
    method_permission_name = DECIDE_PERMISSIONS
    base_permissions = RESOURCE_PERMISSIONS  # same resource as ApprovalView: same set

    @expose("/")
    @has_access
    def inbox(self):
        """One page (50) of what waits for the user, the most urgent first."""
        page = approval_inbox.inbox_page(g.user, page_arg(request.args))
        return self.render_template(
            "approvals/inbox.html",
            title=_("待我审批"),
            inbox=page,
            type_labels=REQUEST_TYPE_LABELS,
            roles=ROLES,
        )


class ApprovalChainView(ScopedModelView):
    """Admin edits the chains (steps, roles, scope, due hours)."""

    datamodel = interface(ApprovalChain)
    class_permission_name = "ApprovalChain"
    list_title = show_title = edit_title = add_title = _l("审批流程设置")
    label_columns = {"request_type": _l("流程代码"), "name": _l("名称"), "active": _l("启用"), "steps": _l("步骤")}
    list_columns = ["request_type", "name", "active", "steps"]
    edit_columns = add_columns = ["request_type", "name", "active"]
    search_columns = ["request_type", "name"]
    order_columns = ["request_type", "name"]
    base_order = ("request_type", "asc")
    service = chains


class ApprovalChainStepView(ApprovalChainView):
    datamodel = interface(ApprovalChainStep)
    list_title = show_title = edit_title = add_title = _l("审批步骤")
    label_columns = {
        "chain": _l("流程"), "position": _l("顺序"), "role": _l("审批角色"),
        "scope": _l("范围"), "label": _l("步骤名称"), "due_hours": _l("时限(小时)"),
    }
    list_columns = ["chain", "position", "label", "role", "scope", "due_hours"]
    edit_columns = add_columns = ["chain", "position", "label", "role", "scope", "due_hours"]
    search_columns = ["chain", "role"]
    order_columns = ["position", "role"]
    base_order = ("chain_id", "asc")
    formatters_columns = {"role": lambda v: _label(ROLES, v)}


# -- REST ------------------------------------------------------------------------

class ApprovalApi(ScopedModelRestApi):
    resource_name = "approval"
    datamodel = interface(Approval)
    class_permission_name = "Approval"
    method_permission_name = {**DECIDE_PERMISSIONS, "approve": "write", "reject": "write",
                              "return_": "write", "withdraw": "write"}
    label_columns = LABELS
    list_columns = show_columns = [
        "id", "center_id", "request_type", "request_id", "title", "status",
        "current_step", "required_role", "due_at", "submitted_at", "decided_at",
    ]
    order_columns = ["id", "submitted_at", "due_at"]
    search_columns = ["request_type", "status", "center_id"]
    add_columns = edit_columns = []
    exclude_route_methods = {"post", "put", "delete"}

    def get_headless(self, pk, **kwargs):
        """One approval with its steps and full decision history."""
        approval = scoped_get(Approval, pk)
        if approval is None:
            return self.response_404()
        return self.response(200, id=approval.id, result=_approval_dict(approval))

    @api_expose("/inbox", methods=["GET"])
    @protect()
    @safe
    def inbox(self):
        """What waits for the caller's decision."""
        rows = db.session.scalars(approvals.inbox_query(g.user)).all()
        return self.response(200, count=len(rows), result=[_approval_dict(a) for a in rows])

    def _act(self, pk, fn, **kwargs):
        approval = scoped_get(Approval, pk)
        if approval is None:
            return self.response_404()
        try:
            fn(approval, actor=g.user, **kwargs)
        except DomainError as e:
            db.session.rollback()
            return self.response(e.status, message=str(e))
        return self.response(200, result=_approval_dict(scoped_get(Approval, pk)))

    def _body(self):
        body = request.get_json(silent=True) or {}
        return str(body.get("comment") or "")[:2000], body

    @api_expose("/<int:pk>/approve", methods=["POST"])
    @protect()
    @safe
    def approve(self, pk):
        comment, body = self._body()
        return self._act(pk, approvals.approve, comment=comment,
                         override=bool(body.get("override")), step=body.get("step"))

    @api_expose("/<int:pk>/reject", methods=["POST"])
    @protect()
    @safe
    def reject(self, pk):
        comment, body = self._body()
        return self._act(pk, approvals.reject, comment=comment, step=body.get("step"))

    @api_expose("/<int:pk>/return", methods=["POST"])
    @protect()
    @safe
    def return_(self, pk):
        comment, body = self._body()
        return self._act(pk, approvals.return_for_revision, comment=comment, step=body.get("step"))

    @api_expose("/<int:pk>/withdraw", methods=["POST"])
    @protect()
    @safe
    def withdraw(self, pk):
        comment, _body = self._body()
        return self._act(pk, approvals.withdraw, comment=comment)


def _approval_dict(a: Approval) -> dict:
    return {
        "id": a.id,
        "center_id": a.center_id,
        "request_type": a.request_type,
        "request_id": a.request_id,
        "title": a.title,
        "status": a.status,
        "current_step": a.current_step,
        "required_role": a.required_role,
        "due_at": a.due_at.isoformat() if a.due_at else None,
        "overdue": a.is_overdue,
        "submitted_by_id": a.submitted_by_id,
        "submitted_at": a.submitted_at.isoformat(),
        "decided_at": a.decided_at.isoformat() if a.decided_at else None,
        "steps": [
            {"position": s.position, "label": s.label, "role": s.role, "scope": s.scope,
             "decision": s.decision, "decided_by": s.decided_by_name,
             "decided_at": s.decided_at.isoformat() if s.decided_at else None,
             "comment": s.comment, "override": s.override}
            for s in a.steps
        ],
        "history": [
            {"at": e.at.isoformat(), "action": e.action, "actor": e.actor_name, "step": e.step,
             "comment": e.comment, "override": e.override}
            for e in a.events
        ],
    }
