"""装修 site use cases: worker passes (出入证), inspections (巡查), rectification
notices (整改通知单), completion acceptance (竣工验收) and the deposit refund
(DESIGN.md "Renovation").

- passes: ID number with its check digit, validity within the renovation
  period, number unique per centre, revoked with reason, time and who;
- inspections only on active sites (施工中), at the server's time, by the
  acting user; `inspection_overdue()` lists active sites not inspected for
  more than 2 days (from the last inspection, or the start of works);
- a notice is raised from an inspection that found an issue, with a
  deadline; its re-inspection (itself an inspection) closes it or sets a
  new deadline;
- acceptance within 3 days of the owner's request, only once every notice
  of the site is closed; passed → the site is 验收合格;
- refund after a passed acceptance and only of a paid deposit bill:
  deposit − deductions (never negative), due 1 day after acceptance,
  approved by finance (chain "renovation_refund"); approval records who/when.
"""

from datetime import date

from flask_appbuilder.exceptions import DatabaseException
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app import timeutil
from app.errors import Conflict, DomainError, NotFound, integrity_cause
from app.extensions import db
from app.models.billing import Bill
from app.models.renovation import (
    INSPECTION_RESULTS,
    Renovation,
    RenovationAcceptance,
    RenovationDeduction,
    RenovationInspection,
    RenovationPass,
    RenovationRectification,
    RenovationRefund,
)
from app.security import acting_user
from app.services import approvals, records
from app.services.personnel_checks import clean_phone, required_text
from app.services.renovation import check_scope, deposit_paid, transaction
from app.validators import check_id_number, is_masked
from app.workflows import renovation as rules


def before_save(item) -> None:
    """Dispatch of renovation.before_save for the site records."""
    if item.id is not None and not isinstance(item, RenovationPass):
        raise Conflict(_("巡查、整改和验收记录保存后不能修改"))
    if isinstance(item, RenovationRectification):
        _take_inspection(item)
    records.resolve_center(item)
    check = {RenovationPass: _pass, RenovationInspection: _inspection, RenovationRectification: _rectification,
             RenovationAcceptance: _acceptance}.get(type(item))
    if check is None:
        raise Conflict(_("退款申请只能在装修申报中发起"))
    check(item)


# -- 出入证 ---------------------------------------------------------------------------

def _pass(item: RenovationPass) -> None:
    reno = item.renovation
    if item.id is not None and item.revoked_at is not None:
        raise Conflict(_("已注销的出入证不能修改"))
    if reno.status != "approved" or reno.site_status in ("accepted", "refunded"):
        raise Conflict(_("只有已批准且未验收的装修可以办理出入证"))
    item.holder_name = required_text(item.holder_name, _("请填写持证人姓名"))
    item.id_number = _id_number(item)
    item.phone = clean_phone(item.phone, required=False)
    if item.valid_from is None or item.valid_to is None:
        raise DomainError(_("请填写有效期"))
    if item.valid_to < item.valid_from:
        raise DomainError(_("有效期截止日期不能早于起始日期"))
    if item.valid_from < reno.start_date or item.valid_to > reno.planned_end_date:
        raise DomainError(_("出入证有效期应在装修期间内（%(start)s 至 %(end)s）",
                            start=reno.start_date.isoformat(), end=reno.planned_end_date.isoformat()))
    item.pass_no = (item.pass_no or "").strip().upper() or _next_pass_no(reno)
    stmt = select(func.count()).select_from(RenovationPass).where(
        RenovationPass.deleted_on.is_(None), RenovationPass.center_id == item.center_id,
        RenovationPass.pass_no == item.pass_no)
    if item.id is not None:
        stmt = stmt.where(RenovationPass.id != item.id)
    if db.session.scalar(stmt):
        raise Conflict(_("本服务中心已有出入证编号 %(no)s", no=item.pass_no))


