"""Issue 7 (the managers' dashboard): on a fixture month in a centre of its
own, every figure equals the register's own report (KPI service, 收缴率
report, arrears aging, parking occupancy) and the hand count; the page shows
them as text; center_manager2 (SC02) sees no SC01 figure; roles without the
dashboard get 403; centre managers land on it, other roles do not."""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app import timeutil
from app.extensions import db
from app.models.billing import Bill
from app.models.estate import Household, ServiceCenter
from app.models.parking import ParkingRental, ParkingSpace
from app.models.work_orders import WorkOrder, WorkOrderEvent
from app.services import arrears, dashboard, parking
from app.services.collection import collection_rows
from app.services.late_fees import LATE_FEE_KIND
from app.services.work_order_kpis import monthly_kpis
from app.workflows.arrears import months_overdue
from tests import arrears_factories as af
from tests import factories
from tests import personnel_factories as pf
from tests.cash_factories import PASSWORD, new_user
from tests.conftest import login

NOW = datetime(2041, 3, 20, 10, 0)  # periods 2041-03 (this month) and 2041-02 (last month)


def _order(center_id, household_id, n, kind="repair", severity="minor", **kw) -> WorkOrder:
    o = WorkOrder(center_id=center_id, household_id=household_id, order_no=factories.unique("WD")[:20], kind=kind,
                  severity=severity, source="phone", description=f"看板测试 {n}", **kw)
    db.session.add(o)
    return o


def _work_orders(cid, hh):
    """Open: o1 (today, due tomorrow), o2 (past its deadline), o3 (suspended, past it: paused).
    Quick repairs due in March: o1, o2, o4 (on time) → 及时率 1/3 = 33.3 %; o4 called back 满意.
    February: o5 due 02-10, completed late → 0/1 = 0.0 %."""
    _order(cid, hh, 1, status="accepted", received_at=NOW - timedelta(hours=2), complete_due=NOW + timedelta(hours=22))
    _order(cid, hh, 2, status="dispatched", received_at=datetime(2041, 3, 18, 9), complete_due=datetime(2041, 3, 19, 9))
    _order(cid, hh, 3, kind="complaint", status="suspended", received_at=datetime(2041, 3, 14, 9),
           complete_due=datetime(2041, 3, 15, 9), suspended_at=datetime(2041, 3, 14, 12))
    o4 = _order(cid, hh, 4, severity="emergency", status="visited", received_at=datetime(2041, 3, 5, 8),
                complete_due=datetime(2041, 3, 6, 8), completed_at=datetime(2041, 3, 5, 12),
                visited_at=datetime(2041, 3, 6, 9), satisfaction="satisfied")
    _order(cid, hh, 5, status="completed", received_at=datetime(2041, 2, 9, 8), complete_due=datetime(2041, 2, 10, 8),
           completed_at=datetime(2041, 2, 11, 8))
    db.session.flush()
    db.session.add(WorkOrderEvent(order_id=o4.id, at=o4.visited_at, actor_name="test", action="callback",
                                  from_status="completed", to_status="visited"))
    db.session.commit()


def _bills(cid):
    """Arrears on 2041-03-20: A owes 100.00 due 03-01 (0-1 month); B owes 200.00 due
    2040-12-15 (3 months: 3-6) and an unpaid late fee of 6.00; C's 50.00 is not due yet;
    D paid 80.00 in March and in February. 收缴率 2041-03: 80 / (100 + 50 + 80) = 34.8 %;
    2041-02: 80 / 80 = 100.0 %."""
    item, late_item = af.item(cid), af.item(cid, kind=LATE_FEE_KIND)
    a, b, c, d = (af.household(cid) for _ in range(4))
    af.bill(a, "100.00", date(2041, 3, 1), item)
    af.bill(b, "200.00", date(2040, 12, 15), item)
    af.bill(b, "6.00", date(2041, 3, 25), late_item, period="2041-03")
    af.bill(c, "50.00", date(2041, 3, 25), item)
    for period, due in (("2041-03", date(2041, 3, 15)), ("2041-02", date(2041, 2, 15))):
        paid = db.session.get(Bill, af.bill(d, "80.00", due, item, period=period))
        paid.status, paid.paid_at = "paid", datetime(due.year, due.month, 2, 9)
    db.session.commit()
    return a


def _parking(cid, household_id):
    """A区: 3 spaces (one rented over today, one rented only from next month), B区: 1 space, 停用 1."""
    spaces = [ParkingSpace(center_id=cid, code=factories.unique("P"), area=area, status=status)
              for area, status in (("A区", "available"),) * 3 + (("B区", "available"), ("B区", "disabled"))]
    db.session.add_all(spaces)
    db.session.flush()
    for space, start in ((spaces[0], date(2041, 1, 1)), (spaces[1], date(2041, 4, 1))):
        db.session.add(ParkingRental(center_id=cid, space_id=space.id, household_id=household_id, plate="粤B12345",
                                     start_date=start, end_date=date(2041, 12, 31), monthly_rate=Decimal("300.00")))
    db.session.commit()


