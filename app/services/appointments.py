"""Appointments (职务任免及工资审批): 转正 / 晋升 / 调薪 / 调岗 / 降级.

DESIGN "Rules from the manuals": the old values are taken from the employee, never
from a form; the round / 6-month / skipped-level rules are checked at the GM step,
which alone may grant a special approval (特批); the change takes effect on the
approval date. personnel.before_save runs RULES for these rows.
"""

from flask_babel import gettext as _

from app import timeutil
from app.errors import Conflict, DomainError
from app.models.personnel import APPOINTMENT_KINDS, LEVELS, Appointment
from app.services import approvals, records
from app.services.personnel_checks import active_employee, choice, keep
from app.workflows import personnel_rules as rules


def _appointment(item: Appointment) -> None:
    """Old values come from the employee; the new ones must make sense for the kind."""
    choice(item.kind, APPOINTMENT_KINDS, _("任免类型"))
    emp = item.employee
    active_employee(emp)
    item.old_position, item.old_level, item.old_salary_grade = emp.position, emp.level, emp.salary_grade
    item.old_position_id = emp.position_id
    keep(item, {"effective_date": None, "special_approval": False})
    if item.kind in ("regularize", "raise", "transfer"):
        item.new_level = item.old_level
    if item.kind in ("regularize", "raise") or _new_position_id(item) is None:
        item.new_position, item.new_position_id = item.old_position, item.old_position_id
    item.new_level = item.new_level or item.old_level
    choice(item.new_level, LEVELS, _("新级别"))
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


#: model → check run by personnel.before_save
RULES = {Appointment: _appointment}


@approvals.guard("appointment")
def _appointment_guard(appt: Appointment, approval, step, actor, override: bool) -> bool | None:
    """Earlier steps forward to the GM; only the GM step may grant a special approval
    (特批) of the round / 6-month / skipped-level rules, and it is recorded."""
    active_employee(appt.employee)
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
