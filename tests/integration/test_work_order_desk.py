"""Issue 4: the desk, my orders, the REST resource `workorder` with its
transition endpoints, centre scope, and the monthly KPI page and workbook."""

import io

import openpyxl
from sqlalchemy import select

from app.extensions import db
from app.models.work_orders import WorkOrder
from tests import factories


def _household(app, center="SC01"):
    with app.app_context():
        return factories.household(center).id


def test_front_desk_records_a_repair_in_one_form_and_sees_it_on_the_desk(app, logged_in):
    hid = _household(app)
    c = logged_in("frontdesk1")
    r = c.post("/workorderview/add", data={
        "kind": "repair", "severity": "emergency", "repair_scope": "indoor", "source": "phone",
        "household": hid, "description": "卫生间水管爆裂", "department": "engineering",
    })
    assert r.status_code == 302 and "/desk/" in r.headers["Location"]
    with app.app_context():
        order = db.session.scalars(select(WorkOrder).filter_by(household_id=hid)).one()
        number, oid = order.order_no, order.id
        assert order.status == "accepted" and order.center_id == factories.center("SC01").id
    desk = c.get("/desk/").get_data(as_text=True)
    assert number in desk and "急修" in desk
    detail = c.get(f"/workorderview/show/{oid}").get_data(as_text=True)
    assert 'value="dispatch"' in detail and "technician1" in detail      # dispatch form with load
    tech_id = app_user_id(app, "technician1")
    r = c.post(f"/workorderview/act/{oid}", data={"action": "dispatch", "assignee_id": tech_id},
               follow_redirects=True)
    assert "已处理" in r.get_data(as_text=True)
    mine = logged_in("technician1").get("/desk/mine").get_data(as_text=True)
    assert number in mine


def app_user_id(app, name):
    with app.app_context():
        return app.appbuilder.sm.find_user(username=name).id


def test_rest_intake_and_transitions_with_clear_refusals(app, api):
    hid = _household(app)
    desk, tech = api("frontdesk1"), api("technician1")
    r = desk.post("/api/v1/workorder/", json={
        "household_id": hid, "kind": "repair", "severity": "minor", "repair_scope": "indoor",
        "source": "online", "description": "门锁坏了",
    })
    assert r.status_code == 201, r.json
    oid = r.json["id"]
    got = desk.get(f"/api/v1/workorder/{oid}").json["result"]
    assert got["status"] == "accepted" and got["center_id"] and got["assignee_id"] is None
    bad = tech.post(f"/api/v1/workorder/{oid}/dispatch", json={"assignee_id": app_user_id(app, "technician1")})
    assert bad.status_code == 404          # not assigned to them: technicians do not even see it
    r = desk.post(f"/api/v1/workorder/{oid}/complete", json={})
    assert r.status_code == 409 and "不能执行" in r.json["message"]
    assert desk.post(f"/api/v1/workorder/{oid}/dispatch",
                     json={"assignee_id": app_user_id(app, "technician1")}).status_code == 200
    assert tech.post(f"/api/v1/workorder/{oid}/start", json={}).status_code == 200
    done = tech.post(f"/api/v1/workorder/{oid}/complete", json={})
    assert done.status_code == 200 and done.json["result"]["status"] == "completed"
    cb = desk.post(f"/api/v1/workorder/{oid}/callback", json={"satisfaction": "satisfied", "method": "phone"})
    assert cb.json["result"]["status"] == "visited"
    assert {c["clock"] for c in cb.json["result"]["clocks"]} >= {"dispatch", "respond", "onsite", "complete"}


def test_rest_refuses_bad_intake(api, app):
    r = api("frontdesk1").post("/api/v1/workorder/", json={
        "household_id": _household(app), "kind": "repair", "severity": "major", "source": "phone",
        "repair_scope": "indoor", "description": "x",
    })
    assert r.status_code == 422 and "紧急程度" in r.json["message"]


def test_other_centre_cannot_see_or_act(app, api):
    hid = _household(app)
    r = api("frontdesk1").post("/api/v1/workorder/", json={
        "household_id": hid, "kind": "consult", "source": "phone", "description": "咨询停车",
    })
    oid = r.json["id"]
    other = api("frontdesk2")
    assert other.get(f"/api/v1/workorder/{oid}").status_code == 404
    assert other.post(f"/api/v1/workorder/{oid}/answer", json={}).status_code == 404
    listing = other.get("/api/v1/workorder/?q=(page_size:100)").json
    assert oid not in listing["ids"]


