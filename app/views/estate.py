"""业户档案 screens and REST resources: centres, buildings, units, households."""

from flask_appbuilder.fieldwidgets import Select2Widget
from flask_babel import lazy_gettext as _l
from marshmallow.validate import OneOf
from wtforms import SelectField

from app.models.estate import HOUSEHOLD_KINDS, Building, Household, ServiceCenter, Unit
from app.security import can_see_id_numbers
from app.services import estate
from app.validators import check_id_number, check_phone, is_masked, mask_id_number
from app.views.base import ScopedModelRestApi, ScopedModelView, interface, masked_unless_privileged
from app.views.fields import SearchSelectField, api_check, wtf_check
from app.views.list_orders import households_by_room, units_by_room
from app.views.versioning import VERSION_FIELD, VersionedApi, VersionedEditView

LABELS = {
    "id": _l("编号"),
    "code": _l("中心编号"),
    "name": _l("名称"),
    "address": _l("地址"),
    "phone": _l("电话"),
    "managed_area": _l("管理面积(m²)"),
    "center": _l("服务中心"),
    "center_id": _l("服务中心"),
    "building_id": _l("楼栋"),
    "unit_id": _l("房屋单元"),
    "floors": _l("层数"),
    "note": _l("备注"),
    "building": _l("楼栋"),
    "room_no": _l("房号"),
    "area": _l("建筑面积(m²)"),
    "unit": _l("房屋单元"),
    "kind": _l("类型"),
    "id_number": _l("身份证号"),
    "created_on": _l("创建时间"),
    "changed_on": _l("修改时间"),
}


def _kind_label(value):
    return HOUSEHOLD_KINDS.get(value, value)


class ServiceCenterView(ScopedModelView):
    datamodel = interface(ServiceCenter)
    class_permission_name = "ServiceCenter"
    service = estate
    list_title = _l("服务中心")
    show_title = add_title = edit_title = list_title
    label_columns = LABELS
    list_columns = ["code", "name", "address", "phone", "managed_area"]
    show_columns = list_columns + ["created_on", "changed_on"]
    add_columns = edit_columns = ["code", "name", "address", "phone", "managed_area"]
    search_columns = ["code", "name"]
    order_columns = ["code", "name"]
    base_order = ("code", "asc")
    lookup_columns = ["name", "code"]
    validators_columns = {"phone": [wtf_check(check_phone)]}


class BuildingView(ScopedModelView):
    datamodel = interface(Building)
    class_permission_name = "Building"
    service = estate
    list_title = _l("楼栋")
    show_title = add_title = edit_title = list_title
    label_columns = LABELS
    list_columns = ["center", "name", "floors", "note"]
    show_columns = list_columns + ["created_on", "changed_on"]
    add_columns = edit_columns = ["center", "name", "floors", "note"]
    search_columns = ["center", "name"]
    order_columns = ["name", "floors"]
    base_order = ("name", "asc")
    lookup_columns = ["name"]


class UnitView(ScopedModelView):
    datamodel = interface(Unit)
    class_permission_name = "Unit"
    service = estate
    list_title = _l("房屋单元")
    show_title = add_title = edit_title = list_title
    label_columns = LABELS
    list_columns = ["center", "building", "room_no", "area"]
    show_columns = list_columns + ["created_on", "changed_on"]
    add_columns = edit_columns = ["building", "room_no", "area"]
    search_columns = ["center", "building", "room_no", "area"]
    order_columns = ["room_no", "area"]
    base_order = ("room", "asc")  # building, then room, in natural order
    compound_orders = {"room": units_by_room}
    lookup_columns = ["room_no"]
    lookup_order = "room_no"


