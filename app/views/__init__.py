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
HANDOVER = "Handover"
RENOVATION = "Renovation"
TOP_LEVEL = ""  # a menu entry of its own, no dropdown
REPORTS = "Reports"

#: (menu name, category, class_permission_name), in menu order.
MENU_RESOURCES = [
    ("Dashboard", TOP_LEVEL, "Dashboard"),
    ("ServiceCenters", ESTATE, "ServiceCenter"),
    ("Buildings", ESTATE, "Building"),
    ("Units", ESTATE, "Unit"),
    ("Households", ESTATE, "Household"),
    ("HouseholdImport", ESTATE, "HouseholdImport"),
    ("WorkOrderDesk", WORK_ORDERS, "WorkOrder"),
    ("MyWorkOrders", WORK_ORDERS, "WorkOrder"),
    ("SlaAlerts", WORK_ORDERS, "WorkOrder"),
    ("WorkOrderList", WORK_ORDERS, "WorkOrder"),
    ("WorkOrderKpis", WORK_ORDERS, "WorkOrderReport"),
    ("WorkOrderSample", WORK_ORDERS, "WorkOrderReport"),
    # 收费: the desk, the registers, month-end work, arrears, reports, settings.
    ("CashierDesk", FEES, "Payment"),
    ("Bills", FEES, "Bill"),
    ("Payments", FEES, "Payment"),
    ("PaymentReversals", FEES, "PaymentReversal"),
    ("DayCloseToday", FEES, "DayClose"),
    ("DayCloses", FEES, "DayClose"),
    ("BillGenerate", FEES, "BillGeneration"),
    ("MeterReadings", FEES, "MeterReading"),
    ("MissingReadings", FEES, "MeterReading"),
    ("ArrearsDue", FEES, "Arrears"),
    ("ArrearsContacts", FEES, "ArrearsContact"),
    ("ArrearsAging", FEES, "Arrears"),
    ("ArrearsCommittee", FEES, "Arrears"),
    ("CollectionReport", FEES, "FeeReport"),
    ("DayCloseJournal", FEES, "DayCloseReport"),
    ("ChargeItems", FEES, "ChargeItem"),
    ("ChargeRates", FEES, "ChargeRate"),
    ("FeePolicies", FEES, "FeePolicy"),
    ("ParkingRentals", PARKING, "ParkingRental"),
    ("ParkingExpiring", PARKING, "ParkingRental"),
    ("ParkingSpaces", PARKING, "ParkingSpace"),
    ("ParkingOccupancy", PARKING, "ParkingSpace"),
    # 装修 renovation
    ("Renovations", RENOVATION, "Renovation"),
    ("RenovationOverdue", RENOVATION, "Renovation"),
    ("RenovationPasses", RENOVATION, "RenovationPass"),
    ("RenovationInspections", RENOVATION, "RenovationInspection"),
    ("RenovationInspectionOverdue", RENOVATION, "RenovationInspection"),
    ("RenovationRectifications", RENOVATION, "RenovationRectification"),
    ("RenovationNoticesOverdue", RENOVATION, "RenovationRectification"),
    ("RenovationAcceptances", RENOVATION, "RenovationAcceptance"),
    ("RenovationRefunds", RENOVATION, "RenovationRefund"),
    ("Handovers", HANDOVER, "Handover"),
    ("ShiftSwaps", HANDOVER, "ShiftSwap"),
    ("RotaEntries", HANDOVER, "RotaEntry"),
    ("MajorIncidents", HANDOVER, "MajorIncident"),
    ("ShiftPosts", HANDOVER, "ShiftPost"),
    ("Shifts", HANDOVER, "Shift"),
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
    ("EmployeeImport", PERSONNEL, "EmployeeImport"),
    # 报表: the monthly workbook (issue 7)
    ("MonthlyReport", REPORTS, "MonthlyReport"),
    ("ApprovalInbox", APPROVALS, "Approval"),
    ("ApprovalList", APPROVALS, "Approval"),
    ("AuditLogs", SYSTEM, "AuditLog"),
    ("ApprovalChains", SYSTEM, "ApprovalChain"),
    ("ApprovalChainSteps", SYSTEM, "ApprovalChain"),
    ("SlaPolicies", SYSTEM, "SlaPolicy"),
    ("WorkCalendars", SYSTEM, "WorkCalendar"),
    ("Holidays", SYSTEM, "Holiday"),
]


