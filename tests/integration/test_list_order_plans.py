"""Issue 8 (performance): the lists' default orders are read from their index, in
order, not sorted per request. An expression index serves only a query that repeats
its expression with the same literals and keys: the work-order list once sent its
CASE with bound parameters and "NULLS LAST", and sorted a million rows per page
(5.7 s on the large dataset). The plan of the real page's query is asked of the
database (EXPLAIN), on SQLite and on PostgreSQL; the figures are in `make bench`.
"""

import sqlite3

import pytest
from sqlalchemy import create_engine, event, text

from app.extensions import db

#: (list page, its ordered table, the index that must serve the order)
PAGES = [
    ("/workorderview/list/", "work_order", "ix_work_order_urgency"),
    ("/approvalview/list/", "approval", "ix_approval_pending_due"),
    ("/householdview/list/", "household", "ix_building_natural"),
    ("/unitview/list/", "unit", "ix_building_natural"),
]


def _ordered_statement(app, client, url: str, table: str):
    """The page's SELECT … FROM <table> … ORDER BY (statement, parameters)."""
    seen = []

    def keep(_conn, _cursor, statement, parameters, _context, _many):
        if statement.lstrip().startswith("SELECT") and f"\nFROM {table} " in statement and "ORDER BY" in statement:
            seen.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", keep)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    assert seen, url
    return seen[-1]


def _plan(app, statement, parameters) -> str:
    with app.app_context():
        raw = db.engine.raw_connection()
        try:
            cur = raw.cursor()
            if db.engine.dialect.name == "postgresql":
                # a test table is tiny: without these PostgreSQL would scan and sort it whatever the index
                cur.execute("SET enable_seqscan = off")
                cur.execute("SET enable_sort = off")
                cur.execute("EXPLAIN " + statement, parameters)
            else:
                cur.execute("ANALYZE")  # what PRAGMA optimize keeps in production (app/__init__.py)
                cur.execute("EXPLAIN QUERY PLAN " + statement, parameters)
            return "\n".join(" ".join(str(c) for c in row) for row in cur.fetchall())
        finally:
            raw.rollback()
            raw.close()


@pytest.mark.parametrize(("url", "table", "index"), PAGES)
def test_default_order_is_read_from_its_index(app, logged_in, url, table, index):
    statement, parameters = _ordered_statement(app, logged_in("admin1"), url, table)
    plan = _plan(app, statement, parameters)
    assert index in plan, plan
    # SQLite may sort what follows the index's keys ("RIGHT PART OF ORDER BY": a unit's households
    # by name), never the whole list; PostgreSQL's plan has no full Sort node
    assert "TEMP B-TREE FOR ORDER BY" not in plan and "  Sort  " not in plan and not plan.startswith("Sort"), plan


def test_sqlite_keeps_its_planner_statistics_when_a_connection_closes(tmp_path):
    """Without ANALYZE's statistics SQLite takes "deleted_on IS NULL" for selective and sorts
    the whole table (the plan above, unanalysed); closing a connection runs PRAGMA optimize."""
    import app  # noqa: F401 - the pool listeners

    path = tmp_path / "stats.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, deleted_on TEXT, k INTEGER)"))
        conn.execute(text("CREATE INDEX ix_t_deleted_on ON t (deleted_on)"))
        conn.execute(text("INSERT INTO t (k) VALUES (:k)"), [{"k": i} for i in range(500)])
    with engine.connect() as conn:
        conn.execute(text("SELECT id FROM t WHERE deleted_on IS NULL ORDER BY k LIMIT 5")).all()
    engine.dispose()
    stats = sqlite3.connect(path).execute("SELECT tbl, idx FROM sqlite_stat1").fetchall()
    assert ("t", "ix_t_deleted_on") in stats
