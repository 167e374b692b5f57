"""车位 Parking: spaces of a centre and their rentals (DESIGN.md "Parking").

A space is never rented twice for overlapping periods. The service checks
first (clear message); the database guarantees it under concurrency: the
space row is locked before the check, and, in the migration only (so the
model stays portable), PostgreSQL gets an exclusion constraint (btree_gist)
and SQLite a trigger that refuse overlapping live rentals.
"""

from flask_appbuilder.models.sqla import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Date, ForeignKey, Integer, String
from sqlalchemy.orm import relationship

from app.models.estate import _unique_active
from app.models.mixins import AuditMixin, CenterScopedMixin, Money, SoftDeleteMixin

SPACE_KINDS = {"owned": _l("产权"), "leased": _l("租赁"), "temporary": _l("临时")}
SPACE_STATUSES = {
    "available": _l("空闲"),
    "rented": _l("已出租"),
    "reserved": _l("已预留"),
    "disabled": _l("停用"),
}
RENTAL_STATUSES = {"active": _l("生效"), "ended": _l("已结束"), "cancelled": _l("已取消")}

#: The PostgreSQL exclusion constraint and the SQLite trigger (migration only).
OVERLAP_CONSTRAINT = "ex_parking_rental_no_overlap"


class ParkingSpace(AuditMixin, SoftDeleteMixin, CenterScopedMixin, Model):
    """车位: one numbered space; its status follows its rentals (see services.parking)."""

    __tablename__ = "parking_space"
    __table_args__ = (_unique_active("uq_parking_space_center_code", "center_id", "code"),)

    id = Column(Integer, primary_key=True)
    code = Column(String(30), nullable=False)
    area = Column(String(50), nullable=False, default="", index=True)  # 区域, e.g. 地下一层B区
    kind = Column(String(12), nullable=False, default="leased")
    status = Column(String(12), nullable=False, default="available")
    note = Column(String(200))

    def __str__(self):
        return f"{self.code} ({self.area})" if self.area else self.code


class ParkingRental(AuditMixin, SoftDeleteMixin, CenterScopedMixin, Model):
    """车位租用: a household rents a space for [start_date, end_date] (both inclusive)."""

    __tablename__ = "parking_rental"
    __parent__ = "space"

    id = Column(Integer, primary_key=True)
    space_id = Column(Integer, ForeignKey("parking_space.id"), nullable=False, index=True)
    household_id = Column(Integer, ForeignKey("household.id"), nullable=False, index=True)
    plate = Column(String(10), nullable=False, index=True)
    start_date = Column(Date, nullable=False)
    end_date = Column(Date, nullable=False, index=True)
    monthly_rate = Column(Money, nullable=False)
    card_no = Column(String(30))
    status = Column(String(12), nullable=False, default="active")
    note = Column(String(200))

    space = relationship("ParkingSpace", lazy="joined")
    household = relationship("Household", lazy="joined")

    def __str__(self):
        return f"{self.plate} {self.start_date}~{self.end_date}"
