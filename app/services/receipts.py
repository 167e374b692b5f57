"""收据 (receipt): what a payment's printed receipt and its PDF show.

Read only. The payment is looked up within the user's centres, so a cashier
of one centre never sees another centre's receipt (404). The receipt lists
each bill the payment settled, the total in figures and in 大写, the method,
the cashier and the server's time; a 红冲 (reversed) payment is stamped.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from app import timeutil
from app.extensions import db
from app.models.billing import PAYMENT_METHODS, Bill, PaymentBill
from app.models.estate import ServiceCenter
from app.reports.chinese_amount import chinese_amount, money
from app.services.cashier import LATE_FEE_KIND, scoped_payment


@dataclass
class ReceiptLine:
    period: str
    item: str
    amount: Decimal
    due_date: object
    late_fee: bool = False


@dataclass
class Receipt:
    payment_id: int
    receipt_no: str
    center_name: str
    center_code: str
    household: str
    unit: str
    paid_at: datetime
    method: str
    cashier: str
    total: Decimal
    reversed: bool
    printed_at: datetime
    lines: list[ReceiptLine] = field(default_factory=list)

    @property
    def total_figures(self) -> str:
        return money(self.total)

    @property
    def total_words(self) -> str:
        return chinese_amount(self.total)


def receipt(payment_id) -> Receipt:
    """The receipt of a payment in the user's centres (NotFound otherwise)."""
    p = scoped_payment(payment_id)
    center = db.session.get(ServiceCenter, p.center_id)
    rows = db.session.execute(
        select(PaymentBill.amount, Bill).join(Bill, Bill.id == PaymentBill.bill_id)
        .where(PaymentBill.payment_id == p.id).order_by(Bill.period, Bill.due_date, Bill.id)).all()
    lines = [ReceiptLine(b.period, b.charge_item.name if b.charge_item else "", amount, b.due_date,
                         b.charge_item is not None and b.charge_item.kind == LATE_FEE_KIND)
             for amount, b in rows]
    cashier = p.cashier
    return Receipt(
        payment_id=p.id, receipt_no=p.receipt_no, center_name=center.name, center_code=center.code,
        household=p.household.name if p.household else "", unit=str(p.household.unit) if p.household else "",
        paid_at=p.paid_at, method=str(PAYMENT_METHODS.get(p.method, p.method)),
        cashier=cashier.username if cashier else "",
        total=p.amount, reversed=p.status == "reversed", printed_at=timeutil.now(), lines=lines)
