"""交接班 Shift handover: posts, shifts, the rota (排班), major incidents, the
handover record with its snapshot of pending items and its checklist, and
shift swaps (换班) through the approval engine (DESIGN.md "Shift handover").

People on the rota, in a handover and in a swap are logins (ab_user): the
incoming person signs with their own login. Screens show the employee's name
where an Employee carries that login (Employee.user_id).
"""

from flask_appbuilder.models.sqla import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Column, Date, DateTime, ForeignKey, Integer, String, Text, Time
from sqlalchemy.orm import relationship

from app.models.approvals import ApprovableMixin
from app.models.estate import _unique_active
from app.models.mixins import AuditMixin, CenterScopedMixin, SoftDeleteMixin

#: What a post's handover carries over from the work orders (app/workflows/handover.py).
POST_CATEGORIES = {
    "frontdesk": _l("前台"),
    "monitor": _l("监控"),
    "engineering": _l("工程"),
    "security": _l("秩序"),
    "other": _l("其他"),
}
HANDOVER_STATUSES = {"open": _l("待签收"), "signed": _l("已签收")}
DEFAULT_CHECKLIST = "对讲机、钥匙、现金、资料"
SWAP_LABEL = _l("换班")


class Post(AuditMixin, SoftDeleteMixin, CenterScopedMixin, Model):
    """岗位 of a centre's shift log (前台 / 监控 / 工程 / 秩序 …)."""

    __tablename__ = "shift_post"
    __table_args__ = (_unique_active("uq_shift_post_center_code", "center_id", "code"),)

    id = Column(Integer, primary_key=True)
    code = Column(String(20), nullable=False)
    name = Column(String(50), nullable=False)
    category = Column(String(20), nullable=False, default="other")
    checklist_items = Column(String(300), nullable=False, default=DEFAULT_CHECKLIST)  # 、 or , separated
    active = Column(Boolean, nullable=False, default=True)

    def __str__(self):
        return self.name


class Shift(AuditMixin, SoftDeleteMixin, CenterScopedMixin, Model):
    """班次 (早 / 中 / 晚 / 夜); an end at or before the start means it ends the next day."""

    __tablename__ = "shift"
    __table_args__ = (_unique_active("uq_shift_center_name", "center_id", "name"),)

    id = Column(Integer, primary_key=True)
    name = Column(String(20), nullable=False)
    start = Column(Time, nullable=False)
    end = Column(Time, nullable=False)

    @property
    def crosses_midnight(self) -> bool:
        return self.end <= self.start

    def __str__(self):
        end = "24:00" if self.end.hour == 0 and self.end.minute == 0 else f"{self.end:%H:%M}"
        return f"{self.name} {self.start:%H:%M}-{end}"


class RotaEntry(AuditMixin, SoftDeleteMixin, CenterScopedMixin, Model):
    """排班: one login on one post for one shift of one day."""

    __tablename__ = "rota_entry"
    __table_args__ = (_unique_active("uq_rota_entry_day_shift_user", "day", "shift_id", "user_id"),)
    __parent__ = "post"

    id = Column(Integer, primary_key=True)
    day = Column(Date, nullable=False, index=True)
    post_id = Column(Integer, ForeignKey("shift_post.id"), nullable=False, index=True)
    shift_id = Column(Integer, ForeignKey("shift.id"), nullable=False, index=True)
    user_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False, index=True)
    note = Column(String(200))

    post = relationship("Post", lazy="joined")
    shift = relationship("Shift", lazy="joined")
    user = relationship("User", foreign_keys=[user_id], lazy="joined")

    def __str__(self):
        return f"{self.day} {self.shift.name if self.shift else ''} {self.post or ''} {self.user or ''}"


class MajorIncident(AuditMixin, SoftDeleteMixin, CenterScopedMixin, Model):
    """重大事件 register: while open, handovers of its post (all posts when
    none is named) are refused unless a supervisor overrides."""

    __tablename__ = "major_incident"

    id = Column(Integer, primary_key=True)
    post_id = Column(Integer, ForeignKey("shift_post.id"), index=True)
    title = Column(String(200), nullable=False)
    opened_at = Column(DateTime, nullable=False)
    closed_at = Column(DateTime, index=True)
    note = Column(Text)

    post = relationship("Post", lazy="joined")

    def __str__(self):
        return self.title


