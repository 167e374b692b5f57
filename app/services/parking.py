"""车位 Parking rules: renting without overlaps, ending, expiring, occupancy, 车位费.

Overlap is refused three times over: the service checks first and answers
with the clashing rental; before that check it locks the space row (SELECT …
FOR UPDATE on PostgreSQL; on SQLite a no-op UPDATE takes the single write
lock), so concurrent requests for one space run one after the other and the
re-check sees the winner; and the database itself (PostgreSQL exclusion
constraint / SQLite trigger, see the migration) refuses what slips through,
mapped back to the same message by `ParkingInterface`.
"""

import calendar
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from flask_appbuilder.exceptions import DatabaseException
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app import timeutil
from app.errors import Conflict, DomainError, NotFound, integrity_cause
from app.extensions import db
from app.models.estate import Household
from app.models.mixins import TWO_PLACES
from app.models.parking import (
    OVERLAP_CONSTRAINT,
    SPACE_KINDS,
    SPACE_STATUSES,
    ParkingRental,
    ParkingSpace,
)
from app.services import records
from app.validators import check_plate

LIVE = ("active", "ended")  # rentals that hold their period (cancelled ones do not)


# -- hooks (web form, REST API, rent()) ----------------------------------------

def before_save(item) -> None:
    """Checks shared by add and edit, on every route."""
    with db.session.no_autoflush:
        records.resolve_center(item)
        if isinstance(item, ParkingSpace):
            _space(item)
        elif isinstance(item, ParkingRental):
            _rental(item)


def before_delete(item) -> None:
    if isinstance(item, ParkingSpace) and _covering(item.id, timeutil.today()) is not None:
        raise Conflict(_("该车位正在出租中，不能删除"))
    records.soft_delete(item)
    if isinstance(item, ParkingRental) and item.space is not None:
        db.session.flush()
        refresh_space_status(item.space)


def _space(item: ParkingSpace) -> None:
    item.code = (item.code or "").strip().upper()
    item.area = (item.area or "").strip()
    if not item.code:
        raise DomainError(_("请填写车位编号"))
    if item.kind not in SPACE_KINDS:
        raise DomainError(_("车位类型只能是产权、租赁或临时"))
    item.status = item.status or "available"
    if item.status not in SPACE_STATUSES:
        raise DomainError(_("车位状态无效"))
    stmt = select(func.count()).select_from(ParkingSpace).where(
        ParkingSpace.deleted_on.is_(None), ParkingSpace.center_id == item.center_id,
        ParkingSpace.code == item.code,
    )
    if item.id is not None:
        stmt = stmt.where(ParkingSpace.id != item.id)
    if db.session.scalar(stmt):
        raise Conflict(_("该服务中心已有此车位编号"))


def _rental(item: ParkingRental) -> None:
    item.status = item.status or "active"
    if item.id is not None and _was(item, "status") != "active":
        raise Conflict(_("只有生效中的租用可以修改"))
    household = records.scoped_get(Household, records._chosen_id(item, "household"))
    if household is None:
        raise NotFound(_("所选业户不存在或不在您的服务中心范围内"))
    if household.center_id != item.center_id:
        raise DomainError(_("业户与车位不属于同一服务中心"))
    item.household = household
    try:
        item.plate = check_plate(item.plate)
    except ValueError as e:
        raise DomainError(str(e)) from None
    _check_period(item)
    if item.space.status == "disabled":
        raise Conflict(_("该车位已停用，不能出租"))
    lock_space(item.space.id)
    clash = find_overlap(item.space.id, item.start_date, item.end_date, exclude_id=item.id)
    if clash is not None:
        raise overlap_error(clash)
    today = timeutil.today()
    if item.status == "active" and item.start_date <= today <= item.end_date:
        item.space.status = "rented"


def _check_period(item: ParkingRental) -> None:
    if item.start_date is None or item.end_date is None:
        raise DomainError(_("请填写起始日期和结束日期"))
    if item.start_date > item.end_date:
        raise DomainError(_("起始日期不能晚于结束日期"))
    if item.monthly_rate is None:
        raise DomainError(_("请填写月租金"))
    rate = Decimal(str(item.monthly_rate))
    if rate < 0:
        raise DomainError(_("月租金不能为负数"))
    item.monthly_rate = rate.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _was(item, attr):
    from sqlalchemy import inspect

    hist = inspect(item).attrs[attr].history
    return hist.deleted[0] if hist.deleted else getattr(item, attr)


