"""DESIGN "Fees" and issue 5 §1, the pure part: the rate in force for a period
(charge rates with effective dates), meter usage (抄表, 换表), and per-reading
amounts in Decimal rounded half-up to the fen. No app, no database."""

from datetime import date
from decimal import Decimal

import pytest

from app.errors import DomainError
from app.workflows import fees

D = Decimal
RATES = [(date(2026, 7, 1), D("2.35")), (date(2025, 1, 1), D("2.10")), (date(2027, 1, 1), D("2.50"))]


@pytest.mark.parametrize("day,expected", [
    (date(2024, 12, 1), D("2.20")),   # before any change: the item's own rate
    (date(2025, 1, 1), D("2.10")),    # effective on its own date
    (date(2026, 6, 1), D("2.10")),
    (date(2026, 7, 1), D("2.35")),    # the change applies from its first day
    (date(2026, 12, 1), D("2.35")),
    (date(2027, 1, 1), D("2.50")),    # the latest effective_from <= day wins, whatever the order given
])
def test_rate_in_force_is_the_latest_effective_on_the_day(day, expected):
    """A centre changes a price from a date without rewriting history: period P
    uses the latest rate with effective_from <= P's first day, else ChargeItem.rate."""
    assert fees.rate_in_force(RATES, day, D("2.20")) == expected


def test_rate_in_force_without_rates_falls_back_to_the_item_rate():
    assert fees.rate_in_force([], date(2026, 12, 1), D("15.0000")) == D("15")


@pytest.mark.parametrize("usage,rate,amount", [
    (D("12.5"), D("4.10"), D("51.25")),     # hand-checked: 12.5 吨 × 4.10 元/吨 = 51.25
    (D("333"), D("0.62"), D("206.46")),     # hand-checked: 333 度 × 0.62 元/度 = 206.46
    (D("10.3"), D("4.15"), D("42.75")),     # 42.745 → 42.75 (half-up, not banker's 42.74)
    (D("0.5"), D("0.01"), D("0.01")),       # 0.005 → 0.01
    (D("0"), D("4.10"), D("0.00")),
])
def test_reading_amount_is_usage_times_rate_half_up_to_the_fen(usage, rate, amount):
    got = fees.reading_amount(usage, rate)
    assert got == amount and isinstance(got, Decimal) and got.as_tuple().exponent == -2


def test_usage_is_current_minus_previous():
    assert fees.meter_usage(D("1200.50"), D("1213.00")) == D("12.50")
    assert fees.meter_usage(D("100"), D("100")) == D("0")


def test_current_below_previous_is_refused_unless_the_meter_was_replaced():
    with pytest.raises(DomainError, match="小于上期读数") as e:
        fees.meter_usage(D("500.00"), D("20.00"))
    assert "换表" in str(e.value) and "500.00" in str(e.value) and "20.00" in str(e.value)
    # 换表: the new meter counts from 0; the old meter's last stretch is added when known.
    assert fees.meter_usage(D("500.00"), D("20.00"), replaced_meter=True) == D("20.00")
    assert fees.meter_usage(D("500.00"), D("20.00"), True, old_meter_final=D("512.50")) == D("32.50")
    with pytest.raises(DomainError, match="旧表止码"):
        fees.meter_usage(D("500.00"), D("20.00"), True, old_meter_final=D("499"))
    with pytest.raises(DomainError, match="负数"):
        fees.meter_usage(D("-1"), D("20.00"))


@pytest.mark.parametrize("basis,kind,meter,expected", [
    ("per_reading", "water", None, "water"),              # taken from the item's kind 水费
    ("per_reading", "other", "electricity", "electricity"),
    ("per_area", "management", "water", None),            # only per_reading items have a meter
    ("fixed", "other", None, None),
])
def test_check_basis_links_per_reading_items_to_a_meter(basis, kind, meter, expected):
    assert fees.check_basis(basis, kind, meter) == expected


def test_check_basis_refuses_unknown_basis_and_per_reading_without_meter():
    with pytest.raises(DomainError, match="按抄表用量"):
        fees.check_basis("per_person", "other", None)
    with pytest.raises(DomainError, match="表计类别"):
        fees.check_basis("per_reading", "other", None)
    with pytest.raises(DomainError, match="表计类别"):
        fees.check_basis("per_reading", "water", "gas")


def test_month_periods_end_with_the_current_month():
    assert fees.month_periods(date(2026, 12, 1), 3) == ["2026-10", "2026-11", "2026-12"]
    assert fees.month_periods(date(2027, 2, 10), 3) == ["2026-12", "2027-01", "2027-02"]
    assert fees.previous_period("2027-01") == "2026-12"
