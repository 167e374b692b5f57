"""交接班 use cases: posts, shifts, rota, major incidents, the handover record.

One path for every route (form, REST, FAB action): views call before_save /
before_delete / sign / save_checklist / close_incident. A handover is created
by before_save on the new row (the caller's one commit): the server sets the
time, the outgoing person, the late flag, the snapshot of pending work orders
and the checklist lines; it is refused to oneself and while a major incident
or an open 重大 complaint blocks the post, unless a supervisor overrides with a
reason (recorded). Once signed by the incoming person it is locked.
Rules and decisions: app/workflows/handover.py.
"""

from flask import g, has_request_context
from flask_appbuilder.security.sqla.models import User
from flask_babel import gettext as _
from sqlalchemy import inspect, or_, select

from app import timeutil
from app.errors import Conflict, DomainError, NotFound, ScopeError
from app.extensions import db
from app.i18n import join_list
from app.models.handover import (
    POST_CATEGORIES,
    Handover,
    HandoverCheck,
    HandoverItem,
    MajorIncident,
    Post,
    RotaEntry,
    Shift,
)
from app.models.personnel import Employee
from app.models.work_orders import WorkOrder
from app.security import COMPANY_WIDE_ROLES, acting_user, in_scope, role_names
from app.services import records
from app.services.approvals import NotAllowed
from app.services.personnel_checks import choice, exists, keep, required_text, stored
from app.workflows import handover as rules

# -- people ------------------------------------------------------------------------


def person_name(user) -> str:
    """The employee's name where an Employee has this login, else the username."""
    if user is None:
        return ""
    cache = g.setdefault("_person_names", {}) if has_request_context() else {}
    if user.id not in cache:  # lists call this per row and column: one query per login
        name = db.session.scalar(select(Employee.name).where(Employee.user_id == user.id,
                                                             Employee.deleted_on.is_(None)))
        cache[user.id] = f"{name}（{user.username}）" if name else user.username
    return cache[user.id]


def is_supervisor(user) -> bool:
    return bool(role_names(user) & rules.SUPERVISOR_ROLES)


def serves(user, center_id: int) -> bool:
    """An active login that belongs to the centre (company-wide roles serve every centre)."""
    return bool(user is not None and user.active and (
        role_names(user) & COMPANY_WIDE_ROLES or any(c.id == center_id for c in user.centers)))


def staff_of(center_ids) -> list:
    """Active logins of these centres (None: all) for the people pickers."""
    users = list(db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.username)))
    if center_ids is None:
        return users
    return [u for u in users if any(c.id in center_ids for c in u.centers)]


def _user(user_id, center_id: int, what) -> User:
    user = db.session.get(User, int(user_id)) if user_id not in (None, "") else None
    if not serves(user, center_id):
        raise NotFound(_("所选%(what)s不存在或不属于该服务中心", what=what))
    return user


# -- register rows -----------------------------------------------------------------

def before_save(item) -> None:
    with db.session.no_autoflush:
        if isinstance(item, MajorIncident):
            _incident(item)
            return
        records.resolve_center(item)
        check = _RULES.get(type(item))
        if check is not None:
            check(item)


def before_delete(item) -> None:
    with db.session.no_autoflush:
        if isinstance(item, Handover) and stored(item, "status") == "signed":
            raise Conflict(_("交接班记录已签收并锁定，不能删除"))
        if isinstance(item, Post | Shift) and _in_use(item):
            raise Conflict(_("“%(name)s”已有排班或交接班记录，不能删除", name=item.name))
    records.soft_delete(item)


def _in_use(item) -> bool:
    column = "post_id" if isinstance(item, Post) else "shift_id"
    return any(exists(model, getattr(model, column) == item.id) for model in (RotaEntry, Handover))


def _post(item: Post) -> None:
    item.code = required_text(item.code, _("请填写岗位编号")).upper()
    item.name = required_text(item.name, _("请填写岗位名称"))
    item.category = item.category or "other"
    choice(item.category, POST_CATEGORIES, _("岗位类别"))
    item.checklist_items = "、".join(rules.checklist_names(item.checklist_items))
    if item.active is None:
        item.active = True
    if exists(Post, Post.center_id == item.center_id, Post.code == item.code, exclude=item):
        raise Conflict(_("该服务中心已有此岗位编号"))


def _shift(item: Shift) -> None:
    item.name = required_text(item.name, _("请填写班次名称"))
    if item.start is None or item.end is None:
        raise DomainError(_("请填写班次的开始和结束时间"))
    if item.start == item.end:
        raise DomainError(_("班次的开始和结束时间不能相同"))
    if exists(Shift, Shift.center_id == item.center_id, Shift.name == item.name, exclude=item):
        raise Conflict(_("该服务中心已有此班次"))


