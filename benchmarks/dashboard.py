"""The dashboard alone (issue 8), for working on it without the whole benchmark:

    LARGE_DATABASE_URL=sqlite:////path/large.db .venv/bin/python -m benchmarks.dashboard [--repeat 9] [--cold]

Times /dashboard/ as center_manager1, gm1 and admin1 like benchmarks.run (same
harness: one warm-up, median of `repeat`, queries of the last request), then
lists the slowest statements of one gm1 request with their milliseconds.
"""

import argparse
import os
import sys
import time

from sqlalchemy import event

from benchmarks.measure import QueryCounter
from benchmarks.run import Clients, make_app, measure_dashboard


def slowest_statements(app, engine, n: int) -> list[tuple[float, str]]:
    timings: list[tuple[float, str]] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info["dash_started"] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        timings.append(((time.perf_counter() - conn.info.pop("dash_started")) * 1000, statement))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        Clients(app)("gm1").get("/dashboard/")
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
    return sorted(timings, reverse=True)[:n]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=os.environ.get("LARGE_DATABASE_URL"))
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--slowest", type=int, default=5)
    parser.add_argument("--cold", action="store_true", help="arrears cache off: every request computes all")
    args = parser.parse_args(argv)
    app = make_app(args.database_url)
    if args.cold:
        app.config["DASHBOARD_ARREARS_SECONDS"] = 0
    from app.extensions import db

    with app.app_context():
        engine = db.engine
        counter = QueryCounter(engine)
    print(f"dashboard on {engine.dialect.name}, {args.repeat} requests per user"
          f"{', arrears cache off' if args.cold else ''}", flush=True)
    measure_dashboard(app, counter, args.repeat)
    for ms, statement in slowest_statements(app, engine, args.slowest):
        print(f"{ms:8.1f} ms  {' '.join(statement.split())[:160]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