def _id_number(item: RenovationPass) -> str:
    value = item.id_number
    if is_masked(value) and item.id is not None:
        stored = db.session.scalar(select(RenovationPass.id_number).where(RenovationPass.id == item.id))
        from app.validators import mask_id_number

        if stored and mask_id_number(stored) == value:
            return stored
    try:
        return check_id_number(value)
    except ValueError as e:
        raise DomainError(str(e)) from None


def _next_pass_no(reno: Renovation) -> str:
    count = db.session.scalar(select(func.count()).select_from(RenovationPass).where(
        RenovationPass.renovation_id == reno.id))
    return f"ZX{reno.id:05d}-{count + 1:02d}"


def guarded_pass_write(item: RenovationPass, write) -> None:
    """Run `write()` (add/merge + commit); a concurrent pass with the same number slips
    past the check only to hit the unique index: answer with the same Conflict."""
    number = item.pass_no
    try:
        write()
    except (IntegrityError, DatabaseException, Conflict) as e:
        cause = integrity_cause(e)
        if cause is None or "renovation_pass" not in str(cause.orig):
            raise
        db.session.rollback()
        raise Conflict(_("本服务中心已有出入证编号 %(no)s", no=number)) from None


@transaction
def revoke_pass(item: RenovationPass, reason: str) -> None:
    """注销: the pass stops at once; who, when and why are kept."""
    check_scope(item)
    if item.revoked_at is not None:
        raise Conflict(_("该出入证已注销"))
    item.revoke_reason = required_text(reason, _("请填写注销原因"))[:200]
    user = acting_user()
    item.revoked_at, item.revoked_by_id = timeutil.now(), user.id if user else None


# -- 巡查 and 整改通知单 --------------------------------------------------------------------

def _inspection(item: RenovationInspection) -> None:
    if item.renovation.site_status != "in_progress":
        raise Conflict(_("只有施工中的装修可以登记巡查"))
    item.findings = required_text(item.findings, _("请填写巡查情况"))
    item.result = item.result or "ok"
    if item.result not in INSPECTION_RESULTS:
        raise DomainError(_("巡查结果只能是正常或发现问题"))
    user = acting_user()
    item.inspector_id = user.id if user else None
    item.inspected_at = timeutil.now()


def _take_inspection(item: RenovationRectification) -> None:
    inspection = records.scoped_get(RenovationInspection, records._chosen_id(item, "inspection"))
    if inspection is None:
        raise NotFound(_("所选巡查记录不存在或不在您的服务中心范围内"))
    item.inspection, item.renovation = inspection, inspection.renovation


def _rectification(item: RenovationRectification) -> None:
    if item.inspection.result != "issue":
        raise Conflict(_("只有发现问题的巡查可以开具整改通知单"))
    if item.renovation.site_status != "in_progress":
        raise Conflict(_("只有施工中的装修可以开具整改通知单"))
    item.issue = required_text(item.issue, _("请填写整改问题"))
    _future_deadline(item.deadline)
    item.status, item.reinspection_count = "open", 0


def _future_deadline(deadline: date | None) -> None:
    if deadline is None:
        raise DomainError(_("请填写整改期限"))
    if deadline < timeutil.today():
        raise DomainError(_("整改期限不能早于今天"))


@transaction
def reinspect(notice: RenovationRectification, passed: bool, notes: str,
              new_deadline: date | None = None) -> RenovationInspection:
    """复查: passed closes the notice; not passed needs a new deadline. Logged as an inspection."""
    check_scope(notice)
    if notice.status != "open":
        raise Conflict(_("该整改通知单已关闭"))
    notes = required_text(notes, _("请填写复查情况"))
    if not passed:
        _future_deadline(new_deadline)
        notice.deadline = new_deadline
    now, user = timeutil.now(), acting_user()
    notice.reinspection_count += 1
    notice.last_reinspected_at, notice.last_result, notice.last_notes = now, "passed" if passed else "failed", notes
    if passed:
        notice.status, notice.closed_at = "closed", now
    check = RenovationInspection(
        center_id=notice.center_id, renovation_id=notice.renovation_id, inspector_id=user.id if user else None,
        inspected_at=now, result="ok" if passed else "issue",
        findings=_("复查整改通知单 #%(id)s：%(notes)s", id=notice.id, notes=notes))
    db.session.add(check)
    return check


