"""DESIGN "Rules from the manuals" (离职 / 转正·晋升·调薪 / 请假), the pure part:
dates, notice periods, rounds and levels, leave days, settlement totals.
No app, no database."""

from datetime import date
from decimal import Decimal

import pytest

from app.workflows import personnel_rules as rules


@pytest.mark.parametrize("start,months,expected", [
    (date(2026, 3, 15), 3, date(2026, 6, 15)),
    (date(2025, 11, 30), 3, date(2026, 2, 28)),
    (date(2027, 11, 30), 3, date(2028, 2, 29)),
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2026, 10, 15), 6, date(2027, 4, 15)),
])
def test_add_months_clamps_to_the_month_end(start, months, expected):
    """Calendar months, clamped at the month's end (helper of the regular-date rule)."""
    assert rules.add_months(start, months) == expected


@pytest.mark.parametrize("hired,months,regular", [
    (date(2026, 3, 15), 3, date(2026, 6, 16)),   # the manual's example: 3-15 → 6-16
    (date(2025, 11, 30), 3, date(2026, 3, 1)),   # 02-28 + 1 day
    (date(2027, 11, 30), 3, date(2028, 3, 1)),   # 02-29 (leap year) + 1 day
    (date(2026, 3, 15), 6, date(2026, 9, 16)),
])
def test_regular_date_is_hire_date_plus_probation_plus_one_day(hired, months, regular):
    """DESIGN 转正: Regular date = hire date + probation months + 1 day (hired 3-15, 3 months → 6-16)."""
    assert rules.regular_date(hired, months) == regular


@pytest.mark.parametrize("months,ok", [(1, True), (3, True), (6, True), (0, False), (7, False), (None, False)])
def test_probation_is_three_months_extendable_to_six(months, ok):
    """DESIGN 转正: Probation 3 months by default, extendable to at most 6."""
    assert rules.PROBATION_DEFAULT == 3
    assert (rules.probation_problem(months) is None) is ok
    if not ok:
        assert "6个月" in rules.probation_problem(months)


def test_training_is_due_a_month_after_hire():
    """Onboarding: 入职培训 within a month of hire."""
    assert rules.training_due(date(2026, 1, 31)) == date(2026, 2, 28)


@pytest.mark.parametrize("level,days", [
    ("manager", 30), ("supervisor", 30), ("staff", 20), ("security_cleaning", 15),
])
def test_required_notice_by_level(level, days):
    """DESIGN 离职: 主管级及以上 30 days, 主管级以下 20 days, 安全员/保洁 15 days."""
    assert rules.required_notice_days(level) == days


def test_notice_shortfall_only_for_resign():
    """DESIGN 离职: a shorter notice needs an override; 辞退 / 自动离职 need no notice."""
    notice, last = date(2026, 11, 1), date(2026, 11, 21)          # 20 days
    assert rules.notice_days(notice, last) == 20
    assert rules.notice_shortfall("resign", "staff", notice, last) is None
    assert rules.notice_shortfall("resign", "supervisor", notice, last) == (30, 20)
    assert rules.notice_shortfall("resign", "security_cleaning", notice, date(2026, 11, 15)) == (15, 14)
    assert rules.notice_shortfall("dismiss", "manager", notice, notice) is None
    assert rules.notice_shortfall("abandon", "manager", notice, notice) is None
    message = rules.notice_message("supervisor", 30, 20)
    assert "30天" in message and "20天" in message and "特批" in message


@pytest.mark.parametrize("on,ok", [(date(2026, 6, 1), True), (date(2026, 12, 31), True),
                                   (date(2026, 5, 31), False), (date(2026, 7, 1), False)])
def test_promotion_round_is_june_or_december(on, ok):
    """DESIGN 晋升/调薪: only in the June and December rounds."""
    assert rules.is_round_month(on) is ok
    found = rules.appointment_violations("raise", on, date(2020, 1, 1), "staff", "staff")
    assert (found == []) is ok
    if not ok:
        assert "6月和12月" in found[0]


def test_six_months_since_the_last_change():
    """DESIGN 晋升/调薪: at least 6 months since the last change."""
    last = date(2025, 12, 15)
    assert rules.appointment_violations("promote", date(2026, 6, 15), last, "staff", "supervisor") == []
    found = rules.appointment_violations("promote", date(2026, 6, 14), last, "staff", "supervisor")
    assert len(found) == 1 and "不足6个月" in found[0] and "2026-06-15" in found[0]


def test_no_skipping_a_level_on_promotion():
    """DESIGN 晋升: no skipping a level (GM special approval excepted)."""
    assert rules.level_step("staff", "supervisor") == 1
    assert rules.level_step("security_cleaning", "manager") == 2
    found = rules.appointment_violations("promote", date(2026, 6, 1), date(2020, 1, 1), "staff", "manager")
    assert len(found) == 1 and "越级" in found[0]
    # a raise does not change the level; demotions and transfers are not round-bound
    assert rules.appointment_violations("raise", date(2026, 6, 1), date(2020, 1, 1), "staff", "manager") == []
    assert rules.appointment_violations("demote", date(2026, 3, 1), date(2026, 2, 1), "manager", "staff") == []
    assert rules.appointment_violations("transfer", date(2026, 3, 1), date(2026, 2, 1), None, None) == []


def test_every_violation_is_listed():
    """DESIGN 晋升: the GM sees every rule a special approval would pass over."""
    found = rules.appointment_violations("promote", date(2026, 3, 1), date(2026, 1, 1), "staff", "manager")
    assert len(found) == 3
    message = rules.violations_message(found)
    assert "总经理特批" in message and all(v in message for v in found)


@pytest.mark.parametrize("start,end,days,problem", [
    (date(2026, 5, 4), date(2026, 5, 4), "0.5", None),
    (date(2026, 5, 4), date(2026, 5, 4), "1", None),
    (date(2026, 5, 4), date(2026, 5, 6), "2.5", None),
    (date(2026, 5, 4), date(2026, 5, 3), "1", "不能晚于"),
    (date(2026, 5, 4), date(2026, 5, 4), "0", "大于0"),
    (date(2026, 5, 4), date(2026, 5, 4), "-1", "大于0"),
    (date(2026, 5, 4), date(2026, 5, 4), "1.5", "不能超过"),
    (date(2026, 5, 4), date(2026, 5, 5), "0.3", "半天"),
    (date(2026, 5, 4), date(2026, 5, 5), "abc", "大于0"),
])
def test_leave_days(start, end, days, problem):
    """DESIGN 请假: start ≤ end; 0 < days ≤ calendar days of the range; half days allowed."""
    found = rules.leave_problem(start, end, Decimal(days) if days != "abc" else days)
    assert (found is None) if problem is None else (problem in found)


def test_settlement_total_is_decimal():
    """DESIGN Fees/money: Decimal with 2 places; total = base + overtime − deductions."""
    total = rules.settlement_total(Decimal("3000.10"), "200.205", 0.1)
    assert total == Decimal("3200.21") and isinstance(total, Decimal)
    assert rules.settlement_total(None, None, "50") == Decimal("-50.00")
