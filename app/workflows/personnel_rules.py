"""Pure personnel rules from the manuals (DESIGN "Rules from the manuals"):
probation and regular date, resignation notice, promotion rounds, leave
days, settlement totals. No DB I/O: dates and levels in, answers out, so the
rules are unit-tested without an app and the service applies them on every
route.

Messages are Chinese source strings through gettext, formatted at call time
(the caller is inside a request, so the caller's language applies).
"""

import calendar
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from flask_babel import gettext as _

from app.i18n import join_list
from app.models.personnel import LEVEL_RANK, LEVELS

PROBATION_DEFAULT = 3
PROBATION_MIN = 1
PROBATION_MAX = 6  # "extendable to at most 6"
TRAINING_MONTHS = 1  # 入职培训 within a month of hire

#: Months in which promotions and raises are decided (the June and December rounds).
ROUND_MONTHS = (6, 12)
#: Minimum months between two promotions / raises / demotions.
MONTHS_BETWEEN_CHANGES = 6
#: Appointment kinds bound by the round, the 6-month gap (and, for promote, no skipping a level).
ROUND_KINDS = ("promote", "raise")

#: level → days of notice a resignation needs before the last working day.
NOTICE_DAYS = {"manager": 30, "supervisor": 30, "staff": 20, "security_cleaning": 15}

CENT = Decimal("0.01")
HALF_DAY = Decimal("0.5")


def add_months(start: date, months: int) -> date:
    """Same day `months` calendar months later, clamped to the month's end (11-30 + 3 → 02-28/29)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def regular_date(hire_date: date, months: int) -> date:
    """Regular date = hire date + probation months + 1 day (hired 3-15, 3 months → 6-16)."""
    return add_months(hire_date, months) + timedelta(days=1)


def training_due(hire_date: date) -> date:
    return add_months(hire_date, TRAINING_MONTHS)


def probation_problem(months) -> str | None:
    """Probation months must lie between 1 and 6 (3 by default)."""
    if months is None or not PROBATION_MIN <= int(months) <= PROBATION_MAX:
        return _("试用期应为%(low)s至%(high)s个月（默认3个月，最长延长至6个月）", low=PROBATION_MIN, high=PROBATION_MAX)
    return None


# -- resignation notice ------------------------------------------------------------

def required_notice_days(level: str) -> int:
    """主管级及以上 30 days, 主管级以下 20, 安全员/保洁 15 (unknown levels: the staff rule)."""
    return NOTICE_DAYS.get(level, NOTICE_DAYS["staff"])


def notice_days(notice_date: date, last_day: date) -> int:
    return (last_day - notice_date).days


def notice_shortfall(kind: str, level: str, notice_date: date, last_day: date) -> tuple[int, int] | None:
    """(required, given) days when a resignation (辞职) gives too short a notice, else None.

    Dismissal (辞退, for a listed reason) and abandonment (自动离职) need no notice.
    """
    if kind != "resign":
        return None
    required, given = required_notice_days(level), notice_days(notice_date, last_day)
    return (required, given) if given < required else None


def notice_message(level: str, required: int, given: int) -> str:
    return _(
        "辞职须提前%(required)s天提出（%(level)s），本申请只提前了%(given)s天；"
        "如确需批准，请勾选“特批”并在意见中说明理由",
        required=required, given=given, level=str(LEVELS.get(level, level)),
    )


# -- appointments (职务任免及工资审批) ------------------------------------------------

def is_round_month(on: date) -> bool:
    return on.month in ROUND_MONTHS


def level_step(old_level: str | None, new_level: str | None) -> int:
    """How many ranks a change moves (staff → manager is 2: a skipped level)."""
    if not old_level or not new_level:
        return 0
    return LEVEL_RANK.get(new_level, 0) - LEVEL_RANK.get(old_level, 0)


def appointment_violations(kind: str, on: date, last_change: date | None,
                           old_level: str | None, new_level: str | None) -> list[str]:
    """What a promotion or raise decided on `on` breaks; each needs the GM's special approval.

    Rules: only in the June and December rounds; at least 6 months since the
    last change (promotion / raise / demotion, else the hire date); a
    promotion does not skip a level. Other kinds have no such limits.
    """
    if kind not in ROUND_KINDS:
        return []
    found = []
    if not is_round_month(on):
        found.append(_("晋升、调薪只在每年6月和12月集中办理，本次审批日期为%(on)s", on=on.isoformat()))
    if last_change is not None:
        earliest = add_months(last_change, MONTHS_BETWEEN_CHANGES)
        if on < earliest:
            found.append(_(
                "距上次调整（%(last)s）不足6个月，最早可于%(earliest)s办理",
                last=last_change.isoformat(), earliest=earliest.isoformat(),
            ))
    if kind == "promote" and level_step(old_level, new_level) > 1:
        found.append(_(
            "不能越级晋升：由%(old)s直接晋升为%(new)s",
            old=str(LEVELS.get(old_level, old_level)), new=str(LEVELS.get(new_level, new_level)),
        ))
    return found


def violations_message(violations: list[str]) -> str:
    return _("以下规定须总经理特批方可通过：%(items)s", items=join_list(violations, "；"))


# -- leave ---------------------------------------------------------------------------

def calendar_days(start: date, end: date) -> int:
    """Days from start to end, both included."""
    return (end - start).days + 1


def leave_problem(start: date | None, end: date | None, days) -> str | None:
    """start ≤ end; 0 < days ≤ calendar days of the range, in half days."""
    if start is None or end is None:
        return _("请填写请假起止日期")
    if start > end:
        return _("请假开始日期不能晚于结束日期")
    try:
        days = Decimal(str(days))
    except (InvalidOperation, TypeError, ValueError):
        return _("请假天数必须大于0")
    if not days.is_finite() or days <= 0:
        return _("请假天数必须大于0")
    if days % HALF_DAY:
        return _("请假天数以半天为单位，例如0.5、1、1.5")
    span = calendar_days(start, end)
    if days > span:
        return _("请假天数（%(days)s）不能超过起止日期之间的%(span)s天", days=days.normalize(), span=span)
    return None


# -- money ---------------------------------------------------------------------------

def to_money(value) -> Decimal:
    """Decimal with 2 places; None is 0; floats go through str (never binary float maths)."""
    if value is None or value == "":
        return Decimal("0.00")
    if isinstance(value, float):
        value = str(value)
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def settlement_total(base_pay, overtime_pay, deductions) -> Decimal:
    """total = base pay + overtime pay − deductions (may come out negative: the caller refuses it)."""
    return to_money(base_pay) + to_money(overtime_pay) - to_money(deductions)
