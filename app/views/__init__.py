"""Every view and API is registered here, in menu order.

MENU is data (menu name, category, permission resource) that
app.security.sync_roles also reads to grant menu access with read access.
"""

from flask_babel import lazy_gettext as _l

ESTATE = "Estate"
APPROVALS = "Approvals"
SYSTEM = "System"

#: (menu name, category, class_permission_name)
MENU_RESOURCES = [
    ("ServiceCenters", ESTATE, "ServiceCenter"),
    ("Buildings", ESTATE, "Building"),
    ("Units", ESTATE, "Unit"),
    ("Households", ESTATE, "Household"),
    ("ApprovalInbox", APPROVALS, "Approval"),
    ("ApprovalList", APPROVALS, "Approval"),
    ("AuditLogs", SYSTEM, "AuditLog"),
    ("ApprovalChains", SYSTEM, "ApprovalChain"),
    ("ApprovalChainSteps", SYSTEM, "ApprovalChain"),
]


def register_views(appbuilder) -> None:
    from flask import current_app

    from app.views.approvals import (
        ApprovalApi,
        ApprovalChainStepView,
        ApprovalChainView,
        ApprovalInboxView,
        ApprovalView,
        inbox_context,
    )
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
    approvals = {"category": APPROVALS, "category_label": _l("审批"), "category_icon": "fa-check-square-o"}
    appbuilder.add_view(ApprovalInboxView, "ApprovalInbox", label=_l("待我审批"), icon="fa-inbox", **approvals)
    appbuilder.add_view(ApprovalView, "ApprovalList", label=_l("审批记录"), icon="fa-list", **approvals)

    system = {"category": SYSTEM, "category_label": _l("系统"), "category_icon": "fa-cogs"}
    appbuilder.add_view(AuditLogView, "AuditLogs", label=_l("操作日志"), icon="fa-history", **system)
    appbuilder.add_view(ApprovalChainView, "ApprovalChains", label=_l("审批流程设置"), icon="fa-random", **system)
    appbuilder.add_view(ApprovalChainStepView, "ApprovalChainSteps", label=_l("审批步骤"), icon="fa-sort-numeric-asc",
                        **system)
    current_app.context_processor(inbox_context)
    for api in (ServiceCenterApi, BuildingApi, UnitApi, HouseholdApi, ApprovalApi):
        appbuilder.add_api(api)
