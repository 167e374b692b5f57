"""人员 figures for the managers' dashboard, per centre: headcount, probations
coming due, leavers of the month. Pure queries (one GROUP BY each, no Flask):
the caller passes the centre ids it may see.

- headcount: employees on the roster (试用 or 正式, not deleted);
- probation due: the same rule as the 试用期到期 list (hiring.probation_due):
  still in probation and the regular date within the next `within_days`
  days, those already past it included (they are the most urgent);
- leavers: employees whose last day (left_date) falls in the month, status 离职.
"""

from datetime import date, timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models.personnel import Employee


def _per_center(center_ids, *criteria) -> dict[int, int]:
    stmt = (select(Employee.center_id, func.count())
            .where(Employee.deleted_on.is_(None), Employee.center_id.in_(list(center_ids)), *criteria)
            .group_by(Employee.center_id))
    return dict(db.session.execute(stmt).all())


def headcount(center_ids) -> dict[int, int]:
    return _per_center(center_ids, Employee.status != "left")


def probation_due(center_ids, today: date, within_days: int = 30) -> dict[int, int]:
    return _per_center(center_ids, Employee.status == "probation",
                       Employee.regular_date <= today + timedelta(days=within_days))


def leavers(center_ids, month_start: date, month_end: date) -> dict[int, int]:
    """Left in [month_start, month_end)."""
    return _per_center(center_ids, Employee.status == "left", Employee.left_date >= month_start,
                       Employee.left_date < month_end)
