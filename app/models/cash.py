"""现金管理 Cash: 红冲 reversals of payments and the cashier's day close (日结).

- PaymentReversal: a cashier's request to undo one payment, decided by finance
  through the approval engine (chain "reversal"). Its `amount` is the payment's
  amount negated — the only negative money in the system. At most one open
  (draft / pending / returned) or approved reversal per payment: a partial
  unique index says so, also under concurrent requests.
- DayClose: one per cashier and business date. Totals are computed by the
  service when the cashier closes and stored; they never change afterwards
  (a later reversal of one of its payments is booked on its own approval day).

Attribution (DESIGN "Fees", day close): a reversal is booked on the day it is
finally approved (`booked_on`) and counted in the close of the cashier who
requested it (`requested_by_id`), with the method of the reversed payment.
"""

from flask_appbuilder.models.sqla import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import relationship

from app.models.approvals import ApprovableMixin
from app.models.mixins import AuditMixin, CenterScopedMixin, Money

#: Request states that block another reversal of the same payment.
OPEN_REVERSAL_STATES = ("draft", "pending", "returned", "approved")
_OPEN = text("status IN ('draft', 'pending', 'returned', 'approved')")
REVERSAL_UNIQUE = "uq_payment_reversal_open"
DAY_CLOSE_UNIQUE = "uq_day_close_cashier_date"
DAY_CLOSE_STATUSES = {"submitted": _l("已提交"), "confirmed": _l("财务已确认")}
#: DayClose column → label (screens, API, report)
DAY_CLOSE_LABELS = {
    "cashier": _l("收费员"),
    "business_date": _l("营业日期"),
    "payment_count": _l("收款笔数"),
    "reversal_count": _l("红冲笔数"),
    "total_cash": _l("现金"),
    "total_wechat": _l("微信"),
    "total_alipay": _l("支付宝"),
    "total_bank_transfer": _l("银行转账"),
    "total_bank_debit": _l("银行代扣"),
    "reversals_total": _l("红冲合计"),
    "cash_total": _l("应交现金(含红冲)"),
    "noncash_total": _l("非现金合计(含红冲)"),
    "cash_handed": _l("交款现金"),
    "difference": _l("差额"),
    "difference_note": _l("差额说明"),
    "submitted_at": _l("提交时间"),
    "confirmed_by": _l("确认人"),
    "confirmed_at": _l("确认时间"),
}
#: payment method → DayClose column with that method's gross receipts of the day
METHOD_COLUMNS = {
    "cash": "total_cash",
    "wechat": "total_wechat",
    "alipay": "total_alipay",
    "bank_transfer": "total_bank_transfer",
    "bank_debit": "total_bank_debit",
}


class PaymentReversal(AuditMixin, CenterScopedMixin, ApprovableMixin, Model):
    """红冲申请: undo one payment (its bills become unpaid again) once finance approves."""

    __tablename__ = "payment_reversal"
    __table_args__ = (
        Index(REVERSAL_UNIQUE, "payment_id", unique=True, sqlite_where=_OPEN, postgresql_where=_OPEN),
    )
    REQUEST_TYPE = "reversal"

    id = Column(Integer, primary_key=True)
    payment_id = Column(Integer, ForeignKey("payment.id"), nullable=False, index=True)
    amount = Column(Money, nullable=False)  # negative: minus the payment's amount
    reason = Column(Text, nullable=False)
    requested_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False, index=True)
    booked_on = Column(Date, nullable=True, index=True)  # the approval day
    booked_at = Column(DateTime, nullable=True)
    approved_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True)

    payment = relationship("Payment", lazy="joined")
    requested_by = relationship("User", foreign_keys=[requested_by_id], lazy="joined")
    approved_by = relationship("User", foreign_keys=[approved_by_id], lazy="select")

    def subject_user_id(self):
        """The cashier who took the payment does not decide its reversal."""
        return self.payment.cashier_id if self.payment is not None else None

    def approval_title(self):
        receipt = self.payment.receipt_no if self.payment is not None else ""
        return str(_l("红冲 %(receipt)s %(amount)s元", receipt=receipt, amount=f"{self.amount:.2f}"))

    def __str__(self):
        return self.approval_title()


class DayClose(AuditMixin, CenterScopedMixin, Model):
    """日结: one cashier's takings of one business date, handed to finance.

    total_<method>: gross receipts of the day per method (every payment taken
    that day, whatever happened to it later). reversals_total (≤ 0): reversals
    booked that day for this cashier. cash_total / noncash_total: the day's net
    (gross + that kind's reversals), so cash_total is the cash to hand over;
    difference = cash_handed − cash_total."""

    __tablename__ = "day_close"
    __table_args__ = (UniqueConstraint("cashier_id", "business_date", name=DAY_CLOSE_UNIQUE),)

    id = Column(Integer, primary_key=True)
    cashier_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False, index=True)
    business_date = Column(Date, nullable=False, index=True)
    payment_count = Column(Integer, nullable=False, default=0)
    reversal_count = Column(Integer, nullable=False, default=0)
    total_cash = Column(Money, nullable=False, default=0)
    total_wechat = Column(Money, nullable=False, default=0)
    total_alipay = Column(Money, nullable=False, default=0)
    total_bank_transfer = Column(Money, nullable=False, default=0)
    total_bank_debit = Column(Money, nullable=False, default=0)
    reversals_total = Column(Money, nullable=False, default=0)
    cash_total = Column(Money, nullable=False, default=0)
    noncash_total = Column(Money, nullable=False, default=0)
    cash_handed = Column(Money, nullable=False, default=0)
    difference = Column(Money, nullable=False, default=0)
    difference_note = Column(String(200))
    status = Column(String(12), nullable=False, default="submitted", index=True)
    submitted_at = Column(DateTime, nullable=False)
    confirmed_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True)
    confirmed_at = Column(DateTime, nullable=True)

    cashier = relationship("User", foreign_keys=[cashier_id], lazy="joined")
    confirmed_by = relationship("User", foreign_keys=[confirmed_by_id], lazy="joined")

    @property
    def net_total(self):
        return self.cash_total + self.noncash_total

    def method_totals(self) -> dict:
        return {method: getattr(self, column) for method, column in METHOD_COLUMNS.items()}

    def __str__(self):
        name = self.cashier.username if self.cashier is not None else ""
        return f"{self.business_date} {name}"
