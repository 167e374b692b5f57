"""Roles, permissions and row-level scope by service centre.

One table (ROLE_GRANTS) says which role may read, write or export which
resource; `sync_roles()` makes the database match it, idempotently (run by
`flask seed` and after `flask db upgrade`). Scope is one helper,
`center_scope()`, used by the data interface, the services and the reports.
"""

import re

from flask import g, has_request_context
from flask_appbuilder.exceptions import PasswordComplexityValidationError
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.permission_cache import RequestPermissionCache  # perf (issue 8)

READ, WRITE, EXPORT = "read", "write", "export"
RO = frozenset({READ, EXPORT})
RW = frozenset({READ, WRITE, EXPORT})
R = frozenset({READ})

#: code → Chinese label (DESIGN.md "Who uses it").
ROLES = {
    "admin": _l("系统管理员"),
    "gm": _l("总经理"),
    "hr": _l("行政人事"),
    "center_manager": _l("服务中心经理"),
    "supervisor": _l("部门主管/客服主管"),
    "frontdesk": _l("客服前台/客服助理"),
    "cashier": _l("收费员"),
    "finance": _l("财务"),
    "technician": _l("维修/工程人员"),
    "auditor": _l("审计(只读)"),
}

#: Roles that see every centre; all other roles see only their own centres.
COMPANY_WIDE_ROLES = frozenset({"admin", "gm", "hr", "finance", "auditor"})

#: Roles that see ID numbers unmasked.
ID_NUMBER_ROLES = frozenset({"admin", "hr"})

_ESTATE_RO = {"ServiceCenter": RO, "Building": RO, "Unit": RO, "Household": RO}

#: role → resource (class_permission_name) → allowed verbs. admin gets all.
ROLE_GRANTS: dict[str, dict[str, frozenset]] = {
    "gm": dict(_ESTATE_RO),
    "hr": dict(_ESTATE_RO),
    "finance": dict(_ESTATE_RO),
    "auditor": {**_ESTATE_RO, "AuditLog": RO, "Approval": RO},
    "center_manager": {"ServiceCenter": RO, "Building": RW, "Unit": RW, "Household": RW},
    "supervisor": {"ServiceCenter": R, "Building": RO, "Unit": RO, "Household": RW},
    "frontdesk": {"ServiceCenter": R, "Building": RO, "Unit": RO, "Household": RW},
    "cashier": {"ServiceCenter": R, "Building": R, "Unit": R, "Household": RO},
    "technician": {"Building": R, "Unit": R, "Household": R},
}

#: 人事 resources (class_permission_name of the personnel screens and APIs).
_PERSONNEL = ("Department", "Position", "Employee", "Requisition", "Applicant", "Onboarding", "Appointment",
              "Resignation", "HandoverChecklist", "SalarySettlement", "Leave", "RewardPenalty")
_REQUESTS_RW = {"Requisition": RW, "Appointment": RW, "Resignation": RW, "Leave": RW}
_PERSONNEL_GRANTS: dict[str, dict[str, frozenset]] = {
    "hr": {r: RW for r in _PERSONNEL},  # company-wide (COMPANY_WIDE_ROLES)
    "gm": {r: RO for r in _PERSONNEL},
    "auditor": {r: RO for r in _PERSONNEL},
    "finance": {"Employee": RO, "SalarySettlement": RO},
    "center_manager": {"Employee": RO, "Department": RO, "Position": RO, **_REQUESTS_RW, "RewardPenalty": RW},
    "supervisor": {"Employee": RO, **_REQUESTS_RW},  # 受理 resignations, proposes appointments
    "frontdesk": {"Employee": R, "Leave": RW},  # staff ask for leave
    "cashier": {"Employee": R, "Leave": RW},
    "technician": {"Employee": R, "Leave": RW},
}
for _role, _grants in _PERSONNEL_GRANTS.items():
    ROLE_GRANTS[_role].update(_grants)

