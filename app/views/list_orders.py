"""Default orders of the lists that need more than one column (issue 7).

FAB orders by one column (and 500s on a relation), so a view names one of
these in `base_order` and lists it in `compound_orders`; ScopedInterface
calls it with the query and the direction. Each returns the ordered query;
"asc" is the desk's order, "desc" reverses every key. The id closes every
order so a page never repeats or skips a row.
"""

from sqlalchemy import asc, desc, func
from sqlalchemy.orm import aliased

from app.models.approvals import Approval
from app.models.estate import Building, Household, Unit
from app.models.sort_keys import (
    APPROVAL_NO_DEADLINE,
    APPROVAL_PENDING_FIRST,
    WORK_ORDER_NO_DEADLINE,
    WORK_ORDER_URGENCY,
)
from app.models.work_orders import WorkOrder


def _direction(ascending: bool):
    return asc if ascending else desc


def work_orders_by_urgency(query, ascending=True):
    """Open 急修/重大 first, then by the completion deadline (soonest first); finished orders last.
    Served by ix_work_order_urgency (app/models/perf_indexes.py), key for key."""
    d = _direction(ascending)
    return query.order_by(d(WORK_ORDER_URGENCY), d(WORK_ORDER_NO_DEADLINE), d(WorkOrder.complete_due), d(WorkOrder.id))


def approvals_by_due(query, ascending=True):
    """Pending first, the one due soonest on top; decided ones after, by their old due date."""
    d = _direction(ascending)
    return query.order_by(d(APPROVAL_PENDING_FIRST), d(APPROVAL_NO_DEADLINE), d(Approval.due_at), d(Approval.id))


def _natural(d, column):
    """'2栋' before '10栋', '101' before '1001': shorter text first, then the text."""
    return [d(func.length(column)), d(column)]


def households_by_room(query, ascending=True):
    """Building then room number in natural order, then the household's name, as the
    archive is filed (sorting on the relation itself gives 500 in FAB, so join aliases).
    The building's and the unit's ids follow their names, so each building's rooms come
    together (20 centres each have a 1栋) and SQLite walks ix_building_natural and
    ix_unit_natural in order instead of sorting 100k households (98 ms → 5 ms, issue 8)."""
    d = _direction(ascending)
    unit, building = aliased(Unit), aliased(Building)
    query = query.join(unit, Household.unit_id == unit.id).join(building, unit.building_id == building.id)
    return query.order_by(*_natural(d, building.name), d(building.id), *_natural(d, unit.room_no), d(unit.id),
                          d(Household.name), d(Household.id))


def units_by_room(query, ascending=True):
    """Rooms as on the building directory: building, then room number in natural order."""
    d = _direction(ascending)
    building = aliased(Building)
    query = query.join(building, Unit.building_id == building.id)
    return query.order_by(*_natural(d, building.name), d(building.id), *_natural(d, Unit.room_no), d(Unit.id))
