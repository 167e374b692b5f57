"""Counts shown as badges in the menu (待我审批, 时限预警), computed at most once a request."""

from flask import g

from app.services import approvals, sla_alerts

#: template function name → fn(user) -> int
BADGES = {
    "inbox_count": approvals.inbox_count,
    "sla_alert_count": sla_alerts.count_for,
}


def _cached(name, count):
    def badge() -> int:
        user = getattr(g, "user", None)
        if user is None or not getattr(user, "is_authenticated", False):
            return 0
        key = f"_badge_{name}"
        if key not in g:
            setattr(g, key, count(user))
        return getattr(g, key)

    return badge


def badge_context() -> dict:
    return {name: _cached(name, count) for name, count in BADGES.items()}
