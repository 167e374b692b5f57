"""装修 screens: applications (装修申请表, printable, with the approval chain and the
site's buttons), worker passes (printable 出入证), inspections with the 巡查逾期
list, rectification notices (printable 整改通知单, re-inspection), acceptance and
deposit refunds. REST resources are in app/views/renovation_api.py.

Views only declare and call one service function per button
(app.services.renovation / renovation_sites), flashing its message.
"""

from decimal import Decimal, InvalidOperation

from flask import abort, flash, g, redirect, request, send_file, url_for
from flask_appbuilder import expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, FileField

from app import timeutil
from app.errors import DomainError
from app.extensions import db
from app.models.estate import Household
from app.models.renovation import (
    ACCEPTANCE_RESULTS,
    INSPECTION_RESULTS,
    RECTIFICATION_STATUSES,
    SCOPE_FLAGS,
    Renovation,
    RenovationAcceptance,
    RenovationInspection,
    RenovationPass,
    RenovationRectification,
    RenovationRefund,
)
from app.security import METHOD_PERMISSIONS, READ, ROLES, WRITE
from app.services import renovation, renovation_sites, uploads
from app.services.records import scoped_select
from app.validators import check_id_number, check_phone, is_masked
from app.views.approvals import REQUEST_TYPE_LABELS, REQUEST_VIEWS, _can_decide
from app.views.base import ScopedModelView, interface
from app.views.fields import SearchSelectField, wtf_check
from app.views.personnel_columns import query_select, select_field
from app.views.renovation_columns import FORMATTERS, LABELS, PassInterface, label
from app.workflows.chains import EVENT_LABELS, STATUS_LABELS

REQUEST_TYPE_LABELS.update({"renovation": _l("装修申报"), "renovation_refund": _l("装修押金退还")})
REQUEST_VIEWS.update({"renovation": "RenovationView.show", "renovation_refund": "RenovationRefundView.show"})


def _parse_date(value):
    from datetime import date

    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise DomainError(_("日期格式应为YYYY-MM-DD")) from None


class RenovationBaseView(ScopedModelView):
    service = renovation
    label_columns = LABELS
    formatters_columns = FORMATTERS

    def _act(self, fn, *args, done=None, **kwargs):
        """One button = one service call; its refusal is flashed, nothing written."""
        try:
            fn(*args, **kwargs)
        except DomainError as e:
            db.session.rollback()
            flash(str(e), "danger")
            return False
        flash(done or _("已处理"), "success")
        return True

    def _row(self, pk):
        item = self.datamodel.get(pk)  # scoped: other centres' rows do not exist for you
        if item is None:
            abort(404)
        return item

    def _may(self, verb, resource=None):
        return self.appbuilder.sm.has_access(f"can_{verb}", resource or self.class_permission_name)


def _approved_sites():
    return db.session.scalars(scoped_select(Renovation).where(
        Renovation.status == "approved", Renovation.site_status.in_(("waiting", "in_progress")))
        .order_by(Renovation.id.desc())).unique().all()


def _active_sites():
    return db.session.scalars(scoped_select(Renovation).where(Renovation.site_status == "in_progress")
                              .order_by(Renovation.id.desc())).unique().all()


def _issue_inspections():
    return db.session.scalars(scoped_select(RenovationInspection).where(RenovationInspection.result == "issue")
                              .order_by(RenovationInspection.id.desc()).limit(200)).unique().all()


