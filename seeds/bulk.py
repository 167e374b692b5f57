"""Fast bulk inserts for the large dataset (seeds/large.py).

Rows are tuples in the order of `columns`, with ids chosen by the loader so
foreign keys need no round trip. SQLite gets DBAPI executemany in batches
(after `fast_sqlite`: synchronous=OFF, no foreign-key checks); PostgreSQL
gets COPY … FROM STDIN (CSV). Values must already be in the stored form the
ORM would write: datetimes and dates as Python objects, money as "123.45"
strings, booleans as bool.
"""

import csv
import io
from datetime import date, datetime

BATCH = 20_000


def is_postgresql(conn) -> bool:
    return conn.dialect.name == "postgresql"


def fast_sqlite(conn) -> None:
    """Load-time PRAGMAs (this connection only; the app's own PRAGMAs are unchanged)."""
    if is_postgresql(conn):
        return
    raw = conn.connection.driver_connection
    raw.commit()
    for pragma in ("synchronous=OFF", "foreign_keys=OFF", "temp_store=MEMORY", "cache_size=-262144"):
        raw.execute(f"PRAGMA {pragma}")


def discard_fast_sqlite(conn) -> None:
    """The pool must not hand that connection (no foreign-key checks) to anyone else."""
    if not is_postgresql(conn):
        conn.invalidate()


def _sqlite_value(value):
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def _pg_value(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (datetime, date)):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    return value


def insert(conn, table: str, columns: tuple[str, ...], rows, progress=None) -> int:
    """Insert every row of the iterable; `progress(n)` after each batch. Returns the count."""
    writer = _copy_batch if is_postgresql(conn) else _executemany_batch
    total, batch = 0, []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            writer(conn, table, columns, batch)
            total += len(batch)
            if progress:
                progress(len(batch))
            batch = []
    if batch:
        writer(conn, table, columns, batch)
        total += len(batch)
        if progress:
            progress(len(batch))
    return total


def _executemany_batch(conn, table, columns, batch) -> None:
    marks = ", ".join("?" for _ in columns)
    cursor = conn.connection.driver_connection.cursor()
    cursor.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608 - our own names  # nosec B608
        [tuple(_sqlite_value(v) for v in row) for row in batch],
    )


def _copy_batch(conn, table, columns, batch) -> None:
    buf = io.StringIO()
    out = csv.writer(buf)
    for row in batch:
        out.writerow(["\\N" if v is None else _pg_value(v) for v in row])
    buf.seek(0)
    cursor = conn.connection.driver_connection.cursor()
    cursor.copy_expert(
        f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buf
    )


def next_id(conn, table: str) -> int:
    from sqlalchemy import text

    return (conn.execute(text(f"SELECT COALESCE(MAX(id), 0) FROM {table}")).scalar() or 0) + 1  # noqa: S608  # nosec B608


def reset_sequences(conn, tables) -> None:
    """PostgreSQL: serial sequences follow the ids we chose."""
    if not is_postgresql(conn):
        return
    from sqlalchemy import text

    for table in tables:
        conn.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - table names are ours  # nosec B608
            f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
        ))
