"""Pure rules: phone numbers, Chinese ID numbers (GB 11643 check digit), masking."""

import pytest

from app.validators import check_id_number, check_phone, id_check_char, is_masked, mask_id_number


@pytest.mark.parametrize("raw,clean", [
    ("13800138000", "13800138000"),
    ("138 0013 8000", "13800138000"),
    ("0755-26000001", "0755-26000001"),
    ("010-12345678-123", "010-12345678-123"),
])
def test_valid_phones(raw, clean):
    assert check_phone(raw) == clean


@pytest.mark.parametrize("raw", ["", "12800138000", "1380013800", "26000001", "abc", "138001380001"])
def test_invalid_phones(raw):
    with pytest.raises(ValueError):
        check_phone(raw)


def test_known_id_number_is_accepted_and_upper_cased():
    assert check_id_number(" 11010519491231002x ") == "11010519491231002X"


@pytest.mark.parametrize("raw,reason", [
    ("110105194912310021", "校验位"),      # wrong check digit
    ("11010519491331002X", "出生日期"),    # month 13
    ("11010518991231002X", "出生日期"),    # before 1900
    ("11010520991231002X", "出生日期"),    # in the future
    ("1101051949123100", "18位"),
    ("11010519491231002Y", "18位"),
])
def test_invalid_id_numbers(raw, reason):
    with pytest.raises(ValueError, match=reason):
        check_id_number(raw)


def test_check_char_matches_the_standard():
    # Published examples: 11010519491231002X, 440524188001010014
    assert id_check_char("11010519491231002") == "X"
    assert id_check_char("44052418800101001") == "4"


def test_mask_keeps_region_and_last_four():
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert is_masked("110105********002X") and not is_masked("11010519491231002X")
    assert mask_id_number(None) is None and mask_id_number("") == ""