def register_views(appbuilder) -> None:
    """Menus in the order the desks use them; each area registers its screens and APIs."""
    from flask import current_app

    from app.views.badges import badge_context

    _register_dashboard(appbuilder)
    _register_estate_and_work_orders(appbuilder)
    _register_fees(appbuilder)
    _register_parking(appbuilder)
    _register_renovation(appbuilder)
    _register_handover(appbuilder)
    _register_personnel(appbuilder)
    _register_reports(appbuilder)
    _register_approvals_and_system(appbuilder)
    _register_imports(appbuilder)
    _register_notifications(appbuilder)
    current_app.context_processor(badge_context)


def _register_dashboard(appbuilder) -> None:
    """经营看板 first in the menu: the centre manager's landing page (app.views.dashboard.IndexView)."""
    from app.views.dashboard import DashboardView

    appbuilder.add_view(DashboardView, "Dashboard", label=_l("经营看板"), icon="fa-dashboard", category=TOP_LEVEL)


def _register_estate_and_work_orders(appbuilder) -> None:
    from app.views import work_orders as wo
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
    for api in (ServiceCenterApi, BuildingApi, UnitApi, HouseholdApi):
        appbuilder.add_api(api)


def _register_fees(appbuilder) -> None:
    """收费: the 收银台 first, bills and receipts, month-end generation and meter readings,
    arrears and 催缴, reports, then the settings (items, rates, policies)."""
    from app.views import arrears as ar
    from app.views import billing as bl
    from app.views import cash, cash_api
    from app.views import cashier as cs
    from app.views import collections as co
    from app.views import fees as fv

    fees = {"category": FEES, "category_label": _l("收费"), "category_icon": "fa-jpy"}
    appbuilder.add_view(cs.CashierDeskView, "CashierDesk", label=_l("收银台"), icon="fa-desktop", **fees)
    appbuilder.add_view(bl.BillView, "Bills", label=_l("账单"), icon="fa-file-text-o", **fees)
    appbuilder.add_view(bl.PaymentView, "Payments", label=_l("收款记录"), icon="fa-money", **fees)
    appbuilder.add_view(cash.PaymentReversalView, "PaymentReversals", label=_l("红冲申请"), icon="fa-undo", **fees)
    appbuilder.add_link("DayCloseToday", href="/daycloseview/today/", label=_l("今日日结"), icon="fa-calculator",
                        **fees)
    appbuilder.add_view(cash.DayCloseView, "DayCloses", label=_l("日结记录"), icon="fa-book", **fees)
    appbuilder.add_view(fv.BillGenerationView, "BillGenerate", label=_l("生成账单"), icon="fa-magic", **fees)
    appbuilder.add_view(fv.MeterReadingView, "MeterReadings", label=_l("抄表记录"), icon="fa-tachometer", **fees)
    appbuilder.add_link("MissingReadings", href="/meterreadingview/missing/", label=_l("缺抄表"),
                        icon="fa-exclamation-circle", **fees)
    appbuilder.add_view(ar.ArrearsView, "ArrearsDue", label=_l("本月催缴"), icon="fa-bell-o", **fees)
    appbuilder.add_view(co.ArrearsContactView, "ArrearsContacts", label=_l("催缴记录"), icon="fa-phone", **fees)
    appbuilder.add_link("ArrearsAging", href="/arrears/aging/", label=_l("欠费账龄"), icon="fa-hourglass-half",
                        **fees)
    appbuilder.add_link("ArrearsCommittee", href="/arrears/committee/", label=_l("业主委员会欠费报告"),
                        icon="fa-users", **fees)
    appbuilder.add_view(cs.CollectionReportView, "CollectionReport", label=_l("收缴率"), icon="fa-percent", **fees)
    appbuilder.add_view(cash.DayCloseReportView, "DayCloseJournal", label=_l("日结汇总"), icon="fa-table", **fees)
    appbuilder.add_view(bl.ChargeItemView, "ChargeItems", label=_l("收费项目"), icon="fa-tags", **fees)
    appbuilder.add_view(fv.ChargeRateView, "ChargeRates", label=_l("收费标准调整"), icon="fa-line-chart", **fees)
    appbuilder.add_view(co.CenterFeePolicyView, "FeePolicies", label=_l("收费政策"), icon="fa-sliders", **fees)
    for api in (bl.ChargeItemApi, bl.BillApi, bl.PaymentApi, fv.ChargeRateApi, fv.MeterReadingApi,
                co.ArrearsContactApi, co.CenterFeePolicyApi, cash_api.ReversalApi, cash_api.DayCloseApi):
        appbuilder.add_api(api)


