"""日结 Day close: the cashier's takings of one day, handed to finance, who confirms.

DESIGN "Fees": "the cashier hands the day's cash to finance with a day-close
record"; issue 5 §7: "a closed day's payments cannot change".

- `close_day(cashier, business_date, cash_handed=…)` computes the day's totals
  from that cashier's payments of the date (server time, app.timeutil) and the
  reversals booked that day for the reversals that cashier requested (see
  app.models.cash for the attribution), stores them once, one commit. Unique
  per cashier and date; nothing to close is a clear refusal.
- After a close, `payments.pay()` refuses for that cashier and date
  (`refuse_if_closed`), and a reversal requested by that cashier cannot be
  booked on that date either (finance approves it the next day).
- Closing, paying and booking a reversal are serialised by the same lock: the
  centre's ReceiptSequence row of the year (`lock_centres`), which every payment
  already locks for its receipt number. On SQLite the lock is the single write
  lock taken by a no-op UPDATE.
- Finance confirms (company-wide); a confirmed close cannot be edited, a close
  is never deleted, a cashier cannot confirm their own.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app import timeutil
from app.errors import Conflict, DomainError
from app.extensions import db
from app.models.billing import Payment, ReceiptSequence
from app.models.cash import METHOD_COLUMNS, DayClose, PaymentReversal
from app.models.estate import ServiceCenter
from app.models.mixins import TWO_PLACES
from app.security import role_names
from app.services import records

ZERO = Decimal("0.00")


class NotAllowed(DomainError):
    status = 403


# -- the lock shared with pay() and the reversal effect ------------------------------

def _postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def centre_ids_of(user) -> list[int]:
    """The centres whose takings the user may hold (all centres for company-wide users)."""
    ids = sorted(c.id for c in (user.centers or []) if c.deleted_on is None)
    if not ids:
        ids = sorted(db.session.scalars(select(ServiceCenter.id).where(ServiceCenter.deleted_on.is_(None))))
    return ids


def lock_centres(center_ids, year: int) -> None:
    """Lock the centres' receipt-sequence rows of the year (created when missing), in
    id order, until this transaction ends: the same rows every payment locks."""
    if not _postgres():
        db.session.execute(update(ReceiptSequence).where(ReceiptSequence.center_id.in_(list(center_ids)))
                           .values(last_no=ReceiptSequence.last_no).execution_options(synchronize_session=False))
        return
    for center_id in sorted(center_ids):
        stmt = (select(ReceiptSequence.id).where(ReceiptSequence.center_id == center_id,
                                                 ReceiptSequence.year == year).with_for_update())
        if db.session.scalar(stmt) is None:
            try:
                with db.session.begin_nested():
                    db.session.add(ReceiptSequence(center_id=center_id, year=year, last_no=0))
            except IntegrityError:
                pass
            db.session.scalar(stmt)


def closed(cashier_id, day: date) -> DayClose | None:
    if cashier_id is None:
        return None
    return db.session.scalars(select(DayClose).where(DayClose.cashier_id == cashier_id,
                                                     DayClose.business_date == day)).first()


def refuse_if_closed(cashier_id, day: date) -> None:
    """Called by pay() after it holds the centre's lock: a closed day takes no payment."""
    if closed(cashier_id, day) is not None:
        raise Conflict(_("今日已日结，不能再收款"))


# -- totals ------------------------------------------------------------------------

def day_payments(cashier_id, day: date) -> list[Payment]:
    start = datetime(day.year, day.month, day.day)
    return list(db.session.scalars(select(Payment).where(
        Payment.cashier_id == cashier_id, Payment.paid_at >= start, Payment.paid_at < start + timedelta(days=1))
        .order_by(Payment.paid_at, Payment.id)).unique())


def day_reversals(cashier_id, day: date) -> list[PaymentReversal]:
    return list(db.session.scalars(select(PaymentReversal).where(
        PaymentReversal.requested_by_id == cashier_id, PaymentReversal.booked_on == day,
        PaymentReversal.status == "approved").order_by(PaymentReversal.booked_at, PaymentReversal.id)).unique())


def day_totals(cashier_id, day: date) -> dict:
    """The day's numbers as DayClose columns (Decimal, 2 places), plus the rows."""
    payments, reversals = day_payments(cashier_id, day), day_reversals(cashier_id, day)
    totals = {column: ZERO for column in METHOD_COLUMNS.values()}
    for p in payments:
        totals[METHOD_COLUMNS[p.method]] += p.amount
    cash_rev = sum((r.amount for r in reversals if r.payment.method == "cash"), ZERO)
    other_rev = sum((r.amount for r in reversals if r.payment.method != "cash"), ZERO)
    gross_other = sum((v for k, v in totals.items() if k != "total_cash"), ZERO)
    totals.update(
        payment_count=len(payments), reversal_count=len(reversals), reversals_total=cash_rev + other_rev,
        cash_total=totals["total_cash"] + cash_rev, noncash_total=gross_other + other_rev,
    )
    centres = {p.center_id for p in payments} | {r.center_id for r in reversals}
    return {"columns": totals, "payments": payments, "reversals": reversals, "centres": centres}


