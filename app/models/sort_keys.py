"""Sort keys of the list screens that are expressions over a row (issue 7).

The desk reads a list top down, so the first rows must be the ones to act on:
an open 急修 / 重大投诉 before an open 小修, and every open order before the
finished ones; a pending approval before a decided one. The expressions live
here, beside the models, because perf_indexes.py indexes exactly them (an
expression index only serves a query whose ORDER BY repeats it verbatim).
"""

from sqlalchemy import case, literal_column

from app.models.approvals import Approval
from app.models.work_orders import WorkOrder


def _literal(value):
    """A constant written into the SQL, not a bound parameter: SQLite matches an
    expression index only against the same literal text ("status IN (?, ?)" never
    matches the index's "status IN ('a', 'b')": the work-order list sorted 1M rows,
    5.7 s, issue 8)."""
    return literal_column(repr(value) if isinstance(value, str) else str(int(value)))


def _literals(values):
    return [_literal(v) for v in values]

#: Open states of a work order (app/workflows/work_orders.py OPEN_STATES), spelled out
#: here so that the index DDL and the query render the same literal list.
_OPEN = ("accepted", "dispatched", "in_progress", "suspended", "rework")

#: 0 open 急修/重大 · 1 open 中修/重要 · 2 other open · 3 finished (completed, visited, closed).
WORK_ORDER_URGENCY = case(
    (WorkOrder.status.not_in(_literals(_OPEN)), _literal(3)),
    (WorkOrder.severity.in_(_literals(("emergency", "major"))), _literal(0)),
    (WorkOrder.severity.in_(_literals(("medium", "important"))), _literal(1)),
    else_=_literal(2),
)
#: orders without a completion deadline after those with one. "NULLS LAST" is no key an
#: index serves on SQLite (its NULLs sort first), "IS NULL" is: false (0) before true (1).
WORK_ORDER_NO_DEADLINE = WorkOrder.complete_due.is_(None)

#: 0 pending (waiting for someone) · 1 decided or withdrawn.
APPROVAL_PENDING_FIRST = case((Approval.status == _literal("pending"), _literal(0)), else_=_literal(1))
APPROVAL_NO_DEADLINE = Approval.due_at.is_(None)
