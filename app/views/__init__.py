"""Every view and API is registered here, in menu order.

MENU is data (menu name, category, permission resource) that
app.security.sync_roles also reads to grant menu access with read access.
"""

from flask_babel import lazy_gettext as _l

ESTATE = "Estate"
WORK_ORDERS = "WorkOrders"
PERSONNEL = "Personnel"
PARKING = "Parking"
FEES = "Fees"
APPROVALS = "Approvals"
SYSTEM = "System"

#: (menu name, category, class_permission_name)
MENU_RESOURCES = [
    ("ServiceCenters", ESTATE, "ServiceCenter"),
    ("Buildings", ESTATE, "Building"),
    ("Units", ESTATE, "Unit"),
    ("Households", ESTATE, "Household"),
    ("WorkOrderDesk", WORK_ORDERS, "WorkOrder"),
    ("MyWorkOrders", WORK_ORDERS, "WorkOrder"),
    ("SlaAlerts", WORK_ORDERS, "WorkOrder"),
    ("WorkOrderList", WORK_ORDERS, "WorkOrder"),
    ("WorkOrderKpis", WORK_ORDERS, "WorkOrderReport"),
    ("WorkOrderSample", WORK_ORDERS, "WorkOrderReport"),
    ("ParkingRentals", PARKING, "ParkingRental"),
    ("ParkingExpiring", PARKING, "ParkingRental"),
    ("ParkingSpaces", PARKING, "ParkingSpace"),
    ("ParkingOccupancy", PARKING, "ParkingSpace"),
    ("Bills", FEES, "Bill"),
    ("Payments", FEES, "Payment"),
    ("ChargeItems", FEES, "ChargeItem"),
    ("Employees", PERSONNEL, "Employee"),
    # The to-do lists show to those who act on them (转正 proposals, onboarding).
    ("ProbationDue", PERSONNEL, "Appointment"),
    ("Requisitions", PERSONNEL, "Requisition"),
    ("Applicants", PERSONNEL, "Applicant"),
    ("Onboardings", PERSONNEL, "Onboarding"),
    ("TrainingOverdue", PERSONNEL, "Onboarding"),
    ("Appointments", PERSONNEL, "Appointment"),
    ("Resignations", PERSONNEL, "Resignation"),
    ("HandoverChecklists", PERSONNEL, "HandoverChecklist"),
    ("SalarySettlements", PERSONNEL, "SalarySettlement"),
    ("Leaves", PERSONNEL, "Leave"),
    ("RewardPenalties", PERSONNEL, "RewardPenalty"),
    ("Departments", PERSONNEL, "Department"),
    ("Positions", PERSONNEL, "Position"),
    ("ApprovalInbox", APPROVALS, "Approval"),
    ("ApprovalList", APPROVALS, "Approval"),
    ("AuditLogs", SYSTEM, "AuditLog"),
    ("ApprovalChains", SYSTEM, "ApprovalChain"),
    ("ApprovalChainSteps", SYSTEM, "ApprovalChain"),
    ("SlaPolicies", SYSTEM, "SlaPolicy"),
    ("WorkCalendars", SYSTEM, "WorkCalendar"),
    ("Holidays", SYSTEM, "Holiday"),
    # 装修 renovation
    ("Renovations", "Renovation", "Renovation"),
    ("RenovationOverdue", "Renovation", "Renovation"),
    ("RenovationPasses", "Renovation", "RenovationPass"),
    ("RenovationInspections", "Renovation", "RenovationInspection"),
    ("RenovationInspectionOverdue", "Renovation", "RenovationInspection"),
    ("RenovationRectifications", "Renovation", "RenovationRectification"),
    ("RenovationNoticesOverdue", "Renovation", "RenovationRectification"),
    ("RenovationAcceptances", "Renovation", "RenovationAcceptance"),
    ("RenovationRefunds", "Renovation", "RenovationRefund"),
]