class RenovationView(RenovationBaseView):
    datamodel = interface(Renovation)
    class_permission_name = "Renovation"
    method_permission_name = {**METHOD_PERMISSIONS, "submit": WRITE, "site": WRITE, "overdue": READ}
    list_title = show_title = add_title = edit_title = _l("装修申报")
    show_template = "renovation/application.html"
    list_columns = ["center", "unit", "household", "contractor", "start_date", "planned_end_date", "deposit",
                    "status", "decision_due_at", "decision_overdue", "site_status"]
    show_columns = ["center", "unit", "household", "contractor", "contractor_person", "contractor_phone",
                    "worker_count", "scope_text", "scope_plumbing", "scope_walls", "scope_waterproofing",
                    "scope_doors_windows", "scope_air_conditioning", "start_date", "planned_end_date", "deposit",
                    "agreement_signed", "agreement_date", "status", "decision_due_at", "site_status",
                    "work_started_on", "accepted_on", "note"]
    add_columns = edit_columns = ["household", "contractor", "contractor_person", "contractor_phone",
                                  "worker_count", "scope_text", "scope_plumbing", "scope_walls",
                                  "scope_waterproofing", "scope_doors_windows", "scope_air_conditioning",
                                  "start_date", "planned_end_date", "deposit", "agreement_signed",
                                  "agreement_date", "note"]
    search_columns = ["center", "contractor", "status", "site_status", "start_date"]
    order_columns = ["start_date", "planned_end_date", "decision_due_at", "status"]
    lookup_columns = ["contractor"]
    validators_columns = {"contractor_phone": [wtf_check(check_phone)]}
    description_columns = {
        "scope_walls": _l("仅登记；承重墙不得拆改"),
        "deposit": _l("批准后生成装修押金账单，由收费员收取"),
        "household": _l("输入业主姓名或电话搜索"),
    }
    # NOT NULL booleans would be "required" (must be ticked) in FAB's generated form
    add_form_extra_fields = edit_form_extra_fields = {
        "household": SearchSelectField(_l("业主"), model=Household, endpoint="HouseholdView.lookup", required=True),
        **{flag: BooleanField(LABELS[flag]) for flag in (*SCOPE_FLAGS, "agreement_signed")},
    }
    search_form_extra_fields = {"status": select_field(_l("审批状态"), STATUS_LABELS, optional=True)}

    @expose("/show/<pk>")
    @has_access
    def show(self, pk):
        item = self._row(pk)
        widgets = self._show(item.id)
        acceptances = db.session.scalars(scoped_select(RenovationAcceptance).where(
            RenovationAcceptance.renovation_id == item.id).order_by(RenovationAcceptance.id)).unique().all()
        refunds = db.session.scalars(scoped_select(RenovationRefund).where(
            RenovationRefund.renovation_id == item.id).order_by(RenovationRefund.id)).unique().all()
        return self.render_template(
            self.show_template, pk=item.id, title=self.show_title, widgets=widgets, item=item,
            related_views=self._related_views, approval=item.approval,
            can_decide=item.approval is not None and _can_decide(item.approval),
            can_submit=item.status in ("draft", "returned") and self._may(WRITE), can_write=self._may(WRITE),
            print_title=_("装修申请表"), roles=ROLES, status_labels=STATUS_LABELS, event_labels=EVENT_LABELS,
            bill_status=renovation_sites.deposit_bill_status(item), acceptances=acceptances, refunds=refunds,
            open_notices=renovation_sites.open_notices(item.id), today=timeutil.today())

    @expose("/submit/<int:pk>", methods=["POST"])
    @has_access
    def submit(self, pk):
        """提交审批 (前台受理)."""
        self._act(renovation.submit, self._row(pk), actor=g.user, done=_("已提交审批"))
        return redirect(url_for(".show", pk=pk))

    @expose("/site/<int:pk>/<string:step>", methods=["POST"])
    @has_access
    def site(self, pk, step):
        """The site's buttons: 签订协议, 开工, 业主申请验收, 申请退押金."""
        item = self._row(pk)
        try:
            if step == "agreement":
                self._act(renovation.sign_agreement, item, _parse_date(request.form.get("on")))
            elif step == "start":
                self._act(renovation.start_work, item)
            elif step == "acceptance":
                self._act(renovation_sites.request_acceptance, item, _parse_date(request.form.get("on")))
            elif step == "refund":
                self._act(renovation_sites.request_refund, item, _deductions(request.form), actor=g.user,
                          note=request.form.get("note") or "", done=_("已提交财务审批"))
            else:
                abort(404)
        except DomainError as e:
            flash(str(e), "danger")
        return redirect(url_for(".show", pk=pk))

    @expose("/overdue/")
    @has_access
    def overdue(self):
        """逾期未批: pending applications past their 3-day decision deadline."""
        return self.render_template("renovation/overdue_decisions.html", title=_("装修申报逾期未批"),
                                    rows=renovation_sites.overdue_decisions())


def _deductions(form) -> list[dict]:
    lines = []
    for reason, amount in zip(form.getlist("reason"), form.getlist("amount"), strict=False):
        if (reason or "").strip() or (amount or "").strip():
            try:
                Decimal((amount or "").strip())
            except InvalidOperation:
                raise DomainError(_("金额格式无效，应为如 123.45 的数字")) from None
            lines.append({"reason": reason, "amount": amount.strip()})
    return lines


