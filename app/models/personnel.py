"""人员: departments, positions, the staff roster and every HR record.

Requests that go through an approval chain (requisition, appointment,
resignation, leave, settlement) mix in ApprovableMixin; their rules live in
app/services/personnel.py.
"""

from flask_appbuilder.models.sqla import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Column, Date, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import relationship

from app.models.approvals import ApprovableMixin
from app.models.estate import _unique_active
from app.models.mixins import AuditMixin, CenterScopedMixin, Money, SoftDeleteMixin

LEVELS = {
    "manager": _l("经理"),
    "supervisor": _l("主管"),
    "staff": _l("员工"),
    "security_cleaning": _l("安全员·保洁"),
}
#: Rank of each level, for "no skipping a level" (higher is more senior).
LEVEL_RANK = {"security_cleaning": 1, "staff": 1, "supervisor": 2, "manager": 3}
EMPLOYEE_STATUS = {"probation": _l("试用"), "regular": _l("正式"), "left": _l("离职")}
GENDERS = {"male": _l("男"), "female": _l("女")}
APPOINTMENT_KINDS = {
    "regularize": _l("转正"),
    "promote": _l("晋升"),
    "raise": _l("调薪"),
    "demote": _l("降级"),
    "transfer": _l("调岗"),
}
RESIGNATION_KINDS = {"resign": _l("辞职"), "dismiss": _l("辞退"), "abandon": _l("自动离职")}
DISMISSAL_REASONS = {
    "probation_unfit": _l("试用期内被证明不符合录用条件"),
    "rule_violation": _l("严重违反公司规章制度"),
    "poor_performance": _l("绩效考核不合格"),
    "criminal_liability": _l("被依法追究刑事责任"),
    "other": _l("其他法定情形"),
}
LEAVE_KINDS = {
    "personal": _l("事假"),
    "sick": _l("病假"),
    "annual": _l("年假"),
    "compensatory": _l("调休"),
    "marriage": _l("婚假"),
    "maternity": _l("产假"),
    "bereavement": _l("丧假"),
}
APPLICANT_DECISIONS = {"pending": _l("待定"), "hired": _l("录用"), "declined": _l("不录用")}


class Department(AuditMixin, SoftDeleteMixin, Model):
    __tablename__ = "department"
    __table_args__ = (_unique_active("uq_department_name", "name"),)

    id = Column(Integer, primary_key=True)
    name = Column(String(50), nullable=False)
    note = Column(String(200))

    def __str__(self):
        return self.name


class Position(AuditMixin, SoftDeleteMixin, Model):
    __tablename__ = "position"
    __table_args__ = (_unique_active("uq_position_name", "name"),)

    id = Column(Integer, primary_key=True)
    name = Column(String(50), nullable=False)
    level = Column(String(20), nullable=False, default="staff")
    department_id = Column(Integer, ForeignKey("department.id"), index=True)

    department = relationship("Department", lazy="joined")

    def __str__(self):
        return self.name


class Employee(AuditMixin, SoftDeleteMixin, CenterScopedMixin, Model):
    """员工花名册. `regular_date` = hire date + probation months + 1 day."""

    __tablename__ = "employee"
    __table_args__ = (_unique_active("uq_employee_no", "employee_no"),)

    id = Column(Integer, primary_key=True)
    employee_no = Column(String(20), nullable=False)  # 工号
    name = Column(String(50), nullable=False, index=True)
    gender = Column(String(10), nullable=False, default="male")
    id_number = Column(String(18))
    phone = Column(String(20))
    department_id = Column(Integer, ForeignKey("department.id"), index=True)
    position_id = Column(Integer, ForeignKey("position.id"), index=True)
    level = Column(String(20), nullable=False, default="staff")
    salary_grade = Column(String(20))
    hire_date = Column(Date, nullable=False, index=True)
    probation_months = Column(Integer, nullable=False, default=3)
    regular_date = Column(Date, index=True)
    status = Column(String(12), nullable=False, default="probation", index=True)
    last_change_date = Column(Date)  # last promotion / raise / demotion
    left_date = Column(Date)
    user_id = Column(Integer, ForeignKey("ab_user.id"), index=True)  # login, if any
    note = Column(String(200))

    department = relationship("Department", lazy="joined")
    position = relationship("Position", lazy="joined")
    user = relationship("User", foreign_keys=[user_id], lazy="joined")

    def __str__(self):
        return f"{self.name}（{self.employee_no}）"


