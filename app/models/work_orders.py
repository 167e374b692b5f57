"""工单: one register for repairs, complaints, consultations, suggestions,
requests for help and paid services, with its transition log, SLA policies,
working calendars and the breaches found by `flask sla scan`."""

from flask_appbuilder.models.sqla import Model
from sqlalchemy import Boolean, Column, Date, DateTime, ForeignKey, Integer, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import relationship

from app.models.estate import _unique_active
from app.models.mixins import AuditMixin, CenterScopedMixin, Money, SoftDeleteMixin, VersionedMixin


class WorkOrder(VersionedMixin, AuditMixin, SoftDeleteMixin, CenterScopedMixin, Model):
    __tablename__ = "work_order"
    __table_args__ = (_unique_active("uq_work_order_no", "order_no"),)

    id = Column(Integer, primary_key=True)
    order_no = Column(String(20), nullable=False)  # WO + yymmdd + sequence
    kind = Column(String(15), nullable=False, index=True)
    severity = Column(String(12), index=True)
    repair_scope = Column(String(10))  # public | indoor (repairs)
    source = Column(String(12), nullable=False, index=True)
    household_id = Column(Integer, ForeignKey("household.id"), index=True)
    unit_id = Column(Integer, ForeignKey("unit.id"), index=True)
    contact_name = Column(String(50))
    contact_phone = Column(String(20))
    location = Column(String(100))
    description = Column(Text, nullable=False)
    photo = Column(String(80))  # file name under <instance>/uploads/work_orders (optional)
    department = Column(String(20))  # engineering | service | security | cleaning
    assignee_id = Column(Integer, ForeignKey("ab_user.id"), index=True)
    status = Column(String(12), nullable=False, default="accepted", index=True)

    received_at = Column(DateTime, nullable=False, index=True)
    dispatched_at = Column(DateTime)
    responded_at = Column(DateTime)
    arrived_at = Column(DateTime)
    completed_at = Column(DateTime, index=True)
    visited_at = Column(DateTime)
    closed_at = Column(DateTime)
    agreed_at = Column(DateTime)  # time agreed with the owner
    suspended_at = Column(DateTime)
    suspend_reason = Column(String(200))
    paused_minutes = Column(Integer, nullable=False, default=0)
    callback_at = Column(DateTime)  # the callback that reopened it as rework
    rework_dispatched_at = Column(DateTime)  # re-arranged after a rework (first dispatch kept)
    rework_completed_at = Column(DateTime)  # done again after a rework (first completion kept)
    rework_count = Column(Integer, nullable=False, default=0)
    escalated_at = Column(DateTime)  # major complaint raised to the centre manager

    # deadlines (recomputed on every transition) and whether each was met
    dispatch_due = Column(DateTime)
    respond_due = Column(DateTime, index=True)
    onsite_due = Column(DateTime)
    complete_due = Column(DateTime, index=True)
    callback_due = Column(DateTime, index=True)
    rework_due = Column(DateTime)

    satisfaction = Column(String(12))
    callback_method = Column(String(10))
    owner_signed = Column(Boolean, nullable=False, default=False)
    callback_note = Column(Text)
    callback_by_id = Column(Integer, ForeignKey("ab_user.id"))
    sampled_on = Column(Date)  # picked for the centre manager's weekly 30 % sample

    quoted_price = Column(Money)  # paid services
    materials = Column(Text)
    bill_id = Column(Integer)  # seam: the fees register links the bill here

    household = relationship("Household", lazy="joined")
    unit = relationship("Unit", lazy="joined")
    assignee = relationship("User", foreign_keys=[assignee_id], lazy="joined")
    events = relationship("WorkOrderEvent", order_by="WorkOrderEvent.id", lazy="selectin",
                          back_populates="order")

    @property
    def severity_label(self) -> str:
        """Severity in words for this kind (a minor repair is 小修, a minor complaint 轻微)."""
        from app.workflows.work_orders import severity_label

        return severity_label(self.kind, self.severity)

    @property
    def last_completed_at(self):
        return self.rework_completed_at or self.completed_at

    def __str__(self):
        return self.order_no


class WorkOrderEvent(Model):
    """Every transition: who, when, from, to, reason (append-only)."""

    __tablename__ = "work_order_event"

    id = Column(Integer, primary_key=True)
    order_id = Column(Integer, ForeignKey("work_order.id"), nullable=False, index=True)
    at = Column(DateTime, nullable=False)
    actor_id = Column(Integer, ForeignKey("ab_user.id"))
    actor_name = Column(String(100))
    action = Column(String(20), nullable=False)
    from_status = Column(String(12))
    to_status = Column(String(12))
    reason = Column(Text)

    order = relationship("WorkOrder", back_populates="events")


class SlaPolicy(AuditMixin, Model):
    """Editable SLA per kind (and severity); empty severity matches any."""

    __tablename__ = "sla_policy"
    __table_args__ = (UniqueConstraint("kind", "severity", name="uq_sla_policy_kind_severity"),)

    id = Column(Integer, primary_key=True)
    kind = Column(String(15), nullable=False)
    severity = Column(String(12))
    dispatch_minutes = Column(Integer, nullable=False, default=5)
    respond_minutes = Column(Integer, nullable=False, default=60)
    onsite_minutes = Column(Integer)
    complete_hours = Column(Integer)
    response_working_hours = Column(Integer)
    response_outside_hours = Column(Integer)
    callback_working_days = Column(Integer, nullable=False, default=1)
    callback_max_hours = Column(Integer, nullable=False, default=72)
    rework_arrange_hours = Column(Integer, nullable=False, default=24)


class WorkCalendar(AuditMixin, CenterScopedMixin, Model):
    """A centre's working hours (for complaint responses and callbacks)."""

    __tablename__ = "work_calendar"
    __table_args__ = (UniqueConstraint("center_id", name="uq_work_calendar_center"),)

    id = Column(Integer, primary_key=True)
    start = Column(Time, nullable=False)
    end = Column(Time, nullable=False)
    weekdays = Column(String(7), nullable=False, default="01234")  # Monday=0


class Holiday(AuditMixin, Model):
    """A public holiday (all centres) or a centre's own day off."""

    __tablename__ = "holiday"
    __table_args__ = (UniqueConstraint("day", "center_id", name="uq_holiday_day_center"),)

    id = Column(Integer, primary_key=True)
    day = Column(Date, nullable=False, index=True)
    name = Column(String(50), nullable=False)
    center_id = Column(Integer, ForeignKey("service_center.id"), index=True)


class SlaAlert(Model):
    """A warning (due soon) or breach (overdue) found by the SLA scan; one per
    order, clock and kind, so the scan is idempotent."""

    __tablename__ = "sla_alert"
    __table_args__ = (UniqueConstraint("order_id", "clock", "level", name="uq_sla_alert"),)

    id = Column(Integer, primary_key=True)
    order_id = Column(Integer, ForeignKey("work_order.id"), nullable=False, index=True)
    center_id = Column(Integer, ForeignKey("service_center.id"), nullable=False, index=True)
    clock = Column(String(20), nullable=False)  # dispatch | respond | onsite | complete | callback | rework_arrange
    level = Column(String(10), nullable=False)  # warning | breach | escalation
    due_at = Column(DateTime, nullable=False)
    found_at = Column(DateTime, nullable=False)
    notify_role = Column(String(40))  # who is told: the assignee's supervisor, the centre manager …
    notify_user_id = Column(Integer, ForeignKey("ab_user.id"), index=True)
    acknowledged_at = Column(DateTime)

    order = relationship("WorkOrder", lazy="joined")
