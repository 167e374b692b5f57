"""收费 generation (DESIGN.md "Fees", "Parking"; issue 5 §1, §2, §8): rates with
effective dates, meter readings (抄表) and per-reading bills, 车位费 from rentals,
有偿服务 from work orders, idempotent runs with a summary, the 生成账单 page
per role and centre, the CLI, the demo data."""

import threading
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app import timeutil
from app.extensions import db
from app.models.billing import Bill, ChargeItem
from app.models.estate import Building, Household, ServiceCenter, Unit
from app.models.fees import ChargeRate, MeterReading
from app.models.parking import ParkingSpace
from app.models.work_orders import WorkOrder
from app.services import fee_generation, fee_registers, parking
from app.workflows.fees import month_periods
from tests import factories

D = Decimal


def _item(center_id, code, kind, basis, rate, meter_kind=None, active=True) -> ChargeItem:
    item = ChargeItem(center_id=center_id, code=code, name=code, kind=kind, basis=basis, rate=D(rate),
                      meter_kind=meter_kind, due_day=15, active=active)
    db.session.add(item)
    db.session.flush()
    return item


def _reading(household_id, kind, period, current, previous=None, **kw):
    r = MeterReading(household_id=household_id, meter_kind=kind, period=period, current_reading=D(current),
                     previous_reading=None if previous is None else D(previous), **kw)
    fee_registers.before_save(r)
    db.session.add(r)
    db.session.commit()
    return r


def _order(center_id, household_id, status, completed_at, price, no):
    o = WorkOrder(center_id=center_id, household_id=household_id, kind="paid_service", source="phone",
                  description="家政保洁", status=status, received_at=datetime(2031, 7, 1, 9, 0),
                  completed_at=completed_at, quoted_price=None if price is None else D(price),
                  order_no=factories.unique(no))
    db.session.add(o)
    db.session.flush()
    return o.id


@pytest.fixture()
def fg(app):
    """A centre of its own with three households (89.50, 120.00, 68.20 m²);
    WY per_area 2.20 changed to 2.35 from 2031-07-01; SF water 4.10/吨; DF electricity
    0.62/度; CW parking. h1 rents two spaces (one all year, one 07-01..07-20);
    readings of 2031-07: h1 water 100→112.5, h1 electricity 1000→1333, h2 water 200→208.3;
    paid services: closed 07-10 ¥80 (h2), in progress ¥50, completed ¥0, completed 08-02 ¥120."""
    with app.app_context():
        c = ServiceCenter(code=factories.unique("FG"), name=factories.unique("生成测试中心"))
        db.session.add(c)
        db.session.flush()
        bld = Building(center_id=c.id, name="9栋")
        db.session.add(bld)
        db.session.flush()
        hhs = []
        for room, area in (("101", "89.50"), ("102", "120.00"), ("103", "68.20")):
            u = Unit(center_id=c.id, building=bld, room_no=room, area=D(area))
            h = Household(center_id=c.id, unit=u, name=f"业主{room}", kind="owner", phone="13912345678")
            db.session.add_all([u, h])
            db.session.flush()
            hhs.append(h.id)
        ids = {"center": c.id, "h": hhs, "wy": _item(c.id, "WY", "management", "per_area", "2.20").id,
               "sf": _item(c.id, "SF", "water", "per_reading", "4.10", "water").id,
               "df": _item(c.id, "DF", "electricity", "per_reading", "0.62", "electricity").id,
               "cw": _item(c.id, "CW", "parking", "fixed", "0").id}
        db.session.add(ChargeRate(center_id=c.id, charge_item_id=ids["wy"], effective_from=date(2031, 7, 1),
                                  rate=D("2.35")))
        db.session.commit()
        spaces = []
        for code in ("G1", "G2"):
            s = ParkingSpace(center_id=c.id, code=code, area="A区", kind="leased")
            db.session.add(s)
            db.session.commit()
            spaces.append(s)
        h1 = db.session.get(Household, hhs[0])
        ids["r_full"] = parking.rent(spaces[0], h1, "粤B11111", date(2031, 1, 1), date(2031, 12, 31), D("300")).id
        ids["r_part"] = parking.rent(spaces[1], h1, "粤B22222", date(2031, 7, 1), date(2031, 7, 20), D("300")).id
        _reading(hhs[0], "water", "2031-07", "112.5", "100")
        _reading(hhs[0], "electricity", "2031-07", "1333", "1000")
        _reading(hhs[1], "water", "2031-07", "208.3", "200")
        ids["wo_done"] = _order(c.id, hhs[1], "closed", datetime(2031, 7, 10, 15, 0), "80.00", "WOA")
        ids["wo_open"] = _order(c.id, hhs[1], "in_progress", None, "50.00", "WOB")
        ids["wo_free"] = _order(c.id, hhs[2], "completed", datetime(2031, 7, 11, 9, 0), "0", "WOC")
        ids["wo_aug"] = _order(c.id, hhs[2], "visited", datetime(2031, 8, 2, 9, 0), "120.00", "WOD")
        db.session.commit()
        return ids


