"""装修 Renovation deadlines and money (DESIGN.md "Renovation"). Pure: no DB, no Flask.

The manual's clocks, all in calendar days:
- an application is decided within 3 days of its submission (前台受理);
- each active site is inspected at least every 2 days, counted from the
  last inspection, or from the start of works when there is none yet;
- a rectification notice (整改通知单) has its own deadline date;
- completion acceptance (竣工验收) within 3 days of the owner's request;
- the deposit is refunded within 1 day after the acceptance passed,
  less the recorded deductions (Decimal, ROUND_HALF_UP to the fen, never
  negative; deductions above the deposit are refused).
"""

from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

TWO_PLACES = Decimal("0.01")
DECISION_DAYS = 3
INSPECTION_EVERY_DAYS = 2
ACCEPTANCE_DAYS = 3
REFUND_DAYS = 1


def decision_deadline(submitted_at: datetime) -> datetime:
    """Submitted 11-02 09:30 → to be decided by 11-05 09:30."""
    return submitted_at + timedelta(days=DECISION_DAYS)


def decision_overdue(status: str, deadline: datetime | None, now: datetime, decided_at: datetime | None = None) -> bool:
    """Still pending past the deadline, or decided after it (late)."""
    if deadline is None:
        return False
    if status == "pending":
        return now > deadline
    return decided_at is not None and decided_at > deadline


def inspection_due(last_inspected: date | None, started_on: date) -> date:
    """The latest day the next inspection may happen: last inspection (or start) + 2 days."""
    return (last_inspected or started_on) + timedelta(days=INSPECTION_EVERY_DAYS)


def inspection_overdue(last_inspected: date | None, started_on: date, today: date) -> bool:
    """Not inspected for more than 2 days: inspected 11-02, still fine on 11-04, overdue on 11-05."""
    return today > inspection_due(last_inspected, started_on)


def days_without_inspection(last_inspected: date | None, started_on: date, today: date) -> int:
    return (today - (last_inspected or started_on)).days


def rectification_overdue(is_open: bool, deadline: date, today: date) -> bool:
    return is_open and today > deadline


def acceptance_deadline(requested_on: date) -> date:
    """Owner asked on 11-10 → accepted by 11-13."""
    return requested_on + timedelta(days=ACCEPTANCE_DAYS)


def acceptance_overdue(requested_on: date, today: date, done_on: date | None = None) -> bool:
    """Not done past the deadline, or done after it (late)."""
    return (done_on or today) > acceptance_deadline(requested_on)


def refund_deadline(accepted_on: date) -> date:
    """Accepted on 11-13 → deposit refunded by 11-14."""
    return accepted_on + timedelta(days=REFUND_DAYS)


def refund_overdue(accepted_on: date, today: date, refunded_on: date | None = None) -> bool:
    return (refunded_on or today) > refund_deadline(accepted_on)


def money(value) -> Decimal:
    """A Decimal rounded half-up to 2 places; floats are refused (no binary fractions)."""
    if isinstance(value, float):
        raise TypeError("money must not be a float")
    return Decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def refund_amount(deposit, deductions) -> tuple[Decimal, Decimal]:
    """(total deductions, refund) = (Σ deductions, deposit − Σ deductions), half-up to the fen.

    3000.00 − (300.00 + 150.50) = 2549.50. Raises ValueError for a negative
    line or when the deductions exceed the deposit (a refund is never negative)."""
    deposit = money(deposit)
    lines = [money(d) for d in deductions]
    if any(d < 0 for d in lines):
        raise ValueError("negative deduction")
    total = sum(lines, Decimal("0.00"))
    if total > deposit:
        raise ValueError("deductions exceed the deposit")
    return total, money(deposit - total)