def register_views(appbuilder) -> None:
    from flask import current_app

    from app.views import personnel as v
    from app.views import personnel_api as va
    from app.views import work_orders as wo
    from app.views.approvals import (
        ApprovalApi,
        ApprovalChainStepView,
        ApprovalChainView,
        ApprovalInboxView,
        ApprovalView,
    )
    from app.views.audit import AuditLogView
    from app.views.badges import badge_context
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
    from app.views.sla_alerts import SlaAlertView
    from app.views.sla_settings import HolidayView, SlaPolicyView, WorkCalendarView

    estate = {"category": ESTATE, "category_label": _l("业户档案"), "category_icon": "fa-building"}
    appbuilder.add_view(ServiceCenterView, "ServiceCenters", label=_l("服务中心"), icon="fa-sitemap", **estate)
    appbuilder.add_view(BuildingView, "Buildings", label=_l("楼栋"), icon="fa-building-o", **estate)
    appbuilder.add_view(UnitView, "Units", label=_l("房屋单元"), icon="fa-home", **estate)
    appbuilder.add_view(HouseholdView, "Households", label=_l("业户"), icon="fa-users", **estate)
    # 工单: the desk first, the technician's own list, the register, the month's KPIs.
    desk = {"category": WORK_ORDERS, "category_label": _l("工单"), "category_icon": "fa-wrench"}
    appbuilder.add_view(wo.WorkOrderDeskView, "WorkOrderDesk", label=_l("工单台"), icon="fa-desktop", **desk)
    appbuilder.add_link("MyWorkOrders", href="/desk/mine", label=_l("我的工单"), icon="fa-user", **desk)
    appbuilder.add_view(SlaAlertView, "SlaAlerts", label=_l("时限预警"), icon="fa-bell", **desk)
    appbuilder.add_view(wo.WorkOrderView, "WorkOrderList", label=_l("全部工单"), icon="fa-list", **desk)
    appbuilder.add_view(wo.WorkOrderKpiView, "WorkOrderKpis", label=_l("月度工单统计"), icon="fa-bar-chart",
                        **desk)
    appbuilder.add_link("WorkOrderSample", href="/workorderkpi/sample", label=_l("每周抽查回访"),
                        icon="fa-random", **desk)
    appbuilder.add_api(wo.WorkOrderApi)
    # 车位: rentals first (the desk's daily work), the expiring list, spaces, occupancy.
    from app.views import parking as pk

    park = {"category": PARKING, "category_label": _l("车位"), "category_icon": "fa-car"}
    appbuilder.add_view(pk.ParkingRentalView, "ParkingRentals", label=_l("车位租用"), icon="fa-key", **park)
    appbuilder.add_link("ParkingExpiring", href="/parkingrentalview/expiring/", label=_l("即将到期"),
                        icon="fa-hourglass-end", **park)
    appbuilder.add_view(pk.ParkingSpaceView, "ParkingSpaces", label=_l("车位"), icon="fa-car", **park)
    appbuilder.add_link("ParkingOccupancy", href="/parkingspaceview/occupancy/", label=_l("车位使用率"),
                        icon="fa-pie-chart", **park)
    appbuilder.add_api(pk.ParkingSpaceApi)
    appbuilder.add_api(pk.ParkingRentalApi)
    # 收费: bills (the cashier's daily work), receipts, the charge-item catalogue.
    from app.views import billing as bl

    fees = {"category": FEES, "category_label": _l("收费"), "category_icon": "fa-jpy"}
    appbuilder.add_view(bl.BillView, "Bills", label=_l("账单"), icon="fa-file-text-o", **fees)
    appbuilder.add_view(bl.PaymentView, "Payments", label=_l("收款记录"), icon="fa-money", **fees)
    appbuilder.add_view(bl.ChargeItemView, "ChargeItems", label=_l("收费项目"), icon="fa-tags", **fees)
    for api in (bl.ChargeItemApi, bl.BillApi, bl.PaymentApi):
        appbuilder.add_api(api)
    # 人事: roster, HR records, requests with approval chains, two to-do lists.
    cat = {"category": PERSONNEL, "category_label": _l("人事"), "category_icon": "fa-id-card-o"}
    appbuilder.add_view(v.EmployeeView, "Employees", label=_l("员工花名册"), icon="fa-address-book-o", **cat)
    appbuilder.add_link("ProbationDue", href="/employeeview/probation_due/", label=_l("试用期到期"),
                        icon="fa-hourglass-half", **cat)
    appbuilder.add_view(v.RequisitionView, "Requisitions", label=_l("人员需求表"), icon="fa-user-plus", **cat)
    appbuilder.add_view(v.ApplicantView, "Applicants", label=_l("求职申请"), icon="fa-handshake-o", **cat)
    appbuilder.add_view(v.OnboardingView, "Onboardings", label=_l("入职清单"), icon="fa-check-square-o", **cat)
    appbuilder.add_link("TrainingOverdue", href="/onboardingview/training_overdue/", label=_l("入职培训逾期"),
                        icon="fa-exclamation-triangle", **cat)
    appbuilder.add_view(v.AppointmentView, "Appointments", label=_l("职务任免及工资审批"), icon="fa-level-up",
                        **cat)
    appbuilder.add_view(v.ResignationView, "Resignations", label=_l("员工离职申请"), icon="fa-sign-out", **cat)
    appbuilder.add_view(v.HandoverChecklistView, "HandoverChecklists", label=_l("离职交接清单"), icon="fa-list-ol",
                        **cat)
    appbuilder.add_view(v.SalarySettlementView, "SalarySettlements", label=_l("离职人员工资结算单"),
                        icon="fa-calculator", **cat)
    appbuilder.add_view(v.LeaveView, "Leaves", label=_l("请假申请"), icon="fa-calendar-minus-o", **cat)
    appbuilder.add_view(v.RewardPenaltyView, "RewardPenalties", label=_l("奖罚通知"), icon="fa-bullhorn", **cat)
    appbuilder.add_view(v.DepartmentView, "Departments", label=_l("部门"), icon="fa-sitemap", **cat)
    appbuilder.add_view(v.PositionView, "Positions", label=_l("岗位"), icon="fa-briefcase", **cat)
    for api in (va.EmployeeApi, va.RequisitionApi, va.AppointmentApi, va.ResignationApi, va.LeaveApi):
        appbuilder.add_api(api)
    approvals = {"category": APPROVALS, "category_label": _l("审批"), "category_icon": "fa-check-square-o"}
    appbuilder.add_view(ApprovalInboxView, "ApprovalInbox", label=_l("待我审批"), icon="fa-inbox", **approvals)
    appbuilder.add_view(ApprovalView, "ApprovalList", label=_l("审批记录"), icon="fa-list", **approvals)

    system = {"category": SYSTEM, "category_label": _l("系统"), "category_icon": "fa-cogs"}
    appbuilder.add_view(AuditLogView, "AuditLogs", label=_l("操作日志"), icon="fa-history", **system)
    appbuilder.add_view(ApprovalChainView, "ApprovalChains", label=_l("审批流程设置"), icon="fa-random", **system)
    appbuilder.add_view(ApprovalChainStepView, "ApprovalChainSteps", label=_l("审批步骤"), icon="fa-sort-numeric-asc",
                        **system)
    appbuilder.add_view(SlaPolicyView, "SlaPolicies", label=_l("工单时限规则"), icon="fa-clock-o", **system)
    appbuilder.add_view(WorkCalendarView, "WorkCalendars", label=_l("服务中心工作时间"), icon="fa-calendar",
                        **system)
    appbuilder.add_view(HolidayView, "Holidays", label=_l("节假日"), icon="fa-calendar-times-o", **system)
    current_app.context_processor(badge_context)
    for api in (ServiceCenterApi, BuildingApi, UnitApi, HouseholdApi, ApprovalApi):
        appbuilder.add_api(api)
    _register_renovation(appbuilder)  # 装修 renovation


