"""收费 rules as pure functions (no DB): the rate in force, meter usage, reading amounts.

Money is Decimal end to end, rounded ROUND_HALF_UP to the fen (0.01) once,
on the final amount; never float.
"""

from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext as _

from app.errors import DomainError

FEN = Decimal("0.01")
METER_KIND_OF_ITEM = {"water": "water", "electricity": "electricity"}


def rate_in_force(rates: Iterable[tuple[date, Decimal]], day: date, fallback) -> Decimal:
    """The rate of the latest (effective_from, rate) with effective_from <= day;
    `fallback` (the charge item's own rate) when none is in force yet.

    E.g. rates [(2026-07-01, 2.35)], fallback 2.20: 2026-06 → 2.20, 2026-07 → 2.35.
    """
    best = None
    for effective_from, rate in rates:
        if effective_from <= day and (best is None or effective_from > best[0]):
            best = (effective_from, rate)
    return Decimal(best[1] if best is not None else fallback)


def meter_usage(previous, current, replaced_meter: bool = False, old_meter_final=None) -> Decimal:
    """用量 of one period. Normally current − previous, and a current reading
    below the previous one is refused (a misread, or a replaced meter).

    换表 (replaced_meter): the new meter counts from 0, so usage = current +
    (old meter's final reading − previous, when the final reading is known).
    """
    previous, current = Decimal(previous), Decimal(current)
    if previous < 0 or current < 0:
        raise DomainError(_("读数不能为负数"))
    if not replaced_meter:
        if current < previous:
            raise DomainError(_("本期读数 %(current)s 小于上期读数 %(previous)s；如已换表，请勾选“换表”并填写说明",
                                current=f"{current:.2f}", previous=f"{previous:.2f}"))
        return current - previous
    old_part = Decimal(0)
    if old_meter_final not in (None, ""):
        old_final = Decimal(old_meter_final)
        if old_final < previous:
            raise DomainError(_("旧表止码不能小于上期读数"))
        old_part = old_final - previous
    return old_part + current


def reading_amount(usage, rate) -> Decimal:
    """per_reading bill: usage × rate, half-up to the fen.
    12.5 吨 × 4.10 = 51.25; 333 度 × 0.62 = 206.46."""
    return (Decimal(usage) * Decimal(rate)).quantize(FEN, rounding=ROUND_HALF_UP)


def check_basis(basis: str, kind: str, meter_kind: str | None) -> str | None:
    """The meter kind a charge item bills: required for per_reading (taken from
    the item's kind 水费/电费 when not chosen), none for the other bases."""
    from app.models.billing import CHARGE_BASES
    from app.models.fees import METER_KINDS

    if basis not in CHARGE_BASES:
        raise DomainError(_("计费方式只能是按面积、固定金额或按抄表用量"))
    if basis != "per_reading":
        return None
    meter_kind = meter_kind or METER_KIND_OF_ITEM.get(kind)
    if meter_kind not in METER_KINDS:
        raise DomainError(_("按抄表用量计费的项目须选择表计类别（水表或电表）"))
    return meter_kind


def month_periods(last: date, count: int) -> list[str]:
    """The `count` periods (YYYY-MM) ending with `last`'s month, oldest first."""
    year, month = last.year, last.month
    out = []
    for _i in range(count):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


def previous_period(period: str) -> str:
    year, month = int(period[:4]), int(period[5:7])
    year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return f"{year:04d}-{month:02d}"
