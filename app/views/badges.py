"""Counts shown as badges in the menu — 待我审批, 时限预警 and the 待办 bell with its
total (app/services/todos.py) — computed at most once a request, all in one
SELECT (perf, issue 8: one round trip on every page, however many kinds).

The same query under two names (待我审批 is also a 待办 kind) is counted once;
a kind the user's roles do not own has no query and counts 0 without SQL.
"""

from flask import g
from sqlalchemy import func, select

from app.extensions import db
from app.services import sla_alerts, todos

#: template function name → fn(user) giving the SELECT whose rows are counted (or None: 0)
BADGES = {
    "inbox_count": todos.pending_approvals,
    "sla_alert_count": sla_alerts.for_user_query,
    **{f"todo_{kind.key}": kind.query for kind in todos.KINDS},
}


def _count_of(stmt):
    return select(func.count()).select_from(stmt.order_by(None).subquery()).scalar_subquery()


def counts(user) -> dict[str, int]:
    """Every badge of this user, from one SELECT (cached on the request)."""
    if "_badge_counts" not in g:
        live = {}
        for fn in dict.fromkeys(BADGES.values()):
            stmt = fn(user)
            if stmt is not None:
                live[fn] = _count_of(stmt).label(f"n{len(live)}")
        row = db.session.execute(select(*live.values())).one() if live else ()
        by_query = dict(zip(live, row, strict=True))
        g._badge_counts = {name: by_query.get(fn, 0) for name, fn in BADGES.items()}
    return g._badge_counts


def todo_counts(user) -> dict[str, int]:
    """待办 kind → count, the numbers 待办与通知 shows beside each group."""
    found = counts(user)
    return {kind.key: found[f"todo_{kind.key}"] for kind in todos.KINDS}


def _signed_in():
    user = getattr(g, "user", None)
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _cached(name):
    def badge() -> int:
        user = _signed_in()
        return counts(user)[name] if user is not None else 0

    return badge


def todo_count() -> int:
    """The bell's number: every 待办 kind added up."""
    user = _signed_in()
    return sum(todo_counts(user).values()) if user is not None else 0


def badge_context() -> dict:
    return {**{name: _cached(name) for name in BADGES}, "todo_count": todo_count}
