"""装修 Renovation (DESIGN.md "Renovation"): the application (装修申报) with its
approval chain, worker passes (出入证), inspections (巡查), rectification notices
(整改通知单), completion acceptance (竣工验收) and the deposit refund.

`Renovation.status` is the approval status (draft/pending/approved/…, set by
the engine); `site_status` follows the works once approved: 待开工 → 施工中
→ 验收合格 → 押金已退. The deposit is a Bill in the fees register
(source_key "reno:<id>"), never a column that is paid here.
"""

from flask_appbuilder.models.sqla import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Column, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import relationship

from app import timeutil
from app.models.approvals import ApprovableMixin
from app.models.estate import _unique_active
from app.models.mixins import AuditMixin, CenterScopedMixin, Money, SoftDeleteMixin
from app.workflows import renovation as rules

SITE_STATUSES = {
    "waiting": _l("待开工"),
    "in_progress": _l("施工中"),
    "accepted": _l("验收合格"),
    "refunded": _l("押金已退"),
}
#: 施工范围 flags (column → label); 拆改墙体 is recorded only (load-bearing walls are refused on paper).
SCOPE_FLAGS = {
    "scope_plumbing": _l("水电改造"),
    "scope_walls": _l("拆改墙体"),
    "scope_waterproofing": _l("防水"),
    "scope_doors_windows": _l("门窗"),
    "scope_air_conditioning": _l("空调"),
}
INSPECTION_RESULTS = {"ok": _l("正常"), "issue": _l("发现问题")}
RECTIFICATION_STATUSES = {"open": _l("整改中"), "closed": _l("已整改")}
ACCEPTANCE_RESULTS = {"passed": _l("验收合格"), "failed": _l("验收不合格")}
PASS_STATES = {"valid": _l("有效"), "revoked": _l("已注销"), "expired": _l("已过期"), "future": _l("未生效")}


class Renovation(ApprovableMixin, AuditMixin, SoftDeleteMixin, CenterScopedMixin, Model):
    """装修申报: one unit's works by one contractor, approved through the chain "renovation"."""

    __tablename__ = "renovation"
    __parent__ = "household"
    REQUEST_TYPE = "renovation"

    id = Column(Integer, primary_key=True)
    household_id = Column(Integer, ForeignKey("household.id"), nullable=False, index=True)
    unit_id = Column(Integer, ForeignKey("unit.id"), nullable=False, index=True)
    contractor = Column(String(100), nullable=False)
    contractor_person = Column(String(50), nullable=False)
    contractor_phone = Column(String(30), nullable=False)
    worker_count = Column(Integer, nullable=False, default=1)
    scope_text = Column(Text, nullable=False)
    scope_plumbing = Column(Boolean, nullable=False, default=False)
    scope_walls = Column(Boolean, nullable=False, default=False)
    scope_waterproofing = Column(Boolean, nullable=False, default=False)
    scope_doors_windows = Column(Boolean, nullable=False, default=False)
    scope_air_conditioning = Column(Boolean, nullable=False, default=False)
    start_date = Column(Date, nullable=False)
    planned_end_date = Column(Date, nullable=False)
    deposit = Column(Money, nullable=False, default=0)
    agreement_signed = Column(Boolean, nullable=False, default=False)
    agreement_date = Column(Date)
    decision_due_at = Column(DateTime, index=True)  # submitted + 3 days
    site_status = Column(String(12), index=True)  # None until approved, then SITE_STATUSES
    deposit_bill_id = Column(Integer, ForeignKey("bill.id"), nullable=True, index=True)
    work_started_on = Column(Date)
    accepted_on = Column(Date)
    note = Column(String(200))

    household = relationship("Household", lazy="joined")
    unit = relationship("Unit", lazy="joined")
    deposit_bill = relationship("Bill", lazy="select", foreign_keys=[deposit_bill_id])

    def approval_title(self) -> str:
        return f"{self.unit or ''} {self.contractor or ''}".strip()  # the inbox shows the type beside it

    @property
    def decision_overdue(self) -> bool:
        """逾期: pending past submitted + 3 days, or decided after it."""
        decided = self.approval.decided_at if self.approval is not None else None
        return rules.decision_overdue(self.status, self.decision_due_at, timeutil.now(), decided)

    @property
    def scope_labels(self) -> list[str]:
        return [str(label) for col, label in SCOPE_FLAGS.items() if getattr(self, col)]

    def __str__(self):
        return f"{self.unit or ''} {self.contractor or ''} ({self.start_date}~{self.planned_end_date})"


class RenovationPass(AuditMixin, SoftDeleteMixin, CenterScopedMixin, Model):
    """出入证: one worker's pass for [valid_from, valid_to], within the renovation period."""

    __tablename__ = "renovation_pass"
    __parent__ = "renovation"
    __table_args__ = (_unique_active("uq_renovation_pass_center_no", "center_id", "pass_no"),)

    id = Column(Integer, primary_key=True)
    renovation_id = Column(Integer, ForeignKey("renovation.id"), nullable=False, index=True)
    pass_no = Column(String(30), nullable=False, default="")  # blank: numbered by the service
    holder_name = Column(String(50), nullable=False)
    id_number = Column(String(18), nullable=False)
    phone = Column(String(30))
    photo = Column(String(60))
    valid_from = Column(Date, nullable=False)
    valid_to = Column(Date, nullable=False)
    revoked_at = Column(DateTime)
    revoked_by_id = Column(Integer, ForeignKey("ab_user.id"))
    revoke_reason = Column(String(200))

    renovation = relationship("Renovation", lazy="joined")
    revoked_by = relationship("User", lazy="select", foreign_keys=[revoked_by_id])

    def state(self, today) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if today > self.valid_to:
            return "expired"
        if today < self.valid_from:
            return "future"
        return "valid"

    @property
    def pass_state(self) -> str:
        """有效 / 已注销 / 已过期 / 未生效 today."""
        return self.state(timeutil.today())

    def __str__(self):
        return f"{self.pass_no} {self.holder_name}"


