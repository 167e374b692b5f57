"""车位 screens and REST resources: spaces, rentals, 即将到期, 车位使用率.

Views only declare; renting, 退租 and 作废 are service calls
(app.services.parking), so the overlap rule holds on every route.
"""

from flask import flash, redirect, request
from flask_appbuilder import expose, has_access
from flask_appbuilder.actions import action
from flask_appbuilder.fieldwidgets import Select2Widget
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow.validate import OneOf
from wtforms import SelectField

from app.errors import DomainError
from app.extensions import db
from app.models.estate import Household
from app.models.parking import RENTAL_STATUSES, SPACE_KINDS, SPACE_STATUSES, ParkingRental, ParkingSpace
from app.security import EXPORT, METHOD_PERMISSIONS, READ, WRITE, center_scope
from app.services import parking
from app.validators import check_plate
from app.views.base import ScopedModelRestApi, ScopedModelView
from app.views.fields import SearchSelectField, api_check, wtf_check
from app.views.interface import ScopedInterface

LABELS = {
    "id": _l("序号"),
    "center": _l("服务中心"),
    "center_id": _l("服务中心"),
    "code": _l("车位编号"),
    "area": _l("区域"),
    "kind": _l("类型"),
    "status": _l("状态"),
    "note": _l("备注"),
    "space": _l("车位"),
    "space_id": _l("车位"),
    "household": _l("业户"),
    "household_id": _l("业户"),
    "plate": _l("车牌号"),
    "start_date": _l("起始日期"),
    "end_date": _l("结束日期"),
    "monthly_rate": _l("月租金(元)"),
    "card_no": _l("停车卡号"),
    "created_on": _l("创建时间"),
    "changed_on": _l("修改时间"),
}


def _label(mapping):
    return lambda value: mapping.get(value, value)


class ParkingInterface(ScopedInterface):
    """A database refusal of an overlapping period reads like the service's check."""

    def add(self, item, commit: bool = True) -> None:
        parking.guarded_write(item, lambda: super(ParkingInterface, self).add(item, commit))

    def edit(self, item, commit: bool = True) -> None:
        parking.guarded_write(item, lambda: super(ParkingInterface, self).edit(item, commit))


class ParkingSpaceView(ScopedModelView):
    datamodel = ScopedInterface(ParkingSpace)
    class_permission_name = "ParkingSpace"
    method_permission_name = {**METHOD_PERMISSIONS, "occupancy": READ, "disable": WRITE, "reserve": WRITE,
                              "release": WRITE, "occupancy_export": EXPORT}
    service = parking
    list_title = show_title = add_title = edit_title = _l("车位")
    label_columns = LABELS
    list_columns = ["center", "code", "area", "kind", "status", "note"]
    show_columns = [*list_columns, "created_on", "changed_on"]
    add_columns = edit_columns = ["center", "code", "area", "kind", "note"]
    search_columns = ["center", "code", "area", "kind", "status"]
    order_columns = ["code", "area", "kind", "status"]
    base_order = ("code", "asc")
    lookup_columns = ["code", "area"]
    lookup_order = "code"
    formatters_columns = {"kind": _label(SPACE_KINDS), "status": _label(SPACE_STATUSES)}
    _kind = SelectField(_l("类型"), choices=list(SPACE_KINDS.items()), widget=Select2Widget())
    add_form_extra_fields = edit_form_extra_fields = {"kind": _kind}
    search_form_extra_fields = {
        "kind": _kind,
        "status": SelectField(_l("状态"), choices=list(SPACE_STATUSES.items()), widget=Select2Widget()),
    }

    def _set_status(self, item, status):
        try:
            parking.set_space_status(item, status)
            flash(_("已处理"), "success")
        except DomainError as e:
            db.session.rollback()
            flash(str(e), "danger")
        return redirect(request.referrer or self.get_redirect())

    @action("disable", _l("停用"), confirmation=_l("确认停用该车位?"), multiple=False, single=True)
    def disable(self, item):
        return self._set_status(item, "disabled")

    @action("reserve", _l("预留"), confirmation=_l("确认预留该车位?"), multiple=False, single=True)
    def reserve(self, item):
        return self._set_status(item, "reserved")

    @action("release", _l("恢复空闲"), confirmation=_l("确认将该车位恢复为空闲?"), multiple=False, single=True)
    def release(self, item):
        return self._set_status(item, "available")

    @expose("/occupancy/")
    @has_access
    def occupancy(self):
        """车位使用率 by area for the user's centres (today)."""
        rows = parking.occupancy_by_area(center_scope())
        from app.views.parking_export import occupancy_rate  # desk (issue 5): page and Excel share the rate

        totals = (sum(r for r, _t in rows.values()), sum(t for _r, t in rows.values()))
        return self.render_template("parking/occupancy.html", title=_("车位使用率"), rows=rows,
                                    rate=occupancy_rate, totals=totals)

    @expose("/occupancy/export")
    @has_access
    def occupancy_export(self):
        """desk (issue 5): the occupancy page's figures as .xlsx (same service call, same scope)."""
        from app.views.parking_export import occupancy_workbook_response

        return occupancy_workbook_response(parking.occupancy_by_area(center_scope()))


