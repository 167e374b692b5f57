"""Demo fees data: charge items of both demo centres, one rate change, three months of
meter readings, some parking spaces and rentals, and the last three months of bills.

Idempotent: items, rates and readings are looked up by their natural keys,
parking is seeded only into a centre that has no space yet, and generation
itself adds nothing the second time.
"""

from datetime import date
from decimal import Decimal

from flask import current_app
from sqlalchemy import func, select

from app import timeutil
from app.extensions import db
from app.models.billing import Bill, ChargeItem
from app.models.estate import Household, ServiceCenter
from app.models.fees import ChargeRate, MeterReading
from app.models.parking import ParkingRental, ParkingSpace
from app.services.fee_generation import generate
from app.workflows.fees import month_periods

#: code → (name, kind, basis, meter kind, {centre: rate}, note)
ITEMS = {
    "WY": ("物业管理费", "management", "per_area", None, {"SC01": "2.20", "SC02": "2.80"}, "元/㎡/月"),
    "LJ": ("垃圾清运费", "other", "fixed", None, {"SC01": "15.00", "SC02": "15.00"}, "元/户/月"),
    "SF": ("水费", "water", "per_reading", "water", {"SC01": "4.10", "SC02": "4.10"}, "元/吨"),
    "DF": ("电费", "electricity", "per_reading", "electricity", {"SC01": "0.62", "SC02": "0.62"}, "元/度"),
    "CW": ("车位费", "parking", "fixed", None, {"SC01": "0", "SC02": "0"}, "金额取自车位租用月租金（按天折算）"),
}
#: 物业管理费 of SC01 goes from 2.20 to 2.35 元/㎡ on 2026-07-01 (收费标准调整).
RATE_CHANGES = [("SC01", "WY", date(2026, 7, 1), "2.35", "业主大会通过的新收费标准")]
SPACES_PER_CENTER = 30
RENTALS_PER_CENTER = 10
MONTHS = 3


def load_billing(progress=print) -> dict[str, int]:
    centers = {c.code: c for c in db.session.scalars(select(ServiceCenter).where(
        ServiceCenter.code.in_(["SC01", "SC02"]), ServiceCenter.deleted_on.is_(None)))}
    counts = {"charge_items": 0, "readings": 0, "parking_spaces": 0, "bills": 0}
    periods = month_periods(timeutil.today(), MONTHS)
    for code, center in sorted(centers.items()):
        counts["charge_items"] += _items(center)
        counts["readings"] += _readings(center, periods)
        counts["parking_spaces"] += _parking(center, index=1 if code == "SC01" else 2)
        db.session.commit()
    for period in periods:
        # A re-seed bills nothing: households added since (e.g. by tests) stay unbilled for the demo months.
        ids = [c.id for c in centers.values() if not _billed(c.id, period)]
        if ids:
            counts["bills"] += generate(period, ids).total
    progress(f"  fees: {counts['bills']} bill(s) for {periods[0]}..{periods[-1]}")
    return counts


def _billed(center_id: int, period: str) -> bool:
    stmt = select(Bill.id).where(Bill.center_id == center_id, Bill.period == period, Bill.source_key == "",
                                 Bill.deleted_on.is_(None)).limit(1)
    return db.session.scalar(stmt) is not None


def _items(center: ServiceCenter) -> int:
    added = 0
    for code, (name, kind, basis, meter, rates, note) in ITEMS.items():
        item = db.session.scalars(select(ChargeItem).filter_by(center_id=center.id, code=code, deleted_on=None)).first()
        if item is None:
            item = ChargeItem(center_id=center.id, code=code, name=name, kind=kind, basis=basis, meter_kind=meter,
                              rate=Decimal(rates[center.code]), due_day=15, active=True, note=note)
            db.session.add(item)
            db.session.flush()
            added += 1
        for c_code, i_code, start, rate, why in RATE_CHANGES:
            if (c_code, i_code) != (center.code, code):
                continue
            if db.session.scalar(select(ChargeRate.id).filter_by(charge_item_id=item.id, effective_from=start,
                                                                 deleted_on=None)) is None:
                db.session.add(ChargeRate(center_id=center.id, charge_item_id=item.id, effective_from=start,
                                          rate=Decimal(rate), note=why))
    return added


def _readings(center: ServiceCenter, periods: list[str]) -> int:
    """Water (吨, one decimal) and electricity (度) for every household, each month."""
    reader = current_app.appbuilder.sm.find_user(username="cashier1")
    have = set(db.session.execute(select(MeterReading.household_id, MeterReading.meter_kind, MeterReading.period)
                                  .where(MeterReading.center_id == center.id, MeterReading.deleted_on.is_(None))))
    households = db.session.execute(select(Household.id, Household.unit_id).where(
        Household.center_id == center.id, Household.deleted_on.is_(None)).order_by(Household.id)).all()
    rows = []
    for household_id, unit_id in households:
        for kind, start in (("water", Decimal("300.0")), ("electricity", Decimal("5000"))):
            value = start + household_id % 97
            for n, period in enumerate(periods):
                usage = _usage(kind, household_id, n)
                if (household_id, kind, period) not in have:
                    year, month = int(period[:4]), int(period[5:])
                    rows.append(MeterReading(
                        center_id=center.id, household_id=household_id, unit_id=unit_id, meter_kind=kind,
                        period=period, previous_reading=value, current_reading=value + usage, usage=usage,
                        read_on=date(year, month, 1), reader_id=reader.id if reader else None,
                        replaced_meter=False))
                value += usage
    db.session.add_all(rows)
    return len(rows)


def _usage(kind: str, household_id: int, n: int) -> Decimal:
    seed = (household_id * 37 + n * 11) % 100
    if kind == "water":
        return Decimal(60 + seed * 2) / 10  # 6.0 – 25.8 吨
    return Decimal(120 + seed * 3)  # 120 – 417 度


def _parking(center: ServiceCenter, index: int) -> int:
    """~30 spaces and ~10 rentals, only into a centre without any space yet:
    most rentals run the whole year, one ends mid-November and one starts
    mid-October (pro rata 车位费)."""
    if db.session.scalar(select(func.count()).select_from(ParkingSpace).where(
            ParkingSpace.center_id == center.id)):
        return 0
    households = db.session.scalars(select(Household.id).where(
        Household.center_id == center.id, Household.deleted_on.is_(None)).order_by(Household.id)).all()
    today = timeutil.today()
    year = today.year
    spaces = []
    for n in range(1, SPACES_PER_CENTER + 1):
        area = "地下一层A区" if n <= 20 else "地面B区"
        spaces.append(ParkingSpace(center_id=center.id, code=f"{area[:2]}{'A' if n <= 20 else 'B'}{n:03d}", area=area,
                                   kind="leased" if n % 10 else "owned", status="available"))
    db.session.add_all(spaces)
    db.session.flush()
    last = date(year, 12, 31)
    for n in range(RENTALS_PER_CENTER):
        start, end = date(year, 1, 1), last
        if n == 1:
            end = date(year, 11, 15)
        elif n == 2:
            start = date(year, 10, 16)
        space = spaces[n]
        rate = Decimal("300.00") if space.area.startswith("地下") else Decimal("150.00")
        db.session.add(ParkingRental(
            center_id=center.id, space_id=space.id, household_id=households[(n * 7) % len(households)],
            plate=f"粤B{index}{n:04d}", start_date=start, end_date=end, monthly_rate=rate,
            card_no=f"P{index}{n:04d}", status="active"))
        if start <= today <= end:
            space.status = "rented"
    return len(spaces)
