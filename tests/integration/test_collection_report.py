"""收缴率 report (issue 5 item 10; DESIGN.md "Fees", row-level scope) and the
车位使用率 Excel export (DESIGN.md "Parking": occupancy by area).

Hand-checked fixture, period 2031-05, a centre of its own:
  A栋: 3 households × 100.00, 2 paid                 → 300.00 / 200.00 = 66.7 %, 3 billed / 2 paid;
       (+ an unpaid 3.00 滞纳金 of a paying household, a reversed 999.00 and a deleted
       500.00 bill: all excluded, so that household still counts as fully paid)
  B栋: 1 household, 50.00 paid + 150.00 unpaid       → 200.00 / 50.00 = 25.0 %, 1 / 0;
  C栋: 1 household, 66.50 paid + 133.50 unpaid       → 200.00 / 66.50 = 33.25 → 33.3 % (half-up), 1 / 0;
  centre                                             → 700.00 / 316.50 = 45.214… → 45.2 %, 5 / 2.
  2031-06: A栋 one bill 100.00 paid                   → 100.0 %.
"""

import io
import re
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import func, select

from app import timeutil
from app.extensions import db
from app.models.billing import Bill, ChargeItem
from app.models.estate import Building, Household, ServiceCenter, Unit
from app.models.parking import ParkingRental, ParkingSpace
from app.services.collection import rate
from seeds.payments import PAID_PERIODS
from tests import factories

D = Decimal


def _household(center_id, building, room):
    u = Unit(center_id=center_id, building=building, room_no=room, area=D("80.00"))
    h = Household(center_id=center_id, unit=u, name=f"业主{room}", kind="owner", phone="13912345678")
    db.session.add_all([u, h])
    db.session.flush()
    return h


def _bill(center_id, hh, item, period, amount, status="unpaid", deleted=False):
    db.session.add(Bill(center_id=center_id, household_id=hh.id, unit_id=hh.unit_id, charge_item_id=item.id,
                        period=period, amount=D(amount), due_date=date(2031, 5, 15), status=status,
                        source_key=factories.unique("test:"),  # several bills of one item and period
                        deleted_on=timeutil.now() if deleted else None))


@pytest.fixture(scope="module")
def fee_centre(app):
    with app.app_context():
        c = ServiceCenter(code=factories.unique("CR"), name=factories.unique("收缴率中心"))
        db.session.add(c)
        db.session.flush()
        item = ChargeItem(center_id=c.id, code="WY", name="物业管理费", kind="management", basis="fixed",
                          rate=D("100"), due_day=15, active=False)
        late = ChargeItem(center_id=c.id, code="ZNJ", name="滞纳金", kind="late_fee", basis="fixed", rate=D("0"),
                          due_day=15, active=False)
        blds = {n: Building(center_id=c.id, name=n) for n in ("A栋", "B栋", "C栋")}
        db.session.add_all([item, late, *blds.values()])
        db.session.flush()
        a = [_household(c.id, blds["A栋"], f"A{i}") for i in range(3)]
        for hh, status in zip(a, ("paid", "paid", "unpaid"), strict=True):
            _bill(c.id, hh, item, "2031-05", "100.00", status)
        _bill(c.id, a[0], late, "2031-05", "3.00")
        _bill(c.id, a[0], item, "2031-05", "999.00", "reversed")
        _bill(c.id, a[1], item, "2031-05", "500.00", deleted=True)
        _bill(c.id, a[0], item, "2031-06", "100.00", "paid")
        b, cc = _household(c.id, blds["B栋"], "B1"), _household(c.id, blds["C栋"], "C1")
        _bill(c.id, b, item, "2031-05", "50.00", "paid")
        _bill(c.id, b, item, "2031-05", "150.00")
        _bill(c.id, cc, item, "2031-05", "66.50", "paid")
        _bill(c.id, cc, item, "2031-05", "133.50")
        db.session.commit()
        return c.id


