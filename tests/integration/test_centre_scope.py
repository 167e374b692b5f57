"""DESIGN "Row-level scope": frontdesk2 (centre 2) never sees a centre-1 row,
through any route: list, show, edit, delete, export, REST, lookups, dropdowns,
and FAB's own pk fetch used by actions."""

import io

import openpyxl
import pytest
from flask import g

from app.extensions import db
from app.models.estate import Building, Household, Unit
from app.views.estate import HouseholdView
from app.views.interface import ScopedInterface
from tests import factories

CENTRE_1 = "阳光花园服务中心"
CENTRE_2 = "锦绣华庭服务中心"


@pytest.fixture()
def c1_household(app):
    with app.app_context():
        h = factories.household("SC01", name=factories.unique("一号中心业户"))
        return {"id": h.id, "name": h.name, "unit_id": h.unit_id}


def test_list_shows_only_own_centre(logged_in):
    page = logged_in("frontdesk2").get("/householdview/list/?psize_HouseholdView=100").get_data(as_text=True)
    assert CENTRE_2 in page
    assert CENTRE_1 not in page


def test_company_wide_role_sees_every_centre(logged_in):
    url = "/householdview/list/?psize_HouseholdView=100&_od_HouseholdView=asc&_oc_HouseholdView=name"
    page = logged_in("gm1").get(url).get_data(as_text=True)
    assert CENTRE_1 in page and CENTRE_2 in page


@pytest.mark.parametrize("path", ["/householdview/show/{id}", "/householdview/edit/{id}"])
def test_detail_and_edit_pages_answer_404(logged_in, c1_household, path):
    r = logged_in("frontdesk2").get(path.format(**c1_household))
    assert r.status_code == 404


def test_edit_post_changes_nothing(app, logged_in, c1_household):
    c = logged_in("frontdesk2")
    r = c.post(f"/householdview/edit/{c1_household['id']}",
               data={"name": "篡改", "kind": "owner", "phone": "13800000000"})
    assert r.status_code == 404
    with app.app_context():
        assert db.session.get(Household, c1_household["id"]).name == c1_household["name"]


def test_delete_refused(app, logged_in, c1_household):
    r = logged_in("frontdesk2").post(f"/householdview/delete/{c1_household['id']}")
    assert r.status_code == 404
    with app.app_context():
        assert db.session.get(Household, c1_household["id"]).deleted_on is None


def test_export_contains_only_own_centre(logged_in):
    r = logged_in("frontdesk2").get("/householdview/export/")
    assert r.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(r.data), read_only=True).active
    rows = list(ws.iter_rows(values_only=True))
    centre_col = rows[0].index("服务中心")
    assert len(rows) > 1
    assert {row[centre_col] for row in rows[1:]} == {CENTRE_2}


def test_lookup_dropdown_offers_only_own_units(logged_in, c1_household, app):
    with app.app_context():
        room = db.session.get(Unit, c1_household["unit_id"]).room_no
    c = logged_in("frontdesk2")
    assert c.get(f"/unitview/lookup/?q={room}").json["results"] == []
    results = c.get("/unitview/lookup/?q=101").json["results"]
    assert results
    with app.app_context():
        assert {db.session.get(Unit, r["id"]).center_id for r in results} == {factories_center_id(app, "SC02")}


def factories_center_id(app, code):
    with app.app_context():
        return factories.center(code).id


def test_add_form_cannot_pick_other_centres_unit(app, logged_in, c1_household):
    c = logged_in("frontdesk2")
    name = factories.unique("越权")
    r = c.post("/householdview/add", data={
        "unit": c1_household["unit_id"], "name": name, "kind": "owner", "phone": "13800000000",
    })
    assert r.status_code == 200  # form re-shown with an error
    assert "不在您的服务中心范围内" in r.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Household).filter_by(name=name).count() == 0


def test_related_dropdown_of_building_form_is_scoped(logged_in, app):
    page = logged_in("center_manager1").get("/buildingview/add").get_data(as_text=True)
    assert CENTRE_1 in page and CENTRE_2 not in page


def test_rest_list_get_put_delete_are_scoped(api, client, c1_household, app):
    a = api("frontdesk2")
    r = a.get("/api/v1/household/?q=(page_size:100)")
    assert r.status_code == 200
    c2 = factories_center_id(app, "SC02")
    assert r.json["count"] > 0 and {row["center_id"] for row in r.json["result"]} == {c2}
    hid = c1_household["id"]
    assert a.get(f"/api/v1/household/{hid}").status_code == 404
    assert a.put(f"/api/v1/household/{hid}", json={"name": "篡改"}).status_code == 404
    assert a.delete(f"/api/v1/household/{hid}").status_code == 404
    with app.app_context():
        row = db.session.get(Household, hid)
        assert row.name == c1_household["name"] and row.deleted_on is None


def test_rest_post_into_other_centre_refused(api, c1_household, app):
    r = api("frontdesk2").post("/api/v1/household/", json={
        "unit_id": c1_household["unit_id"], "name": "越权", "kind": "owner", "phone": "13800000000",
    })
    assert r.status_code == 404
    assert "服务中心范围" in r.json["message"]


def test_rest_building_post_for_other_centre_refused(api, app):
    c1 = factories_center_id(app, "SC01")
    r = api("center_manager1").post("/api/v1/building/", json={"center_id": c1 + 1, "name": "越权楼"})
    assert r.status_code in (403, 404)
    with app.app_context():
        assert db.session.query(Building).filter_by(name="越权楼").count() == 0


def test_pk_fetch_used_by_actions_is_scoped(app, c1_household):
    """FAB actions call datamodel.get(pk) without base filters (FAB-NOTES)."""
    with app.test_request_context():
        from app.security import center_scope

        g.user = app.appbuilder.sm.find_user(username="frontdesk2")
        assert center_scope() == {factories.center("SC02").id}
        assert HouseholdView.datamodel.get(c1_household["id"]) is None
        assert isinstance(HouseholdView.datamodel, ScopedInterface)
        g.user = app.appbuilder.sm.find_user(username="frontdesk1")
        g.pop("_center_scope")
        assert HouseholdView.datamodel.get(c1_household["id"]) is not None


def test_refused_record_page_is_in_chinese_with_the_app_layout(logged_in, c1_household):
    r = logged_in("frontdesk2").get(f"/householdview/show/{c1_household['id']}")
    page = r.get_data(as_text=True)
    assert r.status_code == 404
    assert "不在您的服务中心范围内" in page and "业户档案" in page   # message and menu
    assert c1_household["name"] not in page