def _same_center_shift(shift_id, center_id) -> Shift:
    shift = records.scoped_get(Shift, shift_id)
    if shift is None or shift.center_id != center_id:
        raise NotFound(_("所选班次不存在或不属于该岗位的服务中心"))
    return shift


def _rota(item: RotaEntry) -> None:
    if item.day is None:
        raise DomainError(_("请填写排班日期"))
    item.shift = _same_center_shift(records._chosen_id(item, "shift"), item.center_id)
    item.user = _user(records._chosen_id(item, "user"), item.center_id, _("值班人员"))
    if exists(RotaEntry, RotaEntry.day == item.day, RotaEntry.shift_id == item.shift.id,
              RotaEntry.user_id == item.user.id, exclude=item):
        raise Conflict(_("%(name)s在%(day)s的%(shift)s已有排班", name=person_name(item.user),
                         day=item.day.isoformat(), shift=item.shift.name))


def _incident(item: MajorIncident) -> None:
    """重大事件: the centre is chosen; a post, if named, is of that centre; opened now."""
    records.resolve_center(item)
    post_id = records._chosen_id(item, "post")
    if post_id:
        post = records.scoped_get(Post, post_id)
        if post is None or post.center_id != item.center_id:
            raise NotFound(_("所选岗位不存在或不属于该服务中心"))
        item.post = post
    else:
        item.post, item.post_id = None, None
    item.title = required_text(item.title, _("请填写事件名称"))
    keep(item, {"opened_at": timeutil.now(), "closed_at": None})


def close_incident(item: MajorIncident, *, actor) -> None:
    if not in_scope(item.center_id, actor):
        raise ScopeError(_("该记录不属于您所在的服务中心"))
    if item.closed_at is not None:
        raise Conflict(_("该事件已关闭"))
    item.closed_at = timeutil.now()
    db.session.commit()


# -- the handover record -------------------------------------------------------------

_SYSTEM_FIELDS = ("post_id", "shift_id", "outgoing_id", "handed_at", "shift_date", "shift_end", "is_late",
                  "late_minutes", "status", "signed_at", "override_by_id", "override_at", "override_reason")


def _handover(item: Handover) -> None:
    if inspect(item).persistent:
        _edit(item)
    else:
        _create(item, acting_user())


def _edit(item: Handover) -> None:
    """Before the signature only the incoming person, instructions and notes change."""
    if stored(item, "status") == "signed":
        raise Conflict(_("交接班记录已签收并锁定，不能修改"))
    for name in _SYSTEM_FIELDS:
        keep(item, {name: None})
    item.incoming = _user(records._chosen_id(item, "incoming"), item.center_id, _("接班人"))
    if item.incoming.id == item.outgoing_id:
        raise DomainError(_("不能交班给自己"))


def _create(item: Handover, actor) -> None:
    post = item.post
    if not post.active:
        raise Conflict(_("岗位“%(name)s”已停用", name=post.name))
    item.shift = _same_center_shift(records._chosen_id(item, "shift"), item.center_id)
    item.outgoing = _outgoing(item, actor)
    item.incoming = _user(records._chosen_id(item, "incoming"), item.center_id, _("接班人"))
    if item.incoming.id == item.outgoing.id:
        raise DomainError(_("不能交班给自己"))
    now = timeutil.now()
    item.handed_at, item.status, item.signed_at = now, "open", None
    _blockers_or_override(item, actor, now)
    item.shift_date, item.shift_end = rules.shift_end(item.shift.start, item.shift.end, now)
    item.late_minutes = rules.late_minutes(item.shift_end, now)
    item.is_late = item.late_minutes > 0
    item.items = [_snapshot(o) for o in pending_orders(post)]
    item.checks = [HandoverCheck(position=i, name=n, ok=False)
                   for i, n in enumerate(rules.checklist_names(post.checklist_items), start=1)]


def _outgoing(item: Handover, actor) -> User:
    """The outgoing person is the signed-in user; a supervisor may record it for someone."""
    chosen = records._chosen_id(item, "outgoing")
    if actor is None:  # CLI / seed
        return _user(chosen, item.center_id, _("交班人"))
    if chosen in (None, "", actor.id) or not is_supervisor(actor):
        if chosen not in (None, "", actor.id):
            raise NotAllowed(_("只能由交班人本人填写交接班记录（主管可代为登记）"))
        return actor
    return _user(chosen, item.center_id, _("交班人"))


def _blockers_or_override(item: Handover, actor, now) -> None:
    reason = (item.override_reason or "").strip()
    item.override_by, item.override_at, item.override_reason = None, None, None
    found = blockers(item.post)
    if not found:
        return
    if not reason:
        raise Conflict(_("该岗位有未关闭的重大事项，不能交接班（如需交接须由主管特批并填写理由）：%(items)s",
                         items=join_list(found, "；")))
    if actor is not None and not is_supervisor(actor):
        raise NotAllowed(_("只有主管可以特批交接班"))
    item.override_by = actor
    item.override_at, item.override_reason = now, reason[:2000]


