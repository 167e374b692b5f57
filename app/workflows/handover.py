"""Shift handover and shift swap rules as data and pure functions (no DB I/O).

DESIGN.md "Shift handover" and the 换班 chain. Decisions recorded here:

- Pending items: a handover carries over the centre's work orders that are
  not finished with — every state but 已回访 / 已关闭 (so 已完成 orders still
  waiting for their callback are handed over too). What a post carries is
  its category's filter: 前台 all kinds (repairs, complaints, …), 工程 the
  repairs and paid services still open, 监控 the open orders that came from
  监控, 秩序 those from 巡查; other posts carry none.
- Blocking: complaints belong to the 前台 post, so an open (not yet
  完成) 重大 complaint of the centre blocks the 前台 handover; a major
  incident (MajorIncident register) blocks its own post, or every post of
  the centre when it names none. A supervisor (or the centre manager) may
  override with a reason, which is recorded.
- Late: the shift occurrence is the one whose end lies nearest to the
  handover time; later than its end + GRACE_MINUTES is 迟交.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from app.workflows.work_orders import OPEN_STATES

#: Minutes after the shift's end before a handover counts as late (迟交).
GRACE_MINUTES = 15
#: At most this many swaps (approved + pending) per person per month.
SWAP_LIMIT_PER_MONTH = 2
#: Roles that may override a blocked handover and record it for someone else.
SUPERVISOR_ROLES = frozenset({"supervisor", "center_manager", "admin"})
#: Work-order states still handed over (not 已回访, not 已关闭).
PENDING_STATES = frozenset(OPEN_STATES | {"completed"})
#: A 重大 complaint blocks while unresolved (before 已完成).
BLOCKING_STATES = frozenset(OPEN_STATES)
#: The category whose handover answers for complaints.
COMPLAINT_POST = "frontdesk"


@dataclass(frozen=True)
class Carry:
    """Which work orders a post's handover carries (None: any)."""

    kinds: frozenset | None
    sources: frozenset | None
    states: frozenset


CARRIES = {
    "frontdesk": Carry(None, None, PENDING_STATES),
    "engineering": Carry(frozenset({"repair", "paid_service"}), None, frozenset(OPEN_STATES)),
    "monitor": Carry(None, frozenset({"monitor"}), frozenset(OPEN_STATES)),
    "security": Carry(None, frozenset({"patrol"}), frozenset(OPEN_STATES)),
}


def carry_for(category: str) -> Carry | None:
    return CARRIES.get(category)


def carries(category: str, kind: str, source: str, status: str) -> bool:
    """Whether a post of this category hands over an order like this one."""
    c = carry_for(category)
    return (c is not None and status in c.states and (c.kinds is None or kind in c.kinds)
            and (c.sources is None or source in c.sources))


def blocks(category: str, kind: str, severity: str | None, status: str) -> bool:
    """An open 重大 complaint blocks the handover of the post complaints belong to."""
    return category == COMPLAINT_POST and kind == "complaint" and severity == "major" and status in BLOCKING_STATES


def shift_end(start: time, end: time, handed_at: datetime) -> tuple[date, datetime]:
    """(shift date, end time) of the occurrence whose end is nearest to handed_at.
    A shift whose end is at or before its start ends the next day (中 16:00–24:00)."""
    crosses = end <= start
    best = None
    for offset in (-1, 0, 1):
        day = handed_at.date() + timedelta(days=offset)
        end_at = datetime.combine(day + timedelta(days=1 if crosses else 0), end)
        gap = abs((handed_at - end_at).total_seconds())
        if best is None or gap < best[0]:
            best = (gap, day, end_at)
    return best[1], best[2]


def late_minutes(end_at: datetime, handed_at: datetime, grace: int = GRACE_MINUTES) -> int:
    """Minutes past the end when later than the grace, else 0 (on time)."""
    minutes = int((handed_at - end_at).total_seconds() // 60)
    return minutes if minutes > grace else 0


def checklist_names(text: str | None) -> list[str]:
    """A post's configured checklist (对讲机、钥匙、现金 …), split on 、 , ， ; or new lines."""
    names = [n.strip() for n in re.split(r"[、,，;；\n]+", text or "")]
    seen, out = set(), []
    for n in names:
        if n and n not in seen:
            seen.add(n)
            out.append(n[:50])
    return out


def month_bounds(day: date) -> tuple[date, date]:
    """First day of the month and first day of the next month."""
    first = day.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    return first, nxt


def over_swap_limit(count_others: int, limit: int = SWAP_LIMIT_PER_MONTH) -> bool:
    """True when a person already has `limit` swaps (approved + pending) that month."""
    return count_others >= limit
