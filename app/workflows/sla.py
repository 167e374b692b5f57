"""SLA clocks of a work order: pure date arithmetic, no DB I/O.

Defaults are the manuals' (DESIGN.md "Work orders"); the database keeps an
editable copy per kind/severity (SlaPolicy) and per-centre working hours and
holidays (WorkCalendar). Waiting on the owner pauses the completion clock:
the paused time is added to its deadline.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta


@dataclass(frozen=True)
class Policy:
    dispatch_minutes: int = 5  # to the responsible person, from intake
    respond_minutes: int = 60  # every request answered within 1 hour
    onsite_minutes: int | None = 15  # emergencies 10; None: no on-site clock
    complete_hours: int | None = 24  # 小修 24 h, 中修 3 days; complaints 48 h
    response_working_hours: int | None = None  # complaints: 8 working hours
    response_outside_hours: int | None = None  # … or 24 h when received outside working hours
    callback_working_days: int = 1  # callback within 1 working day of completion
    callback_max_hours: int = 72  # … and never later than 3 days
    rework_arrange_hours: int = 24  # engineering supervisor re-arranges a rework
    return_working_hours: int | None = None  # complaints a department cannot handle: back within ½ working day


#: (kind, severity) → policy; severity None matches any severity of the kind.
DEFAULT_POLICIES: dict[tuple[str, str | None], Policy] = {
    ("repair", "emergency"): Policy(onsite_minutes=10, complete_hours=24),
    ("repair", "minor"): Policy(onsite_minutes=15, complete_hours=24),
    ("repair", "medium"): Policy(onsite_minutes=15, complete_hours=72),
    ("complaint", None): Policy(onsite_minutes=None, complete_hours=48, response_working_hours=8,
                                response_outside_hours=24, return_working_hours=4),
    ("paid_service", None): Policy(onsite_minutes=15, complete_hours=72),
    ("consult", None): Policy(onsite_minutes=None, complete_hours=None),
    ("suggestion", None): Policy(onsite_minutes=None, complete_hours=None),
    ("help", None): Policy(onsite_minutes=None, complete_hours=None),
}


def default_policy(kind: str, severity: str | None) -> Policy:
    return DEFAULT_POLICIES.get((kind, severity)) or DEFAULT_POLICIES.get((kind, None)) or Policy()


@dataclass(frozen=True)
class Calendar:
    """Working hours of a centre: same hours on each working weekday, minus holidays."""

    start: time = time(8, 30)
    end: time = time(17, 30)
    weekdays: frozenset = frozenset(range(5))  # Monday=0 … Friday=4
    holidays: frozenset = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.weekdays and day not in self.holidays

    def is_working_time(self, moment: datetime) -> bool:
        return self.is_working_day(moment.date()) and self.start <= moment.time() < self.end

    def next_working_start(self, moment: datetime) -> datetime:
        day = moment.date()
        if self.is_working_day(day) and moment.time() < self.start:
            return datetime.combine(day, self.start)
        if self.is_working_time(moment):
            return moment
        day += timedelta(days=1)
        for _ in range(400):
            if self.is_working_day(day):
                return datetime.combine(day, self.start)
            day += timedelta(days=1)
        raise ValueError("no working day within 400 days")

    def add_working_minutes(self, moment: datetime, minutes: int) -> datetime:
        current = self.next_working_start(moment)
        left = minutes
        while True:
            end_of_day = datetime.combine(current.date(), self.end)
            available = int((end_of_day - current).total_seconds() // 60)
            if left <= available:
                return current + timedelta(minutes=left)
            left -= available
            current = self.next_working_start(end_of_day)

    def add_working_days(self, moment: datetime, days: int) -> datetime:
        """The same time of day `days` working days later (at least the next working start)."""
        day = moment.date()
        counted = 0
        while counted < days:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return max(datetime.combine(day, moment.time()), self.next_working_start(datetime.combine(day, time())))


@dataclass
class OrderTimes:
    """What the clocks need to know about one order."""

    kind: str
    severity: str | None
    received_at: datetime
    agreed_at: datetime | None = None  # time agreed with the owner (on site)
    completed_at: datetime | None = None
    callback_at: datetime | None = None  # when a callback reopened it (rework)
    paused_minutes: int = 0


def deadlines(order: OrderTimes, policy: Policy, calendar: Calendar) -> dict[str, datetime]:
    """Every clock that applies to the order → its due time."""
    received = order.received_at
    due = {
        "dispatch": received + timedelta(minutes=policy.dispatch_minutes),
        "respond": received + timedelta(minutes=policy.respond_minutes),
    }
    if policy.response_working_hours:
        if calendar.is_working_time(received):
            due["respond"] = calendar.add_working_minutes(received, policy.response_working_hours * 60)
        else:
            due["respond"] = received + timedelta(hours=policy.response_outside_hours or 24)
    if policy.onsite_minutes is not None:
        due["onsite"] = order.agreed_at or received + timedelta(minutes=policy.onsite_minutes)
    if policy.complete_hours is not None:
        due["complete"] = received + timedelta(hours=policy.complete_hours, minutes=order.paused_minutes)
    if order.completed_at is not None:
        due["callback"] = min(
            calendar.add_working_days(order.completed_at, policy.callback_working_days),
            order.completed_at + timedelta(hours=policy.callback_max_hours),
        )
    if order.callback_at is not None:
        due["rework_arrange"] = order.callback_at + timedelta(hours=policy.rework_arrange_hours)
    return due


def met(due: datetime | None, done: datetime | None, now: datetime) -> bool | None:
    """True: done in time; False: late (done late, or not done and past due); None: still open in time."""
    if due is None:
        return None
    if done is not None:
        return done <= due
    return False if now > due else None