class RenovationPassView(RenovationBaseView):
    datamodel = PassInterface(RenovationPass)
    class_permission_name = "RenovationPass"
    method_permission_name = {**METHOD_PERMISSIONS, "revoke": WRITE, "photo": READ}
    list_title = show_title = add_title = edit_title = _l("装修出入证")
    show_template = "renovation/pass.html"
    list_columns = ["pass_no", "renovation", "holder_name", "id_number", "phone", "valid_from", "valid_to",
                    "pass_state", "center"]
    show_columns = list_columns
    add_columns = ["renovation", "pass_no", "holder_name", "id_number", "phone", "valid_from", "valid_to",
                   "photo_file"]
    edit_columns = ["holder_name", "id_number", "phone", "valid_from", "valid_to"]
    search_columns = ["center", "pass_no", "holder_name", "valid_to"]
    order_columns = ["pass_no", "valid_from", "valid_to"]
    validators_columns = {"id_number": [wtf_check(check_id_number, skip=is_masked)],
                          "phone": [wtf_check(check_phone)]}
    formatters_columns = {**FORMATTERS, "renovation": lambda r: str(r or "")}
    description_columns = {"pass_no": _l("留空则自动编号；同一服务中心内不得重复"),
                           "valid_to": _l("有效期须在装修期间内")}
    add_form_extra_fields = {
        "renovation": query_select(_l("装修申报"), _approved_sites),
        "photo_file": FileField(_l("照片（可选）"), render_kw={"accept": "image/*"}),
    }

    def pre_add(self, item):
        super().pre_add(item)
        item.photo = uploads.save_image(request.files.get("photo_file"), "renovation_passes")

    @expose("/show/<pk>")
    @has_access
    def show(self, pk):
        item = self._row(pk)
        return self.render_template(self.show_template, title=_("装修出入证"), item=item,
                                    state=FORMATTERS["pass_state"](item.pass_state),
                                    can_write=self._may(WRITE), id_number=FORMATTERS["id_number"](item.id_number))

    @expose("/revoke/<int:pk>", methods=["POST"])
    @has_access
    def revoke(self, pk):
        self._act(renovation_sites.revoke_pass, self._row(pk), request.form.get("reason") or "")
        return redirect(url_for(".show", pk=pk))

    @expose("/photo/<int:pk>")
    @has_access
    def photo(self, pk):
        item = self._row(pk)
        path = uploads.path_of("renovation_passes", item.photo) if item.photo else None
        if path is None:
            abort(404)
        return send_file(path)


RenovationPassView.label_columns = {**LABELS, "photo_file": _l("照片（可选）")}


class RenovationInspectionView(RenovationBaseView):
    datamodel = interface(RenovationInspection)
    class_permission_name = "RenovationInspection"
    method_permission_name = {**METHOD_PERMISSIONS, "overdue": READ}
    list_title = show_title = add_title = edit_title = _l("装修巡查")
    list_columns = ["inspected_at", "renovation", "inspector", "result", "findings", "center"]
    show_columns = list_columns
    add_columns = ["renovation", "result", "findings"]
    edit_columns = ["findings"]
    search_columns = ["center", "result", "inspected_at"]
    order_columns = ["inspected_at", "result"]
    base_order = ("inspected_at", "desc")
    formatters_columns = {**FORMATTERS, "result": label(INSPECTION_RESULTS)}
    description_columns = {"result": _l("发现问题时请在巡查后开具整改通知单")}
    add_form_extra_fields = {"renovation": query_select(_l("装修申报"), _active_sites),
                             "result": select_field(_l("结果"), INSPECTION_RESULTS)}

    @expose("/overdue/")
    @has_access
    def overdue(self):
        """巡查逾期: active sites not inspected for more than 2 days."""
        return self.render_template("renovation/inspection_overdue.html", title=_("装修巡查逾期（超过2天未巡查）"),
                                    rows=renovation_sites.inspection_overdue())


