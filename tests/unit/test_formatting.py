"""Issue 7: one way to write money and dates (app/formatting.py), the same in both languages."""

from datetime import date, datetime
from decimal import Decimal

from app.formatting import day, minute, money
from app.models.mixins import Area, Money
from app.views.column_formats import type_formatters


def test_money_is_yuan_with_thousands_and_two_places():
    assert money(Decimal("1234.5")) == "¥1,234.50"
    assert money(Decimal("-91.2")) == "-¥91.20"
    assert money(0) == "¥0.00" and money("1000000") == "¥1,000,000.00"
    assert money(None) == "" and money("n/a") == "n/a"


def test_dates_and_times_to_the_minute():
    assert day(date(2026, 12, 1)) == "2026-12-01" and day(datetime(2026, 12, 1, 10, 30, 59)) == "2026-12-01"
    assert minute(datetime(2026, 12, 1, 10, 30, 59)) == "2026-12-01 10:30"
    assert minute(date(2026, 12, 1)) == "2026-12-01" and minute(None) == ""


def test_formatters_follow_the_column_type_but_not_floor_areas():
    from app.models.billing import Bill
    from app.models.estate import Unit

    assert isinstance(Unit.__table__.c.area.type, Area) and isinstance(Bill.__table__.c.amount.type, Money)
    bill = type_formatters(Bill, ["amount", "due_date", "paid_at", "period", "household.name"])
    assert bill == {"amount": money, "due_date": day, "paid_at": minute}
    assert type_formatters(Unit, ["area", "room_no", "building.name"]) == {}
