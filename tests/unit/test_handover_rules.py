"""Pure rules of the shift handover (DESIGN.md "Shift handover", 换班): which
work orders a post carries over, what blocks it, late handovers, the
checklist, and the monthly swap limit."""

from datetime import date, datetime, time

import pytest

from app.workflows import handover as rules

T = datetime.fromisoformat


@pytest.mark.parametrize(("category", "kind", "source", "status", "expected"), [
    ("frontdesk", "complaint", "phone", "accepted", True),  # 前台: complaints too
    ("frontdesk", "repair", "phone", "completed", True),  # completed, callback still due
    ("frontdesk", "consult", "visit", "visited", False),  # called back: done with
    ("frontdesk", "repair", "phone", "closed", False),
    ("engineering", "repair", "phone", "in_progress", True),  # 工程: the repairs
    ("engineering", "complaint", "phone", "accepted", False),
    ("engineering", "repair", "phone", "completed", False),  # the technician's part is done
    ("monitor", "help", "monitor", "dispatched", True),
    ("monitor", "help", "phone", "dispatched", False),
    ("other", "repair", "phone", "accepted", False),
])
def test_pending_items_follow_the_post(category, kind, source, status, expected):
    """Pending items are pulled from the centre's open work orders, per post."""
    assert rules.carries(category, kind, source, status) is expected


def test_open_major_complaint_blocks_only_the_front_desk():
    """Refused while a 重大 complaint of that post is open; complaints belong to 前台."""
    assert rules.blocks("frontdesk", "complaint", "major", "dispatched")
    assert not rules.blocks("frontdesk", "complaint", "important", "dispatched")
    assert not rules.blocks("frontdesk", "complaint", "major", "completed")  # resolved, only the callback left
    assert not rules.blocks("engineering", "complaint", "major", "dispatched")


@pytest.mark.parametrize(("start", "end", "handed", "shift_date", "end_at"), [
    (time(8), time(16), "2026-03-10 16:20", date(2026, 3, 10), "2026-03-10 16:00"),
    (time(8), time(16), "2026-03-10 15:50", date(2026, 3, 10), "2026-03-10 16:00"),
    (time(16), time(0), "2026-03-11 00:10", date(2026, 3, 10), "2026-03-11 00:00"),  # 中 crosses midnight
    (time(16), time(0), "2026-03-10 23:55", date(2026, 3, 10), "2026-03-11 00:00"),
    (time(0), time(8), "2026-03-10 08:05", date(2026, 3, 10), "2026-03-10 08:00"),
    (time(22), time(6), "2026-03-11 06:30", date(2026, 3, 10), "2026-03-11 06:00"),  # 夜 22–06
])
def test_shift_end_is_the_nearest_occurrence(start, end, handed, shift_date, end_at):
    assert rules.shift_end(start, end, T(handed)) == (shift_date, T(end_at))


def test_late_after_the_grace():
    """Late handovers flagged: after the shift's end + GRACE_MINUTES is 迟交."""
    end = T("2026-03-10 16:00")
    assert rules.GRACE_MINUTES == 15
    assert rules.late_minutes(end, T("2026-03-10 16:15")) == 0
    assert rules.late_minutes(end, T("2026-03-10 16:16")) == 16
    assert rules.late_minutes(end, T("2026-03-10 15:30")) == 0
    assert rules.late_minutes(end, T("2026-03-10 16:40"), grace=45) == 0


def test_checklist_is_configurable_per_post():
    assert rules.checklist_names("对讲机、钥匙,现金，资料\n钥匙;  ") == ["对讲机", "钥匙", "现金", "资料"]
    assert rules.checklist_names("") == []


def test_swap_limit_two_a_month():
    """换班: at most 2 per person per month (the third is refused)."""
    assert not rules.over_swap_limit(0)
    assert not rules.over_swap_limit(1)
    assert rules.over_swap_limit(2)
    assert rules.month_bounds(date(2026, 12, 31)) == (date(2026, 12, 1), date(2027, 1, 1))
    assert rules.month_bounds(date(2026, 2, 1)) == (date(2026, 2, 1), date(2026, 3, 1))