class RenovationRectificationView(RenovationBaseView):
    datamodel = interface(RenovationRectification)
    class_permission_name = "RenovationRectification"
    method_permission_name = {**METHOD_PERMISSIONS, "reinspect": WRITE, "overdue": READ}
    list_title = show_title = add_title = edit_title = _l("整改通知单")
    show_template = "renovation/rectification.html"
    list_columns = ["id", "renovation", "issue", "deadline", "status", "reinspection_count", "last_result", "center"]
    show_columns = list_columns
    add_columns = ["inspection", "issue", "deadline"]
    edit_columns = ["issue"]
    search_columns = ["center", "status", "deadline"]
    order_columns = ["deadline", "status"]
    base_order = ("deadline", "asc")
    formatters_columns = {**FORMATTERS, "status": label(RECTIFICATION_STATUSES)}
    add_form_extra_fields = {"inspection": query_select(_l("巡查记录"), _issue_inspections)}

    @expose("/show/<pk>")
    @has_access
    def show(self, pk):
        item = self._row(pk)
        return self.render_template(self.show_template, title=_("整改通知单"), item=item, today=timeutil.today(),
                                    can_write=self._may(WRITE))

    @expose("/reinspect/<int:pk>", methods=["POST"])
    @has_access
    def reinspect(self, pk):
        item = self._row(pk)
        try:
            self._act(renovation_sites.reinspect, item, request.form.get("passed") == "y",
                      request.form.get("notes") or "", _parse_date(request.form.get("new_deadline")))
        except DomainError as e:
            flash(str(e), "danger")
        return redirect(url_for(".show", pk=pk))

    @expose("/overdue/")
    @has_access
    def overdue(self):
        return self.render_template("renovation/notices_overdue.html", title=_("整改逾期未完成"),
                                    rows=renovation_sites.overdue_notices())


class RenovationAcceptanceView(RenovationBaseView):
    datamodel = interface(RenovationAcceptance)
    class_permission_name = "RenovationAcceptance"
    method_permission_name = {**METHOD_PERMISSIONS, "record": WRITE}
    list_title = show_title = add_title = edit_title = _l("竣工验收")
    show_template = "renovation/acceptance.html"
    list_columns = ["renovation", "requested_on", "result", "inspector", "inspected_at", "center"]
    show_columns = [*list_columns, "notes"]
    add_columns = ["renovation", "requested_on"]
    edit_columns = ["requested_on"]  # refused by the service: a request is kept as recorded
    search_columns = ["center", "result", "requested_on"]
    order_columns = ["requested_on", "inspected_at"]
    base_order = ("requested_on", "desc")
    formatters_columns = {**FORMATTERS, "result": label(ACCEPTANCE_RESULTS)}
    add_form_extra_fields = {"renovation": query_select(_l("装修申报"), _active_sites)}

    @expose("/show/<pk>")
    @has_access
    def show(self, pk):
        item = self._row(pk)
        return self.render_template(self.show_template, title=_("竣工验收"), item=item, results=ACCEPTANCE_RESULTS,
                                    can_write=self._may(WRITE))

    @expose("/record/<int:pk>", methods=["POST"])
    @has_access
    def record(self, pk):
        self._act(renovation_sites.record_acceptance, self._row(pk), request.form.get("result") or "",
                  request.form.get("notes") or "")
        return redirect(url_for(".show", pk=pk))


class RenovationRefundView(RenovationBaseView):
    datamodel = interface(RenovationRefund)
    class_permission_name = "RenovationRefund"
    list_title = show_title = _l("装修押金退还")
    show_template = "renovation/refund.html"
    list_columns = ["renovation", "deposit", "deductions_total", "refund_amount", "due_on", "status", "refunded_at",
                    "center"]
    show_columns = list_columns
    search_columns = ["center", "status", "due_on"]
    order_columns = ["due_on", "status"]
    base_permissions = ScopedModelView.base_permissions

    @expose("/show/<pk>")
    @has_access
    def show(self, pk):
        item = self._row(pk)
        return self.render_template(
            self.show_template, title=_("装修押金退还"), item=item, approval=item.approval,
            can_decide=item.approval is not None and _can_decide(item.approval), roles=ROLES,
            status_labels=STATUS_LABELS, event_labels=EVENT_LABELS)

    @expose("/add", methods=["GET", "POST"])
    @has_access
    def add(self):
        """A refund is asked from its renovation's page (申请退押金)."""
        abort(404)

    @expose("/edit/<pk>", methods=["GET", "POST"])
    @has_access
    def edit(self, pk):
        abort(404)
