"""Bills, payments and receipt sequences for the large dataset.

One bill per household and month for the centre's 物业管理费 item (area ×
rate, HALF-UP to the fen). Most bills are paid (one payment each); receipt
numbers run <centre code>-<year>-<6 digits> from 1 with no gap, in the order
of paid_at, and the receipt_sequence rows end at the last number issued, so
the next real payment continues the series.
"""

from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from seeds import bulk
from seeds.large_rows import periods

BILL_COLUMNS = ("id", "center_id", "household_id", "unit_id", "charge_item_id", "period", "amount", "due_date",
                "status", "paid_at", "payment_id", "source_key", "created_on")
PAYMENT_COLUMNS = ("id", "center_id", "household_id", "receipt_no", "amount", "method", "paid_at", "status",
                   "created_on")
LINE_COLUMNS = ("id", "payment_id", "bill_id", "amount")
_METHODS = ("wechat", "alipay", "cash", "bank_transfer", "bank_debit")


class Receipts:
    """Gapless receipt counters per (centre, year), continuing what the database has."""

    def __init__(self, existing: dict[tuple[int, int], int]):
        self.last = dict(existing)

    def next(self, center_id: int, year: int) -> int:
        self.last[(center_id, year)] = self.last.get((center_id, year), 0) + 1
        return self.last[(center_id, year)]


def month_rows(period, homes, items, codes, receipts: Receipts, ids: dict, paid_share: float, now):
    """Bills, payments and payment lines of one period for every household.

    `homes`: [(household id, unit id, centre id, area Decimal)] ordered by centre;
    `items`: {centre id: (charge item id, rate Decimal, due day)}."""
    year, month = period
    label = f"{year:04d}-{month:02d}"
    bills, pays, lines = [], [], []
    k_by_center: dict[int, int] = {}
    threshold = int(paid_share * 100)
    for household_id, unit_id, center_id, area in homes:
        item_id, rate, due_day = items[center_id]
        amount = str((area * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
        bill_id = ids["bill"]
        ids["bill"] += 1
        paid = (household_id * 31 + month * 7 + year) % 100 < threshold
        if not paid:
            bills.append((bill_id, center_id, household_id, unit_id, item_id, label, amount,
                          date(year, month, due_day), "unpaid", None, None, "", now))
            continue
        k = k_by_center[center_id] = k_by_center.get(center_id, 0) + 1
        paid_at = datetime(year, month, 2, 8, 0) + timedelta(seconds=40 * k)
        seq = receipts.next(center_id, paid_at.year)
        pay_id, line_id = ids["payment"], ids["line"]
        ids["payment"] += 1
        ids["line"] += 1
        bills.append((bill_id, center_id, household_id, unit_id, item_id, label, amount,
                      date(year, month, due_day), "paid", paid_at, pay_id, "", now))
        pays.append((pay_id, center_id, household_id, f"{codes[center_id]}-{paid_at.year}-{seq:06d}", amount,
                     _METHODS[household_id % len(_METHODS)], paid_at, "valid", paid_at))
        lines.append((line_id, pay_id, bill_id, amount))
    return bills, pays, lines


def load_bills(conn, homes, items, codes, months: int, today: date, now, tick, paid_share=0.9) -> dict:
    """Insert every period's bills; payments before bills (bill.payment_id refers to them)."""
    from sqlalchemy import text

    existing = dict(((c, y), n) for c, y, n in conn.execute(
        text("SELECT center_id, year, last_no FROM receipt_sequence")).all())
    receipts = Receipts(existing)
    ids = {"bill": bulk.next_id(conn, "bill"), "payment": bulk.next_id(conn, "payment"),
           "line": bulk.next_id(conn, "payment_bill")}
    counts = {"bills": 0, "payments": 0}
    all_periods = periods(months, today)
    for period in all_periods:
        share = 0.5 if period == all_periods[-1] else paid_share  # last month: half paid so far
        bills, pays, lines = month_rows(period, homes, items, codes, receipts, ids, share, now)
        counts["payments"] += bulk.insert(conn, "payment", PAYMENT_COLUMNS, pays, tick)
        counts["bills"] += bulk.insert(conn, "bill", BILL_COLUMNS, bills, tick)
        bulk.insert(conn, "payment_bill", LINE_COLUMNS, lines, tick)
    for (center_id, year), last in receipts.last.items():
        if (center_id, year) in existing:
            conn.execute(text("UPDATE receipt_sequence SET last_no = :n WHERE center_id = :c AND year = :y"),
                         {"n": last, "c": center_id, "y": year})
        else:
            conn.execute(text("INSERT INTO receipt_sequence (center_id, year, last_no) VALUES (:c, :y, :n)"),
                         {"n": last, "c": center_id, "y": year})
    return counts
