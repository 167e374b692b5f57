"""收费 registers around bill generation: rates with effective dates and meter readings.

- ChargeRate (收费标准调整): a charge item's price from a date on, so a centre
  changes a price without rewriting history. Generation for a period uses the
  rate in force on the period's first day, else ChargeItem.rate.
- MeterReading (抄表): one reading per household, meter kind and period; the
  usage (current − previous) is what a per_reading charge item bills.
"""

from flask_appbuilder.models.sqla import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Column, Date, ForeignKey, Integer, Numeric, String
from sqlalchemy.orm import relationship

from app.models.estate import _unique_active
from app.models.mixins import AuditMixin, CenterScopedMixin, SoftDeleteMixin

METER_KINDS = {"water": _l("水表"), "electricity": _l("电表")}
#: Units of usage per meter kind (for labels: 元/吨, 元/度).
METER_UNITS = {"water": _l("吨"), "electricity": _l("度")}

RATE_UNIQUE = "uq_charge_rate_item_from"
READING_UNIQUE = "uq_meter_reading_household_kind_period"

READING = Numeric(12, 2, asdecimal=True)


class ChargeRate(AuditMixin, SoftDeleteMixin, CenterScopedMixin, Model):
    """收费标准: the item's rate from `effective_from` until the next row's date."""

    __tablename__ = "charge_rate"
    __parent__ = "charge_item"
    __table_args__ = (_unique_active(RATE_UNIQUE, "charge_item_id", "effective_from"),)

    id = Column(Integer, primary_key=True)
    charge_item_id = Column(Integer, ForeignKey("charge_item.id"), nullable=False, index=True)
    effective_from = Column(Date, nullable=False)
    rate = Column(Numeric(12, 4, asdecimal=True), nullable=False)
    note = Column(String(200))

    charge_item = relationship("ChargeItem", lazy="joined")

    def __str__(self):
        return f"{self.charge_item.code if self.charge_item else ''} {self.effective_from} {self.rate}"


class MeterReading(AuditMixin, SoftDeleteMixin, CenterScopedMixin, Model):
    """抄表记录: a household's water or electricity meter for one period (YYYY-MM)."""

    __tablename__ = "meter_reading"
    __parent__ = "household"
    __table_args__ = (_unique_active(READING_UNIQUE, "household_id", "meter_kind", "period"),)

    id = Column(Integer, primary_key=True)
    household_id = Column(Integer, ForeignKey("household.id"), nullable=False, index=True)
    unit_id = Column(Integer, ForeignKey("unit.id"), nullable=True, index=True)
    meter_kind = Column(String(12), nullable=False)
    period = Column(String(7), nullable=False, index=True)
    previous_reading = Column(READING, nullable=False)
    current_reading = Column(READING, nullable=False)
    #: 换表: the old meter's final reading; the new meter counts from 0.
    old_meter_final = Column(READING, nullable=True)
    usage = Column(READING, nullable=False)
    read_on = Column(Date, nullable=False)
    reader_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True)
    replaced_meter = Column(Boolean, nullable=False, default=False)
    note = Column(String(200))

    household = relationship("Household", lazy="joined")
    unit = relationship("Unit", lazy="select")
    reader = relationship("User", lazy="select", foreign_keys=[reader_id])

    def __str__(self):
        return f"{self.period} {self.meter_kind} {self.usage}"
