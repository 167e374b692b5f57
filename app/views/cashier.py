"""收银台 (cashier desk), receipts (printable page and PDF) and the 收缴率 report.

Views only read the request and call services: payment is
app.services.cashier.take_payment → payments.pay (one transaction; every
refusal comes back as a DomainError whose Chinese message is flashed, and
nothing is written). The desk is the "Payment" resource (cashier writes;
center_manager, finance, gm, auditor read); the report is "FeeReport".
"""

import os
import tempfile

from flask import abort, after_this_request, flash, g, jsonify, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import timeutil
from app.errors import DomainError, NotFound
from app.extensions import db
from app.models.billing import PAYMENT_METHODS
from app.reports.collection_report import write_collection
from app.reports.receipt_pdf import receipt_pdf
from app.security import EXPORT, READ, RESOURCE_PERMISSIONS, WRITE, center_scope
from app.services import cashier, collection, receipts


def pdf_labels() -> dict:
    """The receipt's captions in the reader's language (the PDF module has no Flask)."""
    return {
        "title": _("收款收据"), "receipt_no": _("收据号"), "center": _("服务中心"), "household": _("业户"),
        "unit": _("房屋单元"), "period": _("账期"), "item": _("收费项目"), "amount": _("金额(元)"),
        "due_date": _("应缴日期"), "total": _("合计"), "words": _("大写"), "method": _("付款方式"),
        "cashier": _("收费员"), "paid_at": _("收款时间"), "printed_at": _("打印时间"), "reversed": _("已红冲"),
    }


def receipt_pdf_response(pk: int):
    """The receipt PDF of a payment in the user's centres, as an attachment <receipt no>.pdf."""
    try:
        r = receipts.receipt(pk)
    except NotFound:
        abort(404)
    fd, path = tempfile.mkstemp(suffix=".pdf")
    with os.fdopen(fd, "wb") as out:
        out.write(receipt_pdf(r, pdf_labels()))

    @after_this_request
    def _cleanup(response):
        response.call_on_close(lambda: os.path.exists(path) and os.remove(path))
        return response

    return send_file(path, mimetype="application/pdf", as_attachment=True, download_name=f"{r.receipt_no}.pdf")


class CashierDeskView(BaseView):
    """收银台: find a household, tick its unpaid bills, take the payment, print the receipt."""

    route_base = "/cashier"
    default_view = "desk"
    class_permission_name = "Payment"
    method_permission_name = {"desk": READ, "households": READ, "take": WRITE, "receipt": READ,
                              "receipt_pdf": READ}
    # Same set as PaymentView / PaymentApi: FAB's sync keeps one resource's permissions whole.
    base_permissions = RESOURCE_PERMISSIONS

    @expose("/")
    @has_access
    def desk(self):
        hh_id = request.args.get("household") or None
        hh = cashier.household(hh_id) if hh_id else None
        if hh_id and hh is None:
            flash(_("业户不存在或不在您的服务中心范围内"), "danger")
        term = (request.args.get("q") or "").strip()
        bills = cashier.unpaid_bills(hh) if hh else []
        return self.render_template(
            "cashier/desk.html", title=_("收银台"), household=hh, bills=bills,
            total=cashier.total(d.bill for d in bills), methods=PAYMENT_METHODS, term=term,
            matches=cashier.search_households(term) if term and hh is None else [],
            can_pay=self.appbuilder.sm.has_access("can_write", "Payment"))

    @expose("/households/")
    @has_access
    def households(self):
        """select2 JSON: households of the user's centres by room number, name or phone."""
        found = cashier.search_households(request.args.get("q") or "")
        return jsonify(results=[{"id": h.id, "text": f"{h} {h.phone}"} for h in found],
                       pagination={"more": False})

    @expose("/pay", methods=["POST"])
    @has_access
    def take(self):
        form = request.form
        try:
            payment = cashier.take_payment(form.getlist("bill_ids"), form.get("method"), form.get("amount"),
                                           actor=g.user)
        except DomainError as e:
            db.session.rollback()
            flash(str(e), "danger")
            return redirect(url_for(".desk", household=form.get("household_id") or None))
        flash(_("收款成功，收据号 %(no)s", no=payment.receipt_no), "success")
        return redirect(url_for(".receipt", pk=payment.id))

    @expose("/receipt/<int:pk>")
    @has_access
    def receipt(self, pk):
        try:
            r = receipts.receipt(pk)
        except NotFound:
            abort(404)
        return self.render_template("cashier/receipt.html", title=_("收款收据"), receipt=r)

    @expose("/receipt/<int:pk>.pdf")
    @has_access
    def receipt_pdf(self, pk):
        return receipt_pdf_response(pk)


COLLECTION_HEADERS = (_l("账期"), _l("服务中心"), _l("楼栋"), _l("应收金额(元)"), _l("实收金额(元)"),
                      _l("未收金额(元)"), _l("收缴率(%)"), _l("应缴户数"), _l("已缴清户数"))


class CollectionReportView(BaseView):
    """收缴率: billed vs collected per centre, building and period (late fees excluded)."""

    route_base = "/feereport"
    default_view = "collection"
    class_permission_name = "FeeReport"
    method_permission_name = {"collection": READ, "collection_export": EXPORT}
    base_permissions = ["can_read", "can_export"]

    def _filters(self):
        today = timeutil.today()
        months_ago = today.year * 12 + today.month - 1 - 2  # default: the last three periods
        default_start = f"{months_ago // 12:04d}-{months_ago % 12 + 1:02d}"
        start = (request.args.get("start") or default_start).strip()
        end = (request.args.get("end") or today.strftime("%Y-%m")).strip()
        center_id = request.args.get("center", type=int)
        scope = center_scope()
        if center_id is not None and scope is not None and center_id not in scope:
            abort(404)
        return start, end, center_id

    @expose("/collection/")
    @has_access
    def collection(self):
        start, end, center_id = self._filters()
        try:
            rows = collection.collection_rows(start, end, center_id)
        except DomainError as e:
            flash(str(e), "danger")
            rows = []
        return self.render_template("cashier/collection.html", title=_("收缴率"), rows=rows, start=start,
                                    end=end, center_id=center_id, centers=collection.visible_centers(),
                                    headers=COLLECTION_HEADERS)

    @expose("/collection/export")
    @has_access
    def collection_export(self):
        start, end, center_id = self._filters()
        try:
            rows = collection.collection_rows(start, end, center_id)
        except DomainError as e:
            flash(str(e), "danger")
            return redirect(url_for(".collection"))
        fd, path = tempfile.mkstemp(suffix=".xlsx")
        os.close(fd)
        write_collection(path, _("收缴率 %(start)s 至 %(end)s", start=start, end=end),
                         [str(h) for h in COLLECTION_HEADERS], rows, _("小计"))

        @after_this_request
        def _cleanup(response):
            response.call_on_close(lambda: os.path.exists(path) and os.remove(path))
            return response

        return send_file(path, as_attachment=True, download_name=f"collection-{start}-{end}.xlsx")
