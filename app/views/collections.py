"""收费政策 and 催缴记录 screens and REST resources (`feepolicy`, `arrearscontact`).

Views only declare; validation, the server time and the recorder are set by
the services (app.services.fee_policy, app.services.arrears_contacts). The
本月催缴 page posts its one-line forms to ArrearsContactView.record.
"""

from datetime import date

from flask import flash, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.fieldwidgets import Select2Widget
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow.validate import OneOf
from wtforms import SelectField

from app.errors import DomainError
from app.extensions import db
from app.models.collections import CONTACT_METHODS, CONTACT_RESULTS, ArrearsContact, CenterFeePolicy
from app.models.estate import Household
from app.security import METHOD_PERMISSIONS, WRITE
from app.services import arrears_contacts, fee_policy
from app.views.base import ScopedModelRestApi, ScopedModelView
from app.views.fields import SearchSelectField
from app.views.interface import ScopedInterface

LABELS = {
    "id": _l("序号"),
    "center": _l("服务中心"),
    "center_id": _l("服务中心"),
    "late_fee_rate": _l("滞纳金日费率"),
    "large_customer_permille": _l("大客户面积比例(‰)"),
    "committee_months": _l("业委会报告欠费月数"),
    "committee_amount": _l("业委会报告欠费金额(元)"),
    "note": _l("备注"),
    "household": _l("业户"),
    "household_id": _l("业户"),
    "method": _l("催缴方式"),
    "contacted_at": _l("催缴时间"),
    "user": _l("催缴人"),
    "user_id": _l("催缴人"),
    "result": _l("结果"),
    "promised_date": _l("承诺缴费日期"),
    "created_on": _l("创建时间"),
    "changed_on": _l("修改时间"),
}


def _label(mapping):
    return lambda value: mapping.get(value, value)


class CenterFeePolicyView(ScopedModelView):
    datamodel = ScopedInterface(CenterFeePolicy)
    class_permission_name = "FeePolicy"
    service = fee_policy
    include_route_methods = {"list", "show", "add", "edit", "export", "lookup"}
    list_title = show_title = add_title = edit_title = _l("收费政策")
    label_columns = LABELS
    list_columns = ["center", "late_fee_rate", "large_customer_permille", "committee_months", "committee_amount"]
    show_columns = [*list_columns, "note", "created_on", "changed_on"]
    add_columns = ["center", "late_fee_rate", "large_customer_permille", "committee_months", "committee_amount",
                   "note"]
    edit_columns = ["late_fee_rate", "large_customer_permille", "committee_months", "committee_amount", "note"]
    search_columns = ["center"]
    description_columns = {
        "late_fee_rate": _l("每日按逾期金额计收，千分之三填 0.003；未设置的服务中心按 0.003"),
        "large_customer_permille": _l("单元面积超过服务中心管理面积的此千分比即为大客户（默认1.5‰）"),
        "committee_months": _l("欠费达到此月数报业主委员会（默认6个月）"),
        "committee_amount": _l("欠费超过此金额报业主委员会（默认5000元）"),
    }


class ArrearsContactView(ScopedModelView):
    datamodel = ScopedInterface(ArrearsContact)
    class_permission_name = "ArrearsContact"
    method_permission_name = {**METHOD_PERMISSIONS, "record": WRITE}
    service = arrears_contacts
    list_title = show_title = add_title = edit_title = _l("催缴记录")
    label_columns = LABELS
    list_columns = ["center", "household", "method", "contacted_at", "user", "result", "promised_date", "note"]
    show_columns = [*list_columns, "created_on", "changed_on"]
    add_columns = ["household", "method", "result", "promised_date", "note"]
    edit_columns = ["result", "promised_date", "note"]
    search_columns = ["center", "method", "result", "contacted_at", "promised_date"]
    order_columns = ["contacted_at", "method", "result", "promised_date"]
    base_order = ("contacted_at", "desc")
    formatters_columns = {"method": _label(CONTACT_METHODS), "result": _label(CONTACT_RESULTS)}
    _method = SelectField(_l("催缴方式"), choices=list(CONTACT_METHODS.items()), widget=Select2Widget())
    _result = SelectField(_l("结果"), choices=list(CONTACT_RESULTS.items()), widget=Select2Widget())
    add_form_extra_fields = {
        "household": SearchSelectField(_l("业户"), model=Household, endpoint="HouseholdView.lookup", required=True),
        "method": _method,
        "result": _result,
    }
    edit_form_extra_fields = {"result": _result}
    search_form_extra_fields = {"method": _method, "result": _result}

    @expose("/record/<int:household_id>", methods=["POST"])
    @has_access
    def record(self, household_id):
        """One line of 本月催缴: record the contact, then back to the list."""
        form = request.form
        try:
            promised = date.fromisoformat(form["promised_date"]) if form.get("promised_date") else None
        except ValueError:
            flash(_("日期格式应为YYYY-MM-DD"), "danger")
            return redirect(request.referrer or url_for("ArrearsView.due"))
        item = ArrearsContact(household_id=household_id, method=form.get("method"), result=form.get("result"),
                              promised_date=promised, note=form.get("note"))
        try:
            arrears_contacts.record(item)
            flash(_("已记录催缴"), "success")
        except DomainError as e:
            db.session.rollback()
            flash(str(e), "danger")
        return redirect(request.referrer or url_for("ArrearsView.due"))


# -- REST resources ------------------------------------------------------------

class CenterFeePolicyApi(ScopedModelRestApi):
    label_columns = LABELS
    resource_name = "feepolicy"
    datamodel = ScopedInterface(CenterFeePolicy)
    class_permission_name = "FeePolicy"
    service = fee_policy
    include_route_methods = {"get", "get_list", "post", "put", "info"}
    list_columns = show_columns = ["id", "center_id", "late_fee_rate", "large_customer_permille",
                                   "committee_months", "committee_amount", "note"]
    add_columns = ["center_id", "late_fee_rate", "large_customer_permille", "committee_months", "committee_amount",
                   "note"]
    edit_columns = ["late_fee_rate", "large_customer_permille", "committee_months", "committee_amount", "note"]
    order_columns = ["id", "center_id"]
    search_columns = ["center_id"]


class ArrearsContactApi(ScopedModelRestApi):
    label_columns = LABELS
    resource_name = "arrearscontact"
    datamodel = ScopedInterface(ArrearsContact)
    class_permission_name = "ArrearsContact"
    service = arrears_contacts
    list_columns = show_columns = ["id", "center_id", "household_id", "method", "contacted_at", "user_id",
                                   "result", "promised_date", "note"]
    add_columns = ["household_id", "method", "result", "promised_date", "note"]
    edit_columns = ["result", "promised_date", "note"]
    order_columns = ["id", "contacted_at", "method", "result"]
    search_columns = ["center_id", "household_id", "method", "result", "contacted_at", "promised_date"]
    validators_columns = {"method": OneOf(list(CONTACT_METHODS)), "result": OneOf(list(CONTACT_RESULTS))}
