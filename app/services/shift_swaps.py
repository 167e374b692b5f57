"""换班 (shift swap) requests through the approval engine.

DESIGN "Approval chains" 换班: both supervisors approve (chain "shiftswap":
申请人主管审批 → 对方主管审批, two different supervisors); at most 2 swaps per
person per month (approved + pending, requester and counterpart alike); same
post; no swap on a public holiday (Holiday register: company-wide days and the
centre's own); the counterpart is someone else. The rules run when saving,
when submitting (the request is saved first) and again by the guard at every
approval; on the final approval the two rota entries change hands.
"""

from flask_babel import gettext as _
from sqlalchemy import func, inspect, or_, select

from app import timeutil
from app.errors import Conflict, DomainError, NotFound
from app.extensions import db
from app.models.handover import Post, RotaEntry, ShiftSwap
from app.models.work_orders import Holiday
from app.security import acting_user
from app.services import approvals, records
from app.services.handover import _same_center_shift, _user, is_supervisor, person_name
from app.services.personnel_checks import keep, required_text
from app.workflows import handover as rules

approvals.register_request(ShiftSwap)
EDITABLE_STATES = ("draft", "returned")


def before_save(item: ShiftSwap) -> None:
    with db.session.no_autoflush:
        records.resolve_center(item)
        keep(item, {"status": "draft", "approval_id": None, "swapped_at": None})
        if item.status not in EDITABLE_STATES:
            raise Conflict(_("只有草稿或退回修改的申请可以修改"))
        actor = acting_user()
        requester_id = records._chosen_id(item, "requester")
        if actor is not None and (requester_id in (None, "") or not is_supervisor(actor)):
            if requester_id not in (None, "", actor.id):
                raise approvals.NotAllowed(_("只能为本人申请换班（主管可代为登记）"))
            requester_id = actor.id
        item.requester = _user(requester_id, item.center_id, _("申请人"))
        item.counterpart = _user(records._chosen_id(item, "counterpart"), item.center_id, _("换班对象"))
        item.requester_shift = _same_center_shift(records._chosen_id(item, "requester_shift"), item.center_id)
        item.counterpart_shift = _same_center_shift(records._chosen_id(item, "counterpart_shift"),
                                                    item.center_id)
        item.reason = required_text(item.reason, _("请填写换班原因"))
        if item.swap_date is None:
            raise DomainError(_("请填写换班日期"))
        item.counterpart_date = item.counterpart_date or item.swap_date
        check_rules(item)


def before_delete(item: ShiftSwap) -> None:
    if item.status in ("pending", "approved"):
        raise Conflict(_("审批中或已批准的申请不能删除"))
    records.soft_delete(item)


def check_rules(item: ShiftSwap) -> None:
    """Every rule of a swap; raises the first that fails (nothing is written)."""
    if item.requester.id == item.counterpart.id:
        raise DomainError(_("换班对象不能是申请人本人"))
    if (item.swap_date, item.requester_shift.id) == (item.counterpart_date, item.counterpart_shift.id):
        raise DomainError(_("换班双方的班次相同，无需换班"))
    for day in sorted({item.swap_date, item.counterpart_date}):
        holiday = _holiday(day, item.center_id)
        if holiday is not None:
            raise Conflict(_("%(day)s是节假日（%(name)s），不能换班", day=day.isoformat(), name=holiday.name))
    _entry(item.requester, item.swap_date, item.requester_shift, item.post)
    _entry(item.counterpart, item.counterpart_date, item.counterpart_shift, item.post)
    for person in (item.requester, item.counterpart):
        if rules.over_swap_limit(_swaps_this_month(person.id, item)):
            raise Conflict(_("%(name)s本月已有%(limit)s次换班（含审批中），每人每月最多换班%(limit)s次",
                             name=person_name(person), limit=rules.SWAP_LIMIT_PER_MONTH))


def _holiday(day, center_id):
    return db.session.scalars(select(Holiday).where(
        Holiday.day == day, or_(Holiday.center_id.is_(None), Holiday.center_id == center_id))).first()


def _entry(user, day, shift, post: Post) -> RotaEntry:
    """The person's rota entry for that day and shift, which must be on the swap's post."""
    entry = db.session.scalars(select(RotaEntry).where(
        RotaEntry.user_id == user.id, RotaEntry.day == day, RotaEntry.shift_id == shift.id,
        RotaEntry.deleted_on.is_(None))).first()
    if entry is None:
        raise NotFound(_("%(name)s在%(day)s没有%(shift)s的排班", name=person_name(user), day=day.isoformat(),
                         shift=shift.name))
    if entry.post_id != post.id:
        raise Conflict(_("换班须为同一岗位：%(name)s在%(day)s的%(shift)s排在“%(other)s”，不是“%(post)s”",
                         name=person_name(user), day=day.isoformat(), shift=shift.name, other=entry.post.name,
                         post=post.name))
    return entry


def _swaps_this_month(user_id: int, item: ShiftSwap) -> int:
    first, nxt = rules.month_bounds(item.swap_date)
    stmt = select(func.count()).select_from(ShiftSwap).where(
        ShiftSwap.deleted_on.is_(None), ShiftSwap.status.in_(("pending", "approved")),
        or_(ShiftSwap.requester_id == user_id, ShiftSwap.counterpart_id == user_id),
        ShiftSwap.swap_date >= first, ShiftSwap.swap_date < nxt,
    )
    if item.id is not None:
        stmt = stmt.where(ShiftSwap.id != item.id)
    return db.session.scalar(stmt)


@approvals.guard("shiftswap")
def _guard(item: ShiftSwap, approval, step, actor, override: bool) -> None:
    """Both supervisors: neither party decides, and the second step needs a
    supervisor other than the first. The rules are checked again (no override)."""
    if actor.id in (item.requester_id, item.counterpart_id):
        raise approvals.NotAllowed(_("不能审批本人提交或与本人相关的申请"))
    earlier = {s.decided_by_id for s in approval.steps if s.position < step.position and s.decision == "approve"}
    if actor.id in earlier:
        raise approvals.NotAllowed(_("换班须由双方主管分别审批，您已审批过前一步骤"))
    if override:
        raise approvals.WorkflowError(_("换班规则不能特批"))
    check_rules(item)


@approvals.on_approved("shiftswap")
def _exchange(item: ShiftSwap, approval, actor) -> None:
    """The two rota entries change hands (in the final approval's transaction)."""
    mine = _entry(item.requester, item.swap_date, item.requester_shift, item.post)
    theirs = _entry(item.counterpart, item.counterpart_date, item.counterpart_shift, item.post)
    records.lock_rows(RotaEntry, [mine.id, theirs.id])
    mine.user_id, theirs.user_id = item.counterpart_id, item.requester_id
    mine.note = theirs.note = _("换班#%(id)s", id=item.id)
    item.swapped_at = timeutil.now()
    db.session.flush()


def submit(item: ShiftSwap, *, actor, comment: str = ""):
    """提交审批 after checking the rules as they stand now (a saved draft may be stale)."""
    if inspect(item).persistent and item.status in EDITABLE_STATES:
        try:
            check_rules(item)
        except DomainError:
            db.session.rollback()
            raise
    return approvals.submit(item, actor=actor, comment=comment)
