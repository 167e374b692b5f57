"""车位 Parking (DESIGN.md "Parking", "Interfaces"): no overlapping rentals of one
space (also under concurrent requests), scope by centre, stable API fields with
money as strings, the 30-day expiring list, occupancy, and the 车位费 seam."""

import threading
from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app import timeutil
from app.errors import Conflict
from app.extensions import db
from app.models.estate import Household, ServiceCenter
from app.models.parking import ParkingRental, ParkingSpace
from app.services import parking
from tests import factories

D = date.fromisoformat


def make_space(app, center_code="SC01", **kw) -> int:
    with app.app_context():
        s = ParkingSpace(center_id=factories.center(center_code).id, code=kw.pop("code", factories.unique("P")),
                         area=kw.pop("area", "地下一层A区"), kind=kw.pop("kind", "leased"), **kw)
        db.session.add(s)
        db.session.commit()
        return s.id


def make_household(app, center_code="SC01") -> int:
    with app.app_context():
        return factories.household(center_code).id


def rental_json(space_id, household_id, start, end, plate="粤B12345", rate="300.00", **kw):
    return {"space_id": space_id, "household_id": household_id, "plate": plate, "start_date": start,
            "end_date": end, "monthly_rate": rate, **kw}


def live_rentals(app, space_id) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ParkingRental).where(
            ParkingRental.space_id == space_id, ParkingRental.deleted_on.is_(None)))


@pytest.fixture()
def spot(app):
    """A space and a household of SC01."""
    return make_space(app), make_household(app)


# -- no overlap ------------------------------------------------------------------

def test_overlap_is_refused_with_the_clashing_rental(app, api, spot):     # rule: never rented twice
    space_id, hh = spot
    desk = api("frontdesk1")
    r = desk.post("/api/v1/parkingrental/", json=rental_json(space_id, hh, "2031-01-01", "2031-06-30"))
    assert r.status_code == 201, r.json
    r = desk.post("/api/v1/parkingrental/",
                  json=rental_json(space_id, hh, "2031-06-30", "2031-12-31", plate="粤BD12345"))
    assert r.status_code == 409
    msg = r.json["message"]
    assert "该车位在所选期间已出租" in msg and "粤B12345" in msg and "2031-01-01" in msg and "2031-06-30" in msg
    r = api("frontdesk1", lang="en").post("/api/v1/parkingrental/",
                                          json=rental_json(space_id, hh, "2031-03-01", "2031-03-31"))
    assert r.status_code == 409 and r.json["message"]
    assert live_rentals(app, space_id) == 1


def test_adjacent_periods_are_allowed(app, api, spot):
    space_id, hh = spot
    desk = api("frontdesk1")
    assert desk.post("/api/v1/parkingrental/", json=rental_json(space_id, hh, "2032-01-01", "2032-01-31")
                     ).status_code == 201
    assert desk.post("/api/v1/parkingrental/", json=rental_json(space_id, hh, "2032-02-01", "2032-02-29")
                     ).status_code == 201
    assert desk.post("/api/v1/parkingrental/", json=rental_json(space_id, hh, "2031-12-01", "2031-12-31")
                     ).status_code == 201


def test_cancelled_and_deleted_rentals_do_not_block(app, api, spot):
    space_id, hh = spot
    desk = api("frontdesk1")
    first = desk.post("/api/v1/parkingrental/", json=rental_json(space_id, hh, "2033-01-01", "2033-12-31")).json
    with app.app_context():
        parking.cancel(db.session.get(ParkingRental, first["id"]))
    second = desk.post("/api/v1/parkingrental/", json=rental_json(space_id, hh, "2033-03-01", "2033-04-30"))
    assert second.status_code == 201
    assert desk.delete(f"/api/v1/parkingrental/{second.json['id']}").status_code == 200
    assert desk.post("/api/v1/parkingrental/", json=rental_json(space_id, hh, "2033-04-01", "2033-04-30")
                     ).status_code == 201


def test_editing_into_an_overlap_is_refused(app, api, spot):
    space_id, hh = spot
    desk = api("frontdesk1")
    desk.post("/api/v1/parkingrental/", json=rental_json(space_id, hh, "2034-01-01", "2034-01-31"))
    b = desk.post("/api/v1/parkingrental/", json=rental_json(space_id, hh, "2034-02-01", "2034-02-28")).json
    r = desk.put(f"/api/v1/parkingrental/{b['id']}", json={"start_date": "2034-01-31"})
    assert r.status_code == 409 and "该车位在所选期间已出租" in r.json["message"]
    assert desk.put(f"/api/v1/parkingrental/{b['id']}", json={"end_date": "2034-03-31"}).status_code == 200