def _staff(code):
    """3 on the roster (2 正式, 1 试用 regular on 2041-03-26: due within 30 days), 1 left on 03-05."""
    pf.employee(code)
    pf.employee(code)
    pf.employee(code, status="probation", hire_date=date(2040, 12, 25))
    gone = pf.employee(code)
    gone.status, gone.left_date = "left", date(2041, 3, 5)
    db.session.commit()


@pytest.fixture(scope="module")
def fixture_centre(app):
    """A centre of its own with the fixture month; its id, code and a manager's login."""
    with app.app_context():
        cid = af.center()
        code = db.session.get(ServiceCenter, cid).code
        hh = af.household(cid)
        _work_orders(cid, hh)
        _parking(cid, _bills(cid))
        _staff(code)
    return cid, code, new_user(app, role="center_manager", centres=(code,))


@pytest.fixture()
def frozen(monkeypatch):
    monkeypatch.setattr(timeutil, "now", lambda: NOW)


def test_figures_equal_the_registers_reports_and_the_hand_count(app, ctx, fixture_centre, frozen):
    cid = fixture_centre[0]
    d = dashboard.build([cid], NOW)
    t = d.total
    assert [c.center_id for c in d.centres] == [cid] and (d.period, d.last_period) == ("2041-03", "2041-02")
    assert (t.open_orders, t.overdue_orders, t.received_today) == (3, 1, 1)
    # KPIs: the KPI service's own figures, and the hand count
    for mine, period in ((t.kpis, "2041-03"), (t.kpis_last, "2041-02")):
        theirs = monthly_kpis(cid, period)
        assert [getattr(mine, k) for k in dashboard.KPI_KEYS] == [getattr(theirs, k) for k in dashboard.KPI_KEYS]
    assert (t.kpis.repairs_due, t.kpis.repairs_on_time, t.kpis.timely_rate) == (3, 1, Decimal("33.3"))
    assert t.kpis.satisfaction_rate == Decimal("100.0") and t.kpis_last.timely_rate == Decimal("0.0")
    # 收缴率: the collection report's centre row, and the hand count
    for period, billed, collected, rate in (("2041-03", t.billed, t.collected, t.collection_rate),
                                            ("2041-02", t.billed_last, t.collected_last, t.collection_rate_last)):
        row = next(r for r in collection_rows(period, period, cid) if r.building is None)
        assert (billed, collected, rate) == (row.billed, row.collected, row.rate)
    assert (t.billed, t.collected, t.collection_rate) == (Decimal("230.00"), Decimal("80.00"), Decimal("34.8"))
    assert t.collection_rate_last == Decimal("100.0")
    # 欠费: the aging report (summed over its buildings) and the hand count
    report = arrears.aging_report(NOW.date(), [cid])
    for cell in d.aging:
        key = cell["bucket"]
        assert cell["count"] == sum(g["buckets"][key]["count"] for g in report)
        assert cell["principal"] == sum(g["buckets"][key]["principal"] for g in report)
        assert cell["late_fees"] == sum(g["buckets"][key]["late_fees"] for g in report)
    assert {c["bucket"]: c["count"] for c in d.aging} == {"0-1": 1, "1-3": 0, "3-6": 1, "6-18": 0, "18+": 0}
    assert (t.arrears_households, t.arrears_total) == (2, Decimal("306.00"))
    assert t.arrears_total == sum(h.total for h in arrears.household_arrears(NOW.date(), [cid]))
    # 车位: occupancy_by_area itself, and the hand count (the future rental and 停用 do not count)
    assert d.parking_areas == parking.occupancy_by_area([cid], NOW.date()) == {"A区": (1, 3), "B区": (0, 1)}
    assert (d.parking_rented, d.parking_spaces, d.parking_rate) == (1, 4, Decimal("25.0"))
    assert (t.headcount, t.probation_due, t.leavers) == (3, 1, 1)


@pytest.mark.parametrize("as_of", [date(2041, 2, 28), date(2041, 3, 31), date(2040, 2, 29), date(2041, 3, 15)])
def test_bucket_cut_follows_the_month_rule(as_of):
    """The SQL buckets use the latest due date that is m whole months overdue: the rule's own answer."""
    for months in (1, 3, 6, 18):
        cut = dashboard.bucket_cut(as_of, months)
        assert months_overdue(cut, as_of) >= months > months_overdue(cut + timedelta(days=1), as_of)