class HouseholdView(VersionedEditView, ScopedModelView):
    datamodel = interface(Household)
    class_permission_name = "Household"
    service = estate
    list_title = _l("业户")
    show_title = add_title = edit_title = list_title
    label_columns = {**LABELS, "name": _l("姓名")}
    list_columns = ["name", "kind", "phone", "unit", "center", "id_number"]
    show_columns = list_columns + ["note", "created_on", "changed_on"]
    add_columns = ["unit", "name", "kind", "phone", "id_number", "note"]
    edit_columns = [*add_columns, VERSION_FIELD]
    search_columns = ["name", "phone", "kind", "center"]
    order_columns = ["name", "phone", "kind"]
    base_order = ("room", "asc")  # as the archive is filed: building, room, name
    compound_orders = {"room": households_by_room}
    export_unloaded = ("unit.center", "unit.building.center")
    lookup_columns = ["name", "phone"]
    formatters_columns = {"kind": _kind_label, "id_number": masked_unless_privileged}
    validators_columns = {
        "phone": [wtf_check(check_phone)],
        "id_number": [wtf_check(check_id_number, skip=is_masked)],
    }
    description_columns = {
        "id_number": _l("18位居民身份证号，可不填；列表中仅显示前6位和后4位"),
        "unit": _l("输入房号搜索"),
    }
    _extra = {
        "unit": SearchSelectField(_l("房屋单元"), model=Unit, endpoint="UnitView.lookup", required=True),
        "kind": SelectField(
            _l("类型"), choices=list(HOUSEHOLD_KINDS.items()), widget=Select2Widget()
        ),
    }
    add_form_extra_fields = _extra
    edit_form_extra_fields = {**_extra, **VersionedEditView.version_extra_fields}
    search_form_extra_fields = {"kind": _extra["kind"]}

    def prefill_form(self, form, pk):
        """Staff who may not read ID numbers edit the row without ever seeing one."""
        super().prefill_form(form, pk)
        if not can_see_id_numbers():
            form.id_number.data = mask_id_number(form.id_number.data)


# -- REST resources (DESIGN.md "Interfaces": stable field names) --------------

class ServiceCenterApi(ScopedModelRestApi):
    label_columns = LABELS
    resource_name = "servicecenter"
    datamodel = interface(ServiceCenter)
    class_permission_name = "ServiceCenter"
    service = estate
    list_columns = show_columns = ["id", "code", "name", "address", "phone", "managed_area"]
    add_columns = edit_columns = ["code", "name", "address", "phone", "managed_area"]
    order_columns = ["id", "code", "name"]
    search_columns = ["code", "name"]
    validators_columns = {"phone": api_check(check_phone)}


class BuildingApi(ScopedModelRestApi):
    label_columns = LABELS
    resource_name = "building"
    datamodel = interface(Building)
    class_permission_name = "Building"
    service = estate
    list_columns = show_columns = ["id", "center_id", "name", "floors", "note"]
    add_columns = edit_columns = ["center_id", "name", "floors", "note"]
    order_columns = ["id", "name"]
    search_columns = ["center_id", "name"]


class UnitApi(ScopedModelRestApi):
    label_columns = LABELS
    resource_name = "unit"
    datamodel = interface(Unit)
    class_permission_name = "Unit"
    service = estate
    list_columns = show_columns = ["id", "center_id", "building_id", "room_no", "area"]
    add_columns = edit_columns = ["building_id", "room_no", "area"]
    order_columns = ["id", "room_no", "area"]
    search_columns = ["center_id", "building_id", "room_no"]


class HouseholdApi(VersionedApi, ScopedModelRestApi):
    label_columns = {**LABELS, "name": _l("姓名")}
    resource_name = "household"
    datamodel = interface(Household)
    class_permission_name = "Household"
    service = estate
    list_columns = show_columns = [
        "id", "center_id", "unit_id", "name", "kind", "phone", "id_number", "note", "version",
    ]
    add_columns = edit_columns = ["unit_id", "name", "kind", "phone", "id_number", "note"]
    order_columns = ["id", "name", "phone"]
    search_columns = ["center_id", "unit_id", "name", "phone", "kind"]
    mask_columns = ("id_number",)
    validators_columns = {
        "phone": api_check(check_phone),
        "id_number": api_check(check_id_number),
        "kind": OneOf(list(HOUSEHOLD_KINDS)),
    }
