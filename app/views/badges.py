"""Counts shown as badges in the menu (待我审批, 时限预警), computed at most once a request,
both in one SELECT (perf, issue 8: one round trip instead of two on every page)."""

from flask import g
from sqlalchemy import func, select

from app.extensions import db
from app.services import approvals, sla_alerts

#: template function name → fn(user) giving the SELECT whose rows are counted
BADGES = {
    "inbox_count": approvals.inbox_query,
    "sla_alert_count": sla_alerts.for_user_query,
}


def _counts(user) -> dict[str, int]:
    if "_badge_counts" not in g:
        subqueries = [
            select(func.count()).select_from(query(user).order_by(None).subquery()).scalar_subquery().label(name)
            for name, query in BADGES.items()
        ]
        row = db.session.execute(select(*subqueries)).one()
        g._badge_counts = dict(zip(BADGES, row, strict=True))
    return g._badge_counts


def _cached(name):
    def badge() -> int:
        user = getattr(g, "user", None)
        if user is None or not getattr(user, "is_authenticated", False):
            return 0
        return _counts(user)[name]

    return badge


def badge_context() -> dict:
    return {name: _cached(name) for name in BADGES}