def _bills(center_id, period=None):
    stmt = select(Bill).where(Bill.center_id == center_id, Bill.deleted_on.is_(None))
    if period:
        stmt = stmt.where(Bill.period == period)
    return list(db.session.scalars(stmt))


def test_generation_bills_rates_readings_rentals_and_paid_services(app, fg):
    """Hand-checked 2031-07: WY at 2.35 (in force from 07-01): 89.50 × 2.35 = 210.325 → 210.33,
    120.00 × 2.35 = 282.00, 68.20 × 2.35 = 160.27; 水费 12.5 吨 × 4.10 = 51.25 and 8.3 × 4.10 = 34.03;
    电费 333 度 × 0.62 = 206.46; 车位费 300.00 (whole month) and 300 × 20/31 = 193.548 → 193.55;
    有偿服务 80.00 for the order closed on 07-10. Three readings are missing, never billed 0."""
    h1, h2, h3 = fg["h"]
    with app.app_context():
        summary = fee_generation.generate("2031-07", [fg["center"]])
        got = sorted((b.household_id, b.charge_item.kind, b.source_key, b.amount) for b in _bills(fg["center"]))
        assert got == sorted([
            (h1, "management", "", D("210.33")), (h2, "management", "", D("282.00")),
            (h3, "management", "", D("160.27")),
            (h1, "water", "", D("51.25")), (h2, "water", "", D("34.03")), (h1, "electricity", "", D("206.46")),
            (h1, "parking", f"rental:{fg['r_full']}", D("300.00")),
            (h1, "parking", f"rental:{fg['r_part']}", D("193.55")),
            (h2, "paid_service", f"wo:{fg['wo_done']}", D("80.00")),
        ])
        assert summary.total == 9 and summary.created == {"management": 3, "water": 2, "electricity": 1,
                                                          "parking": 2, "paid_service": 1}
        assert sorted((hh.split()[-1], kind) for _c, hh, kind in summary.missing) == [
            ("业主102", "electricity"), ("业主103", "electricity"), ("业主103", "water")]
        done = db.session.get(WorkOrder, fg["wo_done"])
        bill = db.session.get(Bill, done.bill_id)
        assert bill.source_key == f"wo:{done.id}" and bill.period == "2031-07" and bill.charge_item.code == "YCFW"
        assert bill.due_date == date(2031, 7, 15)
        for key in ("wo_open", "wo_free", "wo_aug"):
            assert db.session.get(WorkOrder, fg[key]).bill_id is None
        lines = summary.lines()
        assert "9" in lines[0] and any("缺抄表 3 项" in line for line in lines)
        # Idempotent: running the period again adds nothing and bills no order twice.
        again = fee_generation.generate("2031-07", [fg["center"]])
        assert again.total == 0 and len(_bills(fg["center"])) == 9 and len(again.missing) == 3


def test_rate_before_the_change_and_pro_rata_rental_end(app, fg):
    """2031-06 uses ChargeItem.rate 2.20 (the change starts 07-01): 89.50 × 2.20 = 196.90;
    the all-year rental bills 300.00; without readings nothing is billed for water or
    electricity (6 missing). 2031-08: the short rental has ended (not billed); the order
    completed 08-02 is billed in 2031-08 (120.00), and the one closed 07-10, not billed
    yet because July was never generated, is caught up in its own month 2031-07."""
    h1 = fg["h"][0]
    with app.app_context():
        june = fee_generation.generate("2031-06", [fg["center"]])
        wy = {b.household_id: b.amount for b in _bills(fg["center"], "2031-06") if b.charge_item_id == fg["wy"]}
        assert wy[h1] == D("196.90") and len(june.missing) == 6
        assert june.created == {"management": 3, "parking": 1}
        aug = fee_generation.generate("2031-08", [fg["center"]])
        assert aug.created == {"management": 3, "parking": 1, "paid_service": 2}
        order = db.session.get(WorkOrder, fg["wo_aug"])
        assert (db.session.get(Bill, order.bill_id).period, db.session.get(Bill, order.bill_id).amount) == (
            "2031-08", D("120.00"))
        july = db.session.get(Bill, db.session.get(WorkOrder, fg["wo_done"]).bill_id)
        assert (july.period, july.amount, july.source_key) == ("2031-07", D("80.00"), f"wo:{fg['wo_done']}")