def test_kpi_page_and_workbook(app, logged_in):
    c = logged_in("center_manager1")
    page = c.get("/workorderkpi/?period=2026-11").get_data(as_text=True)
    assert "零修急修及时率" in page and "阳光花园服务中心" in page and "锦绣华庭服务中心" not in page
    r = c.get("/workorderkpi/export?period=2026-11")
    assert r.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(r.data), read_only=True)
    assert len(wb.sheetnames) == 2
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    assert rows[2][0] == "服务中心" and rows[3][0] == "阳光花园服务中心"
    assert logged_in("frontdesk1").get("/workorderkpi/").status_code == 403
    assert c.get("/workorderkpi/?period=2026-13").status_code == 400


def test_deadline_warnings_reach_the_assignee_before_the_deadline(app, logged_in, api):
    """DESIGN: the assignee and supervisor are warned before a deadline passes (inbox)."""
    from datetime import timedelta

    from app.services.sla_scan import scan

    desk = api("frontdesk1")
    oid = desk.post("/api/v1/workorder/", json={
        "household_id": _household(app), "kind": "repair", "severity": "minor", "repair_scope": "indoor",
        "source": "phone", "description": "灯不亮",
    }).json["id"]
    desk.post(f"/api/v1/workorder/{oid}/dispatch", json={"assignee_id": app_user_id(app, "technician1")})
    with app.app_context():
        order = db.session.get(WorkOrder, oid)
        number = order.order_no
        scan(order.onsite_due - timedelta(minutes=10))     # 10 minutes before the on-site deadline
    page = logged_in("technician1").get("/slaalerts/").get_data(as_text=True)
    assert number in page and "即将超时" in page and 'sla-alert-count' in page
    sup = logged_in("supervisor1").get("/slaalerts/").get_data(as_text=True)
    assert number in sup
    assert number not in logged_in("frontdesk2").get("/slaalerts/").get_data(as_text=True)


def test_sla_settings_screens_by_role(app, logged_in):
    assert logged_in("admin1").get("/slapolicyview/list/").status_code == 200
    assert logged_in("frontdesk1").get("/slapolicyview/list/").status_code == 403
    with app.app_context():
        from app.models.work_orders import WorkCalendar

        sc01 = factories.center("SC01").id
        db.session.query(WorkCalendar).filter_by(center_id=sc01).delete()
        db.session.commit()
    c = logged_in("center_manager1")
    r = c.post("/workcalendarview/add", data={"center": sc01, "start": "18:00", "end": "09:00",
                                              "weekdays": "01234"}, follow_redirects=True)
    assert "下班时间必须晚于上班时间" in r.get_data(as_text=True)
    r = c.post("/workcalendarview/add", data={"center": sc01, "start": "08:00", "end": "18:00",
                                              "weekdays": "0123456"})
    assert r.status_code == 302
    with app.app_context():
        from app.services.work_orders import calendar_for

        cal = calendar_for(sc01)
        assert str(cal.start) == "08:00:00" and cal.weekdays == frozenset(range(7))
    again = c.post("/workcalendarview/add", data={"center": sc01, "start": "08:00", "end": "18:00",
                                                  "weekdays": "01234"}, follow_redirects=True)
    assert "已设置工作时间" in again.get_data(as_text=True)


PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
       b"\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def test_a_photo_can_be_attached_and_is_served_only_in_scope(app, logged_in):
    hid = _household(app)
    c = logged_in("frontdesk1")
    c.post("/workorderview/add", data={
        "kind": "repair", "severity": "minor", "repair_scope": "indoor", "source": "visit", "household": hid,
        "department": "",
        "description": "墙面渗水（附照片）", "photo_file": (io.BytesIO(PNG), "wall.png"),
    }, content_type="multipart/form-data")
    with app.app_context():
        order = db.session.scalars(select(WorkOrder).filter_by(household_id=hid)).one()
        oid, photo = order.id, order.photo
    assert photo and photo.endswith(".png")
    r = c.get(f"/workorderview/photo/{oid}")
    assert r.status_code == 200 and r.data == PNG
    assert logged_in("frontdesk2").get(f"/workorderview/photo/{oid}").status_code == 404


def test_a_non_image_upload_is_refused(app, logged_in):
    hid = _household(app)
    r = logged_in("frontdesk1").post("/workorderview/add", data={
        "kind": "repair", "severity": "minor", "repair_scope": "indoor", "source": "visit", "household": hid,
        "department": "",
        "description": "脚本", "photo_file": (io.BytesIO(b"<script>alert(1)</script>"), "x.png"),
    }, content_type="multipart/form-data", follow_redirects=True)
    assert "只能上传" in r.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(WorkOrder).filter_by(household_id=hid)).first() is None


def test_weekly_sample_page_for_the_centre_manager(app, logged_in):
    page = logged_in("center_manager1").get("/workorderkpi/sample")
    assert page.status_code == 200 and "每周抽查回访" in page.get_data(as_text=True)
    assert logged_in("technician1").get("/workorderkpi/sample").status_code == 403
