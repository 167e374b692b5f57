"""装修 REST resources (DESIGN.md "Interfaces"): `renovation` (with submit and the
site actions), `renovationpass`, `renovationinspection`, `rectification`,
`renovationacceptance`, `renovationrefund`.

Every write goes through app.services.renovation(_sites), the same functions as
the screens; rows are centre-scoped by the data interface and checked again by
the services. Money travels as strings ("3000.00").
"""

from datetime import date

from flask import g
from flask_appbuilder.api import expose as api_expose
from flask_appbuilder.api import protect, safe
from flask_babel import gettext as _
from marshmallow.validate import OneOf

from app.errors import DomainError
from app.extensions import db
from app.models.renovation import (
    INSPECTION_RESULTS,
    Renovation,
    RenovationAcceptance,
    RenovationInspection,
    RenovationPass,
    RenovationRectification,
    RenovationRefund,
)
from app.security import METHOD_PERMISSIONS, READ, WRITE
from app.services import renovation, renovation_sites
from app.validators import check_id_number, check_phone
from app.views.base import comment_of, interface
from app.views.fields import api_check
from app.views.personnel_api import PersonnelApi
from app.views.renovation_columns import LABELS, PassInterface

_ACTIONS = {"submit", "agreement", "start", "acceptance", "refund", "revoke", "reinspect", "record"}


class RenovationBaseApi(PersonnelApi):
    service = renovation
    label_columns = LABELS
    method_permission_name = {**METHOD_PERMISSIONS, **{a: WRITE for a in _ACTIONS}, "overdue": READ}




def _date(value, field_label) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise DomainError(_("%(field)s日期格式应为YYYY-MM-DD", field=field_label)) from None


class RenovationApi(RenovationBaseApi):
    resource_name = "renovation"
    datamodel = interface(Renovation)
    class_permission_name = "Renovation"
    add_columns = edit_columns = [
        "household_id", "contractor", "contractor_person", "contractor_phone", "worker_count", "scope_text",
        "scope_plumbing", "scope_walls", "scope_waterproofing", "scope_doors_windows", "scope_air_conditioning",
        "start_date", "planned_end_date", "deposit", "agreement_signed", "agreement_date", "note",
    ]
    list_columns = show_columns = [
        "id", "center_id", "unit_id", *add_columns, "status", "approval_id", "decision_due_at", "site_status",
        "deposit_bill_id", "work_started_on", "accepted_on",
    ]
    order_columns = ["id", "start_date", "planned_end_date", "decision_due_at"]
    search_columns = ["center_id", "unit_id", "household_id", "status", "site_status", "contractor", "start_date"]
    validators_columns = {"contractor_phone": api_check(check_phone)}

    def pre_get(self, data):
        super().pre_get(data)
        _overdue_marks([data.get("result") or {}])

    def pre_get_list(self, data):
        super().pre_get_list(data)
        _overdue_marks(data.get("result") or [])

    @api_expose("/<int:pk>/submit", methods=["POST"])
    @protect()
    @safe
    def submit(self, pk):
        """提交审批 (前台受理): decided within 3 days."""
        return self._run(pk, lambda item, body: renovation.submit(
            item, actor=g.user, comment=comment_of(body)))

    @api_expose("/<int:pk>/agreement", methods=["POST"])
    @protect()
    @safe
    def agreement(self, pk):
        """装修协议 signed ({"signed_on": "YYYY-MM-DD"}, default today)."""
        return self._run(pk, lambda item, body: renovation.sign_agreement(
            item, _date(body.get("signed_on"), _("签订"))))

    @api_expose("/<int:pk>/start", methods=["POST"])
    @protect()
    @safe
    def start(self, pk):
        """开工: approved, agreement signed, deposit bill paid."""
        return self._run(pk, lambda item, body: renovation.start_work(item))

    @api_expose("/<int:pk>/acceptance", methods=["POST"])
    @protect()
    @safe
    def acceptance(self, pk):
        """业主申请竣工验收 ({"requested_on"}) → 201 the acceptance row."""
        def run(item, body):
            acc = renovation_sites.request_acceptance(item, _date(body.get("requested_on"), _("申请")))
            return {"id": acc.id, "result": _acceptance_dict(acc)}
        return self._run(pk, run, status=201)

    @api_expose("/<int:pk>/refund", methods=["POST"])
    @protect()
    @safe
    def refund(self, pk):
        """退押金 ({"deductions": [{"reason", "amount": "450.50"}], "note"}) → 201, submitted to finance."""
        def run(item, body):
            refund = renovation_sites.request_refund(item, body.get("deductions"), actor=g.user,
                                                     note=str(body.get("note") or ""))
            return {"id": refund.id, "result": refund_dict(refund)}
        return self._run(pk, run, status=201)