def _table(page: str, center_id: int) -> dict:
    """(period, building or '') → [billed, collected, outstanding, rate, households, paid] as on the page."""
    rows = {}
    for attrs, body in re.findall(r"<tr class=\"[^\"]*collection-[^\"]*\"(.*?)>(.*?)</tr>", page, re.S):
        if f'data-center="{center_id}"' not in attrs:
            continue
        period = re.search(r'data-period="([^"]+)"', attrs).group(1)
        building = re.search(r'data-building="([^"]*)"', attrs).group(1)
        cells = [re.sub(r"<[^>]+>", "", x).strip() for x in re.findall(r"<td[^>]*>(.*?)</td>", body, re.S)]
        rows[(period, building)] = cells[3:]
    return rows


def test_rate_is_one_decimal_half_up():
    assert rate(D("200.00"), D("300.00")) == D("66.7")
    assert rate(D("66.50"), D("200.00")) == D("33.3")        # 33.25: half-up (half-even would give 33.2)
    assert rate(D("0"), D("0")) is None and rate(D("5"), D("5")) == D("100.0")


def test_collection_rates_on_the_hand_checked_centre(app, logged_in, fee_centre):
    page = logged_in("finance1").get("/feereport/collection/", query_string={
        "start": "2031-05", "end": "2031-05", "center": fee_centre}).get_data(as_text=True)
    assert _table(page, fee_centre) == {
        ("2031-05", ""): ["¥700.00", "¥316.50", "¥383.50", "45.2", "5", "2"],
        ("2031-05", "A栋"): ["¥300.00", "¥200.00", "¥100.00", "66.7", "3", "2"],
        ("2031-05", "B栋"): ["¥200.00", "¥50.00", "¥150.00", "25.0", "1", "0"],
        ("2031-05", "C栋"): ["¥200.00", "¥66.50", "¥133.50", "33.3", "1", "0"],
    }
    both = logged_in("gm1").get("/feereport/collection/", query_string={
        "start": "2031-05", "end": "2031-06"}).get_data(as_text=True)
    got = _table(both, fee_centre)
    assert got[("2031-06", "")] == ["¥100.00", "¥100.00", "¥0.00", "100.0", "1", "1"] and len(got) == 6


def test_collection_export_has_the_pages_numbers(app, logged_in, fee_centre):
    r = logged_in("auditor1").get("/feereport/collection/export", query_string={
        "start": "2031-05", "end": "2031-05", "center": fee_centre})
    assert r.status_code == 200 and "collection-2031-05-2031-05.xlsx" in r.headers["Content-Disposition"]
    ws = openpyxl.load_workbook(io.BytesIO(r.data), read_only=True).active
    rows = [list(row) for row in ws.iter_rows(min_row=4, values_only=True)]
    assert [(r[2], D(str(r[3])), D(str(r[4])), D(str(r[6])), r[7], r[8]) for r in rows] == [
        ("小计", D("700"), D("316.5"), D("45.2"), 5, 2),
        ("A栋", D("300"), D("200"), D("66.7"), 3, 2),
        ("B栋", D("200"), D("50"), D("25"), 1, 0),
        ("C栋", D("200"), D("66.5"), D("33.3"), 1, 0),
    ]


def test_collection_report_is_scoped_and_permissioned(app, logged_in, fee_centre):
    with app.app_context():
        sc01, sc02 = factories.center("SC01").id, factories.center("SC02").id
    c = logged_in("cashier1")
    page = c.get("/feereport/collection/", query_string={"start": "2026-10", "end": "2026-11"}).get_data(as_text=True)
    centres = set(re.findall(r'data-center="(\d+)"', page))
    assert centres == {str(sc01)}                          # demo payments: SC01 only, never SC02 or the fixture
    assert c.get("/feereport/collection/", query_string={"center": sc02}).status_code == 404
    assert c.get("/feereport/collection/export", query_string={"center": fee_centre}).status_code == 404
    assert logged_in("center_manager1").get("/feereport/collection/").status_code == 200
    assert logged_in("frontdesk1").get("/feereport/collection/").status_code == 403
    assert logged_in("technician1").get("/feereport/collection/export").status_code == 403


def test_bad_period_range_is_refused_with_a_message(app, logged_in):
    c = logged_in("finance1")
    page = c.get("/feereport/collection/", query_string={"start": "2031-06", "end": "2031-05"}).get_data(as_text=True)
    assert "起始账期不能晚于结束账期" in page
    assert "YYYY-MM" in c.get("/feereport/collection/", query_string={"start": "2031/5"}).get_data(as_text=True)


