"""Issue 8: the work-order desk shows one page of open orders, most urgent first
(overdue, then by completion deadline), with the counts on its filter buttons;
the SQL that orders and counts "overdue" agrees with the deadline table of
each order's detail page (services/work_orders.clock_status)."""

import re
from datetime import timedelta

from sqlalchemy import select

from app import timeutil
from app.extensions import db
from app.models.work_orders import WorkOrder
from app.services import work_order_desk as desk
from app.services.work_orders import clock_status
from tests import factories

ROW = re.compile(r'<tr class="(danger|)">\s*<td><a href="/workorderview/show/(\d+)">')


def _python_overdue(order, now) -> bool:
    """The detail page's rule, without the complaint-return clock (not in SQL, see work_order_desk)."""
    return any(c["met"] is False for c in clock_status(order, now) if c["clock"] != "return")


def test_sql_overdue_agrees_with_the_deadline_table_at_several_moments(ctx):
    orders = db.session.scalars(select(WorkOrder)).unique().all()
    # the demo holds the special cases the SQL mirrors: paused clocks, reworks, desk-answered kinds
    assert any(o.suspended_at for o in orders) and any(o.callback_at for o in orders)
    assert any(o.kind in ("consult", "help") and o.dispatched_at is None for o in orders)
    base = timeutil.now()
    for shift in (timedelta(0), timedelta(hours=2), timedelta(days=2), timedelta(days=-20)):
        now = base + shift
        sql = set(db.session.scalars(select(WorkOrder.id).where(desk.overdue_clause(now))))
        python = {o.id for o in orders if _python_overdue(o, now)}
        assert sql == python, (shift, sorted(sql - python)[:5], sorted(python - sql)[:5])
        assert 0 < len(sql) < len(orders), shift


def test_pages_hold_every_desk_order_once_overdue_first(ctx):
    now = timeutil.now()   # outside a request: the system's scope, every centre
    first = desk.desk_page(now, size=7)
    seen = [o for n in range(first.pages) for o in desk.desk_page(now, page=n, size=7).rows]
    open_ids = set(db.session.scalars(select(WorkOrder.id).where(
        WorkOrder.status.in_(desk.DESK_STATES), WorkOrder.deleted_on.is_(None))))
    assert first.total == first.counts["all"] == len(open_ids) > 14 and first.pages == -(-len(open_ids) // 7)
    assert [o.id for o in seen if o.id in open_ids] == [o.id for o in seen] and {o.id for o in seen} == open_ids
    late = [_python_overdue(o, now) for o in seen]
    assert late == sorted(late, reverse=True) and first.counts["overdue"] == sum(late) > 0
    rest = [o.complete_due for o in seen if not _python_overdue(o, now)]
    dated = [d for d in rest if d is not None]
    assert dated == sorted(dated) and rest[:len(dated)] == dated  # by deadline, orders without one last


def _rows(page: str) -> list[tuple[bool, int]]:
    return [(flag == "danger", int(pk)) for flag, pk in ROW.findall(page)]


def test_the_desk_pages_fifty_orders_with_counts_and_a_next_link(app, logged_in):
    with app.app_context():
        center, unit = factories.center("SC01"), factories.unit("SC01")
        received = timeutil.now() - timedelta(days=3)   # long overdue: each lands on the first page
        for n in range(60):
            db.session.add(WorkOrder(order_no=f"WOP{n:07d}", kind="repair", severity="minor", source="phone",
                                     center_id=center.id, unit_id=unit.id, description="分页测试",
                                     status="accepted", received_at=received, dispatch_due=received,
                                     complete_due=received + timedelta(hours=n)))
        db.session.commit()
        ours = set(db.session.scalars(select(WorkOrder.id).where(WorkOrder.order_no.like("WOP%"))))
    try:
        c = logged_in("frontdesk1")
        page = c.get("/desk/").get_data(as_text=True)
        rows = _rows(page)
        assert len(rows) == desk.DESK_PAGE_SIZE and all(late for late, _pk in rows)
        total = int(re.search(r'desk-count-all">(\d+)<', page).group(1))
        overdue = int(re.search(r'desk-count-overdue">(\d+)<', page).group(1))
        assert overdue >= 60 and total > overdue
        assert f"共 {total} 张工单，第 1 / {-(-total // 50)} 页" in page
        second = c.get("/desk/?page=1").get_data(as_text=True)
        more = _rows(second)
        assert more and not {pk for _l, pk in rows} & {pk for _l, pk in more}
        assert ours <= {pk for _l, pk in rows + more}   # the 60 overdue ones fill the first pages
        only_late = _rows(c.get("/desk/?filter=overdue&page=1").get_data(as_text=True))
        assert only_late and all(late for late, _pk in only_late)
        last = c.get("/desk/?page=999").get_data(as_text=True)   # past the end: the last page
        assert _rows(last) and 'rel="next"' not in last and 'rel="prev"' in last
        assert c.get("/desk/?page=x").status_code == 200
        other = logged_in("frontdesk2").get("/desk/").get_data(as_text=True)
        assert not ours & {pk for _l, pk in _rows(other)}   # SC02's desk: not ours
    finally:
        with app.app_context():
            db.session.execute(WorkOrder.__table__.delete().where(WorkOrder.id.in_(ours)))
            db.session.commit()
