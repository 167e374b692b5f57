"""催缴 Collections: each centre's fee policy (late-fee rate, large-customer and
owners'-committee thresholds) and the record of every arrears contact
(DESIGN.md "Fees": arrears escalation, 催缴记录).

A centre without a CenterFeePolicy row uses POLICY_DEFAULTS.
"""

from decimal import Decimal

from flask_appbuilder.models.sqla import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Date, DateTime, ForeignKey, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import relationship

from app.models.mixins import AuditMixin, CenterScopedMixin, Money, SoftDeleteMixin

#: 千分之三 per day; large customer > 1.5‰ of the managed area; committee: ≥ 6 months or > ¥5000.
POLICY_DEFAULTS = {
    "late_fee_rate": Decimal("0.00300"),
    "large_customer_permille": Decimal("1.500"),
    "committee_months": 6,
    "committee_amount": Decimal("5000.00"),
}

CONTACT_METHODS = {
    "phone": _l("电话"),
    "sms": _l("短信"),
    "notice": _l("书面催缴通知"),
    "lawyer_letter": _l("律师函"),
    "litigation": _l("诉讼"),
}
CONTACT_RESULTS = {
    "promised": _l("承诺缴费"),
    "refused": _l("拒缴"),
    "no_answer": _l("无人接听"),
    "delivered": _l("已送达"),
    "paid": _l("已缴费"),
    "other": _l("其他"),
}

POLICY_UNIQUE = "uq_center_fee_policy_center"


class CenterFeePolicy(AuditMixin, CenterScopedMixin, Model):
    """收费政策: one row per centre; absent → the defaults."""

    __tablename__ = "center_fee_policy"
    __table_args__ = (UniqueConstraint("center_id", name=POLICY_UNIQUE),)

    id = Column(Integer, primary_key=True)
    late_fee_rate = Column(Numeric(8, 5, asdecimal=True), nullable=False, default=POLICY_DEFAULTS["late_fee_rate"])
    large_customer_permille = Column(Numeric(6, 3, asdecimal=True), nullable=False,
                                     default=POLICY_DEFAULTS["large_customer_permille"])
    committee_months = Column(Integer, nullable=False, default=POLICY_DEFAULTS["committee_months"])
    committee_amount = Column(Money, nullable=False, default=POLICY_DEFAULTS["committee_amount"])
    note = Column(String(200))

    def __str__(self):
        return f"{self.center.name if self.center else ''} {self.late_fee_rate}"


class ArrearsContact(AuditMixin, SoftDeleteMixin, CenterScopedMixin, Model):
    """催缴记录: one phone call, SMS, written notice, lawyer's letter or lawsuit."""

    __tablename__ = "arrears_contact"
    __parent__ = "household"

    id = Column(Integer, primary_key=True)
    household_id = Column(Integer, ForeignKey("household.id"), nullable=False, index=True)
    method = Column(String(20), nullable=False)
    contacted_at = Column(DateTime, nullable=False, index=True)  # server time, set on recording
    user_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True)
    result = Column(String(20), nullable=False, default="other")
    promised_date = Column(Date, nullable=True)
    note = Column(String(200))

    household = relationship("Household", lazy="joined")
    user = relationship("User", lazy="select", foreign_keys=[user_id])

    def __str__(self):
        return f"{self.household or ''} {self.method} {self.contacted_at:%Y-%m-%d}" if self.contacted_at else ""