# -- close ---------------------------------------------------------------------------

def close_day(cashier, business_date: date | None = None, *, cash_handed, difference_note: str = "") -> DayClose:
    """日结: store the cashier's totals of the date (default today); one commit."""
    try:
        return _close_day(cashier, business_date, cash_handed, (difference_note or "").strip()[:200])
    except DomainError:
        db.session.rollback()
        raise


def _close_day(cashier, day, cash_handed, note) -> DayClose:
    if "cashier" not in role_names(cashier):
        raise NotAllowed(_("只有收费员可以办理日结"))
    today = timeutil.today()
    day = day or today
    if day > today:
        raise DomainError(_("不能为将来的日期办理日结"))
    handed = money(cash_handed, _("请填写交给财务的现金金额"))
    lock_centres(centre_ids_of(cashier), day.year)
    if closed(cashier.id, day) is not None:
        raise Conflict(_("%(date)s 已日结，不能重复日结", date=day.isoformat()))
    found = day_totals(cashier.id, day)
    columns = found["columns"]
    if not found["payments"] and not found["reversals"]:
        raise Conflict(_("%(date)s 没有收款或红冲记录，无需日结", date=day.isoformat()))
    if len(found["centres"]) != 1:
        raise DomainError(_("当日收款涉及多个服务中心，请分别由各中心收费员日结"))
    difference = handed - columns["cash_total"]
    check_difference(difference, columns["cash_total"], note)
    close = DayClose(center_id=found["centres"].pop(), cashier_id=cashier.id, business_date=day, status="submitted",
                     cash_handed=handed, difference=difference, difference_note=note or None,
                     submitted_at=timeutil.now(), **columns)
    db.session.add(close)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_("%(date)s 已日结，不能重复日结", date=day.isoformat())) from None
    return close


def money(value, missing) -> Decimal:
    from app.services.billing import decimal_amount

    if isinstance(value, float):
        raise DomainError(_("金额应以字符串传递，如 \"123.45\""))
    amount = decimal_amount(value, missing)
    if amount < 0:
        raise DomainError(_("交款金额不能为负数"))
    if amount != amount.quantize(TWO_PLACES):
        raise DomainError(_("金额最多两位小数"))
    return amount


def check_difference(difference: Decimal, due: Decimal, note) -> None:
    if difference != 0 and not note:
        raise DomainError(_("交款金额与应交现金 %(due)s 不符（差额 %(diff)s），请填写差额说明",
                            due=f"{due:.2f}", diff=f"{difference:.2f}"))


# -- confirm -------------------------------------------------------------------------------

def confirm(close, *, actor) -> DayClose:
    """财务确认: finance (not the cashier themself) confirms a submitted close; one commit."""
    try:
        row = _locked(close)
        if "finance" not in role_names(actor):
            raise NotAllowed(_("只有财务可以确认日结"))
        if actor.id == row.cashier_id:
            raise NotAllowed(_("不能确认本人的日结"))
        if row.status != "submitted":
            raise Conflict(_("该日结已确认，不能重复确认"))
        row.status, row.confirmed_by_id, row.confirmed_at = "confirmed", actor.id, timeutil.now()
        db.session.commit()
        return row
    except DomainError:
        db.session.rollback()
        raise


def _locked(close) -> DayClose:
    """Re-read the close under its row lock (SQLite: the write lock), fresh from the database."""
    close_id = close if isinstance(close, int) else close.id
    records.lock_rows(DayClose, [close_id])
    row = db.session.scalars(select(DayClose).where(DayClose.id == close_id)
                             .execution_options(populate_existing=True)).first()
    if row is None:
        raise DomainError(_("日结记录不存在"), status=404)
    return row


# -- hooks of the generic screens / API (edit: cash handed and its note only) -------------

def before_save(item) -> None:
    from app.security import acting_user

    if not isinstance(item, DayClose) or item.id is None:
        raise Conflict(_("日结请在“今日日结”页面办理"))
    with db.session.no_autoflush:
        if _current_status(item) != "submitted":
            raise Conflict(_("已确认的日结不能修改"))
        user = acting_user()
        if user is None or user.id != item.cashier_id:
            raise NotAllowed(_("只能修改本人的日结"))
        item.cash_handed = money(item.cash_handed, _("请填写交给财务的现金金额"))
        item.difference_note = (item.difference_note or "").strip()[:200] or None
        item.difference = item.cash_handed - item.cash_total
        check_difference(item.difference, item.cash_total, item.difference_note)


def before_delete(item) -> None:
    raise Conflict(_("日结记录不能删除"))


def _current_status(item) -> str:
    """The committed status, read under the row lock (a confirm may have just landed)."""
    records.lock_rows(DayClose, [item.id])
    return db.session.scalar(select(DayClose.status).where(DayClose.id == item.id))
