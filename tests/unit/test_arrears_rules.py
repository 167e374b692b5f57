"""欠费 rules without a database (DESIGN.md "Fees"): late-fee arithmetic
(千分之三 per day, Decimal, half-up), whole months overdue, aging buckets,
the large-customer test (> 1.5‰ of the managed area) and the manual's
escalation ladder for every bucket, ordinary and large customers."""

from datetime import date
from decimal import Decimal

import pytest

from app.workflows import arrears as rules
from app.workflows.arrears import LAWYER_LETTER, LITIGATION, NOTICE, REMINDER

D = Decimal


# -- late fee: overdue amount × rate × days, ROUND_HALF_UP to the fen ------------------

@pytest.mark.parametrize("amount,rate,days,expected", [
    ("1000.00", "0.003", 10, "30.00"),     # 1000 × 0.003 × 10 = 30.00 exactly
    ("210.33", "0.003", 17, "10.73"),      # 10.72683 → 10.73
    ("1000.00", "0.001", 10, "10.00"),     # a centre's own rate
    ("100.00", "0.003", 0, "0.00"),        # due today: nothing yet
    ("100.00", "0.003", -5, "0.00"),       # before the due date
    ("15.00", "0.003", 1, "0.05"),         # 0.045 → 0.05 (half-up, not banker's 0.04)
    ("25.00", "0.003", 1, "0.08"),         # 0.075 → 0.08
    ("0.01", "0.003", 1, "0.00"),          # 0.00003 → 0.00
])
def test_late_fee_hand_checked(amount, rate, days, expected):
    got = rules.late_fee(D(amount), D(rate), days)
    assert got == D(expected) and isinstance(got, Decimal) and got.as_tuple().exponent == -2


def test_late_fee_refuses_floats():
    with pytest.raises(TypeError):
        rules.late_fee(100.0, D("0.003"), 3)


def test_days_overdue_stops_at_payment():
    due = date(2026, 10, 15)
    assert rules.days_overdue(due, date(2026, 10, 25)) == 10
    assert rules.days_overdue(due, date(2026, 10, 15)) == 0
    assert rules.days_overdue(due, date(2026, 10, 1)) == 0
    assert rules.days_overdue(due, date(2026, 11, 30), paid_on=date(2026, 10, 20)) == 5   # frozen
    assert rules.days_overdue(due, date(2026, 10, 18), paid_on=date(2026, 10, 20)) == 3


# -- months overdue: whole months from the due date -------------------------------------

@pytest.mark.parametrize("due,as_of,months", [
    (date(2026, 1, 15), date(2026, 1, 15), 0),
    (date(2026, 1, 15), date(2026, 2, 14), 0),
    (date(2026, 1, 15), date(2026, 2, 15), 1),
    (date(2026, 1, 15), date(2026, 7, 14), 5),
    (date(2026, 1, 15), date(2026, 7, 15), 6),
    (date(2026, 1, 31), date(2026, 2, 28), 1),     # month end clamps
    (date(2026, 1, 31), date(2026, 2, 27), 0),
    (date(2025, 1, 15), date(2026, 7, 15), 18),
    (date(2026, 3, 15), date(2026, 1, 1), 0),      # not yet due
])
def test_months_overdue(due, as_of, months):
    assert rules.months_overdue(due, as_of) == months


@pytest.mark.parametrize("months,key", [(0, "0-1"), (1, "1-3"), (2, "1-3"), (3, "3-6"), (5, "3-6"), (6, "6-18"),
                                        (17, "6-18"), (18, "18+"), (60, "18+")])
def test_bucket_bounds(months, key):
    assert rules.bucket(months) == key


def test_bucket_refuses_negative():
    with pytest.raises(ValueError):
        rules.bucket(-1)


# -- large customer: unit area > 1.5‰ of the managed area ---------------------------------

@pytest.mark.parametrize("area,managed,large", [
    ("150.00", "100000.00", False),   # exactly 1.5‰: not more than
    ("150.01", "100000.00", True),
    ("89.50", "100000.00", False),
    ("500.00", "0", False),           # no area known: nobody is large
])
def test_large_customer(area, managed, large):
    assert rules.is_large_customer(D(area), D(managed), D("1.5")) is large


# -- escalation: the manual's ladder, as a table -----------------------------------------

R_N = (REMINDER, NOTICE)
ESCALATION = [
    # months, ordinary household,   large customer
    (0, R_N, R_N),
    (1, R_N, R_N),
    (2, R_N, R_N),
    (3, R_N, (REMINDER, NOTICE, LAWYER_LETTER)),   # large: lawyer's letter at 3 months
    (4, R_N, R_N),
    (5, R_N, R_N),
    (6, (LAWYER_LETTER,), (LITIGATION,)),          # 6–18: letter every 6 months; large: sue at 6
    (7, (), (LITIGATION,)),
    (11, (), (LITIGATION,)),
    (12, (LAWYER_LETTER,), (LITIGATION,)),
    (13, (), (LITIGATION,)),
    (17, (), (LITIGATION,)),
    (18, (LITIGATION,), (LITIGATION,)),            # over 18 months: litigation
    (30, (LITIGATION,), (LITIGATION,)),
]


@pytest.mark.parametrize("months,ordinary,large", ESCALATION)
def test_escalation_table(months, ordinary, large):
    assert rules.actions_due(months, False) == ordinary
    assert rules.actions_due(months, True) == large


OUTSTANDING = [
    # months, large, recorded (method, arrears month recorded in), still to do
    (2, False, [], (REMINDER, NOTICE)),
    (2, False, [("sms", 2)], (NOTICE,)),                                   # an SMS is the reminder
    (2, False, [("phone", 2), ("notice", 2)], ()),
    (2, False, [("phone", 1), ("notice", 1)], (REMINDER, NOTICE)),         # last month's do not count
    (6, False, [("phone", 6)], (LAWYER_LETTER,)),
    (6, False, [("lawyer_letter", 6)], ()),
    (8, False, [], (LAWYER_LETTER,)),                                      # missed at 6: still due at 8
    (8, False, [("lawyer_letter", 6)], ()),
    (13, False, [("lawyer_letter", 7)], (LAWYER_LETTER,)),                 # a new letter stage from 12
    (13, False, [("lawyer_letter", 12)], ()),
    (4, True, [("phone", 4), ("notice", 4)], (LAWYER_LETTER,)),            # large: letter from 3
    (4, True, [("lawyer_letter", 3), ("phone", 4), ("notice", 4)], ()),
    (19, False, [], (LITIGATION,)),
    (25, False, [("litigation", 19)], ()),                                 # filed once, not monthly
    (7, True, [("litigation", 6)], ()),
]


@pytest.mark.parametrize("months,large,recorded,expected", OUTSTANDING)
def test_outstanding_after_recorded_contacts(months, large, recorded, expected):
    assert rules.outstanding(months, large, recorded) == expected


@pytest.mark.parametrize("months,total,expected", [
    (6, "10.00", True), (5, "10.00", False), (0, "5000.00", False), (0, "5000.01", True),
])
def test_committee_thresholds(months, total, expected):
    assert rules.for_committee(months, D(total), 6, D("5000.00")) is expected