def open_notices(renovation_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(RenovationRectification).where(
        RenovationRectification.renovation_id == renovation_id, RenovationRectification.deleted_on.is_(None),
        RenovationRectification.status == "open"))


# -- 竣工验收 -----------------------------------------------------------------------------

def _acceptance(item: RenovationAcceptance) -> None:
    reno = item.renovation
    if reno.site_status != "in_progress":
        raise Conflict(_("只有施工中的装修可以申请竣工验收"))
    item.requested_on = item.requested_on or timeutil.today()
    if item.requested_on > timeutil.today():
        raise DomainError(_("业主申请验收日期不能晚于今天"))
    pending = db.session.scalar(select(func.count()).select_from(RenovationAcceptance).where(
        RenovationAcceptance.renovation_id == reno.id, RenovationAcceptance.deleted_on.is_(None),
        RenovationAcceptance.result.is_(None)))
    if pending:
        raise Conflict(_("该装修已有待验收的申请"))
    item.result, item.inspector_id, item.inspected_at = None, None, None


@transaction
def request_acceptance(reno: Renovation, requested_on: date | None = None) -> RenovationAcceptance:
    """业主申请竣工验收 (recorded by the desk): to be accepted within 3 days."""
    check_scope(reno)
    item = RenovationAcceptance(renovation=reno, renovation_id=reno.id, requested_on=requested_on)
    before_save(item)
    db.session.add(item)
    return item


@transaction
def record_acceptance(item: RenovationAcceptance, result: str, notes: str = "") -> None:
    """验收结果: only once every rectification notice of the site is closed."""
    check_scope(item)
    if item.result is not None:
        raise Conflict(_("该验收已有结果"))
    if result not in ("passed", "failed"):
        raise DomainError(_("验收结果只能是合格或不合格"))
    if open_notices(item.renovation_id):
        raise Conflict(_("该装修还有未关闭的整改通知单，不能验收"))
    if result == "failed" and not (notes or "").strip():
        raise DomainError(_("验收不合格时请填写原因"))
    user = acting_user()
    item.result, item.notes = result, (notes or "").strip() or None
    item.inspector_id, item.inspected_at = (user.id if user else None), timeutil.now()
    if result == "passed":
        item.renovation.site_status, item.renovation.accepted_on = "accepted", item.inspected_at.date()


# -- 押金退还 ---------------------------------------------------------------------------

def request_refund(reno: Renovation, deductions, *, actor, note: str = "") -> RenovationRefund:
    """退押金申请: deposit − deductions, submitted to finance in the same transaction."""
    try:
        check_scope(reno)
        refund = _new_refund(reno, deductions, note)
        db.session.add(refund)
        db.session.flush()
        approvals.submit(refund, actor=actor, comment=note)  # commits
        return refund
    except DomainError:
        db.session.rollback()
        raise


def _new_refund(reno: Renovation, deductions, note: str) -> RenovationRefund:
    if reno.site_status != "accepted" or reno.accepted_on is None:
        raise Conflict(_("竣工验收合格后才能申请退还押金"))
    if not reno.deposit or reno.deposit <= 0:
        raise Conflict(_("该装修未收押金，无需退还"))
    if not deposit_paid(reno):
        raise Conflict(_("押金账单未缴费，不能退还押金"))
    live = db.session.scalar(select(func.count()).select_from(RenovationRefund).where(
        RenovationRefund.renovation_id == reno.id, RenovationRefund.deleted_on.is_(None),
        RenovationRefund.status.in_(("draft", "pending", "returned", "approved"))))
    if live:
        raise Conflict(_("该装修已有退押金申请"))
    lines = _deduction_lines(deductions)
    total, refund = _amounts(reno.deposit, [amount for _reason, amount in lines])
    item = RenovationRefund(
        center_id=reno.center_id, renovation=reno, renovation_id=reno.id, deposit=reno.deposit,
        deductions_total=total, refund_amount=refund, due_on=rules.refund_deadline(reno.accepted_on),
        note=(note or "").strip()[:200] or None, status="draft")
    item.lines = [RenovationDeduction(reason=reason, amount=amount) for reason, amount in lines]
    return item


