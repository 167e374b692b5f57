"""The large dataset (issue 8): `flask --app run seed --scale large [--database-url URL]`.

20 centres, 100k units and households, 5k employees, 1M work orders over two
years, 24 months of bills for every household with payments for most of
them, 20k parking spaces and 20k leave requests with their approvals — on a
database of its own (never the demo one), migrated first, loaded with bulk
inserts (seeds/bulk.py) behind one progress bar. The demo users (admin1,
frontdesk1 …) are loaded too, so benchmarks can sign in.
"""

from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import text

from app import timeutil
from app.extensions import db
from seeds import bulk
from seeds.large_billing import load_bills
from seeds.large_extra import load_approvals, load_parking, technicians
from seeds.large_rows import (
    BUILDING_COLUMNS,
    EMPLOYEE_COLUMNS,
    HOUSEHOLD_COLUMNS,
    UNIT_COLUMNS,
    WORK_ORDER_COLUMNS,
    employee_rows,
    estate_rows,
    work_order_rows,
)


@dataclass(frozen=True)
class Sizes:
    centers: int = 20
    households: int = 100_000
    employees: int = 5_000
    work_orders: int = 1_000_000
    months: int = 24
    parking_spaces: int = 20_000
    approvals: int = 20_000

    @property
    def rows(self) -> int:
        """Rows the progress bar counts (bills ≈ 2.9 rows each with their payment and line)."""
        return (3 * self.households + self.employees + self.work_orders
                + self.months * self.households * 29 // 10 + self.parking_spaces + 4 * self.approvals)


LARGE = Sizes()
RATES = {"SC01": "2.35", "SC02": "2.80"}


def load_large(sizes: Sizes = LARGE, tick=lambda n: None, say=print) -> dict[str, int]:
    """Load everything into the (migrated, demo-seeded) database of the current app."""
    from decimal import Decimal

    now = timeutil.now().replace(microsecond=0)
    today = now.date()
    counts = {}
    with db.engine.connect() as conn:
        bulk.fast_sqlite(conn)
        centers = _centers(conn, sizes.centers, now)
        codes = {cid: code for code, cid in centers.items()}
        conn.commit()
        techs = technicians(centers)  # a few real FAB users (hashed passwords), through the ORM
        counts["households"] = _estate(conn, sizes, list(centers.values()), now, tick)
        counts["employees"] = _employees(conn, sizes, list(centers.values()), today, now, tick)
        conn.commit()
        ids = ", ".join(str(i) for i in centers.values())
        homes = conn.execute(text(
            "SELECT h.id, h.unit_id, h.center_id, h.name, h.phone, u.area FROM household h "
            f"JOIN unit u ON u.id = h.unit_id WHERE h.deleted_on IS NULL AND h.center_id IN ({ids}) "  # noqa: S608  # nosec B608
            "ORDER BY h.center_id, h.id")).all()
        counts["work_orders"] = _work_orders(conn, sizes, homes, techs, now, tick)
        conn.commit()
        say("  work orders loaded")
        items = _charge_items(conn, centers, now)
        billed = {r[0] for r in conn.execute(text("SELECT DISTINCT household_id FROM bill"))}  # e.g. demo homes
        money_homes = [(h, u, c, Decimal(str(a))) for h, u, c, _n, _p, a in homes if h not in billed]
        counts.update(load_bills(conn, money_homes, items, codes, sizes.months, today, now, tick))
        conn.commit()
        say("  bills and payments loaded")
        counts["parking_spaces"] = load_parking(conn, list(centers.values()), sizes.parking_spaces, now, tick)
        counts["approvals"] = load_approvals(conn, sizes.approvals, now, tick)
        bulk.reset_sequences(conn, _TABLES)
        conn.commit()
        bulk.discard_fast_sqlite(conn)
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
    else:
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    return counts


_TABLES = ("service_center", "building", "unit", "household", "employee", "work_order", "charge_item", "bill",
           "payment", "payment_bill", "receipt_sequence", "parking_space", "leave_request", "approval",
           "approval_step", "approval_event")


def _centers(conn, count: int, now) -> dict[str, int]:
    existing = dict(conn.execute(text("SELECT code, id FROM service_center WHERE deleted_on IS NULL")).all())
    first = bulk.next_id(conn, "service_center")
    rows = []
    for n in range(1, count + 1):
        code = f"SC{n:02d}"
        if code not in existing:
            existing[code] = first + len(rows)
            rows.append((existing[code], code, f"第{n}号服务中心", f"深圳市第{n}号路", f"0755-2600{n:04d}", now))
    bulk.insert(conn, "service_center", ("id", "code", "name", "address", "phone", "created_on"), rows)
    return {f"SC{n:02d}": existing[f"SC{n:02d}"] for n in range(1, count + 1)}


def _estate(conn, sizes: Sizes, center_ids, now, tick) -> int:
    first = {t: bulk.next_id(conn, t) for t in ("building", "unit", "household")}
    buildings, units, households = estate_rows(center_ids, sizes.households // len(center_ids), first, now)
    bulk.insert(conn, "building", BUILDING_COLUMNS, buildings)
    bulk.insert(conn, "unit", UNIT_COLUMNS, units, tick)
    bulk.insert(conn, "household", HOUSEHOLD_COLUMNS, households, tick)
    return len(households)


def _employees(conn, sizes: Sizes, center_ids, today: date, now, tick) -> int:
    positions = conn.execute(text("SELECT id, department_id, level FROM position WHERE deleted_on IS NULL "
                                  "ORDER BY id")).all()
    rows = employee_rows(sizes.employees, bulk.next_id(conn, "employee"), center_ids, positions, today, now)
    return bulk.insert(conn, "employee", EMPLOYEE_COLUMNS, rows, tick)


def _work_orders(conn, sizes: Sizes, homes, techs, now, tick) -> int:
    by_center: dict[int, list] = {}
    for household_id, unit_id, center_id, name, phone, _area in homes:
        by_center.setdefault(center_id, []).append((household_id, unit_id, name, phone))
    rows = work_order_rows(sizes.work_orders, bulk.next_id(conn, "work_order"), by_center, techs, now)
    return bulk.insert(conn, "work_order", WORK_ORDER_COLUMNS, rows, tick)


def _charge_items(conn, centers: dict[str, int], now) -> dict[int, tuple]:
    """The 物业管理费 item "WY" of every centre (get or create by code), per m², due on the 15th."""
    from decimal import Decimal

    existing = {c: (i, Decimal(str(r)), d) for c, i, r, d in conn.execute(text(
        "SELECT center_id, id, rate, due_day FROM charge_item WHERE code = 'WY' AND deleted_on IS NULL")).all()}
    first, rows = bulk.next_id(conn, "charge_item"), []
    for code, center_id in centers.items():
        if center_id in existing:
            continue
        rate = RATES.get(code, "2.50")
        item_id = first + len(rows)
        rows.append((item_id, center_id, "WY", "物业管理费", "management", "per_area", rate, True, 15, now))
        existing[center_id] = (item_id, Decimal(rate), 15)
    bulk.insert(conn, "charge_item", ("id", "center_id", "code", "name", "kind", "basis", "rate", "active",
                                      "due_day", "created_on"), rows)
    return existing


def target_refusal(target: str, demo_url: str) -> str | None:
    """Why the large load must not run into `target` (None when it may)."""
    if target == demo_url:
        return ("the large dataset needs its own database: pass --database-url (or INSTANCE_PATH) "
                "different from the demo one (大数据集必须使用独立的数据库)")
    return None


def database_is_empty() -> bool:
    return db.session.execute(text("SELECT id FROM service_center LIMIT 1")).first() is None


def demo_url() -> str:
    return current_app.config["SQLALCHEMY_DATABASE_URI"]