class _PersonnelRecord(AuditMixin, SoftDeleteMixin, CenterScopedMixin):
    """A record about one employee; its centre is the employee's."""

    __parent__ = "employee"


class Requisition(AuditMixin, SoftDeleteMixin, CenterScopedMixin, ApprovableMixin, Model):
    """人员需求表."""

    __tablename__ = "requisition"
    REQUEST_TYPE = "requisition"

    id = Column(Integer, primary_key=True)
    department_id = Column(Integer, ForeignKey("department.id"), index=True)
    position_id = Column(Integer, ForeignKey("position.id"), index=True)
    headcount = Column(Integer, nullable=False, default=1)
    required_by = Column(Date)
    reason = Column(Text, nullable=False)

    department = relationship("Department", lazy="joined")
    position = relationship("Position", lazy="joined")

    def approval_title(self):
        return f"{self.position or ''} × {self.headcount}"


class Applicant(AuditMixin, SoftDeleteMixin, CenterScopedMixin, Model):
    """求职申请, with interview notes and the 录用 decision."""

    __tablename__ = "applicant"

    id = Column(Integer, primary_key=True)
    name = Column(String(50), nullable=False)
    gender = Column(String(10), nullable=False, default="male")
    phone = Column(String(20), nullable=False)
    id_number = Column(String(18))
    position_id = Column(Integer, ForeignKey("position.id"), index=True)
    requisition_id = Column(Integer, ForeignKey("requisition.id"), index=True)
    applied_on = Column(Date, nullable=False)
    interview_notes = Column(Text)
    decision = Column(String(10), nullable=False, default="pending")
    employee_id = Column(Integer, ForeignKey("employee.id"))  # when hired

    position = relationship("Position", lazy="joined")

    def __str__(self):
        return self.name


class Onboarding(_PersonnelRecord, Model):
    """上岗通知 / 入职清单: badge, attendance card, items, training within a month."""

    __tablename__ = "onboarding"

    id = Column(Integer, primary_key=True)
    employee_id = Column(Integer, ForeignKey("employee.id"), nullable=False, unique=True)
    notice_issued = Column(Boolean, nullable=False, default=False)  # 上岗通知
    badge_issued = Column(Boolean, nullable=False, default=False)  # 工牌
    attendance_card_issued = Column(Boolean, nullable=False, default=False)  # 考勤卡
    items_issued = Column(Text)  # 物品领用
    training_due = Column(Date)  # hire date + 1 month
    training_done_on = Column(Date)

    employee = relationship("Employee", lazy="joined")


class Appointment(_PersonnelRecord, ApprovableMixin, Model):
    """职务任免及工资审批: 转正 / 晋升 / 调薪 / 降级 / 调岗."""

    __tablename__ = "appointment"
    REQUEST_TYPE = "appointment"

    id = Column(Integer, primary_key=True)
    employee_id = Column(Integer, ForeignKey("employee.id"), nullable=False, index=True)
    kind = Column(String(12), nullable=False)
    old_position_id = Column(Integer, ForeignKey("position.id"))
    new_position_id = Column(Integer, ForeignKey("position.id"))
    old_level = Column(String(20))
    new_level = Column(String(20))
    old_salary_grade = Column(String(20))
    new_salary_grade = Column(String(20))
    reason = Column(Text)
    effective_date = Column(Date)  # the approval date
    special_approval = Column(Boolean, nullable=False, default=False)  # GM 特批, recorded

    employee = relationship("Employee", lazy="joined")
    old_position = relationship("Position", foreign_keys=[old_position_id], lazy="joined")
    new_position = relationship("Position", foreign_keys=[new_position_id], lazy="joined")

    def subject_user_id(self):
        return self.employee.user_id if self.employee else None

    def approval_title(self):
        return f"{self.employee.name if self.employee else ''} {APPOINTMENT_KINDS.get(self.kind, self.kind)}"


class Resignation(_PersonnelRecord, ApprovableMixin, Model):
    """员工离职申请: 辞职 / 辞退 / 自动离职."""

    __tablename__ = "resignation"
    REQUEST_TYPE = "resignation"

    id = Column(Integer, primary_key=True)
    employee_id = Column(Integer, ForeignKey("employee.id"), nullable=False, index=True)
    kind = Column(String(10), nullable=False, default="resign")
    notice_date = Column(Date, nullable=False)  # when the notice was given
    last_day = Column(Date, nullable=False)
    reason = Column(Text, nullable=False)
    dismissal_reason = Column(String(30))
    notice_override = Column(Boolean, nullable=False, default=False)
    notice_override_by_id = Column(Integer, ForeignKey("ab_user.id"))
    completed_on = Column(Date)  # leaving completed (checklist + settlement)

    employee = relationship("Employee", lazy="joined")

    def subject_user_id(self):
        return self.employee.user_id if self.employee else None

    def approval_title(self):
        return f"{self.employee.name if self.employee else ''} {RESIGNATION_KINDS.get(self.kind, self.kind)}"