def _deduction_lines(deductions) -> list[tuple[str, object]]:
    if deductions is None:
        return []
    if not isinstance(deductions, list | tuple):
        raise DomainError(_("扣款明细格式无效"))
    lines = []
    for line in deductions:
        if not isinstance(line, dict):
            raise DomainError(_("扣款明细格式无效"))
        reason = required_text(str(line.get("reason") or ""), _("每项扣款请填写原因"))[:200]
        amount = line.get("amount")
        if isinstance(amount, float) or amount in (None, ""):
            raise DomainError(_("扣款金额应以字符串传递，如 \"123.45\""))
        lines.append((reason, amount))
    return lines


def _amounts(deposit, amounts):
    try:
        return rules.refund_amount(deposit, amounts)
    except (ArithmeticError, TypeError):
        raise DomainError(_("金额格式无效，应为如 123.45 的数字")) from None
    except ValueError as e:
        if "negative" in str(e):
            raise DomainError(_("扣款金额不能为负数")) from None
        raise DomainError(_("扣款合计超过押金 %(deposit)s，退款不能为负数", deposit=f"{deposit:.2f}")) from None


@approvals.guard("renovation_refund")
def _refund_guard(refund: RenovationRefund, approval, step, actor, override: bool) -> None:
    if not deposit_paid(refund.renovation):
        raise approvals.WorkflowError(_("押金账单未缴费，不能退还押金"))


@approvals.on_approved("renovation_refund")
def _refund_approved(refund: RenovationRefund, approval, actor) -> None:
    refund.refunded_at, refund.refunded_by_id = timeutil.now(), actor.id
    refund.renovation.site_status = "refunded"


# -- lists ------------------------------------------------------------------------------

def inspection_overdue(today: date | None = None) -> list[tuple[Renovation, date | None, int]]:
    """巡查逾期: visible active sites not inspected for more than 2 days, longest first,
    as (site, last inspection day or None, days without inspection)."""
    today = today or timeutil.today()
    last = dict(db.session.execute(
        select(RenovationInspection.renovation_id, func.max(RenovationInspection.inspected_at))
        .where(RenovationInspection.deleted_on.is_(None)).group_by(RenovationInspection.renovation_id)).all())
    sites = db.session.scalars(records.scoped_select(Renovation).where(Renovation.site_status == "in_progress"))
    rows = []
    for site in sites:
        seen = last.get(site.id)
        day = seen.date() if seen is not None else None
        started = site.work_started_on or site.start_date
        if rules.inspection_overdue(day, started, today):
            rows.append((site, day, rules.days_without_inspection(day, started, today)))
    return sorted(rows, key=lambda r: (-r[2], r[0].id))


def overdue_notices(today: date | None = None) -> list[RenovationRectification]:
    """Open rectification notices past their deadline (visible ones)."""
    today = today or timeutil.today()
    return list(db.session.scalars(records.scoped_select(RenovationRectification).where(
        RenovationRectification.status == "open", RenovationRectification.deadline < today)
        .order_by(RenovationRectification.deadline, RenovationRectification.id)))


def overdue_decisions(now=None) -> list[Renovation]:
    """逾期未批: applications still pending past their 3-day decision deadline."""
    now = now or timeutil.now()
    return list(db.session.scalars(records.scoped_select(Renovation).where(
        Renovation.status == "pending", Renovation.decision_due_at < now)
        .order_by(Renovation.decision_due_at, Renovation.id)))


def deposit_bill_status(reno: Renovation) -> str | None:
    bill = db.session.get(Bill, reno.deposit_bill_id) if reno.deposit_bill_id else None
    return bill.status if bill is not None else None
