"""收费标准 (ChargeRate) and 抄表 (MeterReading) rules, on every route (form, API, seed).

- A rate belongs to a charge item of the user's centre; one rate per item and
  date; never negative; 4 decimal places (元/㎡, 元/吨, 元/度).
- A reading: one per household, meter kind and period; the previous reading
  defaults to the household's latest earlier reading of that meter; a current
  reading below the previous one is refused unless the meter was replaced
  (换表, with a note); usage is computed here, never typed.
"""

from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from app import timeutil
from app.errors import Conflict, DomainError
from app.extensions import db
from app.models.billing import ChargeItem
from app.models.estate import Building, Household, Unit
from app.models.fees import METER_KINDS, ChargeRate, MeterReading
from app.models.mixins import TWO_PLACES
from app.security import acting_user
from app.services import records
from app.services.billing import decimal_amount, parse_period
from app.workflows.fees import meter_usage

FOUR_PLACES = Decimal("0.0001")


def before_save(item) -> None:
    with db.session.no_autoflush:
        records.resolve_center(item)
        if isinstance(item, ChargeRate):
            _rate(item)
        elif isinstance(item, MeterReading):
            _reading(item)


def before_delete(item) -> None:
    records.soft_delete(item)


def _rate(item: ChargeRate) -> None:
    if item.effective_from is None:
        raise DomainError(_("请填写生效日期"))
    rate = decimal_amount(item.rate, _("请填写单价"))
    if rate < 0:
        raise DomainError(_("单价不能为负数"))
    item.rate = rate.quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)
    stmt = select(ChargeRate.id).where(ChargeRate.deleted_on.is_(None),
                                       ChargeRate.charge_item_id == item.charge_item.id,
                                       ChargeRate.effective_from == item.effective_from)
    if item.id is not None:
        stmt = stmt.where(ChargeRate.id != item.id)
    if db.session.scalars(stmt).first() is not None:
        raise Conflict(_("该收费项目在此生效日期已有收费标准"))


def _reading(item: MeterReading) -> None:
    if item.meter_kind not in METER_KINDS:
        raise DomainError(_("表计类别只能是水表或电表"))
    year, month = parse_period(item.period)
    item.period = f"{year:04d}-{month:02d}"
    item.unit_id = item.household.unit_id
    item.replaced_meter = bool(item.replaced_meter)
    if item.previous_reading in (None, ""):
        item.previous_reading = last_reading(item.household.id, item.meter_kind, item.period, exclude_id=item.id)
        if item.previous_reading is None:
            raise DomainError(_("该业户没有上期抄表记录，请填写上期读数"))
    previous = _reading_value(item.previous_reading, _("请填写上期读数"))
    current = _reading_value(item.current_reading, _("请填写本期读数"))
    old_final = None
    if item.old_meter_final not in (None, ""):
        old_final = _reading_value(item.old_meter_final, "")
    if item.replaced_meter and not (item.note or "").strip():
        raise DomainError(_("换表时请在备注中说明（换表日期、旧表止码等）"))
    item.usage = meter_usage(previous, current, item.replaced_meter, old_final)
    item.previous_reading, item.current_reading, item.old_meter_final = previous, current, old_final
    item.read_on = item.read_on or timeutil.today()
    if item.reader_id is None and item.reader is None:
        user = acting_user()
        item.reader_id = user.id if user else None
    stmt = select(MeterReading.id).where(
        MeterReading.deleted_on.is_(None), MeterReading.household_id == item.household.id,
        MeterReading.meter_kind == item.meter_kind, MeterReading.period == item.period)
    if item.id is not None:
        stmt = stmt.where(MeterReading.id != item.id)
    if db.session.scalars(stmt).first() is not None:
        raise Conflict(_("该业户本期已有此表的抄表记录"))


def _reading_value(value, missing_message) -> Decimal:
    try:
        result = decimal_amount(value, missing_message)
    except DomainError:
        if value in (None, ""):
            raise
        raise DomainError(_("读数格式无效，应为如 1234.5 的数字")) from None
    if result < 0:
        raise DomainError(_("读数不能为负数"))
    return result.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def last_reading(household_id: int, meter_kind: str, period: str, exclude_id=None) -> Decimal | None:
    """The household's latest current_reading of this meter before `period` (上期读数)."""
    stmt = select(MeterReading.current_reading).where(
        MeterReading.household_id == household_id, MeterReading.meter_kind == meter_kind,
        MeterReading.period < period, MeterReading.deleted_on.is_(None),
    ).order_by(MeterReading.period.desc()).limit(1)
    if exclude_id is not None:
        stmt = stmt.where(MeterReading.id != exclude_id)
    return db.session.scalar(stmt)


def missing_readings(period: str, center_ids=None) -> list[tuple]:
    """缺抄表: (centre, household label, meter kind) for every visible household that
    an active 按抄表用量 item bills but that has no reading of `period` yet."""
    year, month = parse_period(period)
    period = f"{year:04d}-{month:02d}"
    items = records.scoped_select(ChargeItem).where(ChargeItem.active.is_(True), ChargeItem.basis == "per_reading")
    if center_ids is not None:
        items = items.where(ChargeItem.center_id.in_(list(center_ids)))
    kinds: dict[int, set] = {}
    for item in db.session.scalars(items):
        kinds.setdefault(item.center_id, set()).add(item.meter_kind)
    if not kinds:
        return []
    read = set(db.session.execute(select(MeterReading.household_id, MeterReading.meter_kind).where(
        MeterReading.period == period, MeterReading.deleted_on.is_(None),
        MeterReading.center_id.in_(list(kinds)))).all())
    rows = db.session.execute(
        records.scoped_select(Household).with_only_columns(Household.id, Household.center_id, Household.name,
                                                           Building.name, Unit.room_no)
        .join(Unit, Unit.id == Household.unit_id).join(Building, Building.id == Unit.building_id)
        .where(Household.center_id.in_(list(kinds))).order_by(Household.center_id, Building.name, Unit.room_no)
    ).all()
    return [(center_id, f"{building}-{room} {name}", kind, household_id)
            for household_id, center_id, name, building, room in rows
            for kind in sorted(kinds[center_id]) if (household_id, kind) not in read]
