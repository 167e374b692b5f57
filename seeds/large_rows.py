"""Row generators for the large dataset: plain tuples, deterministic (seeded by index).

Each function yields rows in the column order it declares in its COLUMNS
constant, with ids chosen here, so the loader can chain foreign keys
without reading anything back.
"""

from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from seeds.demo import AREAS, GIVEN, SURNAMES, _id_number

UNITS_PER_BUILDING = 100  # 20 floors × 5 rooms
ROOMS_PER_FLOOR = 5

BUILDING_COLUMNS = ("id", "center_id", "name", "floors", "created_on")
UNIT_COLUMNS = ("id", "center_id", "building_id", "room_no", "area", "created_on")
HOUSEHOLD_COLUMNS = ("id", "center_id", "unit_id", "name", "kind", "phone", "id_number", "created_on")


def person_name(seq: int) -> str:
    return SURNAMES[seq % len(SURNAMES)] + GIVEN[(seq // 3) % len(GIVEN)] + GIVEN[(seq // 51) % len(GIVEN)]


def estate_rows(center_ids, per_center: int, first_ids: dict, now: datetime):
    """(buildings, units, households) for `per_center` new units in each centre."""
    buildings, units, households = [], [], []
    bid, uid, hid = first_ids["building"], first_ids["unit"], first_ids["household"]
    for center_id in center_ids:
        for n in range(per_center):
            if n % UNITS_PER_BUILDING == 0:
                buildings.append((bid, center_id, f"L{n // UNITS_PER_BUILDING + 1:02d}栋", 20, now))
                bid += 1
            k = n % UNITS_PER_BUILDING
            room_no = f"{k // ROOMS_PER_FLOOR + 1}{k % ROOMS_PER_FLOOR + 1:02d}"
            area = str(AREAS[(uid + k) % len(AREAS)])
            units.append((uid, center_id, bid - 1, room_no, area, now))
            seq = 100_000 + hid
            households.append((hid, center_id, uid, person_name(seq), "tenant" if seq % 9 == 0 else "owner",
                               f"139{seq:08d}"[:11], _id_number(seq), now))
            uid += 1
            hid += 1
    return buildings, units, households


EMPLOYEE_COLUMNS = ("id", "center_id", "employee_no", "name", "gender", "id_number", "phone", "department_id",
                    "position_id", "level", "hire_date", "probation_months", "regular_date", "status", "created_on")


def employee_rows(count, first_id, center_ids, positions, today: date, now: datetime):
    """`positions`: [(position id, department id, level)]."""
    for n in range(count):
        position_id, department_id, level = positions[n % len(positions)]
        hire = today - timedelta(days=30 + (n * 7) % 2500)
        regular = hire + timedelta(days=92)
        status = "probation" if regular > today else "regular"
        seq = 500_000 + n
        yield (first_id + n, center_ids[n % len(center_ids)], f"L{n + 1:05d}", person_name(seq),
               "male" if n % 2 else "female", _id_number(seq), f"137{seq:08d}"[:11], department_id, position_id,
               level, hire, 3, regular, status, now)


WORK_ORDER_COLUMNS = (
    "id", "center_id", "order_no", "kind", "severity", "repair_scope", "source", "household_id", "unit_id",
    "contact_name", "contact_phone", "location", "description", "department", "assignee_id", "status",
    "received_at", "dispatched_at", "responded_at", "completed_at", "closed_at", "paused_minutes", "rework_count",
    "respond_due", "complete_due", "callback_due", "owner_signed", "created_on",
)
_KINDS = ("repair", "repair", "repair", "complaint", "consult", "suggestion", "help")
_SEVERITY = {"repair": ("minor", "medium", "emergency"), "complaint": ("minor", "important", "major")}
_SOURCES = ("phone", "visit", "online", "patrol", "letter")
_OPEN = ("accepted", "dispatched", "in_progress", "suspended", "completed")


def work_order_rows(count, first_id, households_by_center, technicians, now: datetime, days: int = 730):
    """`households_by_center`: {centre id: [(household id, unit id, name, phone)]};
    `technicians`: {centre id: [user ids]}. Orders of the last 14 days may be open."""
    centers = sorted(households_by_center)
    start = now - timedelta(days=days)
    step = days * 86400 / count
    day_seq: dict[date, int] = {}
    open_after = now - timedelta(days=14)
    for n in range(count):
        received = start + timedelta(seconds=int(n * step))
        center_id = centers[n % len(centers)]
        homes = households_by_center[center_id]
        household_id, unit_id, name, phone = homes[(n * 7919) % len(homes)]
        kind = _KINDS[n % len(_KINDS)]
        severity = _SEVERITY[kind][n % 3] if kind in _SEVERITY else None
        techs = technicians.get(center_id) or [None]
        seq = day_seq[received.date()] = day_seq.get(received.date(), 50_000) + 1
        is_open = received > open_after and n % 3 == 0
        status = _OPEN[n % len(_OPEN)] if is_open else "closed"
        dispatched = received + timedelta(minutes=4) if status != "accepted" else None
        done = received + timedelta(hours=6) if status in ("completed", "closed") else None
        yield (
            first_id + n, center_id, f"WO{received:%y%m%d}{seq:05d}", kind, severity,
            "indoor" if kind == "repair" else None, _SOURCES[n % len(_SOURCES)], household_id, unit_id,
            name, phone, None, "批量数据：" + ("水管漏水" if kind == "repair" else "业户来电"),
            "engineering" if kind == "repair" else "service", techs[n % len(techs)] if dispatched else None,
            status, received, dispatched, dispatched and received + timedelta(minutes=20), done,
            done + timedelta(days=1) if status == "closed" else None, 0, 0,
            received + timedelta(hours=1), received + timedelta(hours=24),
            done + timedelta(days=1) if done else None, False, received,
        )


def periods(months: int, today: date) -> list[tuple[int, int]]:
    """The `months` whole months before today's month, oldest first."""
    out, year, month = [], today.year, today.month
    for _ in range(months):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        out.append((year, month))
    return out[::-1]


def money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
