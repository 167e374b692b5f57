"""Issue 9 §6 backup and restore (DESIGN "CLI: backup"): `flask backup` copies the
SQLite database consistently while another connection keeps writing, and the
copy, opened as a database, holds every row committed before the backup."""

import sqlite3
import threading
import time

import pytest
from sqlalchemy import create_engine, text

from app.services.backup import BackupError, backup


@pytest.fixture()
def live_db(tmp_path):
    path = tmp_path / "live.db"
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    con.executemany("INSERT INTO t (v) VALUES (?)", [(f"row{i}",) for i in range(5000)])
    con.commit()
    con.close()
    return path


def test_backup_while_writing_is_consistent_and_restorable(live_db, tmp_path):
    stop = threading.Event()

    def writer():
        con = sqlite3.connect(live_db, timeout=30)
        n = 0
        while not stop.is_set() and n < 2000:
            con.execute("INSERT INTO t (v) VALUES (?)", (f"late{n}",))
            con.commit()
            n += 1
        con.close()

    thread = threading.Thread(target=writer)
    thread.start()
    time.sleep(0.05)
    target = backup(f"sqlite:///{live_db}", tmp_path / "copy.db")
    stop.set()
    thread.join()
    copy = sqlite3.connect(target)
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    ids = [r[0] for r in copy.execute("SELECT id FROM t ORDER BY id")]
    # A snapshot: every original row, and a gap-free prefix of the concurrent inserts.
    assert len(ids) >= 5000 and ids == list(range(1, len(ids) + 1))
    assert copy.execute("SELECT count(*) FROM t WHERE v LIKE 'row%'").fetchone()[0] == 5000


def test_backup_refuses_to_overwrite_and_reports_a_missing_database(live_db, tmp_path):
    target = backup(f"sqlite:///{live_db}", tmp_path / "copy.db")
    with pytest.raises(BackupError, match="exists"):
        backup(f"sqlite:///{live_db}", target)
    with pytest.raises(BackupError, match="not found"):
        backup(f"sqlite:///{tmp_path / 'nope.db'}", tmp_path / "x.db")
    assert not (tmp_path / "x.db").exists()


def test_backup_command_copies_the_app_database_and_every_row(app, tmp_path):
    """The CLI on the test database (SQLite or PostgreSQL via pg_dump)."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("postgresql"):
        import shutil

        if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
            pytest.skip("pg_dump/pg_restore not installed")
    target = tmp_path / ("app-copy.db" if url.startswith("sqlite") else "app.dump")
    result = app.test_cli_runner().invoke(args=["backup", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert target.exists() and target.stat().st_size > 0
    live = create_engine(url)
    with live.connect() as c:
        tables = ("service_center", "household", "work_order", "employee")
        expected = {t: c.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in tables}
    live.dispose()
    if url.startswith("sqlite"):
        restored = sqlite3.connect(target)
        got = {t: restored.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}  # noqa: S608
    else:
        got = _restore_pg(url, target, tables)
    assert got == expected and expected["household"] > 0


def _restore_pg(url, dump, tables):
    import subprocess

    from sqlalchemy.engine import make_url

    u = make_url(url)
    name = f"{u.database}_restore"
    admin = create_engine(u.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        subprocess.run(["pg_restore", "--no-owner", f"--host={u.host}", f"--port={u.port or 5432}",  # noqa: S603,S607
                        f"--username={u.username}", f"--dbname={name}", str(dump)], check=True)
        restored = create_engine(u.set(database=name))
        with restored.connect() as c:
            got = {t: c.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in tables}
        restored.dispose()
        return got
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
