"""现金管理 screens: 红冲 requests, 今日日结 and the day-close register with
finance's confirmation, and the day-close journal report (page + Excel).

Views only declare and call one service function (app/services/reversals.py,
day_close.py, cash_journal.py); refusals are flashed. The reversal request
type is made known to the approval screens (label, detail page) from here.
"""

import os
import tempfile
from datetime import date, timedelta

from flask import abort, after_this_request, flash, g, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.actions import action
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import timeutil
from app.errors import DomainError
from app.extensions import db
from app.models.billing import PAYMENT_METHODS, PAYMENT_STATUSES, Payment
from app.models.cash import DAY_CLOSE_LABELS, DAY_CLOSE_STATUSES, METHOD_COLUMNS, DayClose, PaymentReversal
from app.models.estate import ServiceCenter
from app.reports.day_close_report import write_journal
from app.security import METHOD_PERMISSIONS, READ, ROLES, WRITE
from app.services import cash_journal, day_close, records, reversals
from app.views import approvals as approval_views
from app.views.approvals import _can_decide
from app.views.base import ScopedModelView, interface
from app.views.cash_api import CONFIRM, DAY_CLOSE_PERMISSIONS
from app.workflows.chains import EVENT_LABELS, STATUS_LABELS

approval_views.REQUEST_TYPE_LABELS.setdefault("reversal", _l("收款红冲"))
approval_views.REQUEST_VIEWS.setdefault("reversal", "PaymentReversalView.show")

LABELS = {
    "center": _l("服务中心"),
    "payment": _l("收据"),
    "payment.household": _l("业户"),
    "payment.method": _l("付款方式"),
    "amount": _l("红冲金额(元)"),
    "reason": _l("红冲原因"),
    "requested_by": _l("申请人"),
    "approved_by": _l("审批人"),
    "status": _l("状态"),
    "booked_on": _l("入账日期"),
    "booked_at": _l("入账时间"),
    "created_on": _l("创建时间"),
    **DAY_CLOSE_LABELS,
}


def _label(mapping):
    return lambda value: str(mapping.get(value, value or ""))


class _ShowWithContext(ScopedModelView):
    label_columns = LABELS

    def _render_show(self, pk, context):
        """FAB's detail page plus the row and `context(row)` for our templates."""
        pk = self._deserialize_pk_if_composite(pk)
        widgets = self._show(pk)  # 404 outside the user's scope
        item = self.datamodel.get(pk)
        return self.render_template(self.show_template, pk=pk, title=self.show_title, widgets=widgets,
                                    related_views=self._related_views, item=item, **context(item))


class PaymentReversalView(_ShowWithContext):
    """红冲申请: made from a payment (申请红冲), decided by finance in 待我审批."""

    datamodel = interface(PaymentReversal)
    class_permission_name = "PaymentReversal"
    method_permission_name = {**METHOD_PERMISSIONS, "new": WRITE, "submit": WRITE}
    include_route_methods = {"list", "show", "export", "new", "submit"}
    service = reversals
    list_title = show_title = _l("红冲申请")
    show_template = "cash/reversal_show.html"
    list_columns = ["center", "payment", "amount", "reason", "requested_by", "status", "booked_on"]
    show_columns = [*list_columns, "payment.household", "approved_by", "booked_at", "created_on"]
    search_columns = ["center", "status", "booked_on"]
    order_columns = ["booked_on", "amount"]
    base_order = ("id", "desc")
    formatters_columns = {"status": _label(STATUS_LABELS)}

    @expose("/show/<pk>")
    @has_access
    def show(self, pk):
        return self._render_show(pk, lambda item: {
            "approval": item.approval,
            "can_decide": item.approval is not None and _can_decide(item.approval),
            "can_submit": item.status in ("draft", "returned") and g.user.id == item.requested_by_id,
            "roles": ROLES, "status_labels": STATUS_LABELS, "event_labels": EVENT_LABELS,
        })

    @expose("/new/<int:payment_id>", methods=["GET", "POST"])
    @has_access
    def new(self, payment_id):
        """申请红冲 of one payment: the reason, then straight to 财务审批."""
        payment = records.scoped_get(Payment, payment_id)
        if payment is None:
            abort(404)
        if request.method == "POST":
            try:
                item = reversals.request_reversal(payment_id, request.form.get("reason"), actor=g.user, submit=True)
            except DomainError as e:
                flash(str(e), "danger")
            else:
                flash(_("红冲申请已提交财务审批"), "success")
                return redirect(url_for(".show", pk=item.id))
        return self.render_template("cash/reversal_new.html", title=_("申请红冲"), payment=payment,
                                    methods=PAYMENT_METHODS, statuses=PAYMENT_STATUSES)

    @expose("/submit/<int:pk>", methods=["POST"])
    @has_access
    def submit(self, pk):
        item = self.datamodel.get(pk)
        if item is None:
            abort(404)
        try:
            reversals.submit(item, actor=g.user, comment=(request.form.get("comment") or "")[:2000])
        except DomainError as e:
            flash(str(e), "danger")
        else:
            flash(_("已提交审批"), "success")
        return redirect(url_for(".show", pk=pk))