@pytest.mark.parametrize("change,status", [
    ({"plate": "粤I12345"}, 422),                                   # no I/O on plates
    ({"start_date": "2035-02-01", "end_date": "2035-01-31"}, 422),  # start ≤ end
    ({"monthly_rate": "-1.00"}, 422),                               # never negative
])
def test_bad_input_is_refused(app, api, spot, change, status):
    space_id, hh = spot
    body = {**rental_json(space_id, hh, "2035-01-01", "2035-12-31"), **change}
    r = api("frontdesk1").post("/api/v1/parkingrental/", json=body)
    assert r.status_code == status, r.json
    assert live_rentals(app, space_id) == 0


def test_database_refuses_an_overlap_the_service_did_not_check(app, spot):
    """The guarantee under races: PostgreSQL exclusion constraint / SQLite trigger."""
    space_id, hh = spot
    with app.app_context():
        center_id = db.session.get(ParkingSpace, space_id).center_id
        row = dict(space_id=space_id, household_id=hh, center_id=center_id, plate="粤B11111",
                   monthly_rate=Decimal("100"), status="active")
        db.session.add(ParkingRental(start_date=D("2036-01-01"), end_date=D("2036-01-31"), **row))
        db.session.commit()
        db.session.add(ParkingRental(start_date=D("2036-01-31"), end_date=D("2036-02-28"), **row))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        late = ParkingRental(start_date=D("2036-01-15"), end_date=D("2036-02-15"), **row)
        db.session.add(late)
        with pytest.raises(Conflict, match="粤B11111"):
            parking.guarded_write(late, db.session.commit)
        db.session.rollback()
        db.session.add(ParkingRental(start_date=D("2036-01-15"), end_date=D("2036-02-15"),
                                     **{**row, "status": "cancelled"}))
        db.session.commit()                                       # cancelled rows never clash


def test_web_form_refuses_an_overlap_with_the_message(app, logged_in, spot):
    space_id, hh = spot
    with app.app_context():
        parking.rent(db.session.get(ParkingSpace, space_id), db.session.get(Household, hh),
                     "粤B54321", D("2037-01-01"), D("2037-12-31"), Decimal("250"))
    c = logged_in("frontdesk1")
    form = {"space": space_id, "household": hh, "plate": "粤b22222", "start_date": "2037-05-01",
            "end_date": "2037-05-31", "monthly_rate": "250.00", "card_no": "", "note": ""}
    page = c.post("/parkingrentalview/add", data=form, follow_redirects=True).get_data(as_text=True)
    assert "该车位在所选期间已出租" in page and "粤B54321" in page
    form.update(start_date="2038-01-01", end_date="2038-01-31")
    c.post("/parkingrentalview/add", data=form, follow_redirects=True)
    with app.app_context():
        plates = db.session.scalars(select(ParkingRental.plate).where(ParkingRental.space_id == space_id)).all()
    assert sorted(plates) == ["粤B22222", "粤B54321"]                 # upper-cased by check_plate


# -- concurrency -------------------------------------------------------------------

