"""REST resources `reversal` (红冲) and `dayclose` (日结); money travels as strings.

- POST /api/v1/reversal/ {payment_id, reason} → 201 draft; POST /<id>/submit
  starts the chain (财务审批); finance decides through /api/v1/approval/<id>/….
- GET /api/v1/dayclose/today → the caller's totals of today, before closing;
  POST /api/v1/dayclose/ {cash_handed: "1234.50", difference_note, business_date?}
  closes the day; PUT changes cash_handed / difference_note while submitted;
  POST /<id>/confirm is finance's confirmation.
Refusals answer 4xx {"message"} in the caller's language.
"""

from datetime import date

from flask import g, request
from flask_appbuilder.api import expose as api_expose
from flask_appbuilder.api import protect, safe
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.errors import DomainError
from app.models.cash import DayClose, PaymentReversal
from app.security import METHOD_PERMISSIONS, READ, RESOURCE_PERMISSIONS, WRITE
from app.services import day_close, records, reversals
from app.views.base import ScopedModelRestApi, comment_of, interface

CONFIRM = "confirm"
#: DayClose screens and API share this permission set (confirm is finance's alone).
DAY_CLOSE_PERMISSIONS = [*RESOURCE_PERMISSIONS, f"can_{CONFIRM}"]

LABELS = {
    "id": _l("序号"),
    "center_id": _l("服务中心"),
    "payment_id": _l("收款"),
    "amount": _l("红冲金额(元)"),
    "reason": _l("红冲原因"),
    "requested_by_id": _l("申请人"),
    "status": _l("状态"),
    "booked_on": _l("入账日期"),
    "cashier_id": _l("收费员"),
    "business_date": _l("营业日期"),
    "cash_handed": _l("交款现金(元)"),
    "difference_note": _l("差额说明"),
}


def money_text(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def line_dicts(payments, reversal_rows) -> dict:
    return {
        "payments": [{"id": p.id, "receipt_no": p.receipt_no, "household_id": p.household_id,
                      "amount": money_text(p.amount), "method": p.method, "paid_at": p.paid_at.isoformat(),
                      "status": p.status} for p in payments],
        "reversals": [{"id": r.id, "payment_id": r.payment_id, "receipt_no": r.payment.receipt_no,
                       "amount": money_text(r.amount), "method": r.payment.method,
                       "booked_at": r.booked_at.isoformat() if r.booked_at else None} for r in reversal_rows],
    }


class ReversalApi(ScopedModelRestApi):
    resource_name = "reversal"
    datamodel = interface(PaymentReversal)
    class_permission_name = "PaymentReversal"
    method_permission_name = {**METHOD_PERMISSIONS, "submit": WRITE}
    service = reversals
    label_columns = LABELS
    include_route_methods = {"get", "get_list", "post", "info", "submit"}
    list_columns = show_columns = ["id", "center_id", "payment_id", "amount", "reason", "requested_by_id", "status",
                                   "approval_id", "booked_on", "booked_at", "approved_by_id"]
    add_columns = ["payment_id", "reason"]  # documentation only: post calls the service
    order_columns = ["id", "booked_on"]
    search_columns = ["center_id", "payment_id", "status", "booked_on", "requested_by_id"]

    def post_headless(self):
        """红冲申请: {payment_id, reason} → 201 {id, result} (a draft; submit next)."""
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return self.response(400, message=_("请求体应为JSON对象"))
        try:
            item = reversals.request_reversal(body.get("payment_id"), body.get("reason"), actor=g.user)
        except DomainError as e:
            return self._refusal(e)
        return self.response(201, id=item.id, result=self.show_model_schema.dump(self.datamodel.get(item.id)))

    @api_expose("/<int:pk>/submit", methods=["POST"])
    @protect()
    @safe
    def submit(self, pk):
        """Start the 财务审批 step of a draft or returned reversal."""
        return self._run(pk, lambda item, body: reversals.submit(item, actor=g.user, comment=comment_of(body)))


class DayCloseApi(ScopedModelRestApi):
    resource_name = "dayclose"
    datamodel = interface(DayClose)
    class_permission_name = "DayClose"
    base_permissions = DAY_CLOSE_PERMISSIONS
    method_permission_name = {**METHOD_PERMISSIONS, CONFIRM: CONFIRM, "today": READ}
    service = day_close
    label_columns = LABELS
    include_route_methods = {"get", "get_list", "post", "put", "info", CONFIRM, "today"}
    list_columns = show_columns = [
        "id", "center_id", "cashier_id", "business_date", "payment_count", "reversal_count", "total_cash",
        "total_wechat", "total_alipay", "total_bank_transfer", "total_bank_debit", "reversals_total", "cash_total",
        "noncash_total", "cash_handed", "difference", "difference_note", "status", "submitted_at",
        "confirmed_by_id", "confirmed_at",
    ]
    add_columns = ["cash_handed", "difference_note"]  # documentation only: post calls close_day
    edit_columns = ["cash_handed", "difference_note"]
    order_columns = ["id", "business_date", "status"]
    search_columns = ["center_id", "cashier_id", "business_date", "status"]

    def pre_get(self, data):
        """One close with the payment and reversal lines it counts."""
        super().pre_get(data)
        close = records.scoped_get(DayClose, data.get("id"))
        if close is not None:
            data["result"].update(line_dicts(day_close.day_payments(close.cashier_id, close.business_date),
                                             day_close.day_reversals(close.cashier_id, close.business_date)))

    def post_headless(self):
        """日结: {cash_handed: "1234.50", difference_note?, business_date? (YYYY-MM-DD)} → 201."""
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return self.response(400, message=_("请求体应为JSON对象"))
        try:
            day = _date(body.get("business_date"))
            close = day_close.close_day(g.user, day, cash_handed=body.get("cash_handed"),
                                        difference_note=str(body.get("difference_note") or ""))
        except DomainError as e:
            return self._refusal(e)
        return self.response(201, id=close.id, result=self.show_model_schema.dump(self.datamodel.get(close.id)))

    @api_expose("/<int:pk>/confirm", methods=["POST"])
    @protect()
    @safe
    def confirm(self, pk):
        """财务确认 a submitted close."""
        item = self.datamodel.get(pk)
        if item is None:
            return self.response_404()
        try:
            day_close.confirm(item, actor=g.user)
        except DomainError as e:
            return self._refusal(e)
        return self.response(200, id=pk, result=self.show_model_schema.dump(self.datamodel.get(pk)))

    @api_expose("/today", methods=["GET"])
    @protect()
    @safe
    def today(self):
        """The caller's numbers of today, as they would be closed now."""
        from app import timeutil

        day = timeutil.today()
        found = day_close.day_totals(g.user.id, day)
        result = {k: (money_text(v) if not isinstance(v, int) else v) for k, v in found["columns"].items()}
        closed = day_close.closed(g.user.id, day)
        result.update(business_date=day.isoformat(), closed_id=closed.id if closed else None,
                      **line_dicts(found["payments"], found["reversals"]))
        return self.response(200, result=result)


def _date(value) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise DomainError(_("日期格式应为YYYY-MM-DD")) from None