def _figure(html: str, *classes: str) -> str:
    """Text of the element found by following these class names in order (a link inside is skipped)."""
    pattern = ".*?".join(f'class="{re.escape(c)}[" ]' for c in classes) + r'[^>]*>\s*(?:<a [^>]*>)?\s*([^<]*)'
    found = re.search(pattern, html, re.S)
    assert found, classes
    return found.group(1).strip()


def test_page_shows_the_figures_as_text_and_chart_data(app, client, fixture_centre, frozen):
    _cid, _code, manager = fixture_centre
    assert login(client, manager, PASSWORD).status_code == 302
    r = client.get("/dashboard/")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert (_figure(html, "fig-open"), _figure(html, "fig-overdue"), _figure(html, "fig-today")) == ("3", "1", "1")
    assert _figure(html, "kpi-timely_rate", "this") == "33.3%" and _figure(html, "kpi-timely_rate", "last") == "0.0%"
    assert _figure(html, "this", "billed") == "¥230.00" and _figure(html, "this", "rate") == "34.8%"
    assert _figure(html, "fig-total") == "¥306.00"
    assert _figure(html, "fig-headcount") == "3" and _figure(html, "fig-probation") == "1"
    assert 'id="dash-centres"' not in html  # one centre: no breakdown table
    assert re.search(r'<script type="application/json" id="dashboard-data" nonce="[^"]+">', html)
    assert "vendor/echarts/echarts.common.min.js" in html and "<script>" not in html.split('id="dashboard"')[1]


def _sc01_sc02():
    return [db.session.scalar(select(ServiceCenter.id).where(ServiceCenter.code == c)) for c in ("SC01", "SC02")]


def test_centre_manager_sees_only_own_centre(app, client, ctx):
    sc01, sc02 = _sc01_sc02()
    login(client, "center_manager2")
    html = client.get("/dashboard/").get_data(as_text=True)
    mine, other = dashboard.build([sc02], timeutil.now()), dashboard.build([sc01], timeutil.now())
    assert _figure(html, "fig-open") == str(mine.total.open_orders)
    assert _figure(html, "fig-headcount") == str(mine.total.headcount)
    assert _figure(html, "fig-households") == str(mine.total.arrears_households)
    names = dict(db.session.execute(select(ServiceCenter.id, ServiceCenter.name)).all())
    assert names[sc02] in html and names[sc01] not in html and 'id="dash-centres"' not in html
    assert mine.total.headcount != other.total.headcount or mine.total.open_orders != other.total.open_orders


def test_gm_sees_every_centre_with_a_breakdown(app, client, ctx):
    login(client, "gm1")
    html = client.get("/dashboard/").get_data(as_text=True)
    ids = db.session.scalars(select(ServiceCenter.id).where(ServiceCenter.deleted_on.is_(None))).all()
    d = dashboard.build(ids, timeutil.now())
    assert 'id="dash-centres"' in html
    for code in ("SC01", "SC02"):
        row = next(c for c in d.centres if c.code == code)
        assert re.search(rf'data-code="{code}">\s*<th>{re.escape(row.name)}</th><td class="open">{row.open_orders}<',
                         html)
    assert _figure(html, "fig-open") == str(sum(c.open_orders for c in d.centres))
    assert d.total.arrears_total == sum((c.arrears_total for c in d.centres), Decimal("0"))


@pytest.mark.parametrize("username", ["frontdesk1", "cashier1", "technician1", "finance1"])
def test_roles_without_the_dashboard_get_403_and_keep_their_landing(app, client, username):
    login(client, username)
    assert client.get("/dashboard/").status_code == 403
    landing = client.get("/")
    assert landing.status_code == 200 and "经营看板" not in landing.get_data(as_text=True)


@pytest.mark.parametrize("username", ["center_manager1", "gm1", "admin1"])
def test_dashboard_holders_land_on_it(app, client, username):
    login(client, username)
    r = client.get("/")
    assert r.status_code == 302 and r.headers["Location"].endswith("/dashboard/")


def test_anonymous_is_sent_to_login(client):
    r = client.get("/dashboard/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    assert client.get("/").status_code == 200


def test_fixed_number_of_queries_whatever_the_centres(app, ctx):
    """Issue 8: the dashboard is aggregate SQL — one centre or all centres, the same query count."""
    from sqlalchemy import event

    statements = []

    def count(*_args):
        statements.append(1)

    ids = db.session.scalars(select(ServiceCenter.id)).all()
    counts = []
    for centres in (ids[:1], ids):
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            dashboard.build(centres, timeutil.now())
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        counts.append(len(statements))
    assert len(ids) > 2 and counts[0] == counts[1] and counts[1] <= 45
    assert db.session.scalar(select(Household.id).limit(1)) is not None