def test_household_with_two_rentals_and_centre_without_parking_item(app, fg):
    """Two rentals → two 车位费 bills of one household; a centre with rentals and no
    active parking item is reported and nothing is billed for them."""
    with app.app_context():
        db.session.get(ChargeItem, fg["cw"]).active = False
        db.session.commit()
        off = fee_generation.generate("2031-07", [fg["center"]])
        assert off.created["parking"] == 0 and off.no_parking_item and off.no_parking_item[0][1] == 2
        assert any("未设启用的车位费收费项目" in line for line in off.lines())
        db.session.get(ChargeItem, fg["cw"]).active = True
        db.session.commit()
        on = fee_generation.generate("2031-07", [fg["center"]])
        assert on.created == {"parking": 2} and not on.no_parking_item
        parking_bills = [b for b in _bills(fg["center"], "2031-07") if b.charge_item_id == fg["cw"]]
        assert {b.household_id for b in parking_bills} == {fg["h"][0]} and len(parking_bills) == 2


def test_bill_paid_services_on_its_own_is_idempotent(app, fg):
    with app.app_context():
        first = fee_generation.bill_paid_services("2031-08", [fg["center"]])
        assert first.created == {"paid_service": 2}
        assert fee_generation.bill_paid_services("2031-08", [fg["center"]]).total == 0
        assert fee_generation.generate("2031-07", [fg["center"]]).created["paid_service"] == 0


def test_concurrent_runs_of_one_period_bill_once(app, fg):
    """Two runs of the same period at the same moment (two cashiers, or cron and the
    button): the unique index refuses the loser's duplicates, it redoes the centre and
    adds nothing; every bill exists once and the order keeps one bill."""
    results, errors = [], []
    barrier = threading.Barrier(2)

    def run():
        with app.app_context():
            try:
                barrier.wait()
                results.append(fee_generation.generate("2031-07", [fg["center"]]).total)
            except Exception as e:  # noqa: BLE001 - the test reports any failure below
                errors.append(e)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors and sorted(results) == [0, 9], (results, errors)
    with app.app_context():
        assert len(_bills(fg["center"])) == 9
        order = db.session.get(WorkOrder, fg["wo_done"])
        assert db.session.scalar(select(func.count()).select_from(Bill).where(
            Bill.source_key == f"wo:{order.id}")) == 1 and order.bill_id is not None


# -- charge rates (收费标准调整) -------------------------------------------------------

def _sc01_item(app, basis="per_area", rate="2.20"):
    """An inactive item of SC01 (so it bills nothing in other tests)."""
    with app.app_context():
        item = _item(factories.center("SC01").id, factories.unique("R"), "management", basis, rate, active=False)
        db.session.commit()
        return item.id


def test_charge_rate_api_per_role_and_scope(app, api):
    """center_manager RW like ChargeItem; cashier R; finance/gm/auditor read; frontdesk2
    (SC02) never sees an SC01 rate; one rate per item and date."""
    item = _sc01_item(app)
    body = {"charge_item_id": item, "effective_from": "2032-01-01", "rate": "2.45", "note": "调价"}
    r = api("center_manager1").post("/api/v1/chargerate/", json=body)
    assert r.status_code == 201, r.json
    got = api("cashier1").get(f"/api/v1/chargerate/{r.json['id']}").json["result"]
    assert got["rate"] == "2.4500" and got["effective_from"] == "2032-01-01"
    assert got["center_id"] == got["center_id"] and set(got) >= {"id", "center_id", "charge_item_id"}
    dup = api("center_manager1").post("/api/v1/chargerate/", json=body)
    assert dup.status_code == 409 and "已有收费标准" in dup.json["message"]
    assert api("cashier1").post("/api/v1/chargerate/", json={**body, "effective_from": "2032-02-01"}
                                ).status_code == 403
    for user in ("finance1", "gm1", "auditor1"):
        assert api(user).get(f"/api/v1/chargerate/{r.json['id']}").status_code == 200
        assert api(user).post("/api/v1/chargerate/", json={**body, "effective_from": "2033-01-01"}
                              ).status_code == 403
    assert api("frontdesk2").get(f"/api/v1/chargerate/{r.json['id']}").status_code in (403, 404)
    neg = api("center_manager1").post("/api/v1/chargerate/", json={**body, "effective_from": "2032-03-01",
                                                                    "rate": "-1"})
    assert neg.status_code == 422 and "负数" in neg.json["message"]


