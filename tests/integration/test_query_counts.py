"""Issue 8 (performance): the number of SQL queries of every list page stays the
same when the page shows more rows and the related tables grow — no N+1 on
related columns, permission checks answered once per request, filter
dropdowns without counts. Not timed: the figures are in `make bench`.

The module loads a tiny slice of the large dataset (seeds/large.py: more
households, employees, work orders with assignees, bills with payments,
approvals) into the session database and removes it again afterwards.
"""

from contextlib import contextmanager

import pytest
from sqlalchemy import event, text

from app.extensions import db
from app.services import approval_inbox, work_order_desk
from seeds.large import Sizes, load_large
from tests import factories

MAX_QUERIES = 10
TINY = Sizes(centers=2, households=120, employees=80, work_orders=400, months=1, parking_spaces=10, approvals=80)

#: (name, user, url) — page size goes in psize_<View>
LISTS = [
    ("households", "admin1", "/householdview/list/?psize_HouseholdView={n}"),
    ("households SC01", "frontdesk1", "/householdview/list/?psize_HouseholdView={n}"),
    ("work orders", "admin1", "/workorderview/list/?psize_WorkOrderView={n}"),
    ("bills", "admin1", "/billview/list/?psize_BillView={n}"),
    ("bills SC01", "cashier1", "/billview/list/?psize_BillView={n}"),
    ("payments", "admin1", "/paymentview/list/?psize_PaymentView={n}"),
    ("employees", "admin1", "/employeeview/list/?psize_EmployeeView={n}"),
    ("approvals", "admin1", "/approvalview/list/?psize_ApprovalView={n}"),
]
#: the desk and the inbox: their page size is a module constant (_sized sets it)
FIXED = [
    ("approval inbox", "center_manager1", "/inbox/"),
    ("approval inbox page 2", "center_manager1", "/inbox/?page=1"),
    ("approval inbox SC01 supervisor", "supervisor1", "/inbox/"),
    ("work-order desk", "admin1", "/desk/"),
    ("work-order desk page 2", "admin1", "/desk/?page=1"),
    ("work-order desk overdue", "admin1", "/desk/?filter=overdue"),
    ("work-order desk SC01", "frontdesk1", "/desk/"),
    ("work-order desk due soon SC01", "frontdesk1", "/desk/?filter=due_soon"),
    ("my work orders", "technician1", "/desk/mine"),
]
_TABLES = ("payment_bill", "bill", "payment", "approval_event", "approval_step", "leave_request", "approval",
           "work_order", "employee", "household", "unit", "building", "parking_space", "charge_item",
           "service_center")


class Counter:
    def __init__(self, engine):
        self.n = 0
        self.engine = engine
        event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, *args):
        self.n += 1

    def close(self):
        event.remove(self.engine, "before_cursor_execute", self._count)


def _queries(client, counter, url) -> int:
    client.get(url)  # warm: first-request work (babel, templates) is not the page's
    counter.n = 0
    r = client.get(url)
    assert r.status_code == 200, url
    return counter.n


@contextmanager
def _sized(n: int):
    """The desk and the inbox with n rows a page (50 in the app)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(work_order_desk, "DESK_PAGE_SIZE", n)
        mp.setattr(approval_inbox, "INBOX_PAGE_SIZE", n)
        yield


def _measure(client, counter, n: int) -> dict[str, int]:
    with _sized(n):
        return {name: _queries(client(u), counter, url.format(n=n)) for name, u, url in LISTS + FIXED}


@pytest.fixture(scope="module")
def counts(app):
    """Queries per page before the load (page size 10) and after it (page sizes 10 and 50)."""
    from tests.conftest import login

    clients = {}

    def client(user):
        if user not in clients:
            clients[user] = app.test_client()
            login(clients[user], user)
        return clients[user]

    with app.app_context():
        counter = Counter(db.engine)
        before = _measure(client, counter, 10)
        marks = _marks()
        load_large(TINY)
        _spread_cashiers(marks["payment"])
        factories.pending_approvals("SC01", "supervisor", 5, 60)  # the bulk load leaves 2 % pending
        ten, fifty = _measure(client, counter, 10), _measure(client, counter, 50)
        after = {name: (ten[name], fifty[name]) for name in ten}
        counter.close()
        yield before, after
        _remove(marks)


def _marks() -> dict:
    with db.engine.connect() as conn:
        marks = {t: conn.execute(text(f"SELECT COALESCE(MAX(id), 0) FROM {t}")).scalar() for t in _TABLES}  # noqa: S608
        marks["ab_user"] = conn.execute(text("SELECT MAX(id) FROM ab_user")).scalar()
        marks["receipts"] = conn.execute(text("SELECT id, last_no FROM receipt_sequence")).all()
    return marks


def _spread_cashiers(after_id: int) -> None:
    """Bulk payments have no cashier: give them many, so a per-row cashier lookup would show."""
    with db.engine.begin() as conn:
        users = [row[0] for row in conn.execute(text("SELECT id FROM ab_user ORDER BY id"))]
        for i, uid in enumerate(users):
            conn.execute(text("UPDATE payment SET cashier_id = :u WHERE id > :m AND id % :k = :i"),
                         {"u": uid, "m": after_id, "k": len(users), "i": i})


def _remove(marks: dict) -> None:
    """Undo the load, children first, so later test modules see the demo data only."""
    with db.engine.begin() as conn:
        for table in _TABLES:
            conn.execute(text(f"DELETE FROM {table} WHERE id > :m"), {"m": marks[table]})  # noqa: S608
        for table in ("user_center", "ab_user_role"):
            conn.execute(text(f"DELETE FROM {table} WHERE user_id > :m"), {"m": marks["ab_user"]})  # noqa: S608
        conn.execute(text("DELETE FROM ab_user WHERE id > :m"), {"m": marks["ab_user"]})
        kept = [row[0] for row in marks["receipts"]]
        conn.execute(text("DELETE FROM receipt_sequence WHERE id NOT IN (%s)" % (",".join(map(str, kept)) or "0")))  # noqa: S608,UP031
        for rid, last in marks["receipts"]:
            conn.execute(text("UPDATE receipt_sequence SET last_no = :n WHERE id = :i"), {"n": last, "i": rid})


@pytest.mark.parametrize("name", [n for n, _u, _url in LISTS + FIXED])
def test_list_page_queries_do_not_grow_with_page_size_or_related_rows(counts, name):
    """DESIGN/issue 8: 50 rows with 50 different households, units, assignees … cost the same queries as 10."""
    before, after = counts
    ten, fifty = after[name]
    assert ten == fifty <= MAX_QUERIES, (name, ten, fifty)
    assert before[name] == ten, (name, before[name], ten)


def test_the_desk_shows_more_rows_at_the_larger_page_size(counts, app):
    """The constant counts above compare pages of really different lengths (10 rows vs more)."""
    from tests.conftest import login

    def rows(user, url, marker, n):
        client = app.test_client()
        login(client, user)
        with _sized(n):
            r = client.get(url)
        assert r.status_code == 200, (user, url, r.status_code)
        return r.get_data(as_text=True).count(marker)

    desk = [rows("admin1", "/desk/", "/workorderview/show/", n) for n in (10, 50)]
    assert desk[0] == 10 < desk[1], desk
    # The inbox's page size is covered by test_inbox_paging: in this module the inbox pages came out
    # empty after the bulk load even with the 65 pending supervisor steps added above (not yet
    # explained, see the perf report), so its constant counts here are not yet over full pages.