class HandoverChecklist(_PersonnelRecord, Model):
    """离职交接清单: every item must be done before leaving completes."""

    __tablename__ = "handover_checklist"
    ITEMS = ("work_handover", "public_funds", "office_supplies", "badge_cards", "uniform", "dorm_checkout")

    id = Column(Integer, primary_key=True)
    resignation_id = Column(Integer, ForeignKey("resignation.id"), nullable=False, unique=True)
    employee_id = Column(Integer, ForeignKey("employee.id"), nullable=False, index=True)
    work_handover = Column(Boolean, nullable=False, default=False)  # 工作交接
    public_funds = Column(Boolean, nullable=False, default=False)  # 公款
    office_supplies = Column(Boolean, nullable=False, default=False)  # 办公用品
    badge_cards = Column(Boolean, nullable=False, default=False)  # 工作证/工牌/出入卡
    uniform = Column(Boolean, nullable=False, default=False)  # 工作服
    dorm_checkout = Column(Boolean, nullable=False, default=False)  # 宿舍退房
    notes = Column(Text)

    resignation = relationship("Resignation", lazy="joined")
    employee = relationship("Employee", lazy="joined")

    @property
    def is_done(self) -> bool:
        return all(getattr(self, item) for item in self.ITEMS)


class SalarySettlement(_PersonnelRecord, ApprovableMixin, Model):
    """离职人员工资结算单 (人事经理 → 总经理)."""

    __tablename__ = "salary_settlement"
    REQUEST_TYPE = "settlement"

    id = Column(Integer, primary_key=True)
    resignation_id = Column(Integer, ForeignKey("resignation.id"), nullable=False, unique=True)
    employee_id = Column(Integer, ForeignKey("employee.id"), nullable=False, index=True)
    work_days = Column(Numeric(5, 1))
    base_pay = Column(Money, nullable=False, default=0)
    overtime_pay = Column(Money, nullable=False, default=0)
    deductions = Column(Money, nullable=False, default=0)
    total = Column(Money, nullable=False, default=0)
    note = Column(Text)

    resignation = relationship("Resignation", lazy="joined")
    employee = relationship("Employee", lazy="joined")

    def chain_key(self):
        return "settlement"

    def subject_user_id(self):
        return self.employee.user_id if self.employee else None

    def approval_title(self):
        return " ".join([self.employee.name if self.employee else "", str(_l("离职工资结算"))])


class Leave(_PersonnelRecord, ApprovableMixin, Model):
    """请假申请: ≤ 1 day → 客服主管, > 1 day → 服务中心经理."""

    __tablename__ = "leave_request"
    REQUEST_TYPE = "leave"

    id = Column(Integer, primary_key=True)
    employee_id = Column(Integer, ForeignKey("employee.id"), nullable=False, index=True)
    kind = Column(String(15), nullable=False, default="personal")
    start_date = Column(Date, nullable=False)
    end_date = Column(Date, nullable=False)
    days = Column(Numeric(4, 1), nullable=False)
    reason = Column(Text, nullable=False)

    employee = relationship("Employee", lazy="joined")

    def chain_key(self):
        return "leave.short" if self.days is not None and self.days <= 1 else "leave.long"

    def subject_user_id(self):
        return self.employee.user_id if self.employee else None

    def approval_title(self):
        return str(_l("%(name)s %(kind)s %(days)s天", name=self.employee.name if self.employee else "",
                      kind=LEAVE_KINDS.get(self.kind, self.kind), days=self.days))


class RewardPenalty(_PersonnelRecord, Model):
    """奖罚通知."""

    __tablename__ = "reward_penalty"

    id = Column(Integer, primary_key=True)
    employee_id = Column(Integer, ForeignKey("employee.id"), nullable=False, index=True)
    kind = Column(String(10), nullable=False)  # reward | penalty
    amount = Column(Money)
    reason = Column(Text, nullable=False)
    issued_on = Column(Date, nullable=False)

    employee = relationship("Employee", lazy="joined")