class DayCloseView(_ShowWithContext):
    """日结 register: the cashier's own centre, company-wide for finance; 财务确认."""

    datamodel = interface(DayClose)
    class_permission_name = "DayClose"
    base_permissions = DAY_CLOSE_PERMISSIONS
    method_permission_name = {**METHOD_PERMISSIONS, CONFIRM: CONFIRM, "today": READ, "close": WRITE}
    include_route_methods = {"list", "show", "edit", "export", "action", "action_post", "today", "close"}
    service = day_close
    list_title = show_title = edit_title = _l("日结记录")
    show_template = "cash/dayclose_show.html"
    list_columns = ["center", "business_date", "cashier", "payment_count", "cash_total", "noncash_total",
                    "reversals_total", "cash_handed", "difference", "status", "confirmed_by"]
    show_columns = ["center", "business_date", "cashier", "payment_count", "reversal_count",
                    *METHOD_COLUMNS.values(), "reversals_total", "cash_total", "noncash_total", "cash_handed",
                    "difference", "difference_note", "status", "submitted_at", "confirmed_by", "confirmed_at"]
    edit_columns = ["cash_handed", "difference_note"]
    search_columns = ["center", "business_date", "status"]
    order_columns = ["business_date", "status"]
    base_order = ("business_date", "desc")
    formatters_columns = {"status": _label(DAY_CLOSE_STATUSES)}

    @expose("/show/<pk>")
    @has_access
    def show(self, pk):
        return self._render_show(pk, lambda item: {
            "payments": day_close.day_payments(item.cashier_id, item.business_date),
            "reversals": day_close.day_reversals(item.cashier_id, item.business_date),
            "methods": PAYMENT_METHODS, "payment_statuses": PAYMENT_STATUSES,
        })

    @action(CONFIRM, _l("财务确认"), confirmation=_l("确认已收到该日结的现金?"), multiple=False, single=True)
    def confirm(self, item):
        if item is None:
            abort(404)
        try:
            day_close.confirm(item, actor=g.user)
        except DomainError as e:
            flash(str(e), "danger")
        else:
            flash(_("日结已确认"), "success")
        return redirect(url_for(".show", pk=item.id))

    @expose("/today/")
    @has_access
    def today(self):
        """今日日结: today's totals of the signed-in cashier, before closing."""
        day = timeutil.today()
        found = day_close.day_totals(g.user.id, day)
        return self.render_template("cash/today.html", title=_("今日日结"), day=day, found=found,
                                    closed=day_close.closed(g.user.id, day), labels=LABELS,
                                    method_columns=METHOD_COLUMNS, methods=PAYMENT_METHODS,
                                    payment_statuses=PAYMENT_STATUSES)

    @expose("/close/", methods=["POST"])
    @has_access
    def close(self):
        try:
            item = day_close.close_day(g.user, cash_handed=request.form.get("cash_handed"),
                                       difference_note=request.form.get("difference_note") or "")
        except DomainError as e:
            flash(str(e), "danger")
            return redirect(url_for(".today"))
        flash(_("日结已提交财务"), "success")
        return redirect(url_for(".show", pk=item.id))


class DayCloseReportView(BaseView):
    """日结汇总: each day's closes per centre and date range, with their lines; Excel."""

    route_base = "/dayclosereport"
    default_view = "journal"
    class_permission_name = "DayCloseReport"
    method_permission_name = {"journal": "read", "export": "export"}
    base_permissions = ["can_read", "can_export"]

    def _filters(self):
        today = timeutil.today()
        try:
            start = date.fromisoformat(request.args.get("start") or (today - timedelta(days=30)).isoformat())
            end = date.fromisoformat(request.args.get("end") or today.isoformat())
        except ValueError:
            abort(400)
        center_id = request.args.get("center_id", type=int)
        centres = db.session.scalars(records.scoped_select(ServiceCenter).order_by(ServiceCenter.code)).all()
        chosen = [c.id for c in centres if center_id in (None, c.id)]
        return start, end, center_id, centres, chosen

    @expose("/")
    @has_access
    def journal(self):
        start, end, center_id, centres, chosen = self._filters()
        closes = cash_journal.closes(chosen, start, end)
        return self.render_template("cash/journal.html", title=_("日结汇总"), start=start, end=end,
                                    center_id=center_id, centres=centres, closes=closes,
                                    totals=cash_journal.sum_closes(closes), labels=LABELS,
                                    method_columns=METHOD_COLUMNS, statuses=DAY_CLOSE_STATUSES)

    @expose("/export")
    @has_access
    def export(self):
        start, end, _center_id, _centres, chosen = self._filters()
        closes = cash_journal.closes(chosen, start, end)
        fd, path = tempfile.mkstemp(suffix=".xlsx")
        os.close(fd)
        write_journal(path, *cash_journal.workbook_parts(closes, start, end))

        @after_this_request
        def _cleanup(response):
            response.call_on_close(lambda: os.path.exists(path) and os.remove(path))
            return response

        return send_file(path, as_attachment=True, download_name=f"day-close-{start}-{end}.xlsx")