#: 工单: the desk and supervisors write; technicians act on their own orders
#: (transitions are writes; the service limits them to their assignments).
_WORK_ORDER_GRANTS: dict[str, dict[str, frozenset]] = {
    "frontdesk": {"WorkOrder": RW},
    "supervisor": {"WorkOrder": RW, "WorkOrderReport": RO, "SlaPolicy": R, "Holiday": R},
    "center_manager": {"WorkOrder": RW, "WorkOrderReport": RO, "WorkCalendar": RW, "SlaPolicy": R, "Holiday": R},
    "technician": {"WorkOrder": frozenset({READ, WRITE})},
    "cashier": {"WorkOrder": R},
    "gm": {"WorkOrder": RO, "WorkOrderReport": RO},
    "hr": {"WorkOrder": R},
    "finance": {"WorkOrder": RO},
    "auditor": {"WorkOrder": RO, "WorkOrderReport": RO},
}
for _role, _grants in _WORK_ORDER_GRANTS.items():
    ROLE_GRANTS[_role].update(_grants)

#: 车位: the front desk rents spaces; cashiers read (车位费), company roles read.
_PARKING = ("ParkingSpace", "ParkingRental")
_PARKING_GRANTS: dict[str, dict[str, frozenset]] = {
    "frontdesk": {r: RW for r in _PARKING},
    "supervisor": {r: RW for r in _PARKING},
    "center_manager": {r: RW for r in _PARKING},
    "cashier": {r: R for r in _PARKING},
    "gm": {r: RO for r in _PARKING},
    "finance": {r: RO for r in _PARKING},
    "auditor": {r: RO for r in _PARKING},
}
for _role, _grants in _PARKING_GRANTS.items():
    ROLE_GRANTS[_role].update(_grants)

#: 收费: cashiers bill and take payments in their own centre; the centre
#: manager keeps the charge-item catalogue; company roles read.
_BILLING = ("ChargeItem", "Bill", "Payment")
_BILLING_GRANTS: dict[str, dict[str, frozenset]] = {
    "cashier": {r: RW for r in _BILLING},
    "center_manager": {**{r: RO for r in _BILLING}, "ChargeItem": RW},
    "finance": {r: RO for r in _BILLING},
    "gm": {r: RO for r in _BILLING},
    "auditor": {r: RO for r in _BILLING},
    "frontdesk": {"Bill": R},
}
for _role, _grants in _BILLING_GRANTS.items():
    ROLE_GRANTS[_role].update(_grants)

#: desk (issue 5): the 收银台 is the "Payment" resource (cashier RW, granted above);
#: fee reports (收缴率) are read and exported by the fee roles, each in its scope.
_DESK_GRANTS: dict[str, dict[str, frozenset]] = {
    r: {"FeeReport": RO} for r in ("cashier", "center_manager", "finance", "gm", "auditor")
}
for _role, _grants in _DESK_GRANTS.items():
    ROLE_GRANTS[_role].update(_grants)

#: 收费 (fees: rates, meter readings, generation): the centre manager keeps the
#: rates like the charge items; cashiers and the front desk record meter
#: readings; cashiers (and the centre manager) generate a period's bills.
_GENERATE = frozenset({READ, WRITE})
_FEES_GRANTS: dict[str, dict[str, frozenset]] = {
    "center_manager": {"ChargeRate": RW, "MeterReading": RO, "BillGeneration": _GENERATE},
    "cashier": {"ChargeRate": R, "MeterReading": RW, "BillGeneration": _GENERATE},
    "frontdesk": {"MeterReading": RW},
    "supervisor": {"MeterReading": R},
    "finance": {"ChargeRate": RO, "MeterReading": RO},
    "gm": {"ChargeRate": RO, "MeterReading": RO},
    "auditor": {"ChargeRate": RO, "MeterReading": RO},
}
for _role, _grants in _FEES_GRANTS.items():
    ROLE_GRANTS[_role].update(_grants)

