"""业户档案: service centre → building → unit → household."""

from flask_appbuilder.models.sqla import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import relationship

from app.models.mixins import Area, AuditMixin, CenterScopedMixin, SoftDeleteMixin, VersionedMixin

HOUSEHOLD_KINDS = {"owner": _l("业主"), "tenant": _l("租户")}

_ACTIVE = text("deleted_on IS NULL")


def _unique_active(name, *cols):
    """Unique among rows that are not soft-deleted (partial index, SQLite + PG)."""
    return Index(name, *cols, unique=True, sqlite_where=_ACTIVE, postgresql_where=_ACTIVE)


class ServiceCenter(AuditMixin, SoftDeleteMixin, Model):
    """A service centre (项目/管理处) and the estate it manages."""

    __tablename__ = "service_center"
    __table_args__ = (_unique_active("uq_service_center_code", "code"),)
    __center_column__ = "id"

    id = Column(Integer, primary_key=True)
    code = Column(String(20), nullable=False)
    name = Column(String(100), nullable=False)
    address = Column(String(200))
    phone = Column(String(30))
    managed_area = Column(Area, nullable=True)  # m², for the large-customer rule

    def __str__(self):
        return self.name


class Building(AuditMixin, SoftDeleteMixin, CenterScopedMixin, Model):
    __tablename__ = "building"
    __table_args__ = (_unique_active("uq_building_center_name", "center_id", "name"),)

    id = Column(Integer, primary_key=True)
    name = Column(String(50), nullable=False)
    floors = Column(Integer)
    note = Column(String(200))

    units = relationship("Unit", back_populates="building", lazy="noload")

    def __str__(self):
        return f"{self.center.name if self.center else ''} {self.name}".strip()


class Unit(AuditMixin, SoftDeleteMixin, CenterScopedMixin, Model):
    """房屋单元: one room number in one building, with its floor area."""

    __tablename__ = "unit"
    __table_args__ = (_unique_active("uq_unit_building_room", "building_id", "room_no"),)
    __parent__ = "building"

    id = Column(Integer, primary_key=True)
    building_id = Column(Integer, ForeignKey("building.id"), nullable=False, index=True)
    room_no = Column(String(30), nullable=False)
    area = Column(Area, nullable=False)  # 建筑面积 m²

    building = relationship("Building", back_populates="units", lazy="joined")

    def __str__(self):
        return f"{self.building.name if self.building else ''}-{self.room_no}"


class Household(VersionedMixin, AuditMixin, SoftDeleteMixin, CenterScopedMixin, Model):
    """业户: an owner or tenant of a unit. The ID number is masked on screen."""

    __tablename__ = "household"
    __parent__ = "unit"

    id = Column(Integer, primary_key=True)
    unit_id = Column(Integer, ForeignKey("unit.id"), nullable=False, index=True)
    name = Column(String(50), nullable=False, index=True)
    kind = Column(String(10), nullable=False, default="owner")
    phone = Column(String(20), nullable=False, index=True)
    id_number = Column(String(18))
    note = Column(String(200))

    unit = relationship("Unit", lazy="joined")

    def __str__(self):
        return f"{self.name} ({self.unit})" if self.unit else self.name
