"""Sort keys of the list screens that are expressions over a row (issue 7).

The desk reads a list top down, so the first rows must be the ones to act on:
an open 急修 / 重大投诉 before an open 小修, and every open order before the
finished ones; a pending approval before a decided one. The expressions live
here, beside the models, because perf_indexes.py indexes exactly them (an
expression index only serves a query whose ORDER BY repeats it verbatim).
"""

from sqlalchemy import case

from app.models.approvals import Approval
from app.models.work_orders import WorkOrder

#: Open states of a work order (app/workflows/work_orders.py OPEN_STATES), spelled out
#: here so that the index DDL and the query render the same literal list.
_OPEN = ("accepted", "dispatched", "in_progress", "suspended", "rework")

#: 0 open 急修/重大 · 1 open 中修/重要 · 2 other open · 3 finished (completed, visited, closed).
WORK_ORDER_URGENCY = case(
    (WorkOrder.status.not_in(_OPEN), 3),
    (WorkOrder.severity.in_(("emergency", "major")), 0),
    (WorkOrder.severity.in_(("medium", "important")), 1),
    else_=2,
)

#: 0 pending (waiting for someone) · 1 decided or withdrawn.
APPROVAL_PENDING_FIRST = case((Approval.status == "pending", 0), else_=1)
