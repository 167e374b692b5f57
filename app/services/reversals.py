"""红冲 Reversal of a payment (DESIGN "Fees": a paid bill is never edited or deleted,
only reversed; amounts are never negative except on an explicit reversal).

- `request_reversal(payment_id, reason, actor=…)` records a draft request by a
  cashier of the payment's centre (finance may not request: finance approves);
  `submit` starts the one-step chain "reversal" (财务审批). One open or approved
  request per payment: checked under the payment's row lock and enforced by a
  partial unique index, so two requests at once give exactly one.
- On final approval (same transaction as the decision): the payment becomes
  reversed, each of its bills unpaid again (payment and paid time cleared), and
  the reversal is booked on the approval day for the requesting cashier — refused
  if that cashier has already closed that day. The flush guard
  (app.services.audit) writes audit rows for the payment, the bills and the
  request with the deciding user.
"""

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import timeutil
from app.errors import Conflict, DomainError, NotFound, ScopeError
from app.extensions import db
from app.models.billing import Bill, Payment
from app.models.cash import OPEN_REVERSAL_STATES, PaymentReversal
from app.security import center_scope, role_names
from app.services import approvals, day_close, records

approvals.register_request(PaymentReversal)



def _already_reversed() -> str:
    return _("该收款已红冲，不能重复红冲")


def _already_requested() -> str:
    return _("该收款已有待审批或已批准的红冲申请")


def request_reversal(payment_id, reason, *, actor, submit: bool = False) -> PaymentReversal:
    """红冲申请 (draft, or submitted at once with submit=True); one commit. Refusals write nothing."""
    try:
        item = _new_request(payment_id, reason, actor)
        if submit:
            approvals.submit(item, actor=actor)  # commits the request and its approval together
        else:
            db.session.commit()
        return item
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_already_requested()) from None
    except DomainError:
        db.session.rollback()
        raise


def _new_request(payment_id, reason, actor) -> PaymentReversal:
    roles = role_names(actor)
    if "finance" in roles:
        raise approvals.NotAllowed(_("财务负责审批红冲，不能申请红冲"))
    if "cashier" not in roles:
        raise approvals.NotAllowed(_("只有收费员可以申请红冲"))
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if not reason:
        raise DomainError(_("请填写红冲原因"))
    try:
        payment_id = int(payment_id)
    except (TypeError, ValueError):
        raise DomainError(_("请选择要红冲的收款")) from None
    if db.session.get(Payment, payment_id) is None:
        raise NotFound(_("收款记录不存在"))
    records.lock_rows(Payment, [payment_id])
    payment = db.session.get(Payment, payment_id, populate_existing=True)
    scope = center_scope(actor)
    if scope is not None and payment.center_id not in scope:
        raise ScopeError(_("只能为本服务中心的收款申请红冲"))
    _check_reversible(payment, exclude_id=None)
    item = PaymentReversal(center_id=payment.center_id, payment_id=payment.id, payment=payment,
                           amount=-payment.amount, reason=reason[:2000], requested_by_id=actor.id, status="draft")
    db.session.add(item)
    db.session.flush()
    return item


def _check_reversible(payment: Payment, exclude_id) -> None:
    if payment.status != "valid":
        raise Conflict(_already_reversed())
    stmt = select(PaymentReversal.id).where(PaymentReversal.payment_id == payment.id,
                                            PaymentReversal.status.in_(OPEN_REVERSAL_STATES))
    if exclude_id is not None:
        stmt = stmt.where(PaymentReversal.id != exclude_id)
    if db.session.scalar(stmt) is not None:
        raise Conflict(_already_requested())


def submit(item: PaymentReversal, *, actor, comment: str = ""):
    """Start (or restart) the chain; only the requesting cashier submits."""
    try:
        if actor.id != item.requested_by_id:
            raise approvals.NotAllowed(_("只有申请人可以提交红冲申请"))
        return approvals.submit(item, actor=actor, comment=comment)
    except DomainError:
        db.session.rollback()
        raise


# -- approval guard and effect -------------------------------------------------------------

@approvals.guard("reversal")
def _reversal_guard(item: PaymentReversal, approval, step, actor, override: bool) -> None:
    """A reversal has no rule to override (a ticked 特批 is ignored, not recorded)."""
    records.lock_rows(Payment, [item.payment_id])
    payment = db.session.get(Payment, item.payment_id, populate_existing=True)
    if payment.status != "valid":
        raise approvals.WorkflowError(_already_reversed())


@approvals.on_approved("reversal")
def _reversal_approved(item: PaymentReversal, approval, actor) -> None:
    """Undo the payment in the deciding transaction; book the reversal today."""
    payment = item.payment
    bill_ids = [line.bill_id for line in payment.lines]
    records.lock_rows(Bill, bill_ids)
    bills = list(db.session.scalars(select(Bill).where(Bill.id.in_(bill_ids))
                                    .execution_options(populate_existing=True)).unique())
    if any(b.status != "paid" or b.payment_id != payment.id for b in bills):
        raise approvals.WorkflowError(_("该收款的账单状态已变化，不能红冲"))
    now = timeutil.now()
    requester = item.requested_by
    day_close.lock_centres(day_close.centre_ids_of(requester), now.year)
    if day_close.closed(requester.id, now.date()) is not None:
        raise approvals.WorkflowError(_("申请人 %(name)s 今日已日结，红冲不能再记入今日，请次日审批",
                                        name=requester.username))
    for b in bills:
        b.status, b.payment_id, b.paid_at = "unpaid", None, None
    payment.status = "reversed"
    item.booked_on, item.booked_at, item.approved_by_id = now.date(), now, actor.id


# -- hooks of the generic screens / API: requests are made by request_reversal only -------

def before_save(item) -> None:
    raise Conflict(_("红冲申请请通过收款记录的“申请红冲”办理，提交后不能修改"))


def before_delete(item) -> None:
    raise Conflict(_("红冲申请不能删除，可撤回"))
