"""收费 screens and REST resources: charge items, bills, payments (收款).

Views only declare; generation and payment are service calls
(app.services.billing), so the rules hold on every route. POST
/api/v1/payment/ takes {bill_ids, method, amount: "123.45"} and answers 201
{id, receipt_no, amount}; refusals answer 4xx {"message"}.
"""

from flask import g, request
from flask_appbuilder.api import expose, protect
from flask_appbuilder.fieldwidgets import Select2Widget
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow.validate import OneOf
from wtforms import SelectField

from app.errors import DomainError
from app.models.billing import (
    BILL_STATUSES,
    CHARGE_BASES,
    CHARGE_KINDS,
    PAYMENT_METHODS,
    PAYMENT_STATUSES,
    Bill,
    ChargeItem,
    Payment,
)
from app.models.estate import Household
from app.models.fees import METER_KINDS
from app.security import METHOD_PERMISSIONS, READ
from app.services import billing, payments
from app.views.base import ScopedModelRestApi, ScopedModelView
from app.views.fields import SearchSelectField
from app.views.interface import ScopedInterface
from app.views.reversal_action import ReversalActions

LABELS = {
    "id": _l("序号"),
    "center": _l("服务中心"),
    "center_id": _l("服务中心"),
    "code": _l("项目编号"),
    "name": _l("项目名称"),
    "kind": _l("类别"),
    "basis": _l("计费方式"),
    "rate": _l("单价(元或元/㎡)"),
    "meter_kind": _l("表计类别"),
    "active": _l("启用"),
    "due_day": _l("缴费截止日"),
    "note": _l("备注"),
    "household": _l("业户"),
    "household_id": _l("业户"),
    "unit": _l("房屋单元"),
    "charge_item": _l("收费项目"),
    "charge_item_id": _l("收费项目"),
    "period": _l("账期"),
    "amount": _l("金额(元)"),
    "due_date": _l("应缴日期"),
    "status": _l("状态"),
    "paid_at": _l("缴费时间"),
    "payment": _l("收据"),
    "payment_id": _l("收据"),
    "receipt_no": _l("收据号"),
    "method": _l("付款方式"),
    "cashier": _l("收费员"),
    "created_on": _l("创建时间"),
    "changed_on": _l("修改时间"),
}


def _label(mapping):
    return lambda value: mapping.get(value, value)


class ChargeItemView(ScopedModelView):
    datamodel = ScopedInterface(ChargeItem)
    class_permission_name = "ChargeItem"
    service = billing
    list_title = show_title = add_title = edit_title = _l("收费项目")
    label_columns = LABELS
    list_columns = ["center", "code", "name", "kind", "basis", "rate", "due_day", "active"]
    show_columns = [*list_columns, "meter_kind", "note", "created_on", "changed_on"]
    add_columns = edit_columns = ["center", "code", "name", "kind", "basis", "meter_kind", "rate", "due_day", "active",
                                  "note"]
    search_columns = ["center", "code", "name", "kind", "active"]
    order_columns = ["code", "name", "kind"]
    base_order = ("code", "asc")
    lookup_columns = ["code", "name"]
    lookup_order = "code"
    formatters_columns = {"kind": _label(CHARGE_KINDS), "basis": _label(CHARGE_BASES),
                          "meter_kind": _label(METER_KINDS)}
    description_columns = {"rate": _l("按面积：元/㎡/月；固定：元/期；按抄表：元/吨或元/度"),
                           "due_day": _l("每期当月的第几天截止缴费"),
                           "meter_kind": _l("仅按抄表用量计费时填写：水表或电表")}
    _kind = SelectField(_l("类别"), choices=list(CHARGE_KINDS.items()), widget=Select2Widget())
    _basis = SelectField(_l("计费方式"), choices=list(CHARGE_BASES.items()), widget=Select2Widget())
    _meter = SelectField(_l("表计类别"), choices=[("", "—"), *METER_KINDS.items()], widget=Select2Widget(),
                         coerce=lambda v: v or None)
    add_form_extra_fields = edit_form_extra_fields = {"kind": _kind, "basis": _basis, "meter_kind": _meter}
    search_form_extra_fields = {"kind": _kind}


class BillView(ScopedModelView):
    datamodel = ScopedInterface(Bill)
    class_permission_name = "Bill"
    service = billing
    list_title = show_title = add_title = edit_title = _l("账单")
    label_columns = LABELS
    list_columns = ["center", "household", "charge_item", "period", "amount", "due_date", "status", "paid_at"]
    show_columns = [*list_columns, "payment", "note", "created_on", "changed_on"]
    add_columns = ["household", "charge_item", "period", "amount", "due_date", "note"]
    edit_columns = ["due_date", "note"]
    search_columns = ["center", "period", "status", "due_date"]
    order_columns = ["period", "amount", "due_date", "status"]
    base_order = ("period", "desc")
    formatters_columns = {"status": _label(BILL_STATUSES)}
    description_columns = {"period": _l("格式 YYYY-MM，如 2026-11"), "due_date": _l("留空则按收费项目的截止日")}
    add_form_extra_fields = {
        "household": SearchSelectField(_l("业户"), model=Household, endpoint="HouseholdView.lookup", required=True),
        "charge_item": SearchSelectField(_l("收费项目"), model=ChargeItem, endpoint="ChargeItemView.lookup",
                                         required=True),
    }
    search_form_extra_fields = {
        "status": SelectField(_l("状态"), choices=list(BILL_STATUSES.items()), widget=Select2Widget()),
    }


