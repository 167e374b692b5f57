"""收费 screens around generation: 收费标准 (rates), 抄表 (readings), 缺抄表, 生成账单.

Views only declare; the rules are in app.services.fee_registers and
app.services.fee_generation, so they hold on every route.
"""

from flask import flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.fieldwidgets import DatePickerWidget, Select2Widget
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow.validate import OneOf
from wtforms import BooleanField, DateField, DecimalField, SelectField
from wtforms.validators import Optional

from app import timeutil
from app.errors import DomainError
from app.extensions import db
from app.models.billing import ChargeItem
from app.models.estate import Household, ServiceCenter
from app.models.fees import METER_KINDS, ChargeRate, MeterReading
from app.security import METHOD_PERMISSIONS, READ, WRITE
from app.services import fee_generation, fee_registers, records
from app.views.base import ScopedModelRestApi, ScopedModelView
from app.views.fields import SearchSelectField
from app.views.interface import ScopedInterface

LABELS = {
    "id": _l("序号"),
    "center": _l("服务中心"),
    "center_id": _l("服务中心"),
    "charge_item": _l("收费项目"),
    "charge_item_id": _l("收费项目"),
    "effective_from": _l("生效日期"),
    "rate": _l("单价"),
    "note": _l("备注"),
    "household": _l("业户"),
    "household_id": _l("业户"),
    "unit": _l("房屋单元"),
    "unit_id": _l("房屋单元"),
    "meter_kind": _l("表计类别"),
    "period": _l("账期"),
    "previous_reading": _l("上期读数"),
    "current_reading": _l("本期读数"),
    "old_meter_final": _l("旧表止码"),
    "usage": _l("用量"),
    "read_on": _l("抄表日期"),
    "reader": _l("抄表人"),
    "reader_id": _l("抄表人"),
    "replaced_meter": _l("换表"),
    "created_on": _l("创建时间"),
    "changed_on": _l("修改时间"),
}


def _label(mapping):
    return lambda value: mapping.get(value, value)


class ChargeRateView(ScopedModelView):
    datamodel = ScopedInterface(ChargeRate)
    class_permission_name = "ChargeRate"
    service = fee_registers
    list_title = show_title = add_title = edit_title = _l("收费标准调整")
    label_columns = LABELS
    list_columns = ["center", "charge_item", "effective_from", "rate", "note"]
    show_columns = [*list_columns, "created_on", "changed_on"]
    add_columns = edit_columns = ["charge_item", "effective_from", "rate", "note"]
    search_columns = ["center", "effective_from"]
    order_columns = ["effective_from", "rate"]
    base_order = ("effective_from", "desc")
    description_columns = {
        "effective_from": _l("自该日起按新单价出账：某账期使用该期首日已生效的最新单价"),
        "rate": _l("与收费项目同单位：元/㎡/月、元/期、元/吨或元/度"),
    }
    add_form_extra_fields = edit_form_extra_fields = {
        "charge_item": SearchSelectField(_l("收费项目"), model=ChargeItem, endpoint="ChargeItemView.lookup",
                                         required=True),
    }


class MeterReadingView(ScopedModelView):
    datamodel = ScopedInterface(MeterReading)
    class_permission_name = "MeterReading"
    method_permission_name = {**METHOD_PERMISSIONS, "missing": READ}
    service = fee_registers
    list_title = show_title = add_title = edit_title = _l("抄表记录")
    label_columns = LABELS
    list_columns = ["center", "household", "meter_kind", "period", "previous_reading", "current_reading", "usage",
                    "read_on", "replaced_meter"]
    show_columns = [*list_columns, "old_meter_final", "reader", "note", "created_on", "changed_on"]
    add_columns = ["household", "meter_kind", "period", "previous_reading", "current_reading", "read_on",
                   "replaced_meter", "old_meter_final", "note"]
    edit_columns = ["previous_reading", "current_reading", "read_on", "replaced_meter", "old_meter_final", "note"]
    search_columns = ["center", "meter_kind", "period", "read_on", "replaced_meter"]
    order_columns = ["period", "read_on", "usage"]
    base_order = ("period", "desc")
    formatters_columns = {"meter_kind": _label(METER_KINDS)}
    description_columns = {
        "period": _l("格式 YYYY-MM，如 2026-11"),
        "previous_reading": _l("留空则取该户上期本期读数"),
        "current_reading": _l("不得小于上期读数（换表除外）"),
        "replaced_meter": _l("换表：新表从0起计，用量=本期读数+(旧表止码−上期读数)；须在备注说明"),
        "read_on": _l("留空为今天"),
    }
    _kind = SelectField(_l("表计类别"), choices=list(METER_KINDS.items()), widget=Select2Widget())
    _optional = {
        "previous_reading": DecimalField(_l("上期读数"), places=2, validators=[Optional()],
                                         description=_l("留空则取该户上期本期读数")),
        "read_on": DateField(_l("抄表日期"), validators=[Optional()], widget=DatePickerWidget(),
                             description=_l("留空为今天")),
        "replaced_meter": BooleanField(_l("换表"), default=False,
                                       description=_l("换表：新表从0起计，用量=本期读数+(旧表止码−上期读数)；须在备注说明")),
    }
    add_form_extra_fields = {
        "household": SearchSelectField(_l("业户"), model=Household, endpoint="HouseholdView.lookup", required=True),
        "meter_kind": _kind,
        **_optional,
    }
    edit_form_extra_fields = _optional
    search_form_extra_fields = {"meter_kind": _kind}

    @expose("/missing/")
    @has_access
    def missing(self):
        """缺抄表: households an active 按抄表用量 item bills, without a reading of the period."""
        period = request.args.get("period") or f"{timeutil.today():%Y-%m}"
        try:
            rows = fee_registers.missing_readings(period)
        except DomainError as e:
            flash(str(e), "danger")
            period, rows = f"{timeutil.today():%Y-%m}", []
        centers = {c.id: c.name for c in db.session.scalars(records.scoped_select(ServiceCenter))}
        return self.render_template("fees/missing_readings.html", title=_("缺抄表"), period=period, rows=rows,
                                    centers=centers, kinds=METER_KINDS)