def blockers(post: Post) -> list[str]:
    """What keeps this post from handing over: open major incidents, open 重大 complaints."""
    found = [_("重大事件：%(title)s", title=i.title) for i in db.session.scalars(
        select(MajorIncident).where(
            MajorIncident.center_id == post.center_id, MajorIncident.deleted_on.is_(None),
            MajorIncident.closed_at.is_(None),
            or_(MajorIncident.post_id.is_(None), MajorIncident.post_id == post.id),
        ).order_by(MajorIncident.id))]
    if post.category == rules.COMPLAINT_POST:
        found += [_("重大投诉：%(no)s", no=o.order_no) for o in db.session.scalars(
            select(WorkOrder).where(
                WorkOrder.center_id == post.center_id, WorkOrder.deleted_on.is_(None),
                WorkOrder.kind == "complaint", WorkOrder.severity == "major",
                WorkOrder.status.in_(rules.BLOCKING_STATES),
            ).order_by(WorkOrder.id))]
    return found


def pending_orders(post: Post) -> list[WorkOrder]:
    """The centre's work orders this post hands over (rules.CARRIES), oldest first."""
    carry = rules.carry_for(post.category)
    if carry is None:
        return []
    stmt = select(WorkOrder).where(WorkOrder.center_id == post.center_id, WorkOrder.deleted_on.is_(None),
                                   WorkOrder.status.in_(carry.states))
    if carry.kinds is not None:
        stmt = stmt.where(WorkOrder.kind.in_(carry.kinds))
    if carry.sources is not None:
        stmt = stmt.where(WorkOrder.source.in_(carry.sources))
    return list(db.session.scalars(stmt.order_by(WorkOrder.received_at, WorkOrder.id)))


def _snapshot(order: WorkOrder) -> HandoverItem:
    return HandoverItem(
        work_order_id=order.id, order_no=order.order_no, kind=order.kind, severity=order.severity,
        summary=(order.description or "").strip()[:200], status=order.status,
        due_at=order.complete_due or order.callback_due or order.respond_due,
    )


def sign(item: Handover, *, actor) -> Handover:
    """签收 by the incoming person; the record is locked from then on. Two
    attempts at once: the row lock orders them, the second is told it is signed."""
    pk = item.id
    db.session.rollback()  # start a fresh transaction: the lock comes first
    try:
        records.lock_rows(Handover, [pk])
        item = db.session.scalars(select(Handover).where(Handover.id == pk, Handover.deleted_on.is_(None))
                                  .execution_options(populate_existing=True)).first()
        if item is None:
            raise NotFound(_("记录不存在或不在您的服务中心范围内"))
        if not in_scope(item.center_id, actor):
            raise ScopeError(_("该记录不属于您所在的服务中心"))
        if item.status == "signed":
            raise Conflict(_("该交接班记录已于%(at)s签收，不能重复签收", at=f"{item.signed_at:%Y-%m-%d %H:%M}"))
        if actor.id != item.incoming_id:
            raise NotAllowed(_("只有接班人本人可以签收"))
        item.status, item.signed_at = "signed", timeutil.now()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return item


def save_checklist(item: Handover, values: dict, *, actor) -> None:
    """Counts and OK flags of the checklist, by the outgoing person or a supervisor, before signing.
    `values`: check id → {"count": int|None, "ok": bool, "note": str}."""
    try:
        if not in_scope(item.center_id, actor):
            raise ScopeError(_("该记录不属于您所在的服务中心"))
        records.lock_rows(Handover, [item.id])
        db.session.refresh(item)
        if item.status == "signed":
            raise Conflict(_("交接班记录已签收并锁定，不能修改"))
        if actor.id != item.outgoing_id and not is_supervisor(actor):
            raise NotAllowed(_("只有交班人或主管可以填写物品清单"))
        for check in item.checks:
            v = values.get(check.id) or values.get(str(check.id))
            if v is None:
                continue
            check.count = _count(v.get("count"), check.name)
            check.ok = bool(v.get("ok"))
            check.note = (v.get("note") or "").strip()[:200] or None
        item.changed_on = timeutil.now()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


def _count(value, name) -> int | None:
    if value in (None, ""):
        return None
    try:
        count = int(value)
    except (TypeError, ValueError):
        raise DomainError(_("“%(name)s”的数量须为整数", name=name)) from None
    if count < 0:
        raise DomainError(_("“%(name)s”的数量不能为负数", name=name))
    return count


_RULES = {Post: _post, Shift: _shift, RotaEntry: _rota, Handover: _handover}
