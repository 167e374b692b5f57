"""Issue 9 §2: one test per bug the generated hostile-input runs found (each was a
500 or a database message in English), so each fix is proved on its own and
on both databases. DESIGN "Bad input": a clear Chinese message, nothing written.
"""

import json

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models.audit import AuditLog
from app.models.billing import ChargeItem
from app.models.estate import Building, ServiceCenter
from tests.conftest import Api, login


@pytest.fixture(scope="module")
def app(fresh_app):
    """The hostile-input database: accepted payloads are stored in rows the rest of the suite reads."""
    return fresh_app("hostile")


def _counts(app, model):
    with app.app_context():
        out = (db.session.scalar(select(func.count()).select_from(model)),
               db.session.scalar(select(func.max(AuditLog.id))))
        db.session.remove()
    return out


def _first(app, model):
    with app.app_context():
        row = db.session.scalars(select(model).where(model.deleted_on.is_(None)).order_by(model.id)).first()
        out = {c.key: getattr(row, c.key) for c in model.__table__.columns}
        db.session.remove()
    return out


def _put_raw(client, headers, url, text):
    return client.put(url, data=text, content_type="application/json", headers=headers)


def test_nul_byte_and_lone_surrogate_are_refused_before_the_database(app, client):
    """PostgreSQL refuses NUL in text (was a 500); a lone surrogate cannot be encoded (500 on both)."""
    headers = Api(client, "admin1").headers
    building = _first(app, Building)
    before = _counts(app, Building)
    for text in ('{"note": "a\\u0000b"}', '{"note": "\\ud800"}', '{"\\u0000": 1}'):
        r = _put_raw(client, headers, f"/api/v1/building/{building['id']}", text)
        assert r.status_code == 400, text
        assert "无法保存的字符" in r.json["message"]
    assert _counts(app, Building) == before
    assert _first(app, Building)["note"] == building["note"]


def test_nul_byte_in_a_form_or_a_search_is_refused_with_a_page(app):
    ui = app.test_client()
    login(ui, "admin1")
    building = _first(app, Building)
    r = ui.post(f"/buildingview/edit/{building['id']}", data={"name": "楼\x00栋"})
    assert r.status_code == 400 and "无法保存的字符" in r.get_data(as_text=True)
    assert ui.get("/buildingview/list/?_flt_0_name=%00").status_code == 400
    assert _first(app, Building)["name"] == building["name"]


def test_integers_beyond_the_column_are_refused_with_the_field_name(app, client):
    """floors 3e9 overflowed PostgreSQL's integer (a 500); 1e30 overflowed SQLite's driver."""
    headers = Api(client, "admin1").headers
    building = _first(app, Building)
    r = client.put(f"/api/v1/building/{building['id']}", json={"floors": 3_000_000_000}, headers=headers)
    assert r.status_code == 422 and "层数" in r.json["message"] and "超出" in r.json["message"]
    r = client.put(f"/api/v1/building/{building['id']}", json={"floors": 10**30}, headers=headers)
    assert r.status_code == 400
    assert client.get("/api/v1/building/100000000000000000000", headers=headers).status_code == 404
    assert _first(app, Building)["floors"] == building["floors"]


def test_too_many_digits_for_a_numeric_column(app, client):
    headers = Api(client, "admin1").headers
    centre = _first(app, ServiceCenter)
    r = client.put(f"/api/v1/servicecenter/{centre['id']}", json={"managed_area": "123456789012.5"}, headers=headers)
    assert r.status_code == 422 and "管理面积" in r.json["message"]
    assert _first(app, ServiceCenter)["managed_area"] == centre["managed_area"]


def test_unknown_centre_or_list_as_row_id_is_a_clear_refusal(app, client):
    """center_id 999999999 passed the admin's scope and hit the foreign key (500);
    unit_id [1] reached the driver untyped (500)."""
    headers = Api(client, "admin1").headers
    before = _counts(app, ChargeItem)
    r = client.post("/api/v1/chargeitem/", json={"center_id": 999999999, "code": "X1", "name": "测试",
                                                  "kind": "management", "basis": "fixed", "rate": "1"}, headers=headers)
    assert r.status_code == 404 and "服务中心不存在" in r.json["message"]
    r = client.post("/api/v1/workorder/", json={"unit_id": [1], "kind": "repair"}, headers=headers)
    assert r.status_code == 422 and "记录编号" in json.dumps(r.json, ensure_ascii=False)
    assert _counts(app, ChargeItem) == before


def test_duplicate_code_answers_in_chinese_not_the_database_text(app, client):
    headers = Api(client, "admin1").headers
    centre = _first(app, ServiceCenter)
    with app.app_context():
        other = db.session.scalars(select(ServiceCenter).where(ServiceCenter.id != centre["id"])).first().code
        db.session.remove()
    r = client.put(f"/api/v1/servicecenter/{centre['id']}", json={"code": other}, headers=headers)
    assert 400 <= r.status_code < 500
    assert "sqlalchemy" not in r.get_data(as_text=True).lower()
    assert "已存在" in r.json["message"] or "重复" in r.json["message"]


def test_single_row_action_posted_for_two_rows_is_refused_and_list_action_on_one_row_works(app):
    """FAB handed a list to a single-row action (500) and one row to copyrole (500)."""
    from flask_appbuilder.security.sqla.models import Role

    from app.models.parking import ParkingSpace

    ui = app.test_client()
    login(ui, "admin1")
    with app.app_context():
        ids = [str(i) for i in db.session.scalars(select(ParkingSpace.id).order_by(ParkingSpace.id).limit(2))]
        role_id = db.session.scalar(select(Role.id).where(Role.name == "frontdesk"))
        db.session.remove()
    before = _counts(app, ParkingSpace)
    r = ui.post("/parkingspaceview/action_post", data={"action": "disable", "rowid": ids})
    assert r.status_code == 302
    with ui.session_transaction() as session:
        assert any("一条记录" in m for _, m in session.get("_flashes", []))
    assert _counts(app, ParkingSpace) == before
    roles_before = _counts(app, Role)[0]
    r = ui.post(f"/roles/action/copyrole/{role_id}")
    assert r.status_code == 302
    assert _counts(app, Role)[0] == roles_before + 1