def _overdue_marks(rows) -> None:
    ids = [r["id"] for r in rows if r.get("id")]
    if not ids:
        return
    marks = {r.id: r.decision_overdue for r in db.session.scalars(
        renovation.records.scoped_select(Renovation).where(Renovation.id.in_(ids)))}
    for row in rows:
        row["decision_overdue"] = marks.get(row.get("id"), False)


class RenovationPassApi(RenovationBaseApi):
    resource_name = "renovationpass"
    datamodel = PassInterface(RenovationPass)
    class_permission_name = "RenovationPass"
    add_columns = ["renovation_id", "pass_no", "holder_name", "id_number", "phone", "valid_from", "valid_to"]
    edit_columns = ["holder_name", "id_number", "phone", "valid_from", "valid_to"]
    list_columns = show_columns = ["id", "center_id", *add_columns, "revoked_at", "revoked_by_id", "revoke_reason"]
    order_columns = ["id", "pass_no", "valid_to"]
    search_columns = ["center_id", "renovation_id", "pass_no", "holder_name"]
    mask_columns = ("id_number",)
    validators_columns = {"id_number": api_check(check_id_number), "phone": api_check(check_phone)}

    @api_expose("/<int:pk>/revoke", methods=["POST"])
    @protect()
    @safe
    def revoke(self, pk):
        """注销 ({"reason"})."""
        return self._run(pk, lambda item, body: renovation_sites.revoke_pass(item, str(body.get("reason") or "")))


class RenovationInspectionApi(RenovationBaseApi):
    resource_name = "renovationinspection"
    datamodel = interface(RenovationInspection)
    class_permission_name = "RenovationInspection"
    exclude_route_methods = {"put", "delete"}  # a log: kept as recorded
    add_columns = ["renovation_id", "findings", "result"]
    edit_columns = ["findings"]
    list_columns = show_columns = ["id", "center_id", *add_columns, "inspector_id", "inspected_at"]
    order_columns = ["id", "inspected_at"]
    search_columns = ["center_id", "renovation_id", "result", "inspector_id"]
    validators_columns = {"result": OneOf(list(INSPECTION_RESULTS))}

    @api_expose("/overdue", methods=["GET"])
    @protect()
    @safe
    def overdue(self):
        """巡查逾期: active sites not inspected for more than 2 days."""
        rows = renovation_sites.inspection_overdue()
        return self.response(200, count=len(rows), result=[
            {"renovation_id": site.id, "center_id": site.center_id, "unit_id": site.unit_id,
             "last_inspected_on": last.isoformat() if last else None, "days_without_inspection": days}
            for site, last, days in rows])


