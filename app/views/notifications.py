"""待办与通知: the bell's page — every 待办 kind of app/services/todos.py with its
rows and a link to act on each, plus the user's event notifications with
read/unread state and "mark all read". The counts beside the groups are the
badge's own (one SELECT, app/views/badges.py), so page and bell always agree.
"""

from flask import g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _

from app.extensions import db
from app.security import RESOURCE_PERMISSIONS, ROLES
from app.services import notifications, todos
from app.views.approvals import REQUEST_TYPE_LABELS
from app.views.badges import todo_counts
from app.workflows.work_orders import KINDS as ORDER_KINDS
from app.workflows.work_orders import STATES as ORDER_STATES

ROWS_PER_GROUP = 50

#: kind → endpoint (and arguments) of the full list behind the group
FULL_LISTS = {
    "approvals": ("ApprovalInboxView.inbox", {}),
    "overdue_orders": ("WorkOrderDeskView.desk", {"filter": "overdue"}),
    "my_orders": ("WorkOrderDeskView.mine", {}),
    "renovation_decisions": ("RenovationView.overdue", {}),
    "renovation_inspections": ("RenovationInspectionView.overdue", {}),
    "renovation_notices": ("RenovationRectificationView.overdue", {}),
    "parking_expiring": ("ParkingRentalView.expiring", {}),
}
#: notification target_type → endpoint of the row's page
TARGETS = {"approval": "ApprovalView.show", "work_order": "WorkOrderView.show"}


def _fmt(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if hasattr(value, "hour") else (str(value) if value else "")


def _order(o, now) -> dict:
    due = o.complete_due or o.callback_due
    where = o.unit or o.location or ""
    return {"title": f"{o.order_no} {ORDER_KINDS.get(o.kind, o.kind)} {where}".strip(),
            "detail": f"{ORDER_STATES.get(o.status, o.status)} · {(o.description or '')[:40]}",
            "when": _fmt(due), "urgent": due is not None and due < now,
            "url": url_for("WorkOrderView.show", pk=o.id)}


def _approval(a, now) -> dict:
    return {"title": f"{REQUEST_TYPE_LABELS.get(a.request_type, a.request_type)}：{a.title}",
            "detail": _("当前审批角色：%(role)s", role=ROLES.get(a.required_role, a.required_role)),
            "when": _fmt(a.due_at), "urgent": a.is_overdue, "url": url_for("ApprovalView.show", pk=a.id)}


def _renovation(r, now) -> dict:
    return {"title": f"{r.unit or ''} {r.contractor}", "detail": f"{r.start_date} ~ {r.planned_end_date}",
            "when": _fmt(r.decision_due_at if r.status == "pending" else r.work_started_on or r.start_date),
            "urgent": True, "url": url_for("RenovationView.show", pk=r.id)}


def _notice(n, now) -> dict:
    return {"title": str(n), "detail": _("整改期限：%(day)s", day=n.deadline), "when": _fmt(n.deadline),
            "urgent": True, "url": url_for("RenovationRectificationView.show", pk=n.id)}


def _rental(r, now) -> dict:
    return {"title": f"{r.plate} {r.space or ''}", "detail": str(r.household or ""), "when": _fmt(r.end_date),
            "urgent": (r.end_date - now.date()).days <= 7, "url": url_for("ParkingRentalView.show", pk=r.id)}


def _notification(n, now) -> dict:
    endpoint = TARGETS.get(n.target_type)
    detail = [_("处理人：%(name)s", name=n.actor_name)] if n.actor_name else []
    if n.comment:
        detail.append(_("意见：%(comment)s", comment=n.comment))
    return {"id": n.id, "title": notifications.message(n), "detail": " · ".join(detail), "when": _fmt(n.created_at),
            "urgent": n.read_at is None, "unread": n.read_at is None,
            "url": url_for(endpoint, pk=n.target_id) if endpoint and n.target_id else None}


ROW_FORMATS = {"approvals": _approval, "overdue_orders": _order, "my_orders": _order,
               "renovation_decisions": _renovation, "renovation_inspections": _renovation,
               "renovation_notices": _notice, "parking_expiring": _rental, "notifications": _notification}


class NotificationView(BaseView):
    """The bell: every signed-in role reads its own page (nobody sees another user's items)."""

    route_base = "/notifications"
    default_view = "index"
    class_permission_name = "Notification"
    method_permission_name = {"index": "read", "mark_read": "read", "mark_all_read": "read"}
    base_permissions = RESOURCE_PERMISSIONS

    @expose("/")
    @has_access
    def index(self):
        from app import timeutil

        now = timeutil.now()
        counts = todo_counts(g.user)
        groups = []
        for kind in todos.KINDS:
            stmt = kind.query(g.user)
            if stmt is None:
                continue
            rows = db.session.scalars(stmt.limit(ROWS_PER_GROUP)).unique().all() if counts[kind.key] else []
            groups.append({"key": kind.key, "label": kind.label, "count": counts[kind.key],
                           "rows": [ROW_FORMATS[kind.key](row, now) for row in rows],
                           "more": _full_list(kind.key)})
        history = [_notification(n, now) for n in notifications.recent(g.user) if n.read_at is not None]
        return self.render_template("notifications/index.html", title=_("待办与通知"), groups=groups,
                                    total=sum(counts.values()), history=history)

    @expose("/read/<int:pk>", methods=["POST"])
    @has_access
    def mark_read(self, pk):
        notifications.mark_read(g.user, pk)
        return redirect(_back())

    @expose("/read-all", methods=["POST"])
    @has_access
    def mark_all_read(self):
        notifications.mark_read(g.user)
        return redirect(url_for(".index"))


def _full_list(key: str):
    if key not in FULL_LISTS:
        return None
    endpoint, args = FULL_LISTS[key]
    return url_for(endpoint, **args)


def _back() -> str:
    """Where a "mark read" goes next: the row it opened (a local path only), else this page."""
    target = request.form.get("next") or ""
    if target.startswith("/") and not target.startswith("//"):
        return target
    return url_for(".index")
