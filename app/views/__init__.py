"""Every view and API is registered here, in menu order.

MENU is data (menu name, category, permission resource) that
app.security.sync_roles also reads to grant menu access with read access.
"""

from flask_babel import lazy_gettext as _l

ESTATE = "Estate"
SYSTEM = "System"

#: (menu name, category, class_permission_name)
MENU_RESOURCES = [
    ("ServiceCenters", ESTATE, "ServiceCenter"),
    ("Buildings", ESTATE, "Building"),
    ("Units", ESTATE, "Unit"),
    ("Households", ESTATE, "Household"),
    ("AuditLog", SYSTEM, "AuditLog"),
]


def register_views(appbuilder) -> None:
    from app.views.audit import AuditLogView
    from app.views.estate import (
        BuildingApi,
        BuildingView,
        HouseholdApi,
        HouseholdView,
        ServiceCenterApi,
        ServiceCenterView,
        UnitApi,
        UnitView,
    )

    estate = {"category": ESTATE, "category_label": _l("业户档案"), "category_icon": "fa-building"}
    appbuilder.add_view(ServiceCenterView, "ServiceCenters", label=_l("服务中心"), icon="fa-sitemap", **estate)
    appbuilder.add_view(BuildingView, "Buildings", label=_l("楼栋"), icon="fa-building-o", **estate)
    appbuilder.add_view(UnitView, "Units", label=_l("房屋单元"), icon="fa-home", **estate)
    appbuilder.add_view(HouseholdView, "Households", label=_l("业户"), icon="fa-users", **estate)
    appbuilder.add_view(
        AuditLogView, "AuditLog", label=_l("操作日志"), icon="fa-history",
        category=SYSTEM, category_label=_l("系统"), category_icon="fa-cogs",
    )
    for api in (ServiceCenterApi, BuildingApi, UnitApi, HouseholdApi):
        appbuilder.add_api(api)
