"""Event notifications: written where the event happens, read on 待办与通知.

`notify()` adds the row to the caller's session and commits nothing: the
notification exists exactly when the approval decision or the dispatch it
reports was committed (one transaction per user action). When email is on
(NOTIFY_EMAIL_ENABLED) the message is also queued for app.services.mailer,
which sends it only after that commit and never fails the action.
"""

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from app import timeutil
from app.extensions import db
from app.models.notifications import Notification
from app.services import mailer

#: kind → message shown to the recipient (subject = the row's own title)
MESSAGES = {
    "approval_approved": _l("您提交的申请“%(subject)s”已审批通过"),
    "approval_rejected": _l("您提交的申请“%(subject)s”被驳回"),
    "approval_returned": _l("您提交的申请“%(subject)s”被退回修改"),
    "work_order_assigned": _l("工单 %(subject)s 已派给您处理"),
}
#: approval decision → notification kind (only final outcomes reach the submitter)
DECISION_KINDS = {"approved": "approval_approved", "rejected": "approval_rejected", "returned": "approval_returned"}


def message(item: Notification) -> str:
    return str(MESSAGES.get(item.kind, item.kind)) % {"subject": item.subject}


def notify(user_id: int, kind: str, *, subject: str, target_type=None, target_id=None, center_id=None,
           actor=None, comment=None) -> Notification:
    """Add one notification for `user_id` to the current transaction (the caller commits)."""
    item = Notification(user_id=user_id, kind=kind, subject=(subject or "")[:200], target_type=target_type,
                        target_id=target_id, center_id=center_id, comment=comment or None,
                        actor_name=actor.username if actor is not None else None, created_at=timeutil.now())
    db.session.add(item)
    if current_app.config.get("NOTIFY_EMAIL_ENABLED"):
        _queue_email(item)
    return item


def _queue_email(item: Notification) -> None:
    user = current_app.appbuilder.sm.get_user_by_id(item.user_id)
    if user is None or not user.email:
        return
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):  # the recipient's language is not known
        text = message(item)
        body = [text]
        if item.actor_name:
            body.append(_("处理人：%(name)s", name=item.actor_name))
        if item.comment:
            body.append(_("意见：%(comment)s", comment=item.comment))
        body.append(_("请登录物业客服中心后台的“待办与通知”查看。"))
    mailer.queue_after_commit(db.session, user.email, text, "\n".join(body))


def approval_decided(approval, actor, comment: str = "") -> None:
    """Tell the submitter the final outcome of their request (approved, rejected, returned)."""
    kind = DECISION_KINDS.get(approval.status)
    if kind is None or approval.submitted_by_id in (None, actor.id):
        return
    notify(approval.submitted_by_id, kind, subject=approval.title, target_type="approval", target_id=approval.id,
           center_id=approval.center_id, actor=actor, comment=comment)


def order_assigned(order, actor) -> None:
    """Tell the assignee a work order is now theirs (dispatch, transfer, re-dispatch after rework)."""
    if order.assignee_id is None or order.assignee_id == actor.id:
        return
    notify(order.assignee_id, "work_order_assigned", subject=order.order_no, target_type="work_order",
           target_id=order.id, center_id=order.center_id, actor=actor)


# -- read state ------------------------------------------------------------------

def unread_query(user):
    """The user's unread notifications, newest first (the badge counts them)."""
    return (select(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
            .order_by(Notification.id.desc()))


def recent(user, limit: int = 50) -> list[Notification]:
    """Unread first, then the latest read ones: what the page lists."""
    stmt = (select(Notification).where(Notification.user_id == user.id)
            .order_by(Notification.read_at.is_not(None), Notification.id.desc()).limit(limit))
    return list(db.session.scalars(stmt))


def mark_read(user, notification_id: int | None = None) -> int:
    """Mark one (or, without an id, every) unread notification of the user read; other users' rows are
    never touched. Returns how many changed; commits."""
    stmt = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if notification_id is not None:
        stmt = stmt.where(Notification.id == notification_id)
    changed = db.session.execute(stmt.values(read_at=timeutil.now()).execution_options(
        synchronize_session=False)).rowcount
    db.session.commit()
    return changed
