"""Hiring (招聘 / 入职): 录用 or 不录用 an applicant, and the two to-do lists
that follow a hire (试用期到期, 入职培训逾期).

hire_applicant is the only way an applicant becomes hired: the employee row goes
through personnel.before_save like any other, so the roster's rules hold.
"""

from datetime import date, timedelta

from flask_babel import gettext as _

from app import timeutil
from app.errors import Conflict, NotFound, ScopeError
from app.extensions import db
from app.models.personnel import Applicant, Department, Employee, Onboarding, Position
from app.security import in_scope
from app.services import records
from app.services.personnel import before_save
from app.workflows import personnel_rules as rules


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