class ParkingRentalView(ScopedModelView):
    datamodel = ParkingInterface(ParkingRental)
    class_permission_name = "ParkingRental"
    method_permission_name = {**METHOD_PERMISSIONS, "expiring": READ, "end_rental": WRITE, "cancel_rental": WRITE}
    service = parking
    list_title = show_title = add_title = edit_title = _l("车位租用")
    label_columns = LABELS
    list_columns = ["center", "space", "household", "plate", "start_date", "end_date", "monthly_rate", "card_no",
                    "status"]
    show_columns = [*list_columns, "note", "created_on", "changed_on"]
    add_columns = edit_columns = ["space", "household", "plate", "start_date", "end_date", "monthly_rate",
                                  "card_no", "note"]
    search_columns = ["center", "plate", "card_no", "status", "start_date", "end_date"]
    order_columns = ["plate", "start_date", "end_date", "status"]
    base_order = ("end_date", "desc")
    lookup_columns = ["plate", "card_no"]
    formatters_columns = {"status": _label(RENTAL_STATUSES)}
    validators_columns = {"plate": [wtf_check(check_plate)]}
    description_columns = {
        "plate": _l("如 粤B12345；新能源车牌如 粤BD12345 或 粤B12345F"),
        "end_date": _l("含当天；同一车位的租用期间不得重叠"),
    }
    _extra = {
        "space": SearchSelectField(_l("车位"), model=ParkingSpace, endpoint="ParkingSpaceView.lookup",
                                   required=True),
        "household": SearchSelectField(_l("业户"), model=Household, endpoint="HouseholdView.lookup",
                                       required=True),
    }
    add_form_extra_fields = edit_form_extra_fields = _extra
    search_form_extra_fields = {
        "status": SelectField(_l("状态"), choices=list(RENTAL_STATUSES.items()), widget=Select2Widget()),
    }

    def _run(self, fn, item):
        try:
            fn(item)
            flash(_("已处理"), "success")
        except DomainError as e:
            db.session.rollback()
            flash(str(e), "danger")
        return redirect(request.referrer or self.get_redirect())

    @action("end_rental", _l("退租"), confirmation=_l("确认今天退租?"), multiple=False, single=True)
    def end_rental(self, item):
        return self._run(parking.end_rental, item)

    @action("cancel_rental", _l("作废"), confirmation=_l("确认作废该租用记录?"), multiple=False, single=True)
    def cancel_rental(self, item):
        return self._run(parking.cancel, item)

    @expose("/expiring/")
    @has_access
    def expiring(self):
        """即将到期: active rentals ending within 30 days, to remind the household."""
        return self.render_template("parking/expiring.html", title=_("车位租用即将到期（30天内）"),
                                    rows=parking.expiring(within_days=30))


# -- REST resources (DESIGN.md "Interfaces": stable field names) --------------

class ParkingSpaceApi(ScopedModelRestApi):
    label_columns = LABELS
    resource_name = "parkingspace"
    datamodel = ScopedInterface(ParkingSpace)
    class_permission_name = "ParkingSpace"
    service = parking
    list_columns = show_columns = ["id", "center_id", "code", "area", "kind", "status", "note"]
    add_columns = edit_columns = ["center_id", "code", "area", "kind", "note"]
    order_columns = ["id", "code", "area", "status"]
    search_columns = ["center_id", "code", "area", "kind", "status"]
    validators_columns = {"kind": OneOf(list(SPACE_KINDS))}


class ParkingRentalApi(ScopedModelRestApi):
    label_columns = LABELS
    resource_name = "parkingrental"
    datamodel = ParkingInterface(ParkingRental)
    class_permission_name = "ParkingRental"
    service = parking
    list_columns = show_columns = ["id", "center_id", "space_id", "household_id", "plate", "start_date",
                                   "end_date", "monthly_rate", "card_no", "status", "note"]
    add_columns = edit_columns = ["space_id", "household_id", "plate", "start_date", "end_date", "monthly_rate",
                                  "card_no", "note"]
    order_columns = ["id", "plate", "start_date", "end_date", "status"]
    search_columns = ["center_id", "space_id", "household_id", "plate", "status", "start_date", "end_date"]
    validators_columns = {"plate": api_check(check_plate)}