class BillGenerationView(BaseView):
    """生成账单: the cashier (or centre manager) picks a period and one of their centres."""

    route_base = "/billgeneration"
    default_view = "form"
    class_permission_name = "BillGeneration"
    method_permission_name = {"form": READ, "run": WRITE}
    base_permissions = [f"can_{READ}", f"can_{WRITE}"]

    @expose("/", methods=["GET"])
    @has_access
    def form(self):
        centers = db.session.scalars(records.scoped_select(ServiceCenter).order_by(ServiceCenter.code)).all()
        period = request.args.get("period") or f"{timeutil.today():%Y-%m}"
        return self.render_template("fees/generate.html", title=_("生成账单"), centers=centers, period=period)

    @expose("/run", methods=["POST"])
    @has_access
    def run(self):
        period = (request.form.get("period") or "").strip()
        try:
            summary = fee_generation.generate_for_user(period, request.form.get("center_id") or None)
        except DomainError as e:
            db.session.rollback()
            flash(str(e), "danger")
            return redirect(url_for("BillGenerationView.form", period=period or None))
        for category, text in summary.messages():
            flash(text, category)
        return redirect(url_for("BillGenerationView.form", period=summary.period))


# -- REST resources -----------------------------------------------------------------------

class ChargeRateApi(ScopedModelRestApi):
    label_columns = LABELS
    resource_name = "chargerate"
    datamodel = ScopedInterface(ChargeRate)
    class_permission_name = "ChargeRate"
    service = fee_registers
    list_columns = show_columns = ["id", "center_id", "charge_item_id", "effective_from", "rate", "note"]
    add_columns = ["charge_item_id", "effective_from", "rate", "note"]
    edit_columns = ["effective_from", "rate", "note"]
    order_columns = ["id", "effective_from", "rate"]
    search_columns = ["center_id", "charge_item_id", "effective_from"]


class MeterReadingApi(ScopedModelRestApi):
    label_columns = LABELS
    resource_name = "meterreading"
    datamodel = ScopedInterface(MeterReading)
    class_permission_name = "MeterReading"
    service = fee_registers
    list_columns = show_columns = ["id", "center_id", "household_id", "unit_id", "meter_kind", "period",
                                   "previous_reading", "current_reading", "old_meter_final", "usage", "read_on",
                                   "reader_id", "replaced_meter", "note"]
    add_columns = ["household_id", "meter_kind", "period", "previous_reading", "current_reading", "read_on",
                   "replaced_meter", "old_meter_final", "note"]
    edit_columns = ["previous_reading", "current_reading", "read_on", "replaced_meter", "old_meter_final", "note"]
    order_columns = ["id", "period", "read_on", "usage"]
    search_columns = ["center_id", "household_id", "meter_kind", "period", "replaced_meter"]
    validators_columns = {"meter_kind": OneOf(list(METER_KINDS))}
    #: Filled by the service when left out (上期读数 from last period, 抄表日期 today).
    optional_columns = ("previous_reading", "read_on")

    def _init_model_schemas(self):
        super()._init_model_schemas()
        for name in self.optional_columns:
            for schema in (self.add_model_schema, self.edit_model_schema):
                if name in schema.fields:
                    schema.fields[name].required = False
                    schema.fields[name].allow_none = True
