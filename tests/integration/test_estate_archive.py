"""DESIGN "Registers / 业户档案" and issue 2 §3: validation with clear messages,
ID numbers masked for everyone but hr/admin, Decimal area, soft delete,
children protect their parents, nothing half-written."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models.audit import AuditLog
from app.models.estate import Building, Household, Unit
from tests import factories


def _unit_id(app, code="SC01"):
    with app.app_context():
        return factories.unit(code).id


def test_front_desk_adds_household_through_the_form(app, logged_in):
    unit_id = _unit_id(app)
    name = factories.unique("新业主")
    r = logged_in("frontdesk1").post("/householdview/add", data={
        "unit": unit_id, "name": name, "kind": "tenant", "phone": "138 0013 8000",
        "id_number": "11010519491231002x",
    }, follow_redirects=True)
    assert r.status_code == 200
    with app.app_context():
        h = db.session.scalars(select(Household).filter_by(name=name)).one()
        assert h.center_id == factories.center("SC01").id       # centre follows the unit
        assert h.phone == "13800138000" and h.id_number == "11010519491231002X"
        assert h.created_by_id == app.appbuilder.sm.find_user(username="frontdesk1").id


@pytest.mark.parametrize("field,value,message", [
    ("phone", "12345", "电话号码格式不正确"),
    ("id_number", "110105194912310021", "校验位不正确"),
    ("id_number", "11010519491331002X", "出生日期无效"),
    ("id_number", "1101051949", "身份证号应为18位"),
])
def test_bad_input_is_refused_with_a_chinese_message(app, logged_in, field, value, message):
    name = factories.unique("坏数据")
    data = {"unit": _unit_id(app), "name": name, "kind": "owner", "phone": "13800138000"}
    data[field] = value
    r = logged_in("frontdesk1").post("/householdview/add", data=data)
    assert message in r.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(Household).filter_by(name=name)).first() is None


def test_api_refuses_bad_input_with_422_and_writes_nothing(api, app):
    unit_id = _unit_id(app)
    r = api("frontdesk1").post("/api/v1/household/", json={
        "unit_id": unit_id, "name": "坏号码", "kind": "boss", "phone": "123", "id_number": "110105194912310021",
    })
    assert r.status_code == 422
    assert set(r.json["message"]) >= {"phone", "id_number", "kind"}
    with app.app_context():
        assert db.session.scalars(select(Household).filter_by(unit_id=unit_id)).first() is None


def test_api_error_message_follows_the_callers_language(api, app):
    r = api("frontdesk1", lang="en").post("/api/v1/household/", json={
        "unit_id": 999999, "name": "x", "kind": "owner", "phone": "13800138000",
    })
    assert r.status_code == 404
    assert "service centre" in r.json["message"].lower()
    r = api("frontdesk1").post("/api/v1/household/", json={
        "unit_id": 999999, "name": "x", "kind": "owner", "phone": "13800138000",
    })
    assert "服务中心" in r.json["message"]


def test_id_number_masked_for_front_desk_full_for_hr(app, logged_in, api):
    with app.app_context():
        h = factories.household("SC01", id_number="11010519491231002X")
        hid, name = h.id, h.name
    masked = "110105********002X"
    page = logged_in("frontdesk1").get(f"/householdview/show/{hid}").get_data(as_text=True)
    assert masked in page and "11010519491231002X" not in page
    assert "11010519491231002X" in logged_in("hr1").get(f"/householdview/show/{hid}").get_data(as_text=True)
    assert api("frontdesk1").get(f"/api/v1/household/{hid}").json["result"]["id_number"] == masked
    assert api("admin1").get(f"/api/v1/household/{hid}").json["result"]["id_number"] == "11010519491231002X"
    listing = api("supervisor1").get(f"/api/v1/household/?q=(filters:!((col:name,opr:eq,value:'{name}')))")
    assert listing.json["result"][0]["id_number"] == masked


def test_edit_without_seeing_the_id_number_keeps_it(app, logged_in):
    with app.app_context():
        h = factories.household("SC01", id_number="11010519491231002X")
        hid, unit_id = h.id, h.unit_id
    c = logged_in("frontdesk1")
    form = c.get(f"/householdview/edit/{hid}").get_data(as_text=True)
    assert "110105********002X" in form and "11010519491231002X" not in form
    c.post(f"/householdview/edit/{hid}", data={
        "unit": unit_id, "name": "改名业主", "kind": "owner", "phone": "13900000000",
        "id_number": "110105********002X",
    })
    with app.app_context():
        h = db.session.get(Household, hid)
        assert h.name == "改名业主" and h.id_number == "11010519491231002X"


def test_area_is_decimal_and_travels_as_a_string(api, app):
    with app.app_context():
        b = factories.building("SC01")
        bid = b.id
    a = api("center_manager1")
    r = a.post("/api/v1/unit/", json={"building_id": bid, "room_no": "1801", "area": "123.45"})
    assert r.status_code == 201, r.json
    got = a.get(f"/api/v1/unit/{r.json['id']}").json["result"]
    assert got["area"] == "123.45" and got["center_id"] == factories_center(app, "SC01")
    assert a.post("/api/v1/unit/", json={"building_id": bid, "room_no": "1802", "area": "-5"}).status_code == 422


def factories_center(app, code):
    with app.app_context():
        return factories.center(code).id


def test_duplicate_room_number_is_refused(api, app):
    with app.app_context():
        u = factories.unit("SC01")
        bid, room = u.building_id, u.room_no
    r = api("center_manager1").post("/api/v1/unit/", json={"building_id": bid, "room_no": room, "area": "50"})
    assert r.status_code == 409 and "已有此房号" in r.json["message"]


def test_delete_is_soft_and_audited(app, api, logged_in):
    with app.app_context():
        h = factories.household("SC01")
        hid = h.id
    assert api("frontdesk1").delete(f"/api/v1/household/{hid}").status_code == 200
    assert api("frontdesk1").get(f"/api/v1/household/{hid}").status_code == 404
    assert logged_in("frontdesk1").get(f"/householdview/show/{hid}").status_code == 404
    with app.app_context():
        row = db.session.get(Household, hid)
        assert row is not None and row.deleted_on is not None
        assert row.deleted_by_id == app.appbuilder.sm.find_user(username="frontdesk1").id
        log = db.session.scalars(
            select(AuditLog).filter_by(table_name="household", row_id=str(hid), event="delete")
        ).one()
        assert log.user_name == "frontdesk1"


def test_a_building_with_units_cannot_be_deleted(app, logged_in):
    with app.app_context():
        u = factories.unit("SC01")
        bid = u.building_id
    r = logged_in("center_manager1").post(f"/buildingview/delete/{bid}", follow_redirects=True)
    assert "该楼栋下仍有房屋单元" in r.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Building, bid).deleted_on is None


def test_a_deleted_room_number_can_be_reused(app, api):
    with app.app_context():
        u = factories.unit("SC01")
        uid, bid, room = u.id, u.building_id, u.room_no
    a = api("center_manager1")
    assert a.delete(f"/api/v1/unit/{uid}").status_code == 200
    r = a.post("/api/v1/unit/", json={"building_id": bid, "room_no": room, "area": "60.00"})
    assert r.status_code == 201
    with app.app_context():
        assert db.session.scalars(select(Unit).filter_by(building_id=bid, room_no=room)).all().__len__() == 2


def test_household_needs_a_unit(app, logged_in):
    name = factories.unique("无房号")
    r = logged_in("frontdesk1").post("/householdview/add", data={"name": name, "kind": "owner", "phone": "13800138000"})
    assert "此项必填" in r.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(Household).filter_by(name=name)).first() is None