#: reversal (红冲) and day close (日结): cashiers request reversals and close their
#: own day (own centre); finance confirms closes company-wide (and decides
#: reversals through "Approval"); managers and auditors read. "confirm" is finance's.
_REVERSAL_CONFIRM = frozenset({READ, EXPORT, "confirm"})
_REVERSAL_GRANTS: dict[str, dict[str, frozenset]] = {
    "cashier": {"PaymentReversal": RW, "DayClose": RW, "DayCloseReport": RO},
    "finance": {"PaymentReversal": RO, "DayClose": _REVERSAL_CONFIRM, "DayCloseReport": RO},
    "center_manager": {"PaymentReversal": RO, "DayClose": RO, "DayCloseReport": RO},
    "gm": {"PaymentReversal": RO, "DayClose": RO, "DayCloseReport": RO},
    "auditor": {"PaymentReversal": RO, "DayClose": RO, "DayCloseReport": RO},
}
for _role, _grants in _REVERSAL_GRANTS.items():
    ROLE_GRANTS[_role].update(_grants)

#: 装修 renovation: the desk takes applications and issues passes; technicians
#: inspect, raise rectification notices and accept (and decide 工程审核); the
#: centre manager and supervisors do all; finance decides refunds; others read.
_RENOVATION = ("Renovation", "RenovationPass", "RenovationInspection", "RenovationRectification",
               "RenovationAcceptance", "RenovationRefund")
_RENOVATION_SITE = ("RenovationInspection", "RenovationRectification", "RenovationAcceptance")
_RENOVATION_GRANTS: dict[str, dict[str, frozenset]] = {
    "frontdesk": {**{r: R for r in _RENOVATION}, "Renovation": RW, "RenovationPass": RW},
    "technician": {**{r: R for r in _RENOVATION}, **{r: RW for r in _RENOVATION_SITE}},
    "center_manager": {r: RW for r in _RENOVATION},
    "supervisor": {r: RW for r in _RENOVATION},
    "finance": {r: RO for r in _RENOVATION},
    "gm": {r: RO for r in _RENOVATION},
    "auditor": {r: RO for r in _RENOVATION},
    "cashier": {r: R for r in _RENOVATION},
}
for _role, _grants in _RENOVATION_GRANTS.items():
    ROLE_GRANTS[_role].update(_grants)

# Deciding and withdrawing are writes on "Approval"; which step a role may
# decide is chain data (app/workflows/chains.py), checked by the service.
for _role in ("gm", "hr", "finance", "center_manager", "supervisor", "frontdesk", "cashier", "technician"):
    ROLE_GRANTS[_role]["Approval"] = RW

#: arrears (欠费, 催缴): cashiers chase arrears in their own centre; the front desk
#: reads and records contacts; the centre manager reads and keeps the fee policy;
#: company roles read. "Arrears" = the pages and exports, "ArrearsContact" = 催缴记录.
_ARREARS_GRANTS: dict[str, dict[str, frozenset]] = {
    "cashier": {"Arrears": RO, "ArrearsContact": RW, "FeePolicy": R},
    "frontdesk": {"Arrears": R, "ArrearsContact": frozenset({READ, WRITE})},
    "center_manager": {"Arrears": RO, "ArrearsContact": RO, "FeePolicy": RW},
    "finance": {"Arrears": RO, "ArrearsContact": RO, "FeePolicy": RO},
    "gm": {"Arrears": RO, "ArrearsContact": RO, "FeePolicy": RO},
    "auditor": {"Arrears": RO, "ArrearsContact": RO, "FeePolicy": RO},
}
for _role, _grants in _ARREARS_GRANTS.items():
    ROLE_GRANTS[_role].update(_grants)

#: 导入 (issue 7): the centre manager and the front desk import units and households into
#: their own centres (the importer checks every row's centre); hr imports the staff roster.
_IMPORT = frozenset({READ, WRITE})
_IMPORT_GRANTS: dict[str, dict[str, frozenset]] = {
    "center_manager": {"HouseholdImport": _IMPORT},
    "frontdesk": {"HouseholdImport": _IMPORT},
    "hr": {"EmployeeImport": _IMPORT},
}
for _role, _grants in _IMPORT_GRANTS.items():
    ROLE_GRANTS[_role].update(_grants)