# -- the overlap guarantee -------------------------------------------------------

def lock_space(space_id: int) -> None:
    """Serialise writers of one space until this transaction ends."""
    records.lock_rows(ParkingSpace, [space_id])


def find_overlap(space_id, start: date, end: date, exclude_id=None) -> ParkingRental | None:
    """A live rental of the space whose period shares at least one day with [start, end]."""
    stmt = select(ParkingRental).where(
        ParkingRental.space_id == space_id, ParkingRental.deleted_on.is_(None),
        ParkingRental.status != "cancelled",
        ParkingRental.start_date <= end, ParkingRental.end_date >= start,
    ).order_by(ParkingRental.start_date)
    if exclude_id is not None:
        stmt = stmt.where(ParkingRental.id != exclude_id)
    return db.session.scalars(stmt).first()


def overlap_error(clash: ParkingRental | None) -> Conflict:
    if clash is None:
        return Conflict(_("该车位在所选期间已出租，请选择其他期间或车位"))
    return Conflict(_("该车位在所选期间已出租（车牌 %(plate)s，%(start)s 至 %(end)s），请选择其他期间或车位",
                      plate=clash.plate, start=clash.start_date.isoformat(), end=clash.end_date.isoformat()))


def guarded_write(item: ParkingRental, write) -> None:
    """Run `write()` (add/merge + commit). If the database's own overlap guard
    refuses it (a race the check could not see), answer with the same Conflict."""
    space_id = item.space_id or (item.space.id if item.space is not None else None)
    key = (space_id, item.start_date, item.end_date, item.id)
    try:
        write()
    except (IntegrityError, DatabaseException, Conflict) as e:
        cause = integrity_cause(e)
        if cause is None or OVERLAP_CONSTRAINT not in str(cause.orig):
            raise
        db.session.rollback()
        clash = find_overlap(*key[:3], exclude_id=key[3]) if key[0] else None
        raise overlap_error(clash) from None


# -- use cases -------------------------------------------------------------------

def rent(space: ParkingSpace, household: Household, plate: str, start_date: date, end_date: date,
         monthly_rate, card_no: str | None = None) -> ParkingRental:
    """出租车位: one transaction; raises Conflict on an overlapping period."""
    rental = ParkingRental(space_id=space.id, household_id=household.id, plate=plate, start_date=start_date,
                           end_date=end_date, monthly_rate=monthly_rate, card_no=card_no, status="active")
    _save(rental)
    return rental


def _save(rental: ParkingRental) -> None:
    try:
        before_save(rental)
    except DomainError:
        db.session.rollback()
        raise
    db.session.add(rental)
    guarded_write(rental, db.session.commit)


def end_rental(rental: ParkingRental, end_date: date | None = None) -> None:
    """退租: the rental ends on `end_date` (default today, never after its end)."""
    if rental.status != "active":
        raise Conflict(_("只有生效中的租用可以退租"))
    end_date = end_date or timeutil.today()
    if end_date < rental.start_date:
        raise DomainError(_("退租日期不能早于起始日期"))
    lock_space(rental.space_id)
    rental.end_date = min(end_date, rental.end_date)
    rental.status = "ended"
    db.session.flush()
    refresh_space_status(rental.space)
    db.session.commit()


def cancel(rental: ParkingRental) -> None:
    """作废: a rental entered by mistake; its period is free again."""
    if rental.status != "active":
        raise Conflict(_("只有生效中的租用可以作废"))
    lock_space(rental.space_id)
    rental.status = "cancelled"
    db.session.flush()
    refresh_space_status(rental.space)
    db.session.commit()


def set_space_status(space: ParkingSpace, status: str) -> None:
    """停用 / 预留 / 恢复空闲 by hand; 已出租 only follows the rentals."""
    if status not in ("available", "reserved", "disabled"):
        raise DomainError(_("车位状态无效"))
    if status != "available" and _covering(space.id, timeutil.today()) is not None:
        raise Conflict(_("该车位正在出租中，不能停用或预留"))
    space.status = status
    db.session.flush()
    refresh_space_status(space)
    db.session.commit()