def test_charge_rate_screens_render(app, logged_in):
    c = logged_in("center_manager1")
    assert c.get("/chargerateview/list/").status_code == 200
    assert c.get("/chargerateview/add").status_code == 200
    assert logged_in("frontdesk1").get("/chargerateview/list/").status_code == 403


def test_charge_item_per_reading_needs_a_meter_kind(app, api):
    cm = api("center_manager1")
    base = {"center_id": 0, "code": factories.unique("M"), "name": "热水费", "kind": "other",
            "basis": "per_reading", "rate": "6.50"}
    with app.app_context():
        base["center_id"] = factories.center("SC01").id
    r = cm.post("/api/v1/chargeitem/", json=base)
    assert r.status_code == 422 and "表计类别" in r.json["message"]
    r = cm.post("/api/v1/chargeitem/", json={**base, "kind": "water"})
    assert r.status_code == 201, r.json
    assert cm.get(f"/api/v1/chargeitem/{r.json['id']}").json["result"]["meter_kind"] == "water"
    assert cm.put(f"/api/v1/chargeitem/{r.json['id']}", json={"active": False}).status_code == 200


# -- meter readings (抄表) ---------------------------------------------------------------

def _reading_json(hh, period, current, previous=None, kind="water", **kw):
    body = {"household_id": hh, "meter_kind": kind, "period": period, "current_reading": current, **kw}
    if previous is not None:
        body["previous_reading"] = previous
    return body


def _count_readings(app, hh):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(MeterReading).where(
            MeterReading.household_id == hh, MeterReading.deleted_on.is_(None)))


def test_reading_defaults_previous_and_refuses_going_backwards(app, api):
    """previous_reading defaults to last period's current reading; usage is computed;
    current < previous is refused in zh and en (nothing written) unless 换表 with a note;
    one reading per household, meter and period."""
    with app.app_context():
        hh = factories.household("SC01").id
    desk = api("frontdesk1")
    r = desk.post("/api/v1/meterreading/", json=_reading_json(hh, "2032-01", "100.5", previous="88"))
    assert r.status_code == 201, r.json
    r = desk.post("/api/v1/meterreading/", json=_reading_json(hh, "2032-02", "113.0"))
    assert r.status_code == 201, r.json
    got = desk.get(f"/api/v1/meterreading/{r.json['id']}").json["result"]
    assert got["previous_reading"] == "100.50" and got["usage"] == "12.50" and got["reader_id"]
    assert got["read_on"] and got["center_id"] and got["unit_id"]
    back = desk.post("/api/v1/meterreading/", json=_reading_json(hh, "2032-03", "90"))
    assert back.status_code == 422
    assert back.json["message"] == "本期读数 90.00 小于上期读数 113.00；如已换表，请勾选“换表”并填写说明"
    en = api("frontdesk1", lang="en").post("/api/v1/meterreading/", json=_reading_json(hh, "2032-03", "90"))
    assert en.status_code == 422 and "113.00" in en.json["message"] and "小于" not in en.json["message"]
    assert _count_readings(app, hh) == 2
    no_note = desk.post("/api/v1/meterreading/", json=_reading_json(hh, "2032-03", "9", replaced_meter=True))
    assert no_note.status_code == 422 and "备注" in no_note.json["message"]
    swap = desk.post("/api/v1/meterreading/", json=_reading_json(hh, "2032-03", "9", replaced_meter=True,
                                                                  old_meter_final="115", note="3月5日换表"))
    assert swap.status_code == 201, swap.json
    assert desk.get(f"/api/v1/meterreading/{swap.json['id']}").json["result"]["usage"] == "11.00"
    dup = desk.post("/api/v1/meterreading/", json=_reading_json(hh, "2032-03", "20", previous="9"))
    assert dup.status_code == 409 and "已有此表的抄表记录" in dup.json["message"]
    first = api("cashier1").post("/api/v1/meterreading/", json=_reading_json(hh, "2032-01", "5", kind="electricity"))
    assert first.status_code == 422 and "请填写上期读数" in first.json["message"]