#: 待办与通知 (the bell): every role reads its own items; the view and services show
#: nobody another user's notifications. Marking one's own items read is part of reading.
for _role in ROLE_GRANTS:
    ROLE_GRANTS[_role]["Notification"] = R
#: 月度工作报告 (issue 7): the centre manager reads and downloads their own
#: centres' report; gm, finance and auditor every centre's (the scope rule).
for _role in ("center_manager", "gm", "finance", "auditor"):
    ROLE_GRANTS[_role]["MonthlyReport"] = RO

#: FAB's own views every signed-in user needs: own profile, own password,
#: and the API description (integrators work with their own role's user).
EVERY_USER = (
    ("can_get", "OpenApi"),
    ("can_show", "SwaggerView"),
    ("can_userinfo", "UserDBModelView"),
    ("resetmypassword", "UserDBModelView"),
    ("can_this_form_get", "ResetMyPasswordView"),
    ("can_this_form_post", "ResetMyPasswordView"),
    ("can_this_form_get", "UserInfoEditView"),
    ("can_this_form_post", "UserInfoEditView"),
)

#: Method → verb, shared by every ModelView and ModelRestApi (read/write/export).
METHOD_PERMISSIONS = {
    "list": READ,
    "show": READ,
    "lookup": READ,
    "get": READ,
    "get_list": READ,
    "info": READ,
    "add": WRITE,
    "edit": WRITE,
    "delete": WRITE,
    "post": WRITE,
    "put": WRITE,
    "action": WRITE,
    "action_post": WRITE,
    "export": EXPORT,
    "download": READ,
}

RESOURCE_PERMISSIONS = [f"can_{verb}" for verb in (READ, WRITE, EXPORT)]


def _current_user():
    if not has_request_context():
        return None
    user = getattr(g, "user", None)
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def role_names(user) -> set[str]:
    return {r.name for r in user.roles} if user is not None else set()


def center_scope(user=None) -> frozenset[int] | None:
    """Centre ids the user may see, or None for "all centres".

    Outside a request (CLI, seed, jobs) the code acts for the system: None.
    An anonymous request gets the empty set, so it sees nothing.
    """
    if user is None:
        if not has_request_context():
            return None
        cached = g.get("_center_scope", False)
        if cached is not False:
            return cached
        user = _current_user()
        scope = _scope_of(user)
        g._center_scope = scope
        return scope
    return _scope_of(user)


def _scope_of(user) -> frozenset[int] | None:
    if user is None:
        return frozenset()
    if role_names(user) & COMPANY_WIDE_ROLES:
        return None
    return frozenset(c.id for c in user.centers if c.deleted_on is None)


def in_scope(center_id: int | None, user=None) -> bool:
    scope = center_scope(user)
    return scope is None or center_id in scope


def can_see_id_numbers(user=None) -> bool:
    """Whether ID numbers show unmasked. For the request's own user the answer is kept
    in g: an export asks once per row (100k rows: ~1 s of the 15 s budget, issue 8)."""
    if user is not None:
        return bool(role_names(user) & ID_NUMBER_ROLES)
    if not has_request_context():
        return True
    user = getattr(g, "user", None)
    kept = g.get("_can_see_id_numbers")
    if kept is None or kept[0] is not user:  # kept per user object: a job may switch g.user
        current = _current_user()
        kept = g._can_see_id_numbers = (user, current is not None and bool(role_names(current) & ID_NUMBER_ROLES))
    return kept[1]


def acting_user():
    """The signed-in user of this request, or None (CLI / system)."""
    return _current_user()