class RenovationInspection(AuditMixin, SoftDeleteMixin, CenterScopedMixin, Model):
    """巡查 of an active site (server time); a re-inspection of a notice is one too."""

    __tablename__ = "renovation_inspection"
    __parent__ = "renovation"

    id = Column(Integer, primary_key=True)
    renovation_id = Column(Integer, ForeignKey("renovation.id"), nullable=False, index=True)
    inspector_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    inspected_at = Column(DateTime, nullable=False, index=True)
    findings = Column(Text, nullable=False)
    result = Column(String(8), nullable=False, default="ok")

    renovation = relationship("Renovation", lazy="joined")
    inspector = relationship("User", lazy="joined", foreign_keys=[inspector_id])

    def __str__(self):
        return f"{self.inspected_at:%Y-%m-%d %H:%M} {self.findings[:20]}" if self.inspected_at else self.findings


class RenovationRectification(AuditMixin, SoftDeleteMixin, CenterScopedMixin, Model):
    """整改通知单: raised from an inspection with a deadline; closed by a passed re-inspection."""

    __tablename__ = "renovation_rectification"
    __parent__ = "renovation"

    id = Column(Integer, primary_key=True)
    renovation_id = Column(Integer, ForeignKey("renovation.id"), nullable=False, index=True)
    inspection_id = Column(Integer, ForeignKey("renovation_inspection.id"), nullable=False, index=True)
    issue = Column(Text, nullable=False)
    deadline = Column(Date, nullable=False, index=True)
    status = Column(String(8), nullable=False, default="open", index=True)
    reinspection_count = Column(Integer, nullable=False, default=0)
    last_reinspected_at = Column(DateTime)
    last_result = Column(String(8))  # passed | failed
    last_notes = Column(Text)
    closed_at = Column(DateTime)

    renovation = relationship("Renovation", lazy="joined")
    inspection = relationship("RenovationInspection", lazy="joined", foreign_keys=[inspection_id])

    @property
    def is_overdue(self) -> bool:
        return rules.rectification_overdue(self.status == "open", self.deadline, timeutil.today())

    def __str__(self):
        return f"#{self.id} {self.issue[:20]}" if self.issue else f"#{self.id}"


class RenovationAcceptance(AuditMixin, SoftDeleteMixin, CenterScopedMixin, Model):
    """竣工验收: the owner's request date, then the result within 3 days."""

    __tablename__ = "renovation_acceptance"
    __parent__ = "renovation"

    id = Column(Integer, primary_key=True)
    renovation_id = Column(Integer, ForeignKey("renovation.id"), nullable=False, index=True)
    requested_on = Column(Date, nullable=False)
    result = Column(String(8), index=True)  # None until done; passed | failed
    notes = Column(Text)
    inspector_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True)
    inspected_at = Column(DateTime)

    renovation = relationship("Renovation", lazy="joined")
    inspector = relationship("User", lazy="joined", foreign_keys=[inspector_id])

    @property
    def deadline(self):
        return rules.acceptance_deadline(self.requested_on) if self.requested_on else None

    @property
    def is_overdue(self) -> bool:
        done = self.inspected_at.date() if self.inspected_at else None
        return self.requested_on is not None and rules.acceptance_overdue(self.requested_on, timeutil.today(), done)

    def __str__(self):
        return f"{self.renovation} {self.requested_on}"


class RenovationRefund(ApprovableMixin, AuditMixin, SoftDeleteMixin, CenterScopedMixin, Model):
    """装修押金退还: deposit − recorded deductions, approved by finance (chain "renovation_refund")."""

    __tablename__ = "renovation_refund"
    __parent__ = "renovation"
    REQUEST_TYPE = "renovation_refund"

    id = Column(Integer, primary_key=True)
    renovation_id = Column(Integer, ForeignKey("renovation.id"), nullable=False, index=True)
    deposit = Column(Money, nullable=False)
    deductions_total = Column(Money, nullable=False, default=0)
    refund_amount = Column(Money, nullable=False)
    due_on = Column(Date, nullable=False)  # accepted + 1 day
    refunded_at = Column(DateTime)
    refunded_by_id = Column(Integer, ForeignKey("ab_user.id"))
    note = Column(String(200))

    renovation = relationship("Renovation", lazy="joined")
    refunded_by = relationship("User", lazy="select", foreign_keys=[refunded_by_id])
    lines = relationship("RenovationDeduction", back_populates="refund", lazy="selectin",
                         order_by="RenovationDeduction.id", cascade="all, delete-orphan")

    @property
    def is_overdue(self) -> bool:
        """Refunded (approved) later than 1 day after acceptance, or still not refunded past it."""
        if self.status in ("rejected", "withdrawn") or self.due_on is None:
            return False
        done = self.refunded_at.date() if self.refunded_at else None
        return (done or timeutil.today()) > self.due_on

    def approval_title(self) -> str:
        return f"{self.renovation.unit if self.renovation else ''} {self.refund_amount}"

    def __str__(self):
        return self.approval_title()


class RenovationDeduction(Model):
    """One recorded deduction from a deposit (reason, amount ≥ 0)."""

    __tablename__ = "renovation_deduction"

    id = Column(Integer, primary_key=True)
    refund_id = Column(Integer, ForeignKey("renovation_refund.id"), nullable=False, index=True)
    reason = Column(String(200), nullable=False)
    amount = Column(Money, nullable=False)

    refund = relationship("RenovationRefund", back_populates="lines")