def test_demo_month_matches_the_bill_register(app, logged_in):
    """On a demo month (other tests add households and bills to SC01, so the
    figures are not fixed): the page's SC01 2026-10 subtotal equals the bills'
    own sums — billed = non-deleted, non-reversed, non-late-fee bills; collected
    = those paid — and the rate is collected / billed, one decimal, half-up."""
    month = PAID_PERIODS[0]
    with app.app_context():
        sc01 = factories.center("SC01").id
        base = (select(func.coalesce(func.sum(Bill.amount), 0)).join(ChargeItem, ChargeItem.id == Bill.charge_item_id)
                .where(Bill.center_id == sc01, Bill.period == month, Bill.deleted_on.is_(None),
                       Bill.status != "reversed", ChargeItem.kind != "late_fee"))
        billed = Decimal(db.session.scalar(base)).quantize(Decimal("0.01"))
        collected = Decimal(db.session.scalar(base.where(Bill.status == "paid"))).quantize(Decimal("0.01"))
    page = logged_in("cashier1").get("/feereport/collection/", query_string={
        "start": month, "end": month}).get_data(as_text=True)
    subtotal = _table(page, sc01)[(month, "")]
    assert subtotal[:2] == [f"¥{billed:,.2f}", f"¥{collected:,.2f}"] and billed > 0
    assert subtotal[3] == str(rate(collected, billed))


# -- 车位使用率 Excel --------------------------------------------------------------------

@pytest.fixture(scope="module")
def parking_centre(app):
    """Area X: 3 spaces, 1 rented today → 33.3 %; area Y: 8 spaces, 1 rented → 12.5 %; 1 disabled (not counted)."""
    with app.app_context():
        c = ServiceCenter(code=factories.unique("PO"), name=factories.unique("车位导出中心"))
        db.session.add(c)
        db.session.flush()
        hh = factories.household("SC01")
        x, y = factories.unique("X区"), factories.unique("Y区")
        spaces = [ParkingSpace(center_id=c.id, code=f"{area[:1]}{i}", area=area, kind="leased", status="available")
                  for area, n in ((x, 3), (y, 8)) for i in range(n)]
        spaces.append(ParkingSpace(center_id=c.id, code="Z1", area=x, kind="leased", status="disabled"))
        db.session.add_all(spaces)
        db.session.flush()
        today = timeutil.today()
        for space in (spaces[0], spaces[3]):
            db.session.add(ParkingRental(space_id=space.id, household_id=hh.id, center_id=c.id, plate="粤B12345",
                                         start_date=today, end_date=today, monthly_rate=D("300"), status="active"))
        db.session.commit()
        return x, y


def test_occupancy_export_equals_the_page(app, logged_in, parking_centre):
    x, y = parking_centre
    c = logged_in("gm1")
    page = c.get("/parkingspaceview/occupancy/").get_data(as_text=True)
    on_page = {}
    for area, body in re.findall(r'<tr class="occupancy-row" data-area="([^"]*)">(.*?)</tr>', page, re.S):
        on_page[area] = [re.sub(r"<[^>]+>", "", t).strip() for t in re.findall(r"<td>(.*?)</td>", body, re.S)][1:]
    total = re.search(r'<tr class="occupancy-total">(.*?)</tr>', page, re.S).group(1)
    on_page["合计"] = [t.strip() for t in re.findall(r"<th>(.*?)</th>", total, re.S)][1:]
    assert on_page[x] == ["1", "3", "33.3"] and on_page[y] == ["1", "8", "12.5"]
    r = c.get("/parkingspaceview/occupancy/export")
    assert r.status_code == 200 and ".xlsx" in r.headers["Content-Disposition"]
    ws = openpyxl.load_workbook(io.BytesIO(r.data), read_only=True).active
    in_book = {row[0]: [str(row[1]), str(row[2]), f"{D(str(row[3])):.1f}" if row[3] is not None else "-"]
               for row in ws.iter_rows(min_row=2, values_only=True)}
    on_page = {("未分区" if k == "" else k): v for k, v in on_page.items()}
    assert in_book == on_page
    assert logged_in("cashier1").get("/parkingspaceview/occupancy/export").status_code == 403  # read only
