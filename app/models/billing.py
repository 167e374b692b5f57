"""收费 Fees: charge items, bills, payments and gapless receipt numbers (DESIGN.md "Fees").

A bill is unique per (household, charge item, period, source_key) among
non-deleted rows, so generating a period twice adds nothing. A paid bill is never edited or
deleted (only a reversal, 红冲, may undo it). Receipt numbers come from
ReceiptSequence, one row per centre and year, incremented under a row lock
in the payment's own transaction, so they are gapless.
"""

from flask_appbuilder.models.sqla import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import relationship

from app.models.estate import _unique_active
from app.models.mixins import AuditMixin, CenterScopedMixin, Money, SoftDeleteMixin

CHARGE_KINDS = {
    "management": _l("物业管理费"),
    "water": _l("水费"),
    "electricity": _l("电费"),
    "parking": _l("车位费"),
    "renovation_deposit": _l("装修押金"),
    "paid_service": _l("有偿服务"),
    "other": _l("其他"),
    # arrears (late fees): one 滞纳金 bill per overdue bill, source_key "late:<bill id>"
    "late_fee": _l("滞纳金"),
}
CHARGE_BASES = {"per_area": _l("按面积(元/㎡)"), "fixed": _l("固定金额"),
                "per_reading": _l("按抄表用量(元/吨或元/度)")}
BILL_STATUSES = {"unpaid": _l("未缴"), "paid": _l("已缴"), "reversed": _l("已红冲")}
PAYMENT_METHODS = {
    "cash": _l("现金"),
    "wechat": _l("微信"),
    "alipay": _l("支付宝"),
    "bank_transfer": _l("银行转账"),
    "bank_debit": _l("银行代扣"),
}
PAYMENT_STATUSES = {"valid": _l("有效"), "reversed": _l("已红冲")}

#: The partial unique index that makes bill generation idempotent (also under races).
BILL_UNIQUE = "uq_bill_household_item_period"
#: The unique constraints that make the receipt number unique / its sequence row single.
RECEIPT_UNIQUE = "uq_payment_center_receipt"
SEQUENCE_UNIQUE = "uq_receipt_sequence_center_year"


class ChargeItem(AuditMixin, SoftDeleteMixin, CenterScopedMixin, Model):
    """收费项目: what a centre charges, and how (per m² of the unit, or a fixed amount)."""

    __tablename__ = "charge_item"
    __table_args__ = (_unique_active("uq_charge_item_center_code", "center_id", "code"),)

    id = Column(Integer, primary_key=True)
    code = Column(String(30), nullable=False)
    name = Column(String(50), nullable=False)
    kind = Column(String(20), nullable=False, default="management")
    basis = Column(String(12), nullable=False, default="fixed")
    rate = Column(Numeric(12, 4, asdecimal=True), nullable=False)  # 元/㎡, 元, or 元/吨 · 元/度 (per_reading)
    active = Column(Boolean, nullable=False, default=True)
    due_day = Column(Integer, nullable=False, default=15)  # 缴费截止日 (day of the period's month)
    note = Column(String(200))
    #: per_reading items: which meter's usage they bill (water | electricity).
    meter_kind = Column(String(12), nullable=True)

    def __str__(self):
        return f"{self.code} {self.name}"


class Bill(AuditMixin, SoftDeleteMixin, CenterScopedMixin, Model):
    """账单: one charge item for one household and one period (YYYY-MM)."""

    __tablename__ = "bill"
    __parent__ = "household"
    __table_args__ = (_unique_active(BILL_UNIQUE, "household_id", "charge_item_id", "period", "source_key"),)

    id = Column(Integer, primary_key=True)
    household_id = Column(Integer, ForeignKey("household.id"), nullable=False, index=True)
    unit_id = Column(Integer, ForeignKey("unit.id"), nullable=True, index=True)
    charge_item_id = Column(Integer, ForeignKey("charge_item.id"), nullable=False, index=True)
    period = Column(String(7), nullable=False, index=True)
    amount = Column(Money, nullable=False)
    due_date = Column(Date, nullable=False, index=True)
    status = Column(String(10), nullable=False, default="unpaid", index=True)
    paid_at = Column(DateTime, nullable=True)
    payment_id = Column(Integer, ForeignKey("payment.id"), nullable=True, index=True)
    note = Column(String(200))
    #: What the bill was raised from, when a household may have several bills of one
    #: item in one period: "" for per-household generation, "rental:<id>" (车位费),
    #: "late:<bill id>" (滞纳金), "wo:<id>" (有偿服务), "reno:<id>" (装修押金).
    source_key = Column(String(40), nullable=False, default="", server_default="")

    household = relationship("Household", lazy="joined")
    unit = relationship("Unit", lazy="select")
    charge_item = relationship("ChargeItem", lazy="joined")
    payment = relationship("Payment", lazy="select", foreign_keys=[payment_id])

    def __str__(self):
        return f"{self.period} {self.charge_item.name if self.charge_item else ''} {self.amount}"


class Payment(AuditMixin, CenterScopedMixin, Model):
    """收款: one receipt for one or more bills of one household."""

    __tablename__ = "payment"
    __table_args__ = (UniqueConstraint("center_id", "receipt_no", name=RECEIPT_UNIQUE),)

    id = Column(Integer, primary_key=True)
    household_id = Column(Integer, ForeignKey("household.id"), nullable=False, index=True)
    receipt_no = Column(String(40), nullable=False)
    amount = Column(Money, nullable=False)
    method = Column(String(20), nullable=False)
    paid_at = Column(DateTime, nullable=False, index=True)
    cashier_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True)
    status = Column(String(10), nullable=False, default="valid")
    note = Column(String(200))

    household = relationship("Household", lazy="joined")
    cashier = relationship("User", lazy="select", foreign_keys=[cashier_id])
    lines = relationship("PaymentBill", back_populates="payment", lazy="select")

    def __str__(self):
        return self.receipt_no


class PaymentBill(Model):
    """Which bills a payment settled, and how much of each."""

    __tablename__ = "payment_bill"
    __table_args__ = (UniqueConstraint("payment_id", "bill_id", name="uq_payment_bill"),)

    id = Column(Integer, primary_key=True)
    payment_id = Column(Integer, ForeignKey("payment.id"), nullable=False, index=True)
    bill_id = Column(Integer, ForeignKey("bill.id"), nullable=False, index=True)
    amount = Column(Money, nullable=False)

    payment = relationship("Payment", back_populates="lines")
    bill = relationship("Bill")


class ReceiptSequence(Model):
    """The last receipt number issued by a centre in a year (locked per payment)."""

    __tablename__ = "receipt_sequence"
    __table_args__ = (UniqueConstraint("center_id", "year", name=SEQUENCE_UNIQUE),)

    id = Column(Integer, primary_key=True)
    center_id = Column(Integer, ForeignKey("service_center.id"), nullable=False)
    year = Column(Integer, nullable=False)
    last_no = Column(Integer, nullable=False, default=0)