class RectificationApi(RenovationBaseApi):
    resource_name = "rectification"
    datamodel = interface(RenovationRectification)
    class_permission_name = "RenovationRectification"
    exclude_route_methods = {"put", "delete"}  # changes only through reinspect
    add_columns = ["inspection_id", "issue", "deadline"]
    edit_columns = ["issue"]
    list_columns = show_columns = ["id", "center_id", "renovation_id", *add_columns, "status", "reinspection_count",
                                   "last_reinspected_at", "last_result", "last_notes", "closed_at"]
    order_columns = ["id", "deadline"]
    search_columns = ["center_id", "renovation_id", "status", "deadline"]

    @api_expose("/<int:pk>/reinspect", methods=["POST"])
    @protect()
    @safe
    def reinspect(self, pk):
        """复查 ({"passed": true|false, "notes", "new_deadline"})."""
        return self._run(pk, lambda item, body: renovation_sites.reinspect(
            item, body.get("passed") is True, str(body.get("notes") or ""),
            _date(body.get("new_deadline"), _("整改期限"))))


def _acceptance_dict(acc: RenovationAcceptance) -> dict:
    return {"id": acc.id, "center_id": acc.center_id, "renovation_id": acc.renovation_id,
            "requested_on": acc.requested_on.isoformat(), "deadline": acc.deadline.isoformat(),
            "overdue": acc.is_overdue, "result": acc.result, "notes": acc.notes, "inspector_id": acc.inspector_id,
            "inspected_at": acc.inspected_at.isoformat() if acc.inspected_at else None}


class RenovationAcceptanceApi(RenovationBaseApi):
    resource_name = "renovationacceptance"
    datamodel = interface(RenovationAcceptance)
    class_permission_name = "RenovationAcceptance"
    include_route_methods = {"get", "get_list", "info", "post", "record"}
    add_columns = ["renovation_id", "requested_on"]
    list_columns = show_columns = ["id", "center_id", *add_columns, "result", "notes", "inspector_id",
                                   "inspected_at"]
    order_columns = ["id", "requested_on"]
    search_columns = ["center_id", "renovation_id", "result", "requested_on"]

    def get_headless(self, pk, **kwargs):
        acc = self.datamodel.get(pk)
        return self.response(200, id=pk, result=_acceptance_dict(acc)) if acc else self.response_404()

    @api_expose("/<int:pk>/record", methods=["POST"])
    @protect()
    @safe
    def record(self, pk):
        """验收结果 ({"result": "passed"|"failed", "notes"})."""
        def run(item, body):
            renovation_sites.record_acceptance(item, str(body.get("result") or ""), str(body.get("notes") or ""))
            return {"id": item.id, "result": _acceptance_dict(item)}
        return self._run(pk, run)


def refund_dict(refund: RenovationRefund) -> dict:
    return {"id": refund.id, "center_id": refund.center_id, "renovation_id": refund.renovation_id,
            "deposit": f"{refund.deposit:.2f}", "deductions_total": f"{refund.deductions_total:.2f}",
            "refund_amount": f"{refund.refund_amount:.2f}", "due_on": refund.due_on.isoformat(),
            "overdue": refund.is_overdue, "status": refund.status, "approval_id": refund.approval_id,
            "refunded_at": refund.refunded_at.isoformat() if refund.refunded_at else None,
            "refunded_by_id": refund.refunded_by_id, "note": refund.note,
            "deductions": [{"reason": d.reason, "amount": f"{d.amount:.2f}"} for d in refund.lines]}


class RenovationRefundApi(RenovationBaseApi):
    resource_name = "renovationrefund"
    datamodel = interface(RenovationRefund)
    class_permission_name = "RenovationRefund"
    include_route_methods = {"get", "get_list", "info"}
    list_columns = show_columns = ["id", "center_id", "renovation_id", "deposit", "deductions_total",
                                   "refund_amount", "due_on", "status", "approval_id", "refunded_at",
                                   "refunded_by_id", "note"]
    order_columns = ["id", "due_on"]
    search_columns = ["center_id", "renovation_id", "status"]

    def get_headless(self, pk, **kwargs):
        refund = self.datamodel.get(pk)
        return self.response(200, id=pk, result=refund_dict(refund)) if refund else self.response_404()