def test_reading_scope_and_roles(app, api, logged_in):
    """frontdesk2 (SC02) cannot record or see SC01 readings; cashier and frontdesk write;
    center_manager, finance, auditor read; technician has no access; export is scoped."""
    with app.app_context():
        hh = factories.household("SC01").id
    r = api("cashier1").post("/api/v1/meterreading/", json=_reading_json(hh, "2033-01", "50", previous="10"))
    assert r.status_code == 201, r.json
    other = api("frontdesk2")
    assert other.get(f"/api/v1/meterreading/{r.json['id']}").status_code == 404
    assert other.post("/api/v1/meterreading/", json=_reading_json(hh, "2033-02", "60")).status_code == 404
    for user in ("center_manager1", "finance1", "auditor1"):
        assert api(user).get(f"/api/v1/meterreading/{r.json['id']}").status_code == 200
        assert api(user).post("/api/v1/meterreading/", json=_reading_json(hh, "2033-03", "70")).status_code == 403
    assert api("technician1").get("/api/v1/meterreading/").status_code == 403
    export = logged_in("frontdesk1").get("/meterreadingview/export/")
    assert export.status_code == 200 and export.data[:2] == b"PK"
    assert logged_in("frontdesk1").get("/meterreadingview/add").status_code == 200


def test_reading_web_form_defaults_previous_and_shows_the_refusal(app, logged_in):
    """The 抄表 form: 上期读数 left empty takes last period's reading; a reading below
    it comes back with the message and writes nothing."""
    with app.app_context():
        hh = factories.household("SC01").id
        _reading(hh, "electricity", "2034-01", "1500", "1200")
    c = logged_in("frontdesk1")
    form = {"household": hh, "meter_kind": "electricity", "period": "2034-02", "previous_reading": "",
            "current_reading": "1400", "read_on": "", "old_meter_final": "", "note": ""}
    page = c.post("/meterreadingview/add", data=form, follow_redirects=True).get_data(as_text=True)
    assert "本期读数 1400.00 小于上期读数 1500.00" in page
    assert _count_readings(app, hh) == 1
    c.post("/meterreadingview/add", data={**form, "current_reading": "1833"}, follow_redirects=True)
    with app.app_context():
        r = db.session.scalars(select(MeterReading).filter_by(household_id=hh, period="2034-02")).one()
        assert (r.previous_reading, r.usage, r.read_on) == (D("1500.00"), D("333.00"), timeutil.today())
        assert r.reader_id == app.appbuilder.sm.find_user(username="frontdesk1").id


def test_charge_item_form_offers_per_reading(app, logged_in):
    c = logged_in("center_manager1")
    page = c.get("/chargeitemview/add").get_data(as_text=True)
    assert "按抄表用量(元/吨或元/度)" in page and "表计类别" in page


def test_missing_readings_page_lists_households_without_a_reading(app, logged_in):
    """缺抄表: SC01's demo households with no reading of a future period are all listed."""
    page = logged_in("cashier1").get("/meterreadingview/missing/?period=2034-05").get_data(as_text=True)
    assert "缺抄表" in page and "阳光花园服务中心" in page and "锦绣华庭服务中心" not in page
    assert "水表" in page and "电表" in page


# -- the 生成账单 page --------------------------------------------------------------------

def _count_bills(app, center_code, period):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Bill).where(
            Bill.center_id == factories.center(center_code).id, Bill.period == period))


