"""`flask backup`: a consistent copy of the database while the app keeps running.

SQLite: the online backup API (sqlite3.Connection.backup) copies page by page
under SQLite's own locking, so a copy taken while gunicorn workers write is a
consistent snapshot, never a torn file (copying app.db with cp is not: the
WAL file holds the latest commits). PostgreSQL: `pg_dump --format=custom`,
which runs in one repeatable-read transaction; restore with `pg_restore
--clean --if-exists -d <db> <file>`.
"""

import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(RuntimeError):
    """The copy could not be made; nothing usable was left at the target."""


def default_target(instance_path: str, url: str, now: datetime) -> Path:
    suffix = ".db" if url.startswith("sqlite") else ".dump"
    return Path(instance_path) / "backups" / f"backup-{now:%Y%m%d-%H%M%S}{suffix}"


def backup(url: str, target: Path, progress: Callable[[int, int], None] | None = None) -> Path:
    """Copy the database at `url` to `target` (a new file). Returns the path."""
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} exists already (备份文件已存在)")
    target.parent.mkdir(parents=True, exist_ok=True)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_backup(parsed.database, target, progress)
    if parsed.get_backend_name() == "postgresql":
        return _pg_dump(parsed, target)
    raise BackupError(f"no backup method for {parsed.get_backend_name()}")


def _sqlite_backup(database: str, target: Path, progress) -> Path:
    if not database or not Path(database).exists():
        raise BackupError(f"SQLite database {database!r} not found (数据库文件不存在)")
    partial = target.with_suffix(target.suffix + ".partial")
    src = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(partial)
    try:
        src.backup(dst, pages=256, progress=(lambda _s, left, total: progress(total - left, total))
                   if progress else None)
        check = dst.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"integrity check of the copy failed: {check}")
    except sqlite3.Error as e:
        dst.close()
        partial.unlink(missing_ok=True)
        raise BackupError(f"SQLite backup failed: {e}") from e
    finally:
        src.close()
    dst.close()
    partial.rename(target)
    return target


def _pg_dump(url, target: Path) -> Path:
    exe = shutil.which("pg_dump")
    if exe is None:
        raise BackupError("pg_dump not found: install postgresql-client (未找到 pg_dump)")
    env = {"PGPASSWORD": url.password} if url.password else {}
    cmd = [exe, "--format=custom", "--no-owner", f"--file={target}",
           f"--host={url.host or '127.0.0.1'}", f"--port={url.port or 5432}",
           f"--username={url.username or 'postgres'}", url.database]
    done = subprocess.run(cmd, capture_output=True, text=True, env={**_base_env(), **env}, check=False)  # noqa: S603
    if done.returncode != 0:
        target.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
    return target


def _base_env() -> dict:
    import os

    return {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "PGSSLMODE")}
