"""Rules of the personnel register (人员), on every route.

Views and APIs call before_save(item) / before_delete(item) for every
personnel model (DESIGN "Rules from the manuals": 离职, 转正/晋升/调薪/降级, 请假,
人员需求). before_save dispatches on the row's model: the register rows,
requisitions and leave are checked here, appointments in
app.services.appointments and leaving in app.services.leaving. Those modules
also register the approval guards and effects, and importing this module imports
them, so no route can save a row without its rules or approve without its guards.
The pure date / notice / round / level rules live in app.workflows.personnel_rules.
Columns the system manages (status, computed dates, old values of an
appointment, overrides) are never taken from a form: new rows get their
default, edits keep the stored value.
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, inspect, select

from app.errors import Conflict, DomainError
from app.extensions import db
from app.models.approvals import ApprovableMixin
from app.models.personnel import (
    GENDERS,
    LEAVE_KINDS,
    LEVELS,
    Applicant,
    Appointment,
    Department,
    Employee,
    HandoverChecklist,
    Leave,
    Onboarding,
    Position,
    Requisition,
    Resignation,
    RewardPenalty,
    SalarySettlement,
)
from app.services import appointments, approvals, leaving, records
from app.services.personnel_checks import (
    OPEN_STATES,
    active_employee,
    choice,
    clean_id_number,
    clean_phone,
    exists,
    keep,
    money,
    required_text,
    stored,
)
from app.workflows import personnel_rules as rules

REQUEST_MODELS = (Requisition, Appointment, Resignation, Leave, SalarySettlement)
for _model in REQUEST_MODELS:
    approvals.register_request(_model)

REWARD_KINDS = {"reward": _l("奖励"), "penalty": _l("处罚")}
#: Request states in which the applicant may still change the request.
EDITABLE_STATES = ("draft", "returned")


# -- save / delete hooks ---------------------------------------------------------

def before_save(item) -> None:
    """Checks shared by add and edit, on every route (form, REST, action)."""
    with db.session.no_autoflush:
        if isinstance(item, HandoverChecklist | SalarySettlement):
            leaving.take_resignation(item)
        _column_defaults(item)
        records.resolve_center(item)
        if isinstance(item, ApprovableMixin):
            _editable_request(item)
        check = _RULES.get(type(item))
        if check is not None:
            check(item)


def before_delete(item) -> None:
    """Refuse to delete what is under way or still referenced; then soft-delete."""
    with db.session.no_autoflush:
        if isinstance(item, ApprovableMixin) and item.status in ("pending", "approved"):
            raise Conflict(_("审批中或已批准的申请不能删除"))
        open_requests = _open_requests(item) if isinstance(item, Employee) else 0
        if open_requests:
            raise Conflict(_("该员工仍有未办结的申请（%(count)s项），不能删除", count=open_requests))
        if isinstance(item, Department | Position) and _staff_count(item):
            raise Conflict(_("仍有员工或岗位使用“%(name)s”，不能删除", name=item.name))
        if isinstance(item, Applicant) and item.decision == "hired":
            raise Conflict(_("已录用的求职者不能删除"))
        if isinstance(item, HandoverChecklist) and item.resignation.completed_on is not None:
            raise Conflict(_("离职手续已办结，交接清单不能删除"))
    records.soft_delete(item)


def _column_defaults(item) -> None:
    """A field left empty takes the column's default (FAB applies it only at INSERT)."""
    for column in inspect(type(item)).columns:
        default = column.default
        if default is not None and default.is_scalar and getattr(item, column.key, None) is None:
            setattr(item, column.key, default.arg)


def _editable_request(item) -> None:
    keep(item, {"status": "draft", "approval_id": None})
    if item.status not in EDITABLE_STATES:
        raise Conflict(_("只有草稿或退回修改的申请可以修改"))


# -- register rows ----------------------------------------------------------------

def _department(item: Department) -> None:
    item.name = required_text(item.name, _("请填写部门名称"))
    if exists(Department, Department.name == item.name, exclude=item):
        raise Conflict(_("部门名称已存在"))


def _position(item: Position) -> None:
    item.name = required_text(item.name, _("请填写岗位名称"))
    choice(item.level, LEVELS, _("级别"))
    if exists(Position, Position.name == item.name, exclude=item):
        raise Conflict(_("岗位名称已存在"))


def _employee(e: Employee) -> None:
    e.employee_no = required_text(e.employee_no, _("请填写工号"))
    e.name = required_text(e.name, _("请填写姓名"))
    choice(e.gender, GENDERS, _("性别"))
    choice(e.level, LEVELS, _("级别"))
    e.phone = clean_phone(e.phone, required=False)
    e.id_number = clean_id_number(e)
    if e.hire_date is None:
        raise DomainError(_("请填写入职日期"))
    keep(e, {"status": "probation", "last_change_date": None, "left_date": None})
    _probation(e)
    if exists(Employee, Employee.employee_no == e.employee_no, exclude=e):
        raise Conflict(_("工号%(no)s已存在", no=e.employee_no))
    if e.user_id is not None and exists(Employee, Employee.user_id == e.user_id, exclude=e):
        raise Conflict(_("该登录账号已关联到其他员工"))


