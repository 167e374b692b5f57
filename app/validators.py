"""Pure checks of what people type: phone numbers, Chinese ID numbers.

Each check returns the normalised value or raises ValueError with a message
the user can act on. Views and APIs wrap them (see app/views/fields.py).
"""

import re
from datetime import date

from flask_babel import lazy_gettext as _l

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")
_ID18 = re.compile(r"^\d{17}[\dX]$")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
MASK_CHAR = "*"


def check_phone(value: str) -> str:
    """Mainland mobile (11 digits) or landline with area code (e.g. 0755-12345678)."""
    phone = re.sub(r"[\s()]", "", value or "")
    if _MOBILE.match(phone) or _LANDLINE.match(phone):
        return phone
    raise ValueError(_l("电话号码格式不正确：手机号为11位数字，座机需带区号"))


def id_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def check_id_number(value: str) -> str:
    """18-character resident ID: digits, a real birth date, and the GB 11643 check char."""
    number = (value or "").strip().upper()
    if not _ID18.match(number):
        raise ValueError(_l("身份证号应为18位，前17位为数字，末位为数字或X"))
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValueError(_l("身份证号中的出生日期无效")) from None
    if born.year < 1900 or born > date.today():
        raise ValueError(_l("身份证号中的出生日期无效"))
    if id_check_char(number[:17]) != number[17]:
        raise ValueError(_l("身份证号校验位不正确，请核对"))
    return number


def mask_id_number(value: str | None) -> str | None:
    """Keep the region code and the last four: 110101********123X."""
    if not value:
        return value
    if len(value) <= 10:
        return MASK_CHAR * len(value)
    return value[:6] + MASK_CHAR * (len(value) - 10) + value[-4:]


def is_masked(value: str | None) -> bool:
    return bool(value) and MASK_CHAR in value


#: 省、自治区、直辖市简称 that open a civil plate (新能源 plates use the same).
_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE_ORDINARY = re.compile(rf"^[{_PROVINCES}][A-HJ-NP-Z][A-HJ-NP-Z0-9]{{5}}$")
# 新能源: small cars D/F (+ letter or digit) then 4 digits; large cars 5 digits then D/F.
_PLATE_NEW_ENERGY = re.compile(
    rf"^[{_PROVINCES}][A-HJ-NP-Z](?:[DF][A-HJ-NP-Z0-9]\d{{4}}|\d{{5}}[DF])$"
)


def check_plate(value: str) -> str:
    """Mainland plate: 粤B12345 (ordinary) or 粤BD12345 / 粤B12345F (新能源).

    Upper-cases and drops spaces, dots and dashes; letters I and O never occur.
    """
    plate = re.sub(r"[\s·.\-]", "", value or "").upper()
    if _PLATE_ORDINARY.match(plate) or _PLATE_NEW_ENERGY.match(plate):
        return plate
    raise ValueError(_l("车牌号格式不正确：如 粤B12345，新能源车牌如 粤BD12345 或 粤B12345F（不含字母I和O）"))
