"""Columns and types every register shares.

AuditMixin's user columns are nullable: rows written by the CLI (seed,
billing runs) have no acting user.
"""

from decimal import ROUND_HALF_UP, Decimal

from flask_appbuilder.models.sqla import Model  # noqa: F401 - re-exported base
from sqlalchemy import Column, DateTime, ForeignKey, Integer, Numeric
from sqlalchemy.orm import declared_attr, relationship
from sqlalchemy.types import TypeDecorator

TWO_PLACES = Decimal("0.01")


class Money(TypeDecorator):
    """Numeric(12, 2) that only accepts Decimal/int/str and rounds half-up."""

    impl = Numeric(12, 2)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("money must not be a float")
        return Decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return Decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


class Area(Money):
    """Floor area in m², two places, Decimal (same rules as money)."""

    impl = Numeric(10, 2)
    cache_ok = True


class AuditMixin:
    """Who created and last changed a row, and when (filled by services.audit)."""

    created_on = Column(DateTime, nullable=True)
    changed_on = Column(DateTime, nullable=True)

    @declared_attr
    def created_by_id(cls):
        return Column(Integer, ForeignKey("ab_user.id"), nullable=True)

    @declared_attr
    def changed_by_id(cls):
        return Column(Integer, ForeignKey("ab_user.id"), nullable=True)


class SoftDeleteMixin:
    """Rows users delete are only marked; lists and lookups hide them."""

    deleted_on = Column(DateTime, nullable=True, index=True)

    @declared_attr
    def deleted_by_id(cls):
        return Column(Integer, ForeignKey("ab_user.id"), nullable=True)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_on is not None


class CenterScopedMixin:
    """A row that belongs to one service centre (row-level scope key).

    `__parent__` names the relationship the centre is derived from (e.g. a
    unit takes its building's centre); None means the centre is chosen.
    """

    __parent__: str | None = None

    @declared_attr
    def center_id(cls):
        return Column(Integer, ForeignKey("service_center.id"), nullable=False, index=True)

    @declared_attr
    def center(cls):
        return relationship("ServiceCenter", lazy="joined")


AUDIT_COLUMNS = [
    "created_on",
    "changed_on",
    "created_by_id",
    "changed_by_id",
    "created_by",
    "changed_by",
    "deleted_on",
    "deleted_by_id",
]


class VersionedMixin:
    """Optimistic locking (issue 9 §3) for rows two people edit at the same moment.

    SQLAlchemy adds `WHERE version = <the version read>` to every UPDATE and bumps it:
    a write based on an old read matches no row and raises StaleDataError, which
    the views answer with 409 "此记录已被他人修改，请刷新后重试". Forms and API
    clients send back the version they read, so a save made from a screen opened
    before someone else's save is refused too, not only a save in the same instant.
    """

    version = Column(Integer, nullable=False, default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.version}
