"""Which service centres a user belongs to (row-level scope of centre roles)."""

from flask_appbuilder.models.sqla import Model
from flask_appbuilder.security.sqla.models import User
from sqlalchemy import Column, ForeignKey, Integer, Table, UniqueConstraint
from sqlalchemy.orm import relationship

from app.models.estate import ServiceCenter

user_center = Table(
    "user_center",
    Model.metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False),
    Column("center_id", Integer, ForeignKey("service_center.id"), nullable=False),
    UniqueConstraint("user_id", "center_id", name="uq_user_center"),
)

# Declarative allows adding a relationship to FAB's mapped User afterwards;
# this keeps one User mapper instead of a single-table subclass.
User.centers = relationship(
    ServiceCenter,
    secondary=user_center,
    lazy="selectin",
    order_by=ServiceCenter.id,
)