def refresh_space_status(space: ParkingSpace, today: date | None = None) -> None:
    """已出租 while an active rental covers today; back to 空闲 when none does."""
    if space.status == "disabled":
        return
    if _covering(space.id, today or timeutil.today()) is not None:
        space.status = "rented"
    elif space.status == "rented":
        space.status = "available"


def refresh_all_spaces(today: date | None = None) -> int:
    """Daily job: a rental that starts (or ends) today flips its space's status.
    Returns how many spaces changed."""
    changed = 0
    for space in db.session.scalars(select(ParkingSpace).where(ParkingSpace.deleted_on.is_(None))):
        before = space.status
        refresh_space_status(space, today)
        changed += space.status != before
    db.session.commit()
    return changed


def _covering(space_id, day: date):
    return db.session.scalars(select(ParkingRental.id).where(
        ParkingRental.space_id == space_id, ParkingRental.deleted_on.is_(None),
        ParkingRental.status == "active", ParkingRental.start_date <= day, ParkingRental.end_date >= day,
    )).first()


# -- lists and reports -------------------------------------------------------------

def expiring(within_days: int = 30, today: date | None = None) -> list[ParkingRental]:
    """即将到期: active rentals (visible to the user) ending within `within_days` days."""
    today = today or timeutil.today()
    stmt = records.scoped_select(ParkingRental).where(
        ParkingRental.status == "active", ParkingRental.end_date >= today,
        ParkingRental.end_date <= today + timedelta(days=within_days),
    ).order_by(ParkingRental.end_date, ParkingRental.id)
    return list(db.session.scalars(stmt))


def occupancy_by_area(center_ids=None, today: date | None = None) -> dict[str, tuple[int, int]]:
    """{区域: (rented, total)} over visible, non-disabled spaces; `center_ids` narrows it.

    "Rented" means an active rental covers `today` (not the stored status,
    which a future rental has not switched yet).
    """
    today = today or timeutil.today()
    covering = select(ParkingRental.space_id).where(
        ParkingRental.deleted_on.is_(None), ParkingRental.status == "active",
        ParkingRental.start_date <= today, ParkingRental.end_date >= today,
    )
    stmt = records.scoped_select(ParkingSpace).where(ParkingSpace.status != "disabled")
    if center_ids is not None:
        stmt = stmt.where(ParkingSpace.center_id.in_(list(center_ids)))
    sub = stmt.subquery()
    rows = db.session.execute(
        select(sub.c.area, func.count(), func.count().filter(sub.c.id.in_(covering)))
        .group_by(sub.c.area).order_by(sub.c.area)
    )
    return {area: (rented, total) for area, total, rented in rows}


def monthly_parking_charges(period: str, center_ids=None) -> list[tuple[ParkingRental, Decimal]]:
    """车位费 seam for the fees register: (rental, amount) for the month `period` (YYYY-MM).

    Every live (active or ended) rental that covers a day of the month is
    charged its monthly rate, pro rata by calendar days when it covers only
    part of the month (half-up to the fen). Runs as the system: no user scope.
    """
    try:
        year, month = (int(p) for p in period.split("-"))
        first = date(year, month, 1)
    except ValueError:
        raise DomainError(_("账期格式应为YYYY-MM")) from None
    days = calendar.monthrange(year, month)[1]
    last = first.replace(day=days)
    stmt = select(ParkingRental).where(
        ParkingRental.deleted_on.is_(None), ParkingRental.status.in_(LIVE),
        ParkingRental.start_date <= last, ParkingRental.end_date >= first,
    ).order_by(ParkingRental.center_id, ParkingRental.id)
    if center_ids is not None:
        stmt = stmt.where(ParkingRental.center_id.in_(list(center_ids)))
    out = []
    for rental in db.session.scalars(stmt):
        covered = (min(rental.end_date, last) - max(rental.start_date, first)).days + 1
        amount = rental.monthly_rate if covered == days else rental.monthly_rate * covered / days
        out.append((rental, Decimal(amount).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)))
    return out
