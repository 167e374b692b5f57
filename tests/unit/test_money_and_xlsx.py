"""Money is Decimal with two places, half-up, never float; exported text cells
that Excel would run as formulas are neutralised."""

from decimal import Decimal

import openpyxl
import pytest

from app.models.mixins import Money
from app.reports.xlsx import neutralise, write_workbook


def test_money_rounds_half_up_to_two_places():
    m = Money()
    assert m.process_bind_param(Decimal("1.005"), None) == Decimal("1.01")
    assert m.process_bind_param("2.344", None) == Decimal("2.34")
    assert m.process_bind_param(3, None) == Decimal("3.00")


def test_money_refuses_float():
    with pytest.raises(TypeError):
        Money().process_bind_param(1.1, None)


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\t=1", "\r=1"])
def test_formula_starts_are_neutralised(text):
    assert neutralise(text) == "'" + text


def test_plain_text_is_untouched():
    assert neutralise("王伟 1-101") == "王伟 1-101"


def test_workbook_round_trip(tmp_path):
    path = tmp_path / "x.xlsx"
    n = write_workbook(str(path), "业户", ["姓名", "面积"], [["=cmd|' /C calc'!A0", Decimal("89.50")], ["李娜", None]])
    assert n == 2
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0] == ("姓名", "面积")
    assert rows[1] == ("'=cmd|' /C calc'!A0", 89.5)
    assert rows[2] == ("李娜", None)