def _probation(e: Employee) -> None:
    """Probation 3 months by default, 1 to 6; the regular date follows while in probation."""
    if e.probation_months in (None, ""):
        e.probation_months = rules.PROBATION_DEFAULT
    problem = rules.probation_problem(e.probation_months)
    if problem:
        raise DomainError(problem)
    if e.status == "probation":
        e.regular_date = rules.regular_date(e.hire_date, int(e.probation_months))
        return
    if inspect(e).attrs.probation_months.history.has_changes():
        raise Conflict(_("员工已转正或离职，试用期不能再修改"))
    keep(e, {"regular_date": None})


def _requisition(item: Requisition) -> None:
    if item.headcount is None or int(item.headcount) < 1:
        raise DomainError(_("需求人数至少为1人"))
    item.reason = required_text(item.reason, _("请填写需求原因"))


def _applicant(item: Applicant) -> None:
    """The 录用 decision is taken only by hiring.hire_applicant(); a form may decline or reopen."""
    item.name = required_text(item.name, _("请填写姓名"))
    choice(item.gender, GENDERS, _("性别"))
    item.phone = clean_phone(item.phone, required=True)
    item.id_number = clean_id_number(item)
    if item.applied_on is None:
        raise DomainError(_("请填写申请日期"))
    keep(item, {"employee_id": None})
    before = stored(item, "decision") if inspect(item).persistent else "pending"
    if before == "hired" and item.decision != "hired":
        raise Conflict(_("已录用的求职者不能更改录用结论"))
    if item.decision == "hired" and before != "hired":
        raise DomainError(_("请通过“录用”操作录用求职者（同时建立员工档案和入职清单）"))
    if item.decision not in ("pending", "declined", "hired"):
        raise DomainError(_("录用结论无效"))


def _onboarding(item: Onboarding) -> None:
    if exists(Onboarding, Onboarding.employee_id == item.employee.id, exclude=item):
        raise Conflict(_("该员工已有入职清单"))
    if item.training_due is None:
        item.training_due = rules.training_due(item.employee.hire_date)
    if item.training_done_on is not None and item.training_done_on < item.employee.hire_date:
        raise DomainError(_("培训完成日期不能早于入职日期"))


def _reward_penalty(item: RewardPenalty) -> None:
    choice(item.kind, REWARD_KINDS, _("类别"))
    item.reason = required_text(item.reason, _("请填写奖罚原因"))
    if item.issued_on is None:
        raise DomainError(_("请填写发布日期"))
    if item.amount not in (None, ""):
        item.amount = money(item.amount)


# -- requests -----------------------------------------------------------------------

def _leave(item: Leave) -> None:
    choice(item.kind, LEAVE_KINDS, _("假别"))
    active_employee(item.employee)
    problem = rules.leave_problem(item.start_date, item.end_date, item.days)
    if problem:
        raise DomainError(problem)
    item.reason = required_text(item.reason, _("请填写请假事由"))
    overlapping = db.session.scalars(select(Leave).where(
        Leave.employee_id == item.employee.id, Leave.deleted_on.is_(None), Leave.id != (item.id or 0),
        Leave.status.in_((*OPEN_STATES, "approved")),
        Leave.start_date <= item.end_date, Leave.end_date >= item.start_date,
    )).first()
    if overlapping is not None:
        raise Conflict(_("与已有的请假申请（%(start)s至%(end)s）时间重叠",
                         start=overlapping.start_date.isoformat(), end=overlapping.end_date.isoformat()))


_RULES = {
    Department: _department,
    Position: _position,
    Employee: _employee,
    Requisition: _requisition,
    Applicant: _applicant,
    Onboarding: _onboarding,
    Leave: _leave,
    RewardPenalty: _reward_penalty,
    **appointments.RULES,
    **leaving.RULES,
}


def _open_requests(emp: Employee) -> int:
    return sum(
        db.session.scalar(select(func.count()).select_from(model).where(
            model.employee_id == emp.id, model.deleted_on.is_(None), model.status.in_(OPEN_STATES)))
        for model in (Appointment, Resignation, Leave, SalarySettlement)
    )


def _staff_count(item) -> int:
    fk = "department_id" if isinstance(item, Department) else "position_id"
    count = db.session.scalar(select(func.count()).select_from(Employee).where(
        getattr(Employee, fk) == item.id, Employee.deleted_on.is_(None), Employee.status != "left"))
    if isinstance(item, Department):
        count += db.session.scalar(select(func.count()).select_from(Position).where(
            Position.department_id == item.id, Position.deleted_on.is_(None)))
    return count