def test_concurrent_rentals_of_one_space_exactly_one_wins(app, spot):
    """N desks press 出租 for one space and overlapping periods at the same moment."""
    from tests.conftest import Api

    space_id, hh = spot
    n = 6
    callers = [Api(app.test_client(), "frontdesk1") for _ in range(n)]
    barrier = threading.Barrier(n)
    results = [None] * n

    def rent(i):
        body = rental_json(space_id, hh, f"2040-0{1 + i % 3}-01", "2040-12-31", plate=f"粤B1000{i}")
        barrier.wait()
        results[i] = callers[i].post("/api/v1/parkingrental/", json=body)

    threads = [threading.Thread(target=rent, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    codes = sorted(r.status_code for r in results)
    assert codes == [201] + [409] * (n - 1), [(r.status_code, r.json) for r in results]
    assert all("该车位在所选期间已出租" in r.json["message"] for r in results if r.status_code == 409)
    assert live_rentals(app, space_id) == 1


# -- scope, API, roles -------------------------------------------------------------------

def test_frontdesk2_cannot_see_or_rent_centre1_spaces(app, api, logged_in):
    code = factories.unique("SCOPE")
    space_id = make_space(app, code=code)
    hh1, hh2 = make_household(app), make_household(app, "SC02")
    other = api("frontdesk2")
    assert other.get(f"/api/v1/parkingspace/{space_id}").status_code == 404
    assert space_id not in [s["id"] for s in other.get("/api/v1/parkingspace/?q=(page_size:100)").json["result"]]
    r = other.post("/api/v1/parkingrental/", json=rental_json(space_id, hh2, "2041-01-01", "2041-01-31"))
    assert r.status_code == 404
    space2 = make_space(app, "SC02")
    r = other.post("/api/v1/parkingrental/", json=rental_json(space2, hh1, "2041-01-01", "2041-01-31"))
    assert r.status_code == 404 and "业户" in r.json["message"]        # centre-1 household is invisible
    c = logged_in("frontdesk2")
    assert code not in c.get("/parkingspaceview/list/").get_data(as_text=True)
    assert c.get(f"/parkingspaceview/show/{space_id}").status_code in (302, 404)
    wb = load_workbook(BytesIO(c.get("/parkingspaceview/export/").data))
    assert code not in {str(v) for row in wb.active.iter_rows(values_only=True) for v in row}
    assert code not in c.get("/parkingspaceview/lookup/?q=SCOPE").get_data(as_text=True)
    assert code in logged_in("frontdesk1").get("/parkingspaceview/list/").get_data(as_text=True)


def test_api_field_names_and_money_as_string(app, api, spot):
    space_id, hh = spot
    desk = api("frontdesk1")
    rid = desk.post("/api/v1/parkingrental/", json=rental_json(space_id, hh, "2042-01-01", "2042-12-31",
                                                               rate="320.5", card_no="C-001")).json["id"]
    got = desk.get(f"/api/v1/parkingrental/{rid}").json["result"]
    assert {"id", "center_id", "space_id", "household_id", "plate", "start_date", "end_date", "monthly_rate",
            "card_no", "status"} <= set(got)
    assert got["monthly_rate"] == "320.50" and got["status"] == "active" and got["start_date"] == "2042-01-01"
    assert got["center_id"] == factories_center_id(app, "SC01")
    space = desk.get(f"/api/v1/parkingspace/{space_id}").json["result"]
    assert {"id", "center_id", "code", "area", "kind", "status"} <= set(space)


def factories_center_id(app, code):
    with app.app_context():
        return factories.center(code).id


@pytest.mark.parametrize("user,read,write", [
    ("frontdesk1", 200, True), ("supervisor1", 200, True), ("center_manager1", 200, True),
    ("cashier1", 200, False), ("gm1", 200, False), ("finance1", 200, False), ("auditor1", 200, False),
    ("technician1", 403, False),
])
def test_role_grants(app, api, user, read, write):
    caller = api(user)
    assert caller.get("/api/v1/parkingrental/").status_code == read
    r = caller.post("/api/v1/parkingspace/", json={"center_id": factories_center_id(app, "SC01"),
                                                   "code": factories.unique("G"), "area": "测试", "kind": "owned"})
    assert (r.status_code == 201) == write, r.json


# -- space status, lists, reports -----------------------------------------------------------

def test_renting_marks_the_space_rented_until_it_ends(app, api, spot):
    space_id, hh = spot
    today = timeutil.today()
    desk = api("frontdesk1")
    rid = desk.post("/api/v1/parkingrental/", json=rental_json(
        space_id, hh, (today - timedelta(days=10)).isoformat(), (today + timedelta(days=100)).isoformat())).json["id"]
    assert desk.get(f"/api/v1/parkingspace/{space_id}").json["result"]["status"] == "rented"
    with app.app_context():
        parking.end_rental(db.session.get(ParkingRental, rid))
        r = db.session.get(ParkingRental, rid)
        assert r.status == "ended" and r.end_date == today and r.space.status == "available"


def test_disabled_space_cannot_be_rented(app, api, spot):
    space_id, hh = spot
    with app.app_context():
        parking.set_space_status(db.session.get(ParkingSpace, space_id), "disabled")
    r = api("frontdesk1").post("/api/v1/parkingrental/", json=rental_json(space_id, hh, "2043-01-01", "2043-01-31"))
    assert r.status_code == 409 and "停用" in r.json["message"]


def test_expiring_lists_active_rentals_ending_within_30_days(app, api, logged_in, spot):
    space_id, hh = spot
    other = make_space(app)
    today = timeutil.today()
    desk = api("frontdesk1")

    def add(sid, start, end, plate):
        r = desk.post("/api/v1/parkingrental/", json=rental_json(sid, hh, start.isoformat(), end.isoformat(), plate))
        assert r.status_code == 201, r.json
        return r.json["id"]

    soon = add(space_id, today - timedelta(days=300), today + timedelta(days=30), "粤E30000")
    later = add(space_id, today + timedelta(days=31), today + timedelta(days=400), "粤E31000")
    gone = add(other, today - timedelta(days=300), today - timedelta(days=1), "粤E00001")
    cancelled = add(other, today, today + timedelta(days=5), "粤E00005")
    with app.app_context():
        parking.cancel(db.session.get(ParkingRental, cancelled))
        ids = [r.id for r in parking.expiring(within_days=30, today=today)]
    assert soon in ids and later not in ids and gone not in ids and cancelled not in ids
    page = logged_in("frontdesk1").get("/parkingrentalview/expiring/").get_data(as_text=True)
    assert "粤E30000" in page and "粤E31000" not in page
    assert "粤E30000" not in logged_in("frontdesk2").get("/parkingrentalview/expiring/").get_data(as_text=True)


@pytest.fixture()
def occ_center(app):
    """A centre of its own: A区 3 spaces (2 rented today, 1 rented only in future),
    B区 2 spaces (1 rented, 1 disabled → not counted), C区 1 free."""
    with app.app_context():
        c = ServiceCenter(code=factories.unique("OC"), name=factories.unique("车位测试中心"))
        db.session.add(c)
        db.session.flush()
        hh = factories.household("SC01")
        spaces = {}
        for code, area, status in [("A1", "A区", "available"), ("A2", "A区", "available"), ("A3", "A区", "available"),
                                   ("B1", "B区", "available"), ("B2", "B区", "disabled"), ("C1", "C区", "available")]:
            spaces[code] = ParkingSpace(center_id=c.id, code=code, area=area, kind="leased", status=status)
            db.session.add(spaces[code])
        db.session.commit()
        today = date(2030, 6, 15)
        for code, start, end, status in [("A1", "2030-01-01", "2030-12-31", "active"),
                                         ("A2", "2030-06-15", "2030-06-15", "active"),
                                         ("A3", "2030-07-01", "2030-12-31", "active"),
                                         ("B1", "2030-06-01", "2030-06-30", "active"),
                                         ("C1", "2030-01-01", "2030-12-31", "cancelled")]:
            db.session.add(ParkingRental(space_id=spaces[code].id, household_id=hh.id, center_id=c.id,
                                         plate="粤B8888" + code[-1], start_date=D(start), end_date=D(end),
                                         monthly_rate=Decimal("300"), status=status))
        db.session.commit()
        return c.id, today


def test_occupancy_by_area_on_a_hand_built_centre(app, occ_center):
    center_id, today = occ_center
    with app.app_context():
        assert parking.occupancy_by_area([center_id], today=today) == {
            "A区": (2, 3), "B区": (1, 1), "C区": (0, 1)}
        assert parking.occupancy_by_area([center_id], today=date(2030, 7, 1)) == {
            "A区": (2, 3), "B区": (0, 1), "C区": (0, 1)}


def test_occupancy_page_renders_for_the_desk(app, logged_in):
    r = logged_in("frontdesk1").get("/parkingspaceview/occupancy/")
    assert r.status_code == 200 and "车位使用率" in r.get_data(as_text=True)


def test_monthly_parking_charges_seam(app, occ_center):
    """车位费 seam: the fees register turns these (rental, amount) pairs into bills."""
    center_id, _today = occ_center
    with app.app_context():
        got = {r.space.code: amount for r, amount in parking.monthly_parking_charges("2030-06", [center_id])}
        # A1 whole month; A2 one day of 30 → 300/30 = 10.00; B1 whole June; A3 starts in July; C1 cancelled.
        assert got == {"A1": Decimal("300.00"), "A2": Decimal("10.00"), "B1": Decimal("300.00")}
        july = {r.space.code: amount for r, amount in parking.monthly_parking_charges("2030-07", [center_id])}
        assert july == {"A1": Decimal("300.00"), "A3": Decimal("300.00")}
        with pytest.raises(Exception, match="YYYY-MM"):
            parking.monthly_parking_charges("2030/07")


@pytest.mark.parametrize("url", ["/parkingrentalview/list/", "/parkingrentalview/add", "/parkingspaceview/list/",
                                 "/parkingspaceview/add", "/parkingrentalview/expiring/"])
def test_desk_screens_render_in_chinese(app, logged_in, url):
    r = logged_in("frontdesk1").get(url)
    assert r.status_code == 200 and ("车位" in r.get_data(as_text=True))


def test_daily_refresh_flips_a_space_when_its_future_rental_starts(app, api, spot):
    """A rental booked ahead marks its space 已出租 on its first day (`flask parking refresh`)."""
    space_id, household_id = spot
    start = timeutil.today() + timedelta(days=3)
    r = api("frontdesk1").post("/api/v1/parkingrental/", json=rental_json(
        space_id, household_id, start.isoformat(), (start + timedelta(days=30)).isoformat()))
    assert r.status_code == 201, r.json
    with app.app_context():
        assert db.session.get(ParkingSpace, space_id).status == "available"
        parking.refresh_all_spaces(today=start)
        assert db.session.get(ParkingSpace, space_id).status == "rented"
    out = app.test_cli_runner().invoke(args=["parking", "refresh"])
    assert out.exit_code == 0 and "space(s) changed" in out.output