class PaymentView(ReversalActions, ScopedModelView):  # reversal: 申请红冲 action
    datamodel = ScopedInterface(Payment)
    class_permission_name = "Payment"
    service = billing
    include_route_methods = {"list", "show", "export", "lookup", "action", "action_post"}
    list_title = show_title = _l("收款记录")
    label_columns = LABELS
    list_columns = ["center", "receipt_no", "household", "amount", "method", "paid_at", "cashier", "status"]
    show_columns = [*list_columns, "note"]
    search_columns = ["center", "receipt_no", "method", "status", "paid_at"]
    order_columns = ["receipt_no", "amount", "paid_at"]
    base_order = ("paid_at", "desc")
    lookup_columns = ["receipt_no"]
    lookup_order = "receipt_no"
    formatters_columns = {"method": _label(PAYMENT_METHODS), "status": _label(PAYMENT_STATUSES)}
    show_template = "cashier/payment_show.html"  # desk (issue 5): links to the receipt and its PDF


# -- REST resources (DESIGN.md "Interfaces": stable field names, money as strings) ---

class ChargeItemApi(ScopedModelRestApi):
    label_columns = LABELS
    resource_name = "chargeitem"
    datamodel = ScopedInterface(ChargeItem)
    class_permission_name = "ChargeItem"
    service = billing
    list_columns = show_columns = ["id", "center_id", "code", "name", "kind", "basis", "rate", "active", "due_day",
                                   "note", "meter_kind"]
    add_columns = edit_columns = ["center_id", "code", "name", "kind", "basis", "rate", "active", "due_day", "note",
                                  "meter_kind"]
    order_columns = ["id", "code", "name", "kind"]
    search_columns = ["center_id", "code", "name", "kind", "basis", "active"]
    validators_columns = {"kind": OneOf(list(CHARGE_KINDS)), "basis": OneOf(list(CHARGE_BASES)),
                          "meter_kind": OneOf([None, *METER_KINDS])}


class BillApi(ScopedModelRestApi):
    label_columns = LABELS
    resource_name = "bill"
    datamodel = ScopedInterface(Bill)
    class_permission_name = "Bill"
    service = billing
    list_columns = show_columns = ["id", "center_id", "household_id", "unit_id", "charge_item_id", "period",
                                   "amount", "due_date", "status", "paid_at", "payment_id", "note"]
    add_columns = ["household_id", "charge_item_id", "period", "amount", "due_date", "note"]
    edit_columns = ["due_date", "note"]  # status and amount follow payments and reversals only
    order_columns = ["id", "period", "amount", "due_date", "status"]
    search_columns = ["center_id", "household_id", "charge_item_id", "period", "status", "due_date"]


class PaymentApi(ScopedModelRestApi):
    label_columns = LABELS
    resource_name = "payment"
    datamodel = ScopedInterface(Payment)
    class_permission_name = "Payment"
    service = billing
    include_route_methods = {"get", "get_list", "post", "receipt_pdf"}
    method_permission_name = {**METHOD_PERMISSIONS, "receipt_pdf": READ}
    list_columns = show_columns = ["id", "center_id", "household_id", "receipt_no", "amount", "method", "paid_at",
                                   "cashier_id", "status"]
    add_columns = ["household_id", "amount", "method"]  # documentation only: post is bill_ids/method/amount
    order_columns = ["id", "receipt_no", "paid_at"]
    search_columns = ["center_id", "household_id", "receipt_no", "method", "status"]

    def post_headless(self):
        """收款: {bill_ids: [...], method, amount: "123.45"} → 201 {id, receipt_no, amount}."""
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return self.response(400, message=_("请求体应为JSON对象"))
        try:
            payment = payments.pay(body.get("bill_ids"), body.get("method"), body.get("amount"),
                                  actor=getattr(g, "user", None))
        except DomainError as e:
            return self._refusal(e)
        return self.response(201, id=payment.id, receipt_no=payment.receipt_no, amount=f"{payment.amount:.2f}")

    @expose("/<int:pk>/receipt.pdf", methods=["GET"])
    @protect()
    def receipt_pdf(self, pk):
        """收据 PDF of a payment in the caller's centres (404 otherwise), named <receipt no>.pdf."""
        from app.views.cashier import receipt_pdf_response

        return receipt_pdf_response(pk)
