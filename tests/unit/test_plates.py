"""Pure rule: mainland plates (DESIGN.md "Parking": ParkingRental plate)."""

import pytest

from app.validators import check_plate


@pytest.mark.parametrize("raw,clean", [
    ("粤B12345", "粤B12345"),          # ordinary: 省份简称 + letter + 5 alphanumerics
    ("粤b1234a", "粤B1234A"),          # upper-cased
    ("京A·8C88Z", "京A8C88Z"),         # separator dropped
    (" 沪 A 12345 ", "沪A12345"),
    ("粤BD12345", "粤BD12345"),        # 新能源 small car: D/F + 5
    ("粤BFA1234", "粤BFA1234"),        # 新能源 small car: D/F + letter + 4 digits
    ("粤B12345F", "粤B12345F"),        # 新能源 large car: 5 digits + D/F
    ("川a12345d", "川A12345D"),
])
def test_valid_plates(raw, clean):
    assert check_plate(raw) == clean


@pytest.mark.parametrize("raw", [
    "", None, "B12345",                # no province
    "港B12345",                        # not a mainland province abbreviation here
    "粤112345",                        # second char must be a letter
    "粤B1234",                         # too short
    "粤B1234567",                      # too long
    "粤I12345", "粤BO1234", "粤B1234I",  # I and O never occur
    "粤BA12345",                       # 8 chars but not a new-energy pattern (A is not D/F)
    "粤B12345A",                       # 8 chars, last must be D/F
    "粤BD1234X",                       # new-energy small car ends with 4 digits
    "粤B12 34!",
])
def test_invalid_plates(raw):
    with pytest.raises(ValueError):
        check_plate(raw)