def _register_parking(appbuilder) -> None:
    """车位: rentals first (the desk's daily work), the expiring list, spaces, occupancy."""
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


def _register_personnel(appbuilder) -> None:
    """人事: roster, HR records, requests with approval chains, two to-do lists."""
    from app.views import personnel as v
    from app.views import personnel_api as va

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


def _register_imports(appbuilder) -> None:
    """导入 (issue 7): a new centre's units, households and staff from its spreadsheets,
    each at the end of its register's menu."""
    from app.views.importing import EmployeeImportView, HouseholdImportView

    appbuilder.add_view(HouseholdImportView, "HouseholdImport", label=_l("导入房屋及住户"), icon="fa-upload",
                        category=ESTATE)
    appbuilder.add_view(EmployeeImportView, "EmployeeImport", label=_l("导入员工"), icon="fa-upload",
                        category=PERSONNEL)
def _register_reports(appbuilder) -> None:
    """报表: the centre's 月度工作报告 (page and Excel workbook)."""
    from app.views.monthly_report import MonthlyReportView

    appbuilder.add_view(MonthlyReportView, "MonthlyReport", label=_l("月度工作报告"), icon="fa-file-excel-o",
                        category=REPORTS, category_label=_l("报表"), category_icon="fa-bar-chart")


def _register_approvals_and_system(appbuilder) -> None:
    from app.views.approvals import (
        ApprovalApi,
        ApprovalChainStepView,
        ApprovalChainView,
        ApprovalInboxView,
        ApprovalView,
    )
    from app.views.audit import AuditLogView
    from app.views.sla_settings import HolidayView, SlaPolicyView, WorkCalendarView

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
    appbuilder.add_api(ApprovalApi)


def _register_handover(appbuilder) -> None:
    """交接班: the handover log first, swaps, the rota, incidents, posts and shifts."""
    from app.views import handover as ho
    from app.views import handover_api as hapi

    cat = {"category": HANDOVER, "category_label": _l("交接班"), "category_icon": "fa-exchange"}
    appbuilder.add_view(ho.HandoverView, "Handovers", label=_l("交接班记录"), icon="fa-book", **cat)
    appbuilder.add_view(ho.ShiftSwapView, "ShiftSwaps", label=_l("换班申请"), icon="fa-retweet", **cat)
    appbuilder.add_view(ho.RotaEntryView, "RotaEntries", label=_l("排班表"), icon="fa-calendar", **cat)
    appbuilder.add_view(ho.MajorIncidentView, "MajorIncidents", label=_l("重大事件登记"), icon="fa-exclamation",
                        **cat)
    appbuilder.add_view(ho.PostView, "ShiftPosts", label=_l("岗位"), icon="fa-map-marker", **cat)
    appbuilder.add_view(ho.ShiftView, "Shifts", label=_l("班次"), icon="fa-clock-o", **cat)
    for api in (hapi.HandoverApi, hapi.ShiftSwapApi, hapi.PostApi, hapi.ShiftApi, hapi.RotaApi,
                hapi.MajorIncidentApi):
        appbuilder.add_api(api)


def _register_renovation(appbuilder) -> None:
    """装修: applications, the overdue lists, passes, inspections, notices, acceptance, refunds."""
    from app.views import renovation as rv
    from app.views import renovation_api as ra

    reno = {"category": RENOVATION, "category_label": _l("装修"), "category_icon": "fa-paint-brush"}
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


def _register_notifications(appbuilder) -> None:
    """待办与通知: reached from the bell in the navbar (navbar_right.html), not from a menu."""
    from app.views.notifications import NotificationView

    appbuilder.add_view_no_menu(NotificationView)
