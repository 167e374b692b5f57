"""The work-order desk's queries (工单台 / 我的工单): one page of open orders, most
urgent first, and the counts on its filter buttons in one aggregate query.

The desk used to load the 300 most urgent orders and sort them into overdue and
the rest in Python; rendering 300 rows cost more than a desk user reads (perf,
issue 8). Now "overdue" is also an SQL expression, so the database orders,
counts and filters by it and the page holds DESK_PAGE_SIZE orders.

`overdue_clause` mirrors `work_orders.clock_status` (any deadline missed: late,
or past due and not done) for the six deadline columns, including its special
cases. The one clock it cannot see is the complaint-return clock (computed from
the event log and the centre's working calendar): such an order is still
marked red on its row (the row's flag comes from clock_status), it is only
sorted and counted with the orders in time. tests/integration/test_desk_paging.py
checks that the two agree.
"""

from datetime import datetime

from flask_appbuilder.security.sqla.models import User
from sqlalchemy import and_, case, func, literal_column, not_, or_, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models.work_orders import WorkOrder
from app.services import records
from app.services.paging import Page, clamp
from app.services.work_orders import due_within
from app.workflows.work_orders import ANSWERABLE_KINDS, OPEN_STATES

DESK_PAGE_SIZE = 50
#: open orders plus the completed ones waiting for their callback
DESK_STATES = OPEN_STATES | {"completed"}
FILTERS = ("overdue", "due_soon")


def _on_desk(states=DESK_STATES):
    """status IN (open states), marked as selective for SQLite's planner: its statistics only
    know "125k orders per status" (closed holds 99 %), so for six states it scanned the whole
    million-row table (3.9 s) instead of reading the ~6k open orders from the status index.
    likelihood() is a no-op at run time; PostgreSQL has real histograms and needs no hint."""
    clause = WorkOrder.status.in_(sorted(states))
    if db.session.get_bind().dialect.name == "sqlite":
        return func.likelihood(clause, literal_column("0.01"))
    return clause


def _late(due, done_missing, done, now):
    """A deadline missed: past due and not done, or done after it."""
    return and_(due.is_not(None), or_(and_(done_missing, due < now), and_(not_(done_missing), done > due)))


def overdue_clause(now: datetime):
    """SQL for "some deadline of this order was missed" (see the module docstring)."""
    w = WorkOrder
    not_dispatched = w.dispatched_at.is_(None)
    rework_arranged_before_callback = and_(w.callback_at.is_not(None), w.rework_dispatched_at < w.callback_at)
    rework_missing = or_(w.rework_dispatched_at.is_(None), rework_arranged_before_callback)
    callback_before_rework = and_(w.rework_completed_at.is_not(None), w.callback_at.is_not(None),
                                  w.visited_at <= w.callback_at)
    callback_missing = or_(w.visited_at.is_(None), callback_before_rework)
    # a suspended order's completion clock is paused: due + (now - suspended_at) < now ⇔ suspended_at > due
    complete_late = and_(w.complete_due.is_not(None), or_(
        and_(w.completed_at.is_(None), w.suspended_at.is_(None), w.complete_due < now),
        and_(w.completed_at.is_(None), w.suspended_at.is_not(None), w.complete_due < w.suspended_at),
        and_(w.completed_at.is_not(None), w.completed_at > w.complete_due)))
    return or_(
        and_(w.dispatch_due.is_not(None), or_(
            and_(not_dispatched, w.kind.not_in(ANSWERABLE_KINDS), w.dispatch_due < now),
            and_(not_(not_dispatched), w.dispatched_at > w.dispatch_due))),
        _late(w.respond_due, w.responded_at.is_(None), w.responded_at, now),
        _late(w.onsite_due, w.arrived_at.is_(None), w.arrived_at, now),
        complete_late,
        _late(w.callback_due, callback_missing, w.visited_at, now),
        _late(w.rework_due, rework_missing, w.rework_dispatched_at, now),
    )


def _filter_criteria(only: str | None, now: datetime) -> list:
    if only == "overdue":
        return [overdue_clause(now)]
    if only == "due_soon":
        return list(due_within(1, now))
    return []


def tally(now: datetime, *criteria) -> tuple[dict[str, int], list[tuple[str, int]]]:
    """The counts on the desk's buttons (all, overdue, due within the hour) and each technician's
    open orders (username, n), from one aggregate query grouped by assignee: one pass over the
    open orders instead of one for the counts and one for the load (perf, issue 8)."""
    soon = and_(*due_within(1, now))
    open_ = WorkOrder.status.in_(sorted(OPEN_STATES))
    stmt = (records.scoped_select(WorkOrder)
            .with_only_columns(User.username, func.count(),
                               func.sum(case((overdue_clause(now), 1), else_=0)),
                               func.sum(case((soon, 1), else_=0)),
                               func.sum(case((open_, 1), else_=0)))
            .outerjoin(User, User.id == WorkOrder.assignee_id)
            .where(_on_desk(), *criteria)
            .group_by(User.username).order_by(User.username))
    counts, load = {"all": 0, "overdue": 0, "due_soon": 0}, []
    for name, n, late, due_soon, still_open in db.session.execute(stmt).all():
        counts["all"] += int(n)
        counts["overdue"] += int(late or 0)
        counts["due_soon"] += int(due_soon or 0)
        if name is not None and still_open:
            load.append((name, int(still_open)))
    return counts, load


def desk_page(now: datetime, *criteria, only: str | None = None, page: int = 0,
              size: int | None = None) -> Page:
    """One page of the desk: overdue first, then by completion deadline (none last), then id.

    The page's ids come first (status index, no joins), then those rows with their joined
    household, unit and assignee: sorting thousands of open orders after joining each one
    cost ~0.2 s on a million orders, and PostgreSQL planned "id IN (subquery)" as a hash
    join over every order (9 s), hence a list of ids."""
    size = size or DESK_PAGE_SIZE
    counts, load = tally(now, *criteria)
    total = counts["all"] if only not in FILTERS else counts[only]
    page = clamp(page, total, size)
    late_first = case((overdue_clause(now), 0), else_=1)
    ids = db.session.scalars(
        records.scoped_select(WorkOrder).with_only_columns(WorkOrder.id)
        .where(_on_desk(), *criteria, *_filter_criteria(only, now))
        .order_by(late_first, WorkOrder.complete_due.asc().nulls_last(), WorkOrder.id)
        .limit(size).offset(page * size)).all()
    # the assignee's centres (selectin on every User) are not shown: a page with no assigned
    # order would cost one query less than one with some (the counts test pins them equal)
    rows = db.session.scalars(select(WorkOrder).where(WorkOrder.id.in_(ids))
                              .options(joinedload(WorkOrder.assignee).lazyload(User.centers))
                              ).unique().all() if ids else []
    by_id = {o.id: o for o in rows}
    return Page([by_id[i] for i in ids if i in by_id], total, page, size, counts={**counts, "load": load})
