"""Generic approval engine: chains (editable data), requests, steps, history.

A request document (resignation, leave, …) mixes in `ApprovableMixin`; when
submitted it gets one `Approval` with its steps copied from the chain, so a
later edit of the chain does not change requests already under way.
"""

from flask_appbuilder.models.sqla import Model
from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import declared_attr, relationship

from app import timeutil
from app.models.mixins import AuditMixin, CenterScopedMixin


class ApprovalChain(AuditMixin, Model):
    __tablename__ = "approval_chain"

    id = Column(Integer, primary_key=True)
    request_type = Column(String(40), nullable=False, unique=True)  # e.g. "leave.short"
    name = Column(String(100), nullable=False)
    active = Column(Boolean, nullable=False, default=True)

    steps = relationship(
        "ApprovalChainStep", order_by="ApprovalChainStep.position", cascade="all, delete-orphan",
        back_populates="chain", lazy="selectin",
    )

    def __str__(self):
        return self.name


class ApprovalChainStep(AuditMixin, Model):
    __tablename__ = "approval_chain_step"
    __table_args__ = (UniqueConstraint("chain_id", "position", name="uq_chain_step_position"),)

    id = Column(Integer, primary_key=True)
    chain_id = Column(Integer, ForeignKey("approval_chain.id"), nullable=False, index=True)
    position = Column(Integer, nullable=False)
    role = Column(String(40), nullable=False)
    scope = Column(String(10), nullable=False, default="center")  # center | company
    label = Column(String(100), nullable=False)
    due_hours = Column(Integer, nullable=False, default=72)

    chain = relationship("ApprovalChain", back_populates="steps")

    def __str__(self):
        return f"{self.position}. {self.label}"


class Approval(AuditMixin, CenterScopedMixin, Model):
    """One request going through one chain. `version` guards against two
    approvers deciding at once (optimistic lock on top of the row lock)."""

    __tablename__ = "approval"
    __table_args__ = (UniqueConstraint("request_type", "request_id", name="uq_approval_request"),)

    id = Column(Integer, primary_key=True)
    request_type = Column(String(40), nullable=False, index=True)  # resignation, leave, …
    request_id = Column(Integer, nullable=False)
    chain_key = Column(String(40), nullable=False)  # leave.short / leave.long …
    title = Column(String(200), nullable=False)
    status = Column(String(12), nullable=False, default="pending", index=True)
    current_step = Column(Integer)  # position of the step waiting for a decision
    required_role = Column(String(40), index=True)  # role of that step (inbox query)
    due_at = Column(DateTime, index=True)
    submitted_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False, index=True)
    subject_user_id = Column(Integer, ForeignKey("ab_user.id"), index=True)
    submitted_at = Column(DateTime, nullable=False)
    decided_at = Column(DateTime)
    version = Column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}

    steps = relationship(
        "ApprovalStep", order_by="ApprovalStep.position", back_populates="approval",
        cascade="all, delete-orphan", lazy="selectin",
    )
    events = relationship(
        "ApprovalEvent", order_by="ApprovalEvent.id", back_populates="approval",
        cascade="all, delete-orphan", lazy="selectin",
    )
    submitted_by = relationship("User", foreign_keys=[submitted_by_id], lazy="joined")

    def step(self, position=None):
        position = self.current_step if position is None else position
        return next((s for s in self.steps if s.position == position), None)

    @property
    def is_overdue(self) -> bool:
        return self.status == "pending" and self.due_at is not None and self.due_at < timeutil.now()

    def __str__(self):
        return self.title


class ApprovalStep(Model):
    """A step of one approval; decided once (decision is written once)."""

    __tablename__ = "approval_step"
    __table_args__ = (UniqueConstraint("approval_id", "position", name="uq_approval_step_position"),)

    id = Column(Integer, primary_key=True)
    approval_id = Column(Integer, ForeignKey("approval.id"), nullable=False, index=True)
    position = Column(Integer, nullable=False)
    role = Column(String(40), nullable=False)
    scope = Column(String(10), nullable=False)
    label = Column(String(100), nullable=False)
    due_hours = Column(Integer, nullable=False)
    due_at = Column(DateTime)
    decision = Column(String(10))  # approve | reject | return
    decided_by_id = Column(Integer, ForeignKey("ab_user.id"))
    decided_by_name = Column(String(100))
    decided_at = Column(DateTime)
    comment = Column(Text)
    override = Column(Boolean, nullable=False, default=False)

    approval = relationship("Approval", back_populates="steps")


class ApprovalEvent(Model):
    """Append-only history: who, when, which step, what, comment."""

    __tablename__ = "approval_event"

    id = Column(Integer, primary_key=True)
    approval_id = Column(Integer, ForeignKey("approval.id"), nullable=False, index=True)
    at = Column(DateTime, nullable=False)
    actor_id = Column(Integer, ForeignKey("ab_user.id"))
    actor_name = Column(String(100))
    step = Column(Integer)
    action = Column(String(12), nullable=False)  # submit | approve | reject | return | withdraw
    comment = Column(Text)
    override = Column(Boolean, nullable=False, default=False)

    approval = relationship("Approval", back_populates="events")


class ApprovableMixin:
    """A request document that goes through an approval chain."""

    REQUEST_TYPE: str = ""

    status = Column(String(12), nullable=False, default="draft", index=True)

    @declared_attr
    def approval_id(cls):
        return Column(Integer, ForeignKey("approval.id"), nullable=True, index=True)

    @declared_attr
    def approval(cls):
        return relationship("Approval", lazy="joined")

    def chain_key(self) -> str:
        return self.REQUEST_TYPE

    def subject_user_id(self) -> int | None:
        """The login of the person the request concerns (cannot decide it)."""
        return None

    def approval_title(self) -> str:
        return str(self)
