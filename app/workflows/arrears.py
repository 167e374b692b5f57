"""欠费 Arrears rules as pure functions (DESIGN.md "Fees"): late-fee arithmetic,
months overdue, aging buckets, the large-customer test and the manual's
escalation ladder. No database, no Flask: every rule here is unit-tested.

Definitions (the same everywhere: pages, exports, the 催缴 list):

- days overdue = as_of − due_date (0 on or before the due date); a paid
  bill stops at its payment date.
- months overdue = the number of whole months from the due date to as_of:
  the largest m with due_date + m months ≤ as_of (month ends clamp: due
  01-31 + 1 month = 02-28/29). Due 2026-01-15: 2026-02-14 → 0, 2026-02-15 → 1.
- buckets: [0, 1) "0-1", [1, 3) "1-3", [3, 6) "3-6", [6, 18) "6-18",
  [18, ∞) "18+" months.
"""

import calendar
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

TWO_PLACES = Decimal("0.01")

#: Aging buckets in display order: (key, lowest month included, first month excluded).
BUCKETS = (("0-1", 0, 1), ("1-3", 1, 3), ("3-6", 3, 6), ("6-18", 6, 18), ("18+", 18, None))
BUCKET_KEYS = tuple(key for key, _low, _high in BUCKETS)

#: Escalation actions, in the order the page shows them.
REMINDER, NOTICE, LAWYER_LETTER, LITIGATION = "reminder", "notice", "lawyer_letter", "litigation"
ACTIONS = (REMINDER, NOTICE, LAWYER_LETTER, LITIGATION)

#: Which contact method (ArrearsContact.method) fulfils which action.
METHOD_ACTION = {"phone": REMINDER, "sms": REMINDER, "notice": NOTICE, "lawyer_letter": LAWYER_LETTER,
                 "litigation": LITIGATION}

#: The monthly stage lasts this many months; then the lawyer's letters (every
#: LETTER_EVERY months) until LITIGATION_AT; large customers go faster.
MONTHLY_UNTIL = 6
LETTER_EVERY = 6
LITIGATION_AT = 18
LARGE_LETTER_AT = 3
LARGE_LITIGATION_AT = 6


def days_overdue(due_date: date, as_of: date, paid_on: date | None = None) -> int:
    """Days from the due date to as_of (or to the payment date if earlier); never negative."""
    end = min(as_of, paid_on) if paid_on is not None else as_of
    return max(0, (end - due_date).days)


def late_fee(amount: Decimal, rate: Decimal, days: int) -> Decimal:
    """滞纳金 = overdue amount × daily rate × days, ROUND_HALF_UP to the fen.
    1000.00 × 0.003 × 10 = 30.00; 210.33 × 0.003 × 17 = 10.72683 → 10.73."""
    if isinstance(amount, float) or isinstance(rate, float):
        raise TypeError("money must not be a float")
    if days <= 0:
        return Decimal("0.00")
    return (Decimal(amount) * Decimal(rate) * days).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_overdue(due_date: date, as_of: date) -> int:
    """Whole months from the due date to as_of (0 until a full month has passed)."""
    if as_of <= due_date:
        return 0
    months = (as_of.year - due_date.year) * 12 + as_of.month - due_date.month
    while months > 0 and add_months(due_date, months) > as_of:
        months -= 1
    return months


def bucket(months: int) -> str:
    """The aging bucket key of a number of whole months overdue."""
    if months < 0:
        raise ValueError("months overdue cannot be negative")
    for key, low, high in BUCKETS:
        if months >= low and (high is None or months < high):
            return key
    raise AssertionError("unreachable")  # pragma: no cover


def is_large_customer(unit_area: Decimal, managed_area: Decimal, permille: Decimal) -> bool:
    """大客户: the unit's area is more than `permille` ‰ of the centre's managed area."""
    if not managed_area or Decimal(managed_area) <= 0:
        return False
    return Decimal(unit_area or 0) * 1000 > Decimal(managed_area) * Decimal(permille)


def actions_due(months: int, is_large: bool) -> tuple[str, ...]:
    """What the manual asks for in the household's current month of arrears.

    Ordinary household: a phone/SMS reminder and a written 催缴 notice in each
    of the first 6 months (months 0–5); a lawyer's letter at 6 and 12 months;
    litigation from 18 months. Large customer: the monthly reminder and notice
    in months 0–5 as well, a lawyer's letter at 3 months, litigation from 6.
    """
    if months < 0:
        raise ValueError("months overdue cannot be negative")
    if is_large:
        if months >= LARGE_LITIGATION_AT:
            return (LITIGATION,)
        return (REMINDER, NOTICE, LAWYER_LETTER) if months == LARGE_LETTER_AT else (REMINDER, NOTICE)
    if months >= LITIGATION_AT:
        return (LITIGATION,)
    if months >= MONTHLY_UNTIL:
        return (LAWYER_LETTER,) if (months - MONTHLY_UNTIL) % LETTER_EVERY == 0 else ()
    return (REMINDER, NOTICE)


def letter_cycle_start(months: int, is_large: bool) -> int | None:
    """The month the current lawyer's-letter stage began (6 or 12; 3 for a large
    customer), or None outside a letter stage. A letter not sent at the start
    stays due for the rest of its stage."""
    if is_large:
        return LARGE_LETTER_AT if LARGE_LETTER_AT <= months < LARGE_LITIGATION_AT else None
    if MONTHLY_UNTIL <= months < LITIGATION_AT:
        return MONTHLY_UNTIL + (months - MONTHLY_UNTIL) // LETTER_EVERY * LETTER_EVERY
    return None


def outstanding(months: int, is_large: bool, recorded) -> tuple[str, ...]:
    """What is still to do this arrears month, given the contacts `recorded` as
    (method, arrears month in which it was recorded) pairs:

    - the monthly reminder (phone or SMS) and written notice: unless one was
      recorded in this month;
    - the lawyer's letter: unless one was recorded since its stage began
      (so a letter missed at 6 months is still asked for at 7);
    - litigation: unless a case was ever recorded (it is filed once).
    """
    done = {(METHOD_ACTION.get(method), at) for method, at in recorded}
    due = set(actions_due(months, is_large))
    pending = {a for a in (REMINDER, NOTICE) if a in due and (a, months) not in done}
    start = letter_cycle_start(months, is_large)
    if start is not None and not any(a == LAWYER_LETTER and at >= start for a, at in done):
        pending.add(LAWYER_LETTER)
    if LITIGATION in due and not any(a == LITIGATION for a, _at in done):
        pending.add(LITIGATION)
    return tuple(a for a in ACTIONS if a in pending)


def for_committee(months: int, total: Decimal, committee_months: int, committee_amount: Decimal) -> bool:
    """业主委员会报告: arrears of at least `committee_months` whole months, or more than `committee_amount`."""
    return months >= committee_months or Decimal(total) > Decimal(committee_amount)
