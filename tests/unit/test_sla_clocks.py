"""DESIGN "Work orders" SLA clocks, as pure arithmetic."""

from datetime import date, datetime, time

from app.workflows.sla import Calendar, OrderTimes, Policy, deadlines, default_policy, met

CAL = Calendar(start=time(8, 30), end=time(17, 30), weekdays=frozenset(range(5)),
               holidays=frozenset({date(2026, 10, 1)}))
MON_10 = datetime(2026, 11, 23, 10, 0)  # a Monday, inside working hours


def test_every_request_dispatched_in_5_minutes_and_answered_in_1_hour():
    due = deadlines(OrderTimes("consult", None, MON_10), default_policy("consult", None), CAL)
    assert due["dispatch"] == datetime(2026, 11, 23, 10, 5)
    assert due["respond"] == datetime(2026, 11, 23, 11, 0)
    assert "onsite" not in due and "complete" not in due


def test_emergency_on_site_in_10_minutes_ordinary_in_15_or_at_the_agreed_time():
    assert deadlines(OrderTimes("repair", "emergency", MON_10), default_policy("repair", "emergency"), CAL)[
        "onsite"] == datetime(2026, 11, 23, 10, 10)
    minor = default_policy("repair", "minor")
    assert deadlines(OrderTimes("repair", "minor", MON_10), minor, CAL)["onsite"] == datetime(2026, 11, 23, 10, 15)
    agreed = datetime(2026, 11, 24, 14, 0)
    assert deadlines(OrderTimes("repair", "minor", MON_10, agreed_at=agreed), minor, CAL)["onsite"] == agreed


def test_completion_24_hours_for_minor_3_days_for_medium_and_pauses_extend_it():
    minor = deadlines(OrderTimes("repair", "minor", MON_10), default_policy("repair", "minor"), CAL)
    assert minor["complete"] == datetime(2026, 11, 24, 10, 0)
    medium = deadlines(OrderTimes("repair", "medium", MON_10), default_policy("repair", "medium"), CAL)
    assert medium["complete"] == datetime(2026, 11, 26, 10, 0)
    waiting = OrderTimes("repair", "minor", MON_10, paused_minutes=120)
    paused = deadlines(waiting, default_policy("repair", "minor"), CAL)
    assert paused["complete"] == datetime(2026, 11, 24, 12, 0)


def test_complaint_response_8_working_hours_inside_24_hours_outside():
    policy = default_policy("complaint", "important")
    inside = deadlines(OrderTimes("complaint", "important", MON_10), policy, CAL)
    assert inside["respond"] == datetime(2026, 11, 24, 9, 0)   # 7.5 h on Monday + 0.5 h from 08:30 Tuesday
    saturday = datetime(2026, 11, 28, 11, 0)
    outside = deadlines(OrderTimes("complaint", "important", saturday), policy, CAL)
    assert outside["respond"] == datetime(2026, 11, 29, 11, 0)
    assert inside["complete"] == datetime(2026, 11, 25, 10, 0)  # resolved within 2 days


def test_callback_within_1_working_day_never_later_than_3_days():
    policy = default_policy("repair", "minor")
    friday = datetime(2026, 11, 27, 16, 0)
    due = deadlines(OrderTimes("repair", "minor", MON_10, completed_at=friday), policy, CAL)
    assert due["callback"] == datetime(2026, 11, 30, 16, 0)        # next working day (Monday)
    long_weekend = Calendar(holidays=frozenset({date(2026, 11, 30), date(2026, 12, 1)}))
    capped = deadlines(OrderTimes("repair", "minor", MON_10, completed_at=friday), policy, long_weekend)
    assert capped["callback"] == datetime(2026, 11, 30, 16, 0)     # 3-day cap


def test_rework_must_be_arranged_within_24_hours():
    callback = datetime(2026, 11, 25, 9, 0)
    due = deadlines(OrderTimes("repair", "minor", MON_10, completed_at=MON_10, callback_at=callback),
                    default_policy("repair", "minor"), CAL)
    assert due["rework_arrange"] == datetime(2026, 11, 26, 9, 0)


def test_holidays_are_not_working_time():
    assert not CAL.is_working_day(date(2026, 10, 1))
    assert CAL.next_working_start(datetime(2026, 10, 1, 9, 0)) == datetime(2026, 10, 2, 8, 30)
    assert CAL.add_working_minutes(datetime(2026, 9, 30, 17, 0), 60) == datetime(2026, 10, 2, 9, 0)


def test_met():
    now = datetime(2026, 11, 23, 12, 0)
    assert met(datetime(2026, 11, 23, 11, 0), datetime(2026, 11, 23, 10, 59), now) is True
    assert met(datetime(2026, 11, 23, 11, 0), datetime(2026, 11, 23, 11, 1), now) is False
    assert met(datetime(2026, 11, 23, 11, 0), None, now) is False
    assert met(datetime(2026, 11, 23, 13, 0), None, now) is None
    assert met(None, None, now) is None
    assert Policy().dispatch_minutes == 5