def test_generate_page_for_the_cashier_of_one_centre(app, logged_in):
    """The cashier generates only their own centre; the summary comes back in Chinese;
    a second run adds nothing; SC02 is refused for the SC01 cashier."""
    with app.app_context():
        sc01, sc02 = factories.center("SC01").id, factories.center("SC02").id
    with app.app_context():
        n = db.session.scalar(select(func.count()).select_from(Household).where(
            Household.center_id == sc01, Household.deleted_on.is_(None)))
    c = logged_in("cashier1")
    page = c.get("/billgeneration/").get_data(as_text=True)
    assert "生成账单" in page and "阳光花园服务中心" in page and "锦绣华庭服务中心" not in page
    assert 'href="/billgeneration/' in page and 'href="/meterreadingview/missing/"' in page  # 收费 menu
    r = c.post("/billgeneration/run", data={"period": "2039-01", "center_id": sc01}, follow_redirects=True)
    text = r.get_data(as_text=True)
    created = _count_bills(app, "SC01", "2039-01")
    assert r.status_code == 200 and f"2039-01 共生成账单 {created} 张" in text and created >= 2 * n
    with app.app_context():
        mgmt = db.session.scalar(select(func.count()).select_from(Bill).join(ChargeItem).where(
            Bill.center_id == sc01, Bill.period == "2039-01", ChargeItem.kind == "management"))
    assert mgmt >= n and mgmt % n == 0 and f"物业管理费 {mgmt}" in text  # every household, every 管理费 item
    assert f"缺抄表 {2 * n} 项未出账" in text  # water and electricity of every household
    again = c.post("/billgeneration/run", data={"period": "2039-01", "center_id": sc01}, follow_redirects=True)
    assert "2039-01 共生成账单 0 张" in again.get_data(as_text=True)
    assert _count_bills(app, "SC01", "2039-01") == created
    refused = c.post("/billgeneration/run", data={"period": "2039-01", "center_id": sc02}, follow_redirects=True)
    assert "该记录不属于您所在的服务中心" in refused.get_data(as_text=True)
    assert _count_bills(app, "SC02", "2039-01") == 0
    bad = c.post("/billgeneration/run", data={"period": "2035-1"}, follow_redirects=True)
    assert "YYYY-MM" in bad.get_data(as_text=True)


def test_generate_page_roles(app, logged_in):
    """frontdesk has no 生成账单 (403 on the page and the run); the centre manager has."""
    desk = logged_in("frontdesk1")
    assert desk.get("/billgeneration/").status_code == 403
    assert 'href="/billgeneration/' not in desk.get("/meterreadingview/list/").get_data(as_text=True)
    assert desk.post("/billgeneration/run", data={"period": "2036-01"}).status_code == 403
    assert _count_bills(app, "SC01", "2036-01") == 0
    assert logged_in("center_manager1").get("/billgeneration/").status_code == 200
    assert logged_in("finance1").get("/billgeneration/").status_code == 403


# -- CLI and demo data ---------------------------------------------------------------------

def test_cli_generate_one_centre_with_summary(app, fg):
    with app.app_context():
        code = db.session.get(ServiceCenter, fg["center"]).code
    out = app.test_cli_runner().invoke(args=["billing", "generate", "--period", "2031-07", "--center", code])
    assert out.exit_code == 0, out.output
    assert f"{code} " in out.output and "缺抄表 3 项" in out.output
    assert out.output.splitlines()[-1] == "billing generate 2031-07: 9 bill(s) created"
    again = app.test_cli_runner().invoke(args=["billing", "generate", "--period", "2031-07", "--center", code])
    assert again.output.splitlines()[-1] == "billing generate 2031-07: 0 bill(s) created"
    bad = app.test_cli_runner().invoke(args=["billing", "generate", "--period", "2031-07", "--center", "NOPE"])
    assert bad.exit_code != 0 and "NOPE" in bad.output


def test_demo_fees_data_and_seed_idempotent(app):
    """Demo: WY/LJ/SF/DF/CW in both centres, SC01 WY 2.20 → 2.35 from 2026-07-01, three
    months of readings and bills for every household; loading again adds nothing."""
    from seeds.billing import load_billing

    with app.app_context():
        sc01 = factories.center("SC01").id
        codes = set(db.session.scalars(select(ChargeItem.code).where(ChargeItem.center_id == sc01)))
        assert {"WY", "LJ", "SF", "DF", "CW"} <= codes
        wy = db.session.scalars(select(ChargeItem).filter_by(center_id=sc01, code="WY")).one()
        assert db.session.scalar(select(ChargeRate.rate).filter_by(charge_item_id=wy.id)) == D("2.3500")
        periods = month_periods(timeutil.today(), 3)
        for period in periods:
            readings = db.session.scalar(select(func.count()).select_from(MeterReading).where(
                MeterReading.center_id == sc01, MeterReading.period == period))
            assert readings >= 200  # 100 demo households × water and electricity
        current = periods[-1]
        bill = db.session.scalars(select(Bill).join(Household).join(Unit).where(
            Bill.charge_item_id == wy.id, Bill.period == current, Unit.area == D("89.50"))).first()
        assert bill.amount == D("210.33")  # 89.50 × 2.35 = 210.325 → 210.33
        load_billing(progress=lambda *_: None)  # catches up households other tests added
        counts = load_billing(progress=lambda *_: None)
        assert counts == {"charge_items": 0, "readings": 0, "parking_spaces": 0, "bills": 0}
