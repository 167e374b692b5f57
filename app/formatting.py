"""How the back office writes money and dates (issue 7, usability): one place.

Money is ¥1,234.50 everywhere a person reads it — list columns, detail pages,
print pages — and dates are 2026-12-01, times 2026-12-01 10:30, in Chinese and
English alike (only the labels change with the language). Excel keeps numbers
and real dates: exports skip these formatters (app/views/base.py).
"""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from app.reports.chinese_amount import money as _money_text


def money(value) -> str:
    """¥1,234.50; blank for no amount; a value that is not a number is shown as it is."""
    if value is None or value == "":
        return ""
    if isinstance(value, float):  # never stored as float; a template may still compute one
        value = Decimal(str(value))
    try:
        return _money_text(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)


def day(value) -> str:
    """2026-12-01 (a datetime shows its date)."""
    if value is None or value == "":
        return ""
    if isinstance(value, (date, datetime)):
        return f"{value:%Y-%m-%d}"
    return str(value)


def minute(value) -> str:
    """2026-12-01 10:30 — to the minute, which is what the desk reads; a plain date stays a date."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    return day(value)


#: The formatters a list/detail page applies by column type; exports leave these columns raw.
SCREEN_ONLY = (money, day, minute)


def install(app) -> None:
    """Jinja filters `money`, `day`, `minute` for the hand-written pages and print forms."""
    app.add_template_filter(money, "money")
    app.add_template_filter(day, "day")
    app.add_template_filter(minute, "minute")
