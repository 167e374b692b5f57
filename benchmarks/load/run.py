"""Run the load test against gunicorn on 127.0.0.1 and account for every write.

    python -m benchmarks.load.run --users 50 --time 120 --db sqlite
    python -m benchmarks.load.run --users 50 --time 120 --db postgresql+psycopg2://postgres@127.0.0.1/wt_x

`--db sqlite` builds a fresh SQLite file (migrated and seeded by the CLI, as an
operator does); a PostgreSQL URL is wiped (schema public dropped), migrated and
seeded. `run_load(db_url, ...)` takes a database that is ready (the pytest form
uses the test session's). After the run the rows created are counted per kind
and must equal the writes locust saw succeed — exactly, not roughly. Exit code 0
only with zero 5xx, zero dropped connections and every write accounted for.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.live_server import REPO_ROOT, gunicorn

HERE = Path(__file__).resolve().parent
COUNTS = {
    "workorder create": "SELECT count(*) FROM work_order WHERE contact_name = :mark",
    "workorder dispatch": "SELECT count(*) FROM work_order_event e JOIN work_order w ON w.id = e.order_id "
                          "WHERE w.contact_name = :mark AND e.action = 'dispatch'",
    "workorder start": "SELECT count(*) FROM work_order_event WHERE action = 'start'",
    "workorder complete": "SELECT count(*) FROM work_order_event WHERE action = 'complete'",
    "payment": "SELECT count(*) FROM payment",
    "approval approve": "SELECT count(*) FROM approval_event WHERE action = 'approve'",
}


def counts(db_url: str, mark: str) -> dict:
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return {k: conn.execute(text(q), {"mark": mark}).scalar() for k, q in COUNTS.items()}
    finally:
        engine.dispose()


def user_ids(db_url: str, *names) -> dict:
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT username, id FROM ab_user"))
            return {u: i for u, i in rows if u in names}
    finally:
        engine.dispose()


def p95(times: list) -> float:
    if not times:
        return 0.0
    ordered = sorted(times)
    return float(ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))])


def run_load(db_url: str, users: int, seconds: int, workdir: Path, workers: int = 3, spawn_rate: float = 10) -> dict:
    """One headless locust run; returns the figures and whether every write is accounted for."""
    run_id = uuid.uuid4().hex[:8]
    mark = f"压测{run_id}"
    before = counts(db_url, mark)
    techs = user_ids(db_url, "technician1", "technician2")
    summary = workdir / f"summary-{run_id}.json"
    with gunicorn(db_url, workdir / f"gunicorn-{run_id}.log", workers=workers) as (base, _):
        env = {**os.environ, "LOAD_RUN_ID": run_id, "LOAD_SUMMARY": str(summary),
               "LOAD_TECH_SC01": str(techs.get("technician1", "")), "LOAD_TECH_SC02": str(techs.get("technician2", ""))}
        started = time.monotonic()
        subprocess.run(  # noqa: S603 - our own locust, loopback host
            [sys.executable, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless", "-u", str(users),
             "-r", str(spawn_rate), "-t", f"{seconds}s", "--host", base, "--csv", str(workdir / f"locust-{run_id}"),
             "--only-summary", "--stop-timeout", "15", "--loglevel", "WARNING"],
            cwd=REPO_ROOT, env=env, check=False, timeout=seconds + 180)
        wall = time.monotonic() - started
    after = counts(db_url, mark)
    data = json.loads(summary.read_text())
    created = {k: after[k] - before[k] for k in COUNTS}
    reported = {k: data["writes"].get(k, 0) for k in COUNTS}
    status = {int(k): v for k, v in data["status"].items()}
    return {
        "db": db_url.split(":", 1)[0], "users": users, "seconds": seconds, "wall_s": round(wall, 1),
        "requests": sum(status.values()), "p95_ms": round(p95(data["times"]), 1),
        "median_ms": round(sorted(data["times"])[len(data["times"]) // 2], 1) if data["times"] else 0,
        "status": dict(sorted(status.items())),
        "5xx": sum(v for k, v in status.items() if k >= 500), "dropped": status.get(0, 0),
        "writes_reported": reported, "rows_created": created, "writes_accounted": created == reported,
    }


def prepare(db: str, workdir: Path) -> str:
    """A migrated, seeded database for the full form."""
    if db == "sqlite":
        url = f"sqlite:///{workdir / 'load.db'}"
    else:
        url = db
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    env = {k: v for k, v in os.environ.items() if k not in ("APP_ENV", "TEST_DATABASE_URL")}
    env.update(DATABASE_URL=url, INSTANCE_PATH=str(workdir))
    for args in (["db", "upgrade"], ["seed"]):
        subprocess.run([sys.executable, "-m", "flask", "--app", "run", *args], cwd=REPO_ROOT, env=env,  # noqa: S603
                       check=True, capture_output=True, timeout=3600)  # a loaded machine seeds slowly
    return url


def report(figures: dict) -> str:
    return (f"[{figures['db']}] {figures['users']} users × {figures['seconds']} s: {figures['requests']} requests, "
            f"p95 {figures['p95_ms']} ms (median {figures['median_ms']} ms), 5xx {figures['5xx']}, "
            f"dropped {figures['dropped']}, status {figures['status']}\n"
            f"  writes reported {figures['writes_reported']}\n  rows created    {figures['rows_created']}\n"
            f"  writes accounted: {'YES' if figures['writes_accounted'] else 'NO'}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--time", type=int, default=120, help="seconds")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--db", action="append", help="sqlite or a PostgreSQL URL (repeatable)")
    parser.add_argument("--out", default=str(HERE / "results.json"))
    args = parser.parse_args(argv)
    results, ok = [], True
    for db in args.db or ["sqlite"]:
        with tempfile.TemporaryDirectory(prefix="load-") as tmp:
            url = prepare(db, Path(tmp))
            figures = run_load(url, args.users, args.time, Path(tmp), workers=args.workers)
        figures["when"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        figures["load_average"] = os.getloadavg()
        print(report(figures), flush=True)
        results.append(figures)
        Path(args.out).write_text(json.dumps(results, ensure_ascii=False, indent=1))  # kept if a later db fails
        ok = ok and figures["5xx"] == 0 and figures["dropped"] == 0 and figures["writes_accounted"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
