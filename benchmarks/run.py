"""`make bench`: list pages, desk, export and bill generation on the large dataset.

    LARGE_DATABASE_URL=sqlite:////path/large.db .venv/bin/python -m benchmarks.run [--repeat 20]

Prints one line per figure with its target and PASS/MISS and writes
benchmarks/results-<sqlite|postgresql>.json. The dataset comes from
`flask --app run seed-large`. The dashboard is measured after the list pages. Bill generation writes one period and then
deletes it again, so the dataset stays as loaded.
"""

import argparse
import json
import os
import platform
import sys
import time
from datetime import datetime
from pathlib import Path

from benchmarks import checks
from benchmarks.default_fab import fab_security
from benchmarks.measure import QueryCounter, peak_rss_growth, time_requests
from benchmarks.pages import DASHBOARD_PAGES, DEFAULT_FAB_PAGE, OURS_SAME_PAGE, pages

HERE = Path(__file__).resolve().parent


def make_app(url: str):
    from app import create_app
    from app.gc_tuning import freeze_startup_objects
    from benchmarks import default_fab
    from config import DevelopmentConfig

    cfg = type("BenchConfig", (DevelopmentConfig,), {
        "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
    app = create_app(cfg)
    with app.app_context():
        default_fab.register(app.appbuilder)
    freeze_startup_objects()  # as run.py does for gunicorn
    return app


def password_for(username: str) -> str:
    return "demo-frontdesk" if username == "frontdesk2" else f"demo-{username.rstrip('0123456789')}"


class Clients:
    def __init__(self, app):
        self.app, self.clients = app, {}

    def __call__(self, username):
        if username not in self.clients:
            client = self.app.test_client()
            r = client.post("/login/", data={"username": username, "password": password_for(username)})
            assert r.status_code == 302, f"login {username}: {r.status_code}"
            self.clients[username] = client
        return self.clients[username]


def measure_pages(app, counter, repeat, only=()) -> dict:
    from sqlalchemy import select

    from app.extensions import db
    from app.models.estate import ServiceCenter

    with app.app_context():
        center_id = db.session.scalar(select(ServiceCenter.id).where(ServiceCenter.code == "SC05"))
    clients, results = Clients(app), {}
    for name, user, url in pages(center_id):
        if only and not any(word in name for word in only):
            continue
        results[name] = {"user": user, "url": url, **time_requests(clients(user), url, counter, repeat)}
        print(checks.page_line(name, results[name]), flush=True)
    if only:  # a re-run of some pages: no comparison with default FAB
        return results
    name, user, url = DEFAULT_FAB_PAGE
    with app.app_context():
        sm = app.appbuilder.sm
    with fab_security(sm):  # ~20 s a request on the large dataset: 3 requests are enough to show it
        results[name] = {"user": user, "url": url, "repeat": min(repeat, 3),
                         **time_requests(clients(user), url, counter, min(repeat, 3))}
    print(checks.page_line(name, results[name], target=False), flush=True)
    print(checks.compare_line(results[OURS_SAME_PAGE], results[name]), flush=True)
    for deep, (deep_ms, first_ms) in checks.deep_page_misses(results).items():
        ok = deep_ms <= checks.DEEP_PAGE_FACTOR * first_ms
        print(f"{deep + ' vs first page':55} {deep_ms:.1f} vs {first_ms:.1f} ms  (≤{checks.DEEP_PAGE_FACTOR}×)  "
              f"{'PASS' if ok else 'MISS'}", flush=True)
    return results


def measure_dashboard(app, counter, repeat) -> dict:
    """经营看板 as a centre manager (one centre) and as gm/admin (every centre)."""
    clients, results = Clients(app), {}
    for name, user, url in DASHBOARD_PAGES:
        results[name] = {"user": user, "url": url, **time_requests(clients(user), url, counter, repeat)}
        print(checks.dashboard_line(name, results[name]), flush=True)
    return results


def measure_export(app) -> dict:
    client = Clients(app)("admin1")
    with peak_rss_growth() as figure:
        response = client.get("/householdview/export/")
        body = response.data
    figure.update(status=response.status_code, bytes=len(body), rows=_xlsx_rows(body))
    return figure


def _xlsx_rows(body: bytes) -> int | None:
    import io

    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
        return sheet.max_row - 1
    except Exception:  # noqa: BLE001 - a figure, not a test
        return None


def measure_generation(app) -> dict:
    from sqlalchemy import delete, func, select

    from app.extensions import db
    from app.models.audit import AuditLog
    from app.models.billing import Bill
    from app.models.estate import Household
    from app.services.billing import generate

    with app.app_context():
        last = db.session.scalar(select(func.max(Bill.period)))
        year, month = (int(x) for x in last.split("-"))
        period = f"{year + month // 12:04d}-{month % 12 + 1:02d}"
        households = db.session.scalar(
            select(func.count()).select_from(Household).where(Household.deleted_on.is_(None)))
        started_at = datetime.now().replace(microsecond=0)
        started = time.perf_counter()
        created = generate(period)
        seconds = round(time.perf_counter() - started, 2)
        db.session.execute(delete(Bill).where(Bill.period == period))
        db.session.execute(delete(AuditLog).where(AuditLog.table_name == "bill", AuditLog.at >= started_at))
        db.session.commit()
    return {"period": period, "households": households, "bills": created, "seconds": seconds}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=os.environ.get("LARGE_DATABASE_URL"))
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--skip", default="", help="comma list of: pages,export,generation")
    parser.add_argument("--only", default="", help="comma list of words: measure only the pages whose name "
                        "holds one (e.g. desk,inbox), print them, and leave results-*.json alone")
    args = parser.parse_args(argv)
    url = args.database_url or f"sqlite:///{Path(os.environ.get('INSTANCE_PATH') or 'instance').resolve()}/large.db"
    app = make_app(url)
    from app.extensions import db

    with app.app_context():
        counter = QueryCounter(db.engine)
        dialect = db.engine.dialect.name
    print(f"benchmark on {dialect} ({url.split('@')[-1]}), {args.repeat} requests per page", flush=True)
    skip = set(filter(None, args.skip.split(",")))
    results = {"database": dialect, "when": datetime.now().isoformat(timespec="seconds"),
               "machine": f"{platform.machine()} {os.cpu_count()} cpu", "repeat": args.repeat}
    only = tuple(filter(None, args.only.split(",")))
    if only:
        measure_pages(app, counter, args.repeat, only)
        return 0
    if "pages" not in skip:
        results["pages"] = measure_pages(app, counter, args.repeat)
        results["dashboard"] = measure_dashboard(app, counter, args.repeat)
    if "export" not in skip:
        results["export"] = measure_export(app)
        print(checks.export_line(results["export"]), flush=True)
    if "generation" not in skip:
        results["generation"] = measure_generation(app)
        print(checks.generation_line(results["generation"]), flush=True)
    results["misses"] = checks.misses(results)
    out = HERE / f"results-{dialect}.json"
    out.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n")
    print(f"{len(results['misses'])} figure(s) miss their target; results in {out.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
