"""收款 Payments: settle a household's unpaid bills with a gapless receipt number.

- `pay(bill_ids, method, amount, actor=...)` settles unpaid bills of one
  household in full, in one transaction: the bills are locked first
  (SELECT … FOR UPDATE on PostgreSQL; on SQLite a no-op UPDATE takes the single
  write lock), so a bill is never paid twice; the receipt number
  <centre code>-<year>-<6 digits> comes from the centre's ReceiptSequence row,
  locked and incremented in the same transaction, so numbers are gapless.
"""

from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import faults, timeutil
from app.errors import Conflict, DomainError, NotFound, ScopeError
from app.extensions import db
from app.models.billing import PAYMENT_METHODS, Bill, Payment, PaymentBill, ReceiptSequence
from app.models.estate import ServiceCenter
from app.models.mixins import TWO_PLACES
from app.security import center_scope
from app.services import day_close, records
from app.services.billing import decimal_amount as _decimal


def pay(bill_ids, method: str, amount, *, actor=None) -> Payment:
    """收款: settle the given unpaid bills of one household in full; one commit.

    `amount` (a Decimal string such as "123.45") must equal the bills' sum;
    partial payments are not supported yet. Raises DomainError (nothing
    written) on any refusal."""
    try:
        return _pay(bill_ids, method, amount, actor)
    except DomainError:
        db.session.rollback()
        raise


def _pay(bill_ids, method, amount, actor) -> Payment:
    ids = _ids(bill_ids)
    if method not in PAYMENT_METHODS:
        raise DomainError(_("付款方式无效，可选：现金、微信、支付宝、银行转账、银行代扣"))
    if isinstance(amount, float):
        raise DomainError(_("金额应以字符串传递，如 \"123.45\""))
    paid = _decimal(amount, _("请填写实收金额"))
    if paid <= 0:
        raise DomainError(_("实收金额必须大于0"))
    if paid != paid.quantize(TWO_PLACES):
        raise DomainError(_("金额最多两位小数"))
    lock_bills(ids)
    scope = center_scope(actor) if actor is not None else center_scope()
    bills = list(db.session.scalars(
        select(Bill).where(Bill.id.in_(ids), Bill.deleted_on.is_(None)).order_by(Bill.id)
        .execution_options(populate_existing=True)).unique())
    if len(bills) != len(ids):
        raise NotFound(_("所选账单不存在或已删除"))
    if scope is not None and any(b.center_id not in scope for b in bills):
        raise ScopeError(_("所选账单不属于您所在的服务中心"))
    already = [b for b in bills if b.status != "unpaid"]
    if already:
        raise Conflict(_("账单已缴费或已红冲，不能重复缴费（账单 %(ids)s）",
                         ids=", ".join(str(b.id) for b in already)))
    if len({b.household_id for b in bills}) != 1:
        raise DomainError(_("一次只能为同一业户的账单收款"))
    due = sum((b.amount for b in bills), Decimal("0.00"))
    if paid != due:
        raise DomainError(_("实收金额 %(paid)s 与所选账单合计 %(due)s 不符（暂不支持部分缴费）",
                            paid=f"{paid:.2f}", due=f"{due:.2f}"))
    now = timeutil.now()
    center_id = bills[0].center_id
    center_code = db.session.scalar(select(ServiceCenter.code).where(ServiceCenter.id == center_id))
    seq = next_receipt_seq(center_id, now.year)
    day_close.refuse_if_closed(getattr(actor, "id", None), now.date())  # under the same lock as close_day
    payment = Payment(center_id=center_id, household_id=bills[0].household_id, amount=due, method=method,
                      paid_at=now, cashier_id=getattr(actor, "id", None), status="valid",
                      receipt_no=f"{center_code}-{now.year}-{seq:06d}")
    db.session.add(payment)
    db.session.flush()
    faults.pause("payment.after_receipt")  # tests only: kill the worker here, nothing may remain
    for b in bills:
        b.status, b.paid_at, b.payment_id = "paid", now, payment.id
        db.session.add(PaymentBill(payment_id=payment.id, bill_id=b.id, amount=b.amount))
    db.session.commit()
    return payment


def _ids(bill_ids) -> list[int]:
    if not isinstance(bill_ids, (list, tuple)) or not bill_ids:
        raise DomainError(_("请选择要缴费的账单"))
    try:
        ids = sorted({int(i) for i in bill_ids})
    except (TypeError, ValueError):
        raise DomainError(_("账单编号无效")) from None
    return ids


def _sqlite() -> bool:
    return db.session.get_bind().dialect.name != "postgresql"


def lock_bills(ids: list[int]) -> None:
    """Serialise payers of these bills until this transaction ends."""
    records.lock_rows(Bill, ids)


def next_receipt_seq(center_id: int, year: int) -> int:
    """Lock the centre's sequence row for the year (creating it if missing) and
    take the next number. Gapless: the increment commits or rolls back with
    the payment. Two first payments of a year may both try to create the row:
    the unique constraint refuses one, which then locks the winner's row."""
    stmt = (select(ReceiptSequence).where(ReceiptSequence.center_id == center_id, ReceiptSequence.year == year)
            .execution_options(populate_existing=True))
    if not _sqlite():
        stmt = stmt.with_for_update()
    row = db.session.scalars(stmt).first()
    if row is None:
        try:
            with db.session.begin_nested():
                row = ReceiptSequence(center_id=center_id, year=year, last_no=0)
                db.session.add(row)
        except IntegrityError:
            row = db.session.scalars(stmt).one()
    row.last_no += 1
    db.session.flush()
    return row.last_no
