"""Personnel rows with sensible defaults, built as the system (outside any
request) through app.services.personnel.before_save, so every row obeys the
register's rules; system-managed columns (status, last change) are set
afterwards where a test needs them. Call inside an app context."""

import itertools
from datetime import date, timedelta
from decimal import Decimal

from flask import current_app, g
from sqlalchemy import select

from app.extensions import db
from app.models.personnel import (
    Applicant,
    Appointment,
    Department,
    Employee,
    HandoverChecklist,
    Leave,
    Position,
    Requisition,
    Resignation,
    SalarySettlement,
)
from app.services import approvals, personnel
from tests import factories

_seq = itertools.count(1)
PASSWORD = "Demo-Passw0rd!"


def _save(item):
    personnel.before_save(item)
    db.session.add(item)
    db.session.commit()
    return item


def user(role: str = "supervisor", center_codes=("SC01",), username: str | None = None):
    """A login with one role (unique name, password PASSWORD), bound to centres."""
    sm = current_app.appbuilder.sm
    username = username or factories.unique(f"t_{role}_")
    u = sm.add_user(username=username, first_name=username, last_name="测试", email=f"{username}@test.invalid",
                    role=sm.find_role(role), password=PASSWORD)
    u.centers = [factories.center(c) for c in center_codes]
    db.session.commit()
    return u


def department(**kw) -> Department:
    return _save(Department(name=kw.pop("name", factories.unique("测试部")), **kw))


def position(level: str = "staff", **kw) -> Position:
    return _save(Position(name=kw.pop("name", factories.unique("测试岗")), level=level, **kw))


def _default_department() -> Department:
    found = db.session.scalars(select(Department).where(Department.name == "测试默认部门",
                                                        Department.deleted_on.is_(None))).first()
    return found or department(name="测试默认部门")


def employee(center_code: str = "SC01", *, status: str = "regular", level: str = "staff",
             hire_date: date = date(2024, 1, 10), last_change_date: date | None = None, login=None, **kw) -> Employee:
    n = next(_seq)
    e = Employee(
        center_id=factories.center(center_code).id, employee_no=kw.pop("employee_no", factories.unique("P")),
        name=kw.pop("name", f"测试员工{n}"), gender=kw.pop("gender", "female"), level=level, hire_date=hire_date,
        phone=kw.pop("phone", "13800138000"), id_number=kw.pop("id_number", factories.valid_id_number()),
        department=kw.pop("department", None) or _default_department(),
        position=kw.pop("position", None) or position(level), salary_grade=kw.pop("salary_grade", "G3"),
        user_id=login.id if login is not None else None, **kw,
    )
    _save(e)
    if status != "probation" or last_change_date is not None:
        e.status, e.last_change_date = status, last_change_date
        db.session.commit()
    return e


def employee_of(username: str) -> Employee:
    """The roster entry of a login (created when it has none)."""
    u = current_app.appbuilder.sm.find_user(username=username)
    found = db.session.scalars(select(Employee).where(
        Employee.user_id == u.id, Employee.deleted_on.is_(None), Employee.status != "left")).first()
    return found or employee(login=u, level="supervisor")


def resignation(emp: Employee | None = None, *, kind: str = "resign", notice_days: int | None = None,
                last_day: date | None = None, **kw) -> Resignation:
    """Notice defaults to exactly what the employee's level requires."""
    from app.workflows.personnel_rules import required_notice_days

    emp = emp or employee()
    last_day = last_day or date(2027, 3, 31)
    days = required_notice_days(emp.level) if notice_days is None else notice_days
    notice_date = kw.pop("notice_date", last_day - timedelta(days=days))
    return _save(Resignation(employee=emp, kind=kind, notice_date=notice_date, last_day=last_day,
                             reason=kw.pop("reason", "个人发展"), **kw))


def checklist(res: Resignation, done: bool = True, **kw) -> HandoverChecklist:
    items = {name: done for name in HandoverChecklist.ITEMS}
    items.update(kw)
    return _save(HandoverChecklist(resignation=res, **items))


def settlement(res: Resignation, **kw) -> SalarySettlement:
    return _save(SalarySettlement(
        resignation=res, work_days=Decimal("10"), base_pay=kw.pop("base_pay", Decimal("3000.00")),
        overtime_pay=kw.pop("overtime_pay", Decimal("200.50")), deductions=kw.pop("deductions", Decimal("100.25")),
        **kw,
    ))


def leave(emp: Employee | None = None, days: str = "1", start: date | None = None, **kw) -> Leave:
    """A leave on its own dates (each call a later week, so leaves never overlap)."""
    emp = emp or employee()
    start = start or date(2027, 1, 4) + timedelta(days=7 * next(_seq))
    span = max(int(Decimal(days) + Decimal("0.5")), 1)
    return _save(Leave(employee=emp, kind=kw.pop("kind", "personal"), start_date=start,
                       end_date=kw.pop("end_date", start + timedelta(days=span - 1)), days=Decimal(days),
                       reason=kw.pop("reason", "家中有事"), **kw))


def appointment(emp: Employee, kind: str = "promote", **kw) -> Appointment:
    return _save(Appointment(employee=emp, kind=kind, reason=kw.pop("reason", "表现优秀"), **kw))


def requisition(center_code: str = "SC01", **kw) -> Requisition:
    return _save(Requisition(center_id=factories.center(center_code).id, headcount=kw.pop("headcount", 2),
                             reason=kw.pop("reason", "新项目开业"), **kw))


def applicant(center_code: str = "SC01", **kw) -> Applicant:
    return _save(Applicant(center_id=factories.center(center_code).id, name=kw.pop("name", factories.unique("应聘")),
                           phone=kw.pop("phone", "13912345678"), applied_on=kw.pop("applied_on", date(2026, 3, 1)),
                           **kw))


def submit(obj, username: str) -> int:
    """Submit as `username` (inside a request, like the screens do); returns the approval id."""
    actor = current_app.appbuilder.sm.find_user(username=username)
    with current_app.test_request_context():
        g.pop("_center_scope", None)
        g.user = actor
        try:
            return approvals.submit(obj, actor=actor).id
        finally:
            g.pop("user", None)
            g.pop("_center_scope", None)
