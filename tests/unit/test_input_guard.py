"""services.input_guard: what PostgreSQL would refuse is named before it is sent
(issue 9 §2). Pure checks on column types, no database."""

from decimal import Decimal

import pytest
from sqlalchemy import BigInteger, Integer, Numeric, String

from app.models.mixins import Money
from app.services.input_guard import _problem, int_in_range, unstorable_text


@pytest.mark.parametrize("text", ["a\x00b", "\x00", "孤\ud800", "\udfff尾"])
def test_nul_and_lone_surrogates_cannot_be_stored(text):
    assert unstorable_text(text)
    assert _problem(String(50), text)


@pytest.mark.parametrize("text", ["<script>alert(1)</script>", "=1+1", "\u202e反转", "零\u200b宽", "😀", "é\u0301"])
def test_valid_but_hostile_text_is_storable(text):
    assert not unstorable_text(text)
    assert _problem(String(50), text) is None


def test_length_counts_characters_not_bytes():
    assert _problem(String(3), "长长长") is None
    assert "3" in _problem(String(3), "长长长长")


def test_integer_ranges_follow_the_column_type():
    assert int_in_range(2**31 - 1) and not int_in_range(2**31)
    assert _problem(Integer(), 2**31) and _problem(Integer(), -(2**31) - 1)
    assert _problem(BigInteger(), 2**40) is None
    assert _problem(Integer(), True) is None  # booleans are not counts


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("Infinity"), float("nan"), Decimal("1e20")])
def test_numbers_that_do_not_fit_money(value):
    assert _problem(Money(), value)


def test_numbers_that_fit():
    assert _problem(Money(), Decimal("9999999999.99")) is None
    assert _problem(Numeric(12, 4), Decimal("12345678.1234")) is None
    assert _problem(Numeric(12, 4), Decimal("123456789.1")) is not None