class Handover(AuditMixin, SoftDeleteMixin, CenterScopedMixin, Model):
    """交接班记录. Times are the server's; locked once the incoming person signs."""

    __tablename__ = "handover"
    __parent__ = "post"

    id = Column(Integer, primary_key=True)
    post_id = Column(Integer, ForeignKey("shift_post.id"), nullable=False, index=True)
    shift_id = Column(Integer, ForeignKey("shift.id"), nullable=False, index=True)
    outgoing_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False, index=True)
    incoming_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False, index=True)
    handed_at = Column(DateTime, nullable=False, index=True)
    shift_date = Column(Date, nullable=False)
    shift_end = Column(DateTime, nullable=False)
    is_late = Column(Boolean, nullable=False, default=False)  # 迟交
    late_minutes = Column(Integer, nullable=False, default=0)
    leader_instructions = Column(Text)
    notes = Column(Text)
    status = Column(String(10), nullable=False, default="open", index=True)
    signed_at = Column(DateTime)
    override_by_id = Column(Integer, ForeignKey("ab_user.id"))
    override_at = Column(DateTime)
    override_reason = Column(Text)

    post = relationship("Post", lazy="joined")
    shift = relationship("Shift", lazy="joined")
    outgoing = relationship("User", foreign_keys=[outgoing_id], lazy="joined")
    incoming = relationship("User", foreign_keys=[incoming_id], lazy="joined")
    override_by = relationship("User", foreign_keys=[override_by_id])
    items = relationship("HandoverItem", order_by="HandoverItem.id", cascade="all, delete-orphan",
                         lazy="selectin", back_populates="handover")
    checks = relationship("HandoverCheck", order_by="HandoverCheck.position", cascade="all, delete-orphan",
                          lazy="selectin", back_populates="handover")

    @property
    def is_locked(self) -> bool:
        return self.status == "signed"

    def __str__(self):
        return f"{self.post or ''} {self.shift.name if self.shift else ''} {self.handed_at:%Y-%m-%d %H:%M}"


class HandoverItem(Model):
    """A pending work order as it stood when handed over (a snapshot, never refreshed)."""

    __tablename__ = "handover_item"

    id = Column(Integer, primary_key=True)
    handover_id = Column(Integer, ForeignKey("handover.id"), nullable=False, index=True)
    work_order_id = Column(Integer, ForeignKey("work_order.id"), index=True)
    order_no = Column(String(20), nullable=False)
    kind = Column(String(15), nullable=False)
    severity = Column(String(12))
    summary = Column(String(200), nullable=False)
    status = Column(String(12), nullable=False)
    due_at = Column(DateTime)

    handover = relationship("Handover", back_populates="items")


class HandoverCheck(Model):
    """One line of the items checklist (对讲机, 钥匙 …): count and OK flag."""

    __tablename__ = "handover_check"

    id = Column(Integer, primary_key=True)
    handover_id = Column(Integer, ForeignKey("handover.id"), nullable=False, index=True)
    position = Column(Integer, nullable=False)
    name = Column(String(50), nullable=False)
    count = Column(Integer)
    ok = Column(Boolean, nullable=False, default=False)
    note = Column(String(200))

    handover = relationship("Handover", back_populates="checks")


class ShiftSwap(ApprovableMixin, AuditMixin, SoftDeleteMixin, CenterScopedMixin, Model):
    """换班申请: the requester's shift on swap_date and the counterpart's shift on
    counterpart_date (same post) change hands once both supervisors approve."""

    __tablename__ = "shift_swap"
    __parent__ = "post"
    REQUEST_TYPE = "shiftswap"

    id = Column(Integer, primary_key=True)
    post_id = Column(Integer, ForeignKey("shift_post.id"), nullable=False, index=True)
    requester_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False, index=True)
    counterpart_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False, index=True)
    swap_date = Column(Date, nullable=False, index=True)
    requester_shift_id = Column(Integer, ForeignKey("shift.id"), nullable=False)
    counterpart_date = Column(Date, nullable=False)
    counterpart_shift_id = Column(Integer, ForeignKey("shift.id"), nullable=False)
    reason = Column(Text, nullable=False)
    swapped_at = Column(DateTime)

    post = relationship("Post", lazy="joined")
    requester = relationship("User", foreign_keys=[requester_id], lazy="joined")
    counterpart = relationship("User", foreign_keys=[counterpart_id], lazy="joined")
    requester_shift = relationship("Shift", foreign_keys=[requester_shift_id], lazy="joined")
    counterpart_shift = relationship("Shift", foreign_keys=[counterpart_shift_id], lazy="joined")

    def subject_user_id(self):
        """The counterpart is concerned by the swap and cannot decide it (the
        requester is refused as the submitter, or by the shift-swap guard)."""
        return self.counterpart_id

    def approval_title(self) -> str:
        return f"{SWAP_LABEL} {self.requester or ''}↔{self.counterpart or ''} {self.swap_date}"

    def __str__(self):
        return self.approval_title()
