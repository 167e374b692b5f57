"""DESIGN.md "Fees": the printed receipt shows the total in figures and as 大写金额
(PBoC rules: 零 for inner zeros, 整 after 元 only, half-up to the fen, never float)."""

from decimal import Decimal

import pytest

from app.reports.chinese_amount import chinese_amount, money


@pytest.mark.parametrize("amount,words", [
    ("0.05", "伍分"),
    ("0.50", "伍角"),
    ("0.00", "零元整"),
    ("1.00", "壹元整"),
    ("10.00", "壹拾元整"),
    ("15.00", "壹拾伍元整"),
    ("100.00", "壹佰元整"),
    ("100.05", "壹佰元零伍分"),
    ("1005.60", "壹仟零伍元陆角"),
    ("1234.50", "壹仟贰佰叁拾肆元伍角"),
    ("1234.56", "壹仟贰佰叁拾肆元伍角陆分"),
    ("210.33", "贰佰壹拾元叁角叁分"),
    ("10000.00", "壹万元整"),
    ("10010.00", "壹万零壹拾元整"),
    ("10500.00", "壹万零伍佰元整"),
    ("110000.00", "壹拾壹万元整"),
    ("1000100.00", "壹佰万零壹佰元整"),
    ("100001000.00", "壹亿零壹仟元整"),
    ("100010000.00", "壹亿零壹万元整"),
    ("9999999999.99", "玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    ("-246.90", "负贰佰肆拾陆元玖角"),
])
def test_chinese_capital_amount(amount, words):
    assert chinese_amount(Decimal(amount)) == words


def test_rounds_half_up_to_the_fen_and_refuses_float():
    assert chinese_amount(Decimal("0.045")) == "伍分"       # half-up, not banker's (which gives 肆分)
    assert chinese_amount(Decimal("0.055")) == "陆分"
    assert chinese_amount(12) == "壹拾贰元整"
    with pytest.raises(TypeError):
        chinese_amount(1.5)


def test_money_in_figures():
    assert money(Decimal("1234.5")) == "¥1,234.50"
    assert money(Decimal("0.05")) == "¥0.05"
    assert money(Decimal("-10")) == "-¥10.00"
