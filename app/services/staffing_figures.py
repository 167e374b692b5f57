"""人员 figures for the managers' dashboard, per centre: headcount, probations
coming due, leavers of the month. One GROUP BY query counts all three (no Flask):
the caller passes the centre ids it may see.

- headcount: employees on the roster (试用 or 正式, not deleted);
- probation due: the same rule as the 试用期到期 list (hiring.probation_due):
  still in probation and the regular date within the next `within_days`
  days, those already past it included (they are the most urgent);
- leavers: employees whose last day (left_date) falls in the month, status 离职.
"""

from datetime import date, timedelta

from sqlalchemy import and_, func, select

from app.extensions import db
from app.models.personnel import Employee


def _live(center_ids):
    return Employee.deleted_on.is_(None), Employee.center_id.in_(list(center_ids))


def _headcount():
    return Employee.status != "left"


def _probation_due(today: date, within_days: int):
    return and_(Employee.status == "probation", Employee.regular_date <= today + timedelta(days=within_days))


def _leavers(month_start: date, month_end: date):
    return and_(Employee.status == "left", Employee.left_date >= month_start, Employee.left_date < month_end)


def figures(center_ids, today: date, month_start: date, month_end: date,
            within_days: int = 30) -> dict[int, tuple[int, int, int]]:
    """centre → (headcount, probation due, leavers in [month_start, month_end)), one query."""
    stmt = (select(Employee.center_id, func.count().filter(_headcount()),
                   func.count().filter(_probation_due(today, within_days)),
                   func.count().filter(_leavers(month_start, month_end)))
            .where(*_live(center_ids)).group_by(Employee.center_id))
    return {cid: tuple(counts) for cid, *counts in db.session.execute(stmt)}
