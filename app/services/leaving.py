"""Leaving (离职): the resignation, its handover checklist and salary settlement,
their approval guards / effects, and the employee actually leaving.

DESIGN "Rules from the manuals" 离职: the notice is checked when approving; leaving
completes only when the resignation is approved, the checklist done and the
settlement approved, and the employee leaves on the last day (now, or by the
daily apply_due_leavers job). personnel.before_save runs RULES for these rows.
"""

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from app import timeutil
from app.errors import Conflict, DomainError, NotFound
from app.extensions import db
from app.i18n import join_list
from app.models.personnel import (
    DISMISSAL_REASONS,
    RESIGNATION_KINDS,
    Employee,
    HandoverChecklist,
    Resignation,
    SalarySettlement,
)
from app.services import approvals, records
from app.services.personnel_checks import OPEN_STATES, active_employee, choice, exists, keep, money, required_text
from app.workflows import personnel_rules as rules

# -- save rules ---------------------------------------------------------------------

def take_resignation(item) -> None:
    """A checklist or settlement belongs to one resignation; the employee follows it."""
    res = records.scoped_get(Resignation, records._chosen_id(item, "resignation"))
    if res is None:
        raise NotFound(_("所选的离职申请不存在或不在您的服务中心范围内"))
    item.resignation, item.employee, item.employee_id = res, res.employee, res.employee_id


def _resignation(item: Resignation) -> None:
    """辞职 / 辞退 (a listed reason) / 自动离职; the notice is checked when approving."""
    choice(item.kind, RESIGNATION_KINDS, _("离职类型"))
    active_employee(item.employee)
    if item.notice_date is None or item.last_day is None:
        raise DomainError(_("请填写提出日期和最后工作日"))
    if item.last_day < item.notice_date:
        raise DomainError(_("最后工作日不能早于提出日期"))
    item.reason = required_text(item.reason, _("请填写离职原因"))
    if item.kind == "dismiss":
        if item.dismissal_reason not in DISMISSAL_REASONS:
            raise DomainError(_("辞退须选择法定辞退理由：%(choices)s",
                                choices=join_list(DISMISSAL_REASONS.values())))
    else:
        item.dismissal_reason = None
    keep(item, {"notice_override": False, "notice_override_by_id": None, "completed_on": None})
    if exists(Resignation, Resignation.employee_id == item.employee.id,
              Resignation.status.in_((*OPEN_STATES, "approved")), Resignation.completed_on.is_(None),
              exclude=item):
        raise Conflict(_("该员工已有一份未办结的离职申请"))


def _checklist(item: HandoverChecklist) -> None:
    res = item.resignation
    if res.status not in ("pending", "approved"):
        raise Conflict(_("只有审批中或已批准的离职申请可以办理交接"))
    if res.completed_on is not None:
        raise Conflict(_("离职手续已办结，交接清单不能再修改"))
    if exists(HandoverChecklist, HandoverChecklist.resignation_id == res.id, exclude=item):
        raise Conflict(_("该离职申请已有交接清单"))
    complete_leaving_if_ready(res, checklist=item)


def _settlement(item: SalarySettlement) -> None:
    """Only for an approved resignation; the total is computed, never typed, never negative."""
    if item.resignation.status != "approved":
        raise Conflict(_("离职申请批准后才能办理工资结算"))
    if exists(SalarySettlement, SalarySettlement.resignation_id == item.resignation.id, exclude=item):
        raise Conflict(_("该离职申请已有工资结算单"))
    item.base_pay, item.overtime_pay = money(item.base_pay), money(item.overtime_pay)
    item.deductions = money(item.deductions)
    total = rules.settlement_total(item.base_pay, item.overtime_pay, item.deductions)
    if total < 0:
        raise DomainError(_("扣款（%(deductions)s）超过应发工资，结算金额不能为负数", deductions=item.deductions))
    item.total = total


#: model → check run by personnel.before_save
RULES = {
    Resignation: _resignation,
    HandoverChecklist: _checklist,
    SalarySettlement: _settlement,
}


# -- approval guards and effects ----------------------------------------------------------

@approvals.guard("resignation")
def _resignation_guard(res: Resignation, approval, step, actor, override: bool) -> bool | None:
    """A short notice passes only with the approver's explicit override, recorded once."""
    active_employee(res.employee)
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