def password_complexity(password: str) -> None:
    """At least 10 characters mixing three of: lower, upper, digits, symbols."""
    classes = sum(
        bool(re.search(p, password or ""))
        for p in (r"[a-z]", r"[A-Z]", r"\d", r"[^a-zA-Z\d]")
    )
    if len(password or "") < 10 or classes < 3:
        raise PasswordComplexityValidationError(
            _("密码至少10位，并包含大写字母、小写字母、数字、符号中的至少三类")
        )


class CenterSecurityManager(RequestPermissionCache, SecurityManager):
    """FAB security manager whose user screens bind users to centres;
    permission checks cached per request (app/permission_cache.py, perf)."""

    from app.views.users import CenterUserDBModelView as userdbmodelview  # noqa: N813
    from app.views.users import GuardedGroupModelView as groupmodelview  # noqa: N813
    from app.views.users import GuardedRoleModelView as rolemodelview  # noqa: N813

    # FAB's user-statistics chart loads Google Charts from the internet at run
    # time (staff may be offline) and fails on a bad group_by: not registered.
    userstatschartview = None


def _wanted_permissions(role: str) -> set[tuple[str, str]]:
    from app.views import MENU_RESOURCES

    wanted = set(EVERY_USER)
    grants = ROLE_GRANTS.get(role, {})
    for resource, verbs in grants.items():
        wanted |= {(f"can_{verb}", resource) for verb in verbs}
    for menu_name, category, resource in MENU_RESOURCES:
        if READ in grants.get(resource, ()):
            wanted |= {("menu_access", menu_name)} | ({("menu_access", category)} if category else set())
    return wanted


def sync_roles(sm) -> None:
    """Create every permission and make each role hold exactly its table row.

    Idempotent: running it twice changes nothing; a permission removed from
    ROLE_GRANTS is taken away from the role on the next run.
    """
    from flask import current_app

    from app.extensions import db

    # Roles first: FAB's permission sync stops at the first view when the
    # admin role is missing (its create_db is off: FAB_CREATE_DB=False).
    roles = {code: sm.find_role(code) or sm.add_role(code) for code in [*ROLES, sm.auth_role_public]}
    current_app.appbuilder.add_permissions(update_perms=True)
    all_pvs = sm.session.query(sm.permissionview_model).all()
    for code in ROLES:
        role = roles[code]
        if code == sm.auth_role_admin:
            role.permissions = all_pvs
            continue
        role.permissions = [
            sm.find_permission_view_menu(perm, view) or sm.add_permission_view_menu(perm, view)
            for perm, view in sorted(_wanted_permissions(code))
        ]
    db.session.commit()



#: 交接班 (shift handover): desk, technicians and supervisors keep their own
#: centre's log (the service limits signing to the incoming person and
#: overrides / deciding swaps to supervisors); the centre manager writes;
#: company roles read.
_HANDOVER = ("Handover", "ShiftPost", "Shift", "RotaEntry", "MajorIncident", "ShiftSwap")
_HANDOVER_GRANTS: dict[str, dict[str, frozenset]] = {
    "frontdesk": {"Handover": RW, "ShiftSwap": RW, "MajorIncident": RW, "ShiftPost": R, "Shift": R, "RotaEntry": RO},
    "technician": {"Handover": RW, "ShiftSwap": RW, "ShiftPost": R, "Shift": R, "RotaEntry": RO,
                   "MajorIncident": R},
    "supervisor": {r: RW for r in _HANDOVER},
    "center_manager": {r: RW for r in _HANDOVER},
    "gm": {r: RO for r in _HANDOVER},
    "auditor": {r: RO for r in _HANDOVER},
}
for _role, _grants in _HANDOVER_GRANTS.items():
    ROLE_GRANTS[_role].update(_grants)

#: 经营看板 (issue 7): the centre manager's landing page (own centres) and the
#: company view of gm (admin: everything). Desk roles have their own desks
#: (工单台, 收银台, 交接班) and no dashboard; finance, hr and auditor keep their reports.
for _role in ("center_manager", "gm"):
    ROLE_GRANTS[_role]["Dashboard"] = R
