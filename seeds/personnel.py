"""Demo 人事 data: departments, positions, about 8 employees per centre (the
demo logins of centre roles among them), and requests in every approval
state, so that the inboxes of supervisor1, center_manager1, gm1 and hr1 are
not empty.

Idempotent: departments and positions are found by name, employees by 工号,
requests by (employee or centre, reason) before anything is added. Rows go
through the personnel service's before_save() and requests through the
approval engine, each step acted by the demo user in a request context with
g.user set, so the audit trail and the chain read as if people had done it.
Dates are relative to the day of the first seed.
"""

from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

from flask import current_app, g
from sqlalchemy import select

from app import timeutil
from app.extensions import db
from app.models.estate import ServiceCenter
from app.models.personnel import (
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
from app.services import approvals, personnel
from app.validators import id_check_char

DEPARTMENTS = ("客服部", "工程部", "秩序部", "环境部", "综合部")
#: name → (level, department)
POSITIONS = {
    "服务中心经理": ("manager", "综合部"),
    "人事专员": ("staff", "综合部"),
    "客服主管": ("supervisor", "客服部"),
    "客服助理": ("staff", "客服部"),
    "收费员": ("staff", "客服部"),
    "工程主管": ("supervisor", "工程部"),
    "维修工": ("staff", "工程部"),
    "秩序主管": ("supervisor", "秩序部"),
    "安全员": ("security_cleaning", "秩序部"),
    "环境主管": ("supervisor", "环境部"),
    "保洁员": ("security_cleaning", "环境部"),
}
#: centre → (工号 suffix, name, gender, position, login, days since hire; ≤ 90 days = on probation)
STAFF = {
    "SC01": (
        ("001", "陈建国", "male", "服务中心经理", "center_manager1", 1500),
        ("002", "林晓红", "female", "客服主管", "supervisor1", 1100),
        ("003", "王丽", "female", "客服助理", "frontdesk1", 420),
        ("004", "赵敏", "female", "收费员", "cashier1", 700),
        ("005", "刘强", "male", "维修工", "technician1", 75),
        ("006", "张伟", "male", "安全员", None, 800),
        ("007", "黄秀英", "female", "保洁员", None, 45),
        ("008", "周涛", "male", "工程主管", None, 1300),
        ("009", "孙磊", "male", "客服助理", None, 500),
        ("010", "吴芳", "female", "保洁员", None, 380),
    ),
    "SC02": (
        ("001", "何志明", "male", "服务中心经理", None, 1600),
        ("002", "郭晓燕", "female", "客服主管", None, 900),
        ("003", "马丽娟", "female", "客服助理", "frontdesk2", 300),
        ("004", "罗静", "female", "收费员", None, 650),
        ("005", "高勇", "male", "维修工", None, 60),
        ("006", "朱军", "male", "安全员", None, 1000),
        ("007", "徐娜", "female", "保洁员", None, 200),
        ("008", "胡杰", "male", "秩序主管", None, 1200),
    ),
}
GRADES = {"manager": "M1", "supervisor": "S2", "staff": "A3", "security_cleaning": "C2"}


def load_personnel(progress=print) -> dict[str, int]:
    counts = {"employees": 0, "requests": 0}
    _reference_rows()
    centers = {c.code: c for c in db.session.scalars(select(ServiceCenter).where(ServiceCenter.deleted_on.is_(None)))}
    for code, staff in STAFF.items():
        for index, spec in enumerate(staff):
            counts["employees"] += _employee(centers[code], index, *spec)
    db.session.commit()
    before = _request_count()
    _requests()
    _records()
    counts["requests"] = _request_count() - before
    progress("  personnel ready")
    return counts


# -- register rows --------------------------------------------------------------

def _reference_rows() -> None:
    departments = {name: _find(Department, name=name) or _save(Department(name=name)) for name in DEPARTMENTS}
    for name, (level, department) in POSITIONS.items():
        if _find(Position, name=name) is None:
            _save(Position(name=name, level=level, department=departments[department]))
    db.session.commit()


def _employee(center, index, suffix, name, gender, position_name, login, days_ago) -> int:
    employee_no = f"{center.code}-{suffix}"
    if _find(Employee, employee_no=employee_no) is not None:
        return 0
    position = _find(Position, name=position_name)
    user = current_app.appbuilder.sm.find_user(username=login) if login else None
    seq = (1 if center.code == "SC01" else 2) * 100 + index
    body = f"440304{1975 + seq % 25:04d}{seq % 12 + 1:02d}{seq % 27 + 1:02d}{seq % 1000:03d}"
    emp = Employee(
        center_id=center.id, employee_no=employee_no, name=name, gender=gender, id_number=body + id_check_char(body),
        phone=f"139{seq:08d}", department=position.department, position=position, level=position.level,
        salary_grade=GRADES[position.level], hire_date=timeutil.today() - timedelta(days=days_ago),
        probation_months=3, user_id=user.id if user else None,
    )
    _save(emp)
    if emp.regular_date <= timeutil.today():
        emp.status = "regular"  # hired long ago: regularised before the system existed
    return 1


# -- requests, walked through the approval engine --------------------------------------

def _requests() -> None:
    today = timeutil.today()
    day = timedelta(days=1)
    emp = _employees()
    # 员工离职申请: draft / pending at 主管 / approved / rejected / withdrawn
    _request(Resignation, "hr1", employee=emp["吴芳"], kind="resign", notice_date=today, last_day=today + 20 * day,
             reason="家中有事，需回老家照顾老人")
    _request(Resignation, "hr1", [("submit", "hr1", "")], employee=emp["黄秀英"], kind="resign",
             notice_date=today - 2 * day, last_day=today + 20 * day, reason="个人原因，另有发展")
    _request(Resignation, "hr1", _full_chain("同意，请做好交接"), employee=emp["周涛"], kind="resign",
             notice_date=today - 30 * day, last_day=today + 5 * day, reason="合同到期不再续签")
    _request(Resignation, "hr1", [("submit", "hr1", ""), ("approve", "supervisor1", "情况属实"),
                                  ("reject", "center_manager1", "工作安排紧张，请再考虑")],
             employee=emp["孙磊"], kind="resign", notice_date=today - 10 * day, last_day=today + 15 * day,
             reason="希望换一个工作环境")
    _request(Resignation, "hr1", [("submit", "hr1", ""), ("withdraw", "hr1", "本人决定留任")],
             employee=emp["孙磊"], kind="resign", notice_date=today - 3 * day, last_day=today + 25 * day,
             reason="通勤距离较远")
    _request(Resignation, "hr1", [("submit", "hr1", "")], employee=emp["徐娜"], kind="resign",
             notice_date=today, last_day=today + 16 * day, reason="身体原因")
    # 请假申请: ≤ 1 day → 客服主管, > 1 day → 服务中心经理
    _request(Leave, "frontdesk1", [("submit", "frontdesk1", "")], employee=emp["王丽"], kind="personal",
             start_date=today + 7 * day, end_date=today + 7 * day, days=Decimal("0.5"), reason="办理证件")
    _request(Leave, "frontdesk1", [("submit", "frontdesk1", "")], employee=emp["王丽"], kind="annual",
             start_date=today + 20 * day, end_date=today + 22 * day, days=Decimal("3"), reason="年假探亲")
    _request(Leave, "technician1",
             [("submit", "technician1", ""), ("reject", "center_manager1", "本周维修任务多，请改期")],
             employee=emp["刘强"], kind="personal", start_date=today + 3 * day, end_date=today + 4 * day,
             days=Decimal("2"), reason="家中装修")
    _request(Leave, "technician1", [("submit", "technician1", ""), ("approve", "supervisor1", "同意")],
             employee=emp["刘强"], kind="sick", start_date=today - 5 * day, end_date=today - 5 * day,
             days=Decimal("1"), reason="感冒发烧")
    _request(Leave, "cashier1", [("submit", "cashier1", ""), ("return", "supervisor1", "请补充具体事由")],
             employee=emp["赵敏"], kind="personal", start_date=today + 10 * day, end_date=today + 10 * day,
             days=Decimal("1"), reason="有事")
    _request(Leave, "frontdesk1", [("submit", "frontdesk1", ""), ("withdraw", "frontdesk1", "行程取消")],
             employee=emp["王丽"], kind="compensatory", start_date=today + 30 * day, end_date=today + 30 * day,
             days=Decimal("1"), reason="调休")
    _request(Leave, "frontdesk2", [("submit", "frontdesk2", "")], employee=emp["马丽娟"], kind="personal",
             start_date=today + 5 * day, end_date=today + 5 * day, days=Decimal("0.5"), reason="孩子家长会")
    # 人员需求表 and 职务任免及工资审批
    c1 = emp["王丽"].center_id
    _request(Requisition, "hr1", [("submit", "hr1", ""), ("approve", "supervisor1", "客服前台人手不足")],
             center_id=c1, department=_find(Department, name="客服部"), position=_find(Position, name="客服助理"),
             headcount=2, required_by=today + 30 * day, reason="业户增加，前台需增加两名客服助理")
    _request(Requisition, "hr1", _full_chain("同意招聘"), center_id=c1,
             department=_find(Department, name="工程部"), position=_find(Position, name="维修工"), headcount=1,
             required_by=today + 15 * day, reason="维修工离职补员")
    _request(Requisition, "center_manager1", center_id=c1, department=_find(Department, name="秩序部"),
             position=_find(Position, name="安全员"), headcount=1, required_by=today + 45 * day,
             reason="新增地下车库岗")
    _request(Appointment, "hr1", _full_chain("试用期表现良好")[:3], employee=emp["刘强"], kind="regularize",
             reason="试用期满，考核合格，申请转正")
    _request(Appointment, "supervisor1", employee=emp["王丽"], kind="raise", new_salary_grade="A4",
             reason="服务之星，申请调薪")


def _full_chain(comment: str):
    return [("submit", "hr1", ""), ("approve", "supervisor1", comment), ("approve", "center_manager1", comment),
            ("approve", "gm1", comment)]


def _request(model, author: str, steps=(), **fields):
    """Create the request as `author` (a draft), then act each step as its user."""
    key = {"reason": fields["reason"]}
    key.update({"employee_id": fields["employee"].id} if "employee" in fields else {"center_id": fields["center_id"]})
    row = _find(model, **key)
    if row is not None:
        return row
    with _acting(author):
        row = _save(model(**fields))
    for action, username, comment in steps:
        with _acting(username) as user:
            if action == "submit":
                approvals.submit(row, actor=user, comment=comment)
                continue
            fn = {"approve": approvals.approve, "reject": approvals.reject,
                  "return": approvals.return_for_revision, "withdraw": approvals.withdraw}[action]
            fn(row.approval, actor=user, comment=comment)
    return row


# -- records around the requests ------------------------------------------------------

def _records() -> None:
    today = timeutil.today()
    emp = _employees()
    leaver = _find(Resignation, employee_id=emp["周涛"].id, reason="合同到期不再续签")
    if _find(HandoverChecklist, resignation_id=leaver.id) is None:
        with _acting("hr1"):
            _save(HandoverChecklist(resignation=leaver, work_handover=True, public_funds=True, office_supplies=True,
                                    notes="工作证、工作服待归还"))
    if _find(SalarySettlement, resignation_id=leaver.id) is None:
        with _acting("admin1"):
            s = _save(SalarySettlement(resignation=leaver, work_days=Decimal("18"), base_pay=Decimal("4200.00"),
                                       overtime_pay=Decimal("360.00"), deductions=Decimal("150.00"),
                                       note="扣除未归还工作服费用"))
        with _acting("admin1") as user:
            approvals.submit(s, actor=user)
    for name, done in (("黄秀英", None), ("刘强", today - timedelta(days=60)), ("高勇", None)):
        if _find(Onboarding, employee_id=emp[name].id) is None:
            with _acting("hr1"):
                _save(Onboarding(employee=emp[name], notice_issued=True, badge_issued=True,
                                 attendance_card_issued=done is not None, items_issued="工作服两套、工牌",
                                 training_done_on=done))
    c1 = emp["王丽"].center_id
    for name, gender, phone, notes, decision in (
        ("李明", "male", "13600001111", "有两年物业客服经验，沟通能力强", "pending"),
        ("宋佳", "female", "13600002222", "期望薪资过高", "declined"),
    ):
        if _find(Applicant, name=name, phone=phone) is None:
            with _acting("hr1"):
                _save(Applicant(center_id=c1, name=name, gender=gender, phone=phone,
                                position=_find(Position, name="客服助理"), applied_on=today - timedelta(days=3),
                                interview_notes=notes, decision=decision))
    if _find(RewardPenalty, employee_id=emp["王丽"].id, kind="reward") is None:
        with _acting("center_manager1"):
            _save(RewardPenalty(employee=emp["王丽"], kind="reward", amount=Decimal("200.00"),
                                reason="业主来信表扬，服务热情周到", issued_on=today - timedelta(days=12)))
    db.session.commit()


# -- helpers -----------------------------------------------------------------------------

def _request_count() -> int:
    return sum(db.session.query(m).count() for m in (Requisition, Appointment, Resignation, Leave, SalarySettlement))


def _employees() -> dict[str, Employee]:
    return {e.name: e for e in db.session.scalars(select(Employee).where(Employee.deleted_on.is_(None)))}


def _find(model, **key):
    return db.session.scalars(select(model).filter_by(deleted_on=None, **key)).first()


def _save(row):
    """Apply the register's rules (centre, defaults, computed dates) and store the row."""
    personnel.before_save(row)
    db.session.add(row)
    db.session.commit()
    return row


@contextmanager
def _acting(username: str):
    """A request context signed in as `username` (scope checks and audit trail)."""
    user = current_app.appbuilder.sm.find_user(username=username)
    with current_app.test_request_context():
        g.user = user
        yield user
