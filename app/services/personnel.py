"""Rules of the personnel register (人员), on every route.

Views and APIs call before_save(item) / before_delete(item) for every
personnel model; the approval engine calls the guards and effects
registered below (DESIGN "Rules from the manuals": 离职, 转正/晋升/调薪/降级,
请假, 人员需求). The pure date / notice / round / level rules live in
app.workflows.personnel_rules. Columns the system manages (status, computed
dates, old values of an appointment, overrides) are never taken from a form:
new rows get their default, edits keep the stored value.
"""

from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, inspect, select

from app import timeutil
from app.errors import Conflict, DomainError, NotFound, ScopeError
from app.extensions import db
from app.i18n import join_list
from app.models.approvals import ApprovableMixin
from app.models.personnel import (
    APPOINTMENT_KINDS,
    DISMISSAL_REASONS,
    GENDERS,
    LEAVE_KINDS,
    LEVELS,
    RESIGNATION_KINDS,
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
from app.security import in_scope
from app.services import approvals, records
from app.validators import check_id_number, check_phone, is_masked, mask_id_number
from app.workflows import personnel_rules as rules

REQUEST_MODELS = (Requisition, Appointment, Resignation, Leave, SalarySettlement)
for _model in REQUEST_MODELS:
    approvals.register_request(_model)

REWARD_KINDS = {"reward": _l("奖励"), "penalty": _l("处罚")}
#: Request states in which the request is still open (employee cannot be deleted).
OPEN_STATES = ("draft", "pending", "returned")
#: Request states in which the applicant may still change the request.
EDITABLE_STATES = ("draft", "returned")


# -- save / delete hooks ---------------------------------------------------------

def before_save(item) -> None:
    """Checks shared by add and edit, on every route (form, REST, action)."""
    with db.session.no_autoflush:
        if isinstance(item, HandoverChecklist | SalarySettlement):
            _take_resignation(item)
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


def _keep(item, defaults: dict) -> None:
    """System-managed columns: a new row gets the default, an edit keeps the stored value."""
    state = inspect(item)
    for name, default in defaults.items():
        if not state.persistent:
            setattr(item, name, default)
            continue
        hist = state.attrs[name].history
        if hist.has_changes():
            setattr(item, name, hist.deleted[0] if hist.deleted else _stored(item, name))


def _stored(item, name):
    model = type(item)
    return db.session.scalar(select(getattr(model, name)).where(model.id == item.id))


def _editable_request(item) -> None:
    _keep(item, {"status": "draft", "approval_id": None})
    if item.status not in EDITABLE_STATES:
        raise Conflict(_("只有草稿或退回修改的申请可以修改"))


def _choice(value, choices: dict, field) -> None:
    if value not in choices:
        raise DomainError(_("%(field)s无效，可选：%(choices)s", field=field,
                            choices=join_list(choices.values())))


def _required_text(value, message) -> str:
    text = (value or "").strip()
    if not text:
        raise DomainError(message)
    return text


def _phone(value, required: bool) -> str | None:
    if not (value or "").strip():
        if required:
            raise DomainError(_("请填写联系电话"))
        return None
    try:
        return check_phone(value)
    except ValueError as e:
        raise DomainError(str(e)) from None


def _id_number(item) -> str | None:
    """Optional ID number; a masked value sent back unchanged keeps the stored one."""
    value = item.id_number
    if is_masked(value):
        previous = _stored(item, "id_number") if inspect(item).persistent else None
        if not previous or mask_id_number(previous) != value:
            raise DomainError(_("请输入完整的身份证号"))
        return previous
    if not (value or "").strip():
        return None
    try:
        return check_id_number(value)
    except ValueError as e:
        raise DomainError(str(e)) from None


def _exists(model, *criteria, exclude=None) -> bool:
    stmt = select(func.count()).select_from(model).where(model.deleted_on.is_(None), *criteria)
    if exclude is not None and exclude.id is not None:
        stmt = stmt.where(model.id != exclude.id)
    return bool(db.session.scalar(stmt))


def _active_employee(emp: Employee) -> None:
    if emp.status == "left":
        raise Conflict(_("员工%(name)s已离职", name=emp.name))


# -- register rows ----------------------------------------------------------------

def _department(item: Department) -> None:
    item.name = _required_text(item.name, _("请填写部门名称"))
    if _exists(Department, Department.name == item.name, exclude=item):
        raise Conflict(_("部门名称已存在"))


def _position(item: Position) -> None:
    item.name = _required_text(item.name, _("请填写岗位名称"))
    _choice(item.level, LEVELS, _("级别"))
    if _exists(Position, Position.name == item.name, exclude=item):
        raise Conflict(_("岗位名称已存在"))


def _employee(e: Employee) -> None:
    e.employee_no = _required_text(e.employee_no, _("请填写工号"))
    e.name = _required_text(e.name, _("请填写姓名"))
    _choice(e.gender, GENDERS, _("性别"))
    _choice(e.level, LEVELS, _("级别"))
    e.phone = _phone(e.phone, required=False)
    e.id_number = _id_number(e)
    if e.hire_date is None:
        raise DomainError(_("请填写入职日期"))
    _keep(e, {"status": "probation", "last_change_date": None, "left_date": None})
    _probation(e)
    if _exists(Employee, Employee.employee_no == e.employee_no, exclude=e):
        raise Conflict(_("工号%(no)s已存在", no=e.employee_no))
    if e.user_id is not None and _exists(Employee, Employee.user_id == e.user_id, exclude=e):
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
    _keep(e, {"regular_date": None})


def _requisition(item: Requisition) -> None:
    if item.headcount is None or int(item.headcount) < 1:
        raise DomainError(_("需求人数至少为1人"))
    item.reason = _required_text(item.reason, _("请填写需求原因"))


def _applicant(item: Applicant) -> None:
    """The 录用 decision is taken only by hire_applicant(); a form may decline or reopen."""
    item.name = _required_text(item.name, _("请填写姓名"))
    _choice(item.gender, GENDERS, _("性别"))
    item.phone = _phone(item.phone, required=True)
    item.id_number = _id_number(item)
    if item.applied_on is None:
        raise DomainError(_("请填写申请日期"))
    _keep(item, {"employee_id": None})
    before = _stored(item, "decision") if inspect(item).persistent else "pending"
    if before == "hired" and item.decision != "hired":
        raise Conflict(_("已录用的求职者不能更改录用结论"))
    if item.decision == "hired" and before != "hired":
        raise DomainError(_("请通过“录用”操作录用求职者（同时建立员工档案和入职清单）"))
    if item.decision not in ("pending", "declined", "hired"):
        raise DomainError(_("录用结论无效"))


def _onboarding(item: Onboarding) -> None:
    if _exists(Onboarding, Onboarding.employee_id == item.employee.id, exclude=item):
        raise Conflict(_("该员工已有入职清单"))
    if item.training_due is None:
        item.training_due = rules.training_due(item.employee.hire_date)
    if item.training_done_on is not None and item.training_done_on < item.employee.hire_date:
        raise DomainError(_("培训完成日期不能早于入职日期"))


def _reward_penalty(item: RewardPenalty) -> None:
    _choice(item.kind, REWARD_KINDS, _("类别"))
    item.reason = _required_text(item.reason, _("请填写奖罚原因"))
    if item.issued_on is None:
        raise DomainError(_("请填写发布日期"))
    if item.amount not in (None, ""):
        item.amount = _money(item.amount)


def _money(value):
    try:
        amount = rules.to_money(value)
    except (ArithmeticError, ValueError, TypeError):
        raise DomainError(_("金额格式不正确")) from None
    if amount < 0:
        raise DomainError(_("金额不能为负数"))
    return amount


# -- requests -----------------------------------------------------------------------

def _leave(item: Leave) -> None:
    _choice(item.kind, LEAVE_KINDS, _("假别"))
    _active_employee(item.employee)
    problem = rules.leave_problem(item.start_date, item.end_date, item.days)
    if problem:
        raise DomainError(problem)
    item.reason = _required_text(item.reason, _("请填写请假事由"))
    overlapping = db.session.scalars(select(Leave).where(
        Leave.employee_id == item.employee.id, Leave.deleted_on.is_(None), Leave.id != (item.id or 0),
        Leave.status.in_((*OPEN_STATES, "approved")),
        Leave.start_date <= item.end_date, Leave.end_date >= item.start_date,
    )).first()
    if overlapping is not None:
        raise Conflict(_("与已有的请假申请（%(start)s至%(end)s）时间重叠",
                         start=overlapping.start_date.isoformat(), end=overlapping.end_date.isoformat()))


def _resignation(item: Resignation) -> None:
    """辞职 / 辞退 (a listed reason) / 自动离职; the notice is checked when approving."""
    _choice(item.kind, RESIGNATION_KINDS, _("离职类型"))
    _active_employee(item.employee)
    if item.notice_date is None or item.last_day is None:
        raise DomainError(_("请填写提出日期和最后工作日"))
    if item.last_day < item.notice_date:
        raise DomainError(_("最后工作日不能早于提出日期"))
    item.reason = _required_text(item.reason, _("请填写离职原因"))
    if item.kind == "dismiss":
        if item.dismissal_reason not in DISMISSAL_REASONS:
            raise DomainError(_("辞退须选择法定辞退理由：%(choices)s",
                                choices=join_list(DISMISSAL_REASONS.values())))
    else:
        item.dismissal_reason = None
    _keep(item, {"notice_override": False, "notice_override_by_id": None, "completed_on": None})
    if _exists(Resignation, Resignation.employee_id == item.employee.id,
               Resignation.status.in_((*OPEN_STATES, "approved")), Resignation.completed_on.is_(None),
               exclude=item):
        raise Conflict(_("该员工已有一份未办结的离职申请"))


def _appointment(item: Appointment) -> None:
    """Old values come from the employee; the new ones must make sense for the kind."""
    _choice(item.kind, APPOINTMENT_KINDS, _("任免类型"))
    emp = item.employee
    _active_employee(emp)
    item.old_position, item.old_level, item.old_salary_grade = emp.position, emp.level, emp.salary_grade
    item.old_position_id = emp.position_id
    _keep(item, {"effective_date": None, "special_approval": False})
    if item.kind in ("regularize", "raise", "transfer"):
        item.new_level = item.old_level
    if item.kind in ("regularize", "raise") or _new_position_id(item) is None:
        item.new_position, item.new_position_id = item.old_position, item.old_position_id
    item.new_level = item.new_level or item.old_level
    _choice(item.new_level, LEVELS, _("新级别"))
    _appointment_kind(item)


def _appointment_kind(item: Appointment) -> None:
    if item.kind == "regularize" and item.employee.status != "probation":
        raise Conflict(_("只有试用期员工可以办理转正"))
    if item.kind == "raise" and (not item.new_salary_grade or item.new_salary_grade == item.old_salary_grade):
        raise DomainError(_("调薪须填写新的工资等级"))
    if item.kind == "transfer" and _new_position_id(item) == item.old_position_id:
        raise DomainError(_("调岗须选择新的岗位"))
    step = rules.level_step(item.old_level, item.new_level)
    changed = step or _new_position_id(item) != item.old_position_id or (
        item.new_salary_grade and item.new_salary_grade != item.old_salary_grade)
    if item.kind == "promote" and (step < 0 or not changed):
        raise DomainError(_("晋升须提升级别或调任新的岗位，且级别不能降低"))
    if item.kind == "demote" and (step > 0 or not changed):
        raise DomainError(_("降级须降低级别、岗位或工资等级，且级别不能提高"))


def _new_position_id(item: Appointment):
    return records._chosen_id(item, "new_position")


def _take_resignation(item) -> None:
    """A checklist or settlement belongs to one resignation; the employee follows it."""
    res = records.scoped_get(Resignation, records._chosen_id(item, "resignation"))
    if res is None:
        raise NotFound(_("所选的离职申请不存在或不在您的服务中心范围内"))
    item.resignation, item.employee, item.employee_id = res, res.employee, res.employee_id


def _checklist(item: HandoverChecklist) -> None:
    res = item.resignation
    if res.status not in ("pending", "approved"):
        raise Conflict(_("只有审批中或已批准的离职申请可以办理交接"))
    if res.completed_on is not None:
        raise Conflict(_("离职手续已办结，交接清单不能再修改"))
    if _exists(HandoverChecklist, HandoverChecklist.resignation_id == res.id, exclude=item):
        raise Conflict(_("该离职申请已有交接清单"))
    complete_leaving_if_ready(res, checklist=item)


def _settlement(item: SalarySettlement) -> None:
    """Only for an approved resignation; the total is computed, never typed, never negative."""
    if item.resignation.status != "approved":
        raise Conflict(_("离职申请批准后才能办理工资结算"))
    if _exists(SalarySettlement, SalarySettlement.resignation_id == item.resignation.id, exclude=item):
        raise Conflict(_("该离职申请已有工资结算单"))
    item.base_pay, item.overtime_pay = _money(item.base_pay), _money(item.overtime_pay)
    item.deductions = _money(item.deductions)
    total = rules.settlement_total(item.base_pay, item.overtime_pay, item.deductions)
    if total < 0:
        raise DomainError(_("扣款（%(deductions)s）超过应发工资，结算金额不能为负数", deductions=item.deductions))
    item.total = total


_RULES = {
    Department: _department,
    Position: _position,
    Employee: _employee,
    Requisition: _requisition,
    Applicant: _applicant,
    Onboarding: _onboarding,
    Appointment: _appointment,
    Resignation: _resignation,
    HandoverChecklist: _checklist,
    SalarySettlement: _settlement,
    Leave: _leave,
    RewardPenalty: _reward_penalty,
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


# -- approval guards and effects ------------------------------------------------------

@approvals.guard("resignation")
def _resignation_guard(res: Resignation, approval, step, actor, override: bool) -> bool | None:
    """A short notice passes only with the approver's explicit override, recorded once."""
    _active_employee(res.employee)
    shortfall = rules.notice_shortfall(res.kind, res.employee.level, res.notice_date, res.last_day)
    if shortfall is None or res.notice_override:
        return
    if not override:
        raise approvals.WorkflowError(rules.notice_message(res.employee.level, *shortfall))
    res.notice_override, res.notice_override_by_id = True, actor.id
    return True


@approvals.on_approved("resignation")
def _resignation_approved(res: Resignation, approval, actor) -> None:
    complete_leaving_if_ready(res)


@approvals.guard("settlement")
def _settlement_guard(item: SalarySettlement, approval, step, actor, override: bool) -> None:
    if item.resignation.status != "approved":
        raise approvals.WorkflowError(_("离职申请未批准，不能批准工资结算"))


@approvals.on_approved("settlement")
def _settlement_approved(item: SalarySettlement, approval, actor) -> None:
    complete_leaving_if_ready(item.resignation, settlement=item)


@approvals.guard("appointment")
def _appointment_guard(appt: Appointment, approval, step, actor, override: bool) -> bool | None:
    """Earlier steps forward to the GM; only the GM step may grant a special approval
    (特批) of the round / 6-month / skipped-level rules, and it is recorded."""
    _active_employee(appt.employee)
    if appt.kind == "regularize" and appt.employee.status != "probation":
        raise approvals.WorkflowError(_("只有试用期员工可以办理转正"))
    if override and step.role != "gm":
        raise approvals.NotAllowed(_("只有总经理可以特批"))
    if approval.step(step.position + 1) is not None:
        return
    last = appt.employee.last_change_date or appt.employee.hire_date
    violations = rules.appointment_violations(appt.kind, timeutil.today(), last, appt.employee.level, appt.new_level)
    if violations and not override:
        raise approvals.WorkflowError(rules.violations_message(violations))
    if violations:
        appt.special_approval = True
        return True
    return None


@approvals.on_approved("appointment")
def _appointment_approved(appt: Appointment, approval, actor) -> None:
    """Takes effect on the approval date; each kind changes only what it is about
    (a raise the salary grade, a transfer the position), so a stale copy never wins."""
    on, emp = timeutil.today(), appt.employee
    appt.effective_date = on
    if appt.new_salary_grade and appt.kind != "transfer":
        emp.salary_grade = appt.new_salary_grade
    if appt.kind == "regularize":
        emp.status, emp.regular_date = "regular", on
        return
    if appt.kind in ("promote", "demote", "transfer") and appt.new_position is not None:
        emp.position = appt.new_position
    if appt.kind in ("promote", "demote"):
        emp.level = appt.new_level or emp.level
    if appt.kind != "transfer":
        emp.last_change_date = on


# -- hiring ------------------------------------------------------------------------------

def hire_applicant(applicant: Applicant, *, employee_no, hire_date: date, department, position,
                   level=None, actor=None) -> Employee:
    """录用: the employee (in probation, 3 months) and its onboarding checklist
    (training due a month after hire) are created, the applicant marked hired; one commit.
    Refuses an applicant already decided, another centre's applicant, a taken 工号."""
    if applicant.decision != "pending":
        raise Conflict(_("该求职者已有录用结论，不能再录用"))
    if actor is not None and not in_scope(applicant.center_id, actor):
        raise ScopeError(_("该记录不属于您所在的服务中心"))
    position = _row(Position, position)
    emp = Employee(
        center_id=applicant.center_id, employee_no=employee_no, name=applicant.name, gender=applicant.gender,
        id_number=applicant.id_number, phone=applicant.phone, department=_row(Department, department),
        position=position, level=level or (position.level if position else "staff"), hire_date=hire_date,
        probation_months=rules.PROBATION_DEFAULT, status="probation",
    )
    try:
        before_save(emp)
        db.session.add(emp)
        db.session.add(Onboarding(employee=emp, center_id=emp.center_id, training_due=rules.training_due(hire_date)))
        db.session.flush()
        applicant.decision, applicant.employee_id = "hired", emp.id
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return emp


def decline_applicant(applicant: Applicant, *, actor=None) -> None:
    """不录用 (one commit); a hired applicant stays hired."""
    if applicant.decision == "hired":
        raise Conflict(_("已录用的求职者不能更改录用结论"))
    if actor is not None and not in_scope(applicant.center_id, actor):
        raise ScopeError(_("该记录不属于您所在的服务中心"))
    applicant.decision = "declined"
    db.session.commit()


def _row(model, value):
    """A row given as object or id; a deleted or missing one is refused."""
    if value is None or isinstance(value, model):
        return value
    row = db.session.get(model, int(value))
    if row is None or row.deleted_on is not None:
        raise NotFound(_("所选的部门或岗位不存在"))
    return row


# -- lists ---------------------------------------------------------------------------------

def probation_due(within_days: int = 30, today: date | None = None) -> list[Employee]:
    """The probation list: employees in probation whose regular date comes within
    `within_days` (those already past it and still not regularised come first)."""
    today = today or timeutil.today()
    stmt = records.scoped_select(Employee).where(
        Employee.status == "probation", Employee.regular_date <= today + timedelta(days=within_days),
    ).order_by(Employee.regular_date, Employee.id)
    return list(db.session.scalars(stmt))


def training_overdue(today: date | None = None) -> list[Onboarding]:
    """入职培训 not done within a month of hire, for employees still with us."""
    today = today or timeutil.today()
    stmt = records.scoped_select(Onboarding).join(Employee, Onboarding.employee_id == Employee.id).where(
        Onboarding.training_done_on.is_(None), Onboarding.training_due < today,
        Employee.deleted_on.is_(None), Employee.status != "left",
    ).order_by(Onboarding.training_due, Onboarding.id)
    return list(db.session.scalars(stmt))


# -- leaving ---------------------------------------------------------------------------------

def complete_leaving_if_ready(resignation: Resignation, *, today: date | None = None,
                              checklist: HandoverChecklist | None = None,
                              settlement: SalarySettlement | None = None) -> bool:
    """Leaving completes when the resignation is approved, its handover checklist
    is done and its salary settlement approved; the employee leaves (and the login is
    deactivated) on the last day: now if it has come, else by apply_due_leavers().
    Does not commit: it runs inside the caller's transaction (approval, form save)."""
    today = today or timeutil.today()
    if resignation.completed_on is None:
        if resignation.status != "approved":
            return False
        checklist = checklist or _one(HandoverChecklist, resignation)
        settlement = settlement or _one(SalarySettlement, resignation)
        if checklist is None or not checklist.is_done or settlement is None or settlement.status != "approved":
            return False
        resignation.completed_on = today
    if resignation.last_day <= today:
        _leave_now(resignation)
    return True


def _one(model, resignation):
    return db.session.scalars(select(model).where(
        model.resignation_id == resignation.id, model.deleted_on.is_(None))).first()


def _leave_now(resignation: Resignation) -> None:
    emp = resignation.employee
    if emp.status == "left":
        return
    emp.status, emp.left_date = "left", resignation.last_day
    if emp.user is not None:
        emp.user.active = False


def apply_due_leavers(today: date | None = None) -> int:
    """Daily job (`flask personnel apply-leavers`): completed leavings whose last day
    has come make the employee leave. Returns how many left; one commit."""
    today = today or timeutil.today()
    stmt = records.scoped_select(Resignation).join(Employee, Resignation.employee_id == Employee.id).where(
        Resignation.completed_on.is_not(None), Resignation.status == "approved",
        Resignation.last_day <= today, Employee.status != "left",
    )
    due = list(db.session.scalars(stmt))
    for resignation in due:
        _leave_now(resignation)
    db.session.commit()
    return len(due)