def _register_renovation(appbuilder) -> None:
    """装修: applications, the overdue lists, passes, inspections, notices, acceptance, refunds."""
    from app.views import renovation as rv
    from app.views import renovation_api as ra

    reno = {"category": "Renovation", "category_label": _l("装修"), "category_icon": "fa-paint-brush"}
    appbuilder.add_view(rv.RenovationView, "Renovations", label=_l("装修申报"), icon="fa-file-text-o", **reno)
    appbuilder.add_link("RenovationOverdue", href="/renovationview/overdue/", label=_l("逾期未批"),
                        icon="fa-exclamation-circle", **reno)
    appbuilder.add_view(rv.RenovationPassView, "RenovationPasses", label=_l("装修出入证"), icon="fa-id-badge", **reno)
    appbuilder.add_view(rv.RenovationInspectionView, "RenovationInspections", label=_l("装修巡查"), icon="fa-eye",
                        **reno)
    appbuilder.add_link("RenovationInspectionOverdue", href="/renovationinspectionview/overdue/",
                        label=_l("巡查逾期"), icon="fa-exclamation-triangle", **reno)
    appbuilder.add_view(rv.RenovationRectificationView, "RenovationRectifications", label=_l("整改通知单"),
                        icon="fa-wrench", **reno)
    appbuilder.add_link("RenovationNoticesOverdue", href="/renovationrectificationview/overdue/",
                        label=_l("整改逾期"), icon="fa-clock-o", **reno)
    appbuilder.add_view(rv.RenovationAcceptanceView, "RenovationAcceptances", label=_l("竣工验收"),
                        icon="fa-check-circle", **reno)
    appbuilder.add_view(rv.RenovationRefundView, "RenovationRefunds", label=_l("装修押金退还"), icon="fa-undo",
                        **reno)
    for api in (ra.RenovationApi, ra.RenovationPassApi, ra.RenovationInspectionApi, ra.RectificationApi,
                ra.RenovationAcceptanceApi, ra.RenovationRefundApi):
        appbuilder.add_api(api)
