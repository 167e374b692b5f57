"""DESIGN.md "Shift handover": pending items pulled automatically from the
centre's open work orders, the incoming person signs and the record is then
locked (UI and REST), never to oneself, refused while a major incident or an
open 重大 complaint of the post is open unless a supervisor overrides
(recorded), server times, late handovers flagged, centre scope, role grants,
and two signatures at once (one wins, the other is told)."""

import threading
from datetime import datetime, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app import timeutil
from app.extensions import db
from app.models.handover import Handover, MajorIncident
from tests import handover_factories as hf
from tests.conftest import Api

URL = "/api/v1/handover/"


@pytest.fixture(scope="module")
def world(app):
    return hf.make_world(app, "HO01")


@pytest.fixture()
def as_(client, world):
    """A REST client for one of the world's logins."""

    def make(key, lang="zh"):
        return Api(client, hf.uname(world, key), hf.PASSWORD, lang)

    return make


def body(world, post="FD", shift="早", incoming="fd_b", **kw):
    return {"post_id": world[post], "shift_id": world[shift], "incoming_id": hf.uid(world, incoming), **kw}


def count(app, model=Handover):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def create(as_, world, who="fd_a", **kw):
    r = as_(who).post(URL, json=body(world, **kw))
    assert r.status_code == 201, r.json
    return r.json["id"]


def test_pending_items_are_pulled_and_kept_as_they_were(app, as_, world):
    """Pending items are pulled automatically: 前台 carries every open order and
    complaint, 工程 only the repairs; closed / called-back ones stay out; the
    lines are a snapshot that later changes of the order do not touch."""
    complaint = hf.open_order(app, world, "complaint", "minor", description="楼道灯不亮投诉")
    repair = hf.open_order(app, world, "repair", "minor", description="厨房水龙头漏水")
    visited = hf.open_order(app, world, "repair", "minor")
    hf.set_status(app, visited["id"], "visited")
    desk = as_("fd_a").get(f"{URL}{create(as_, world)}").json["result"]
    pulled = {i["order_no"]: i for i in desk["items"]}
    assert complaint["order_no"] in pulled and repair["order_no"] in pulled
    assert visited["order_no"] not in pulled
    assert "楼道灯不亮投诉" in pulled[complaint["order_no"]]["summary"]
    assert pulled[complaint["order_no"]]["status"] == "accepted" and pulled[complaint["order_no"]]["due_at"]
    engineering = as_("tech").get(f"{URL}{create(as_, world, 'tech', post='ENG', incoming='fd_c')}").json
    numbers = {i["order_no"] for i in engineering["result"]["items"]}
    assert repair["order_no"] in numbers and complaint["order_no"] not in numbers
    hf.set_status(app, complaint["id"], "closed")
    again = as_("fd_a").get(f"{URL}{desk['id']}").json["result"]["items"]
    assert {i["order_no"]: i["status"] for i in again}[complaint["order_no"]] == "accepted"
    hf.set_status(app, repair["id"], "closed")


def test_times_are_the_servers_and_the_checklist_comes_from_the_post(app, as_, world, monkeypatch):
    fixed = datetime(2026, 5, 6, 15, 55)
    monkeypatch.setattr(timeutil, "now", lambda: fixed)
    r = as_("fd_a").post(URL, json=body(world))
    assert r.status_code == 201, r.json
    row = as_("fd_a").get(f"{URL}{r.json['id']}").json["result"]
    assert row["handed_at"].startswith("2026-05-06T15:55")
    assert row["outgoing_id"] == hf.uid(world, "fd_a") and row["status"] == "open" and not row["is_late"]
    assert [c["name"] for c in row["checks"]] == ["对讲机", "钥匙", "现金", "资料"]
    assert row["center_id"] == world["center_id"]


@pytest.mark.parametrize(("minutes", "late"), [(10, False), (15, False), (20, True)])
def test_late_handover_is_flagged(app, as_, world, monkeypatch, minutes, late):
    """Handover after the shift's end + 15 minutes is 迟交."""
    monkeypatch.setattr(timeutil, "now", lambda: datetime(2026, 5, 6, 16, 0) + timedelta(minutes=minutes))
    row = as_("fd_a").get(f"{URL}{create(as_, world)}").json["result"]
    assert row["is_late"] is late and row["late_minutes"] == (minutes if late else 0)
    assert row["shift_date"] == "2026-05-06"


@pytest.mark.parametrize(("lang", "message"), [("zh", "不能交班给自己"), ("en", "You cannot hand over to yourself")])
def test_not_to_oneself(app, as_, world, lang, message):
    before = count(app)
    r = as_("fd_a", lang).post(URL, json=body(world, incoming="fd_a"))
    assert r.status_code == 422 and message in r.json["message"]
    assert count(app) == before  # nothing written


def test_incoming_must_belong_to_the_centre(app, as_, world):
    with app.app_context():
        frontdesk2 = app.appbuilder.sm.find_user(username="frontdesk2").id  # SC02
    r = as_("fd_a").post(URL, json={**body(world), "incoming_id": frontdesk2})
    assert r.status_code == 404 and "接班人" in r.json["message"]


def test_an_open_major_complaint_refuses_unless_a_supervisor_overrides(app, as_, world):
    """Refused while a 重大 complaint of the post (前台) is open; a front-desk user
    cannot override; a supervisor overrides with a reason, recorded (who, when, why)."""
    major = hf.open_order(app, world, "complaint", "major", description="业主投诉电梯困人")
    try:
        before = count(app)
        for lang, text in (("zh", "重大投诉"), ("en", "major complaint")):
            r = as_("fd_a", lang).post(URL, json=body(world))
            assert r.status_code == 409 and text in r.json["message"] and major["order_no"] in r.json["message"]
        r = as_("fd_a").post(URL, json=body(world, override_reason="我来特批"))
        assert r.status_code == 403 and "只有主管可以特批" in r.json["message"]
        r = as_("fd_a", "en").post(URL, json=body(world, override_reason="me"))
        assert r.status_code == 403 and "Only a supervisor" in r.json["message"]
        assert count(app) == before
        # 工程 is not the post complaints belong to
        assert as_("tech").post(URL, json=body(world, post="ENG", incoming="fd_c")).status_code == 201
        r = as_("sup_a").post(URL, json=body(world, outgoing_id=hf.uid(world, "fd_a"),
                                             override_reason="投诉已由经理现场处理，交班不影响跟进"))
        assert r.status_code == 201, r.json
        row = as_("sup_a").get(f"{URL}{r.json['id']}").json["result"]
        assert row["outgoing_id"] == hf.uid(world, "fd_a") and row["override_by_id"] == hf.uid(world, "sup_a")
        assert row["override_at"] and row["override_reason"].startswith("投诉已由经理")
        assert major["order_no"] in {i["order_no"] for i in row["items"]}
    finally:
        hf.set_status(app, major["id"], "closed")
    assert as_("fd_a").post(URL, json=body(world)).status_code == 201  # closed: no longer blocks


def test_a_front_desk_user_cannot_record_someone_elses_handover(app, as_, world):
    r = as_("fd_a").post(URL, json=body(world, outgoing_id=hf.uid(world, "fd_c")))
    assert r.status_code == 403 and "交班人本人" in r.json["message"]


def test_a_major_incident_blocks_its_post_until_closed(app, as_, world, logged_in):
    r = as_("fd_a").post("/api/v1/majorincident/", json={"center_id": world["center_id"], "post_id": world["ENG"],
                                                          "title": "地下室水泵房进水"})
    assert r.status_code == 201, r.json
    incident = r.json["id"]
    r = as_("tech").post(URL, json=body(world, post="ENG", incoming="fd_c"))
    assert r.status_code == 409 and "地下室水泵房进水" in r.json["message"]
    assert as_("fd_a").post(URL, json=body(world)).status_code == 201  # other posts carry on
    web = logged_in(hf.uname(world, "sup_a"), hf.PASSWORD)
    web.post("/majorincidentview/action/close_incident/" + str(incident))
    with app.app_context():
        assert db.session.get(MajorIncident, incident).closed_at is not None
    assert as_("tech").post(URL, json=body(world, post="ENG", incoming="fd_c")).status_code == 201


def test_only_the_incoming_person_signs_and_then_it_is_locked(app, as_, world):
    """签收 by the incoming person only; afterwards edit, delete, checklist and a
    second signature are refused on the REST routes (zh and en)."""
    pk = create(as_, world)
    r = as_("fd_a").post(f"{URL}{pk}/checklist", json={"checks": [
        {"id": c["id"], "count": 2, "ok": True} for c in as_("fd_a").get(f"{URL}{pk}").json["result"]["checks"]]})
    assert r.status_code == 200 and all(c["count"] == 2 and c["ok"] for c in r.json["result"]["checks"])
    r = as_("fd_a").post(f"{URL}{pk}/sign")
    assert r.status_code == 403 and "只有接班人" in r.json["message"]
    r = as_("fd_b").post(f"{URL}{pk}/sign")
    assert r.status_code == 200 and r.json["result"]["status"] == "signed" and r.json["result"]["signed_at"]
    for lang, text in (("zh", "已签收并锁定"), ("en", "locked")):
        r = as_("fd_a", lang).put(f"{URL}{pk}", json={"notes": "改一下"})
        assert r.status_code == 409 and text in r.json["message"]
        r = as_("sup_a", lang).delete(f"{URL}{pk}")
        assert r.status_code == 409 and text in r.json["message"]
    r = as_("fd_a").post(f"{URL}{pk}/checklist", json={"checks": [{"id": 1, "count": 9}]})
    assert r.status_code == 409
    r = as_("fd_b", "en").post(f"{URL}{pk}/sign")
    assert r.status_code == 409 and "already signed" in r.json["message"]
    row = as_("fd_a").get(f"{URL}{pk}").json["result"]
    assert row["notes"] is None and row["status"] == "signed"


def test_the_screens_refuse_to_change_a_signed_record(app, as_, world, logged_in):
    pk = create(as_, world, notes="原始备注")
    incoming = logged_in(hf.uname(world, "fd_b"), hf.PASSWORD)
    page = incoming.get(f"/handoverview/show/{pk}").get_data(as_text=True)
    assert 'id="sign-handover"' in page
    incoming.post(f"/handoverview/sign/{pk}")
    outgoing = logged_in(hf.uname(world, "fd_a"), hf.PASSWORD)
    page = outgoing.get(f"/handoverview/show/{pk}").get_data(as_text=True)
    assert "已签收" in page and "已锁定" in page and 'id="edit-handover"' not in page
    r = outgoing.post(f"/handoverview/edit/{pk}", data={"incoming": hf.uid(world, "fd_c"), "notes": "篡改"},
                      follow_redirects=True)
    assert "已签收并锁定" in r.get_data(as_text=True)
    outgoing.post(f"/handoverview/delete/{pk}", follow_redirects=True)
    outgoing.post(f"/handoverview/checklist/{pk}", data={})
    with app.app_context():
        row = db.session.get(Handover, pk)
        assert (row.notes, row.incoming_id, row.deleted_on, row.status) == ("原始备注", hf.uid(world, "fd_b"), None,
                                                                            "signed")


def test_centre_scope(app, as_, world, api, logged_in):
    """frontdesk2 (SC02) and frontdesk1 (SC01) never see this centre's rows:
    list, show by id, sign, export, dropdowns; SC02 never sees SC01's seeded log."""
    pk = create(as_, world)
    for name in ("frontdesk2", "frontdesk1"):
        other = api(name)
        listed = other.get(URL + "?q=(page_size:100)").json["result"]
        assert all(row["center_id"] != world["center_id"] for row in listed)
        assert other.get(f"{URL}{pk}").status_code == 404
        assert other.post(f"{URL}{pk}/sign").status_code == 404
    sc01 = api("frontdesk1").get(URL + "?q=(page_size:100)").json["result"]
    sc02_ids = {row["id"] for row in api("frontdesk2").get(URL + "?q=(page_size:100)").json["result"]}
    assert sc01 and not sc02_ids & {row["id"] for row in sc01}
    web = logged_in("frontdesk2")
    assert web.get(f"/handoverview/show/{pk}").status_code == 404
    form = web.get("/handoverview/add").get_data(as_text=True)
    assert hf.uname(world, "fd_b") not in form and "frontdesk1" not in form
    sheet = load_workbook(BytesIO(web.get("/handoverview/export/").data)).active
    cells = " ".join(str(c.value) for row in sheet.iter_rows() for c in row)
    assert hf.uname(world, "fd_a") not in cells and "frontdesk1" not in cells
    assert sheet.max_row == 1 + len(sc02_ids)


@pytest.mark.parametrize(("username", "read", "write"), [
    ("gm1", 200, 403), ("auditor1", 200, 403), ("cashier1", 403, 403), ("mgr", 200, 201), ("tech", 200, 201),
    ("sup_a", 200, 201),
])
def test_role_grants(app, world, client, username, read, write):
    """frontdesk / technician / supervisor / centre manager write their centre's log; gm and auditor read."""
    from tests.conftest import password_for

    if username in hf.ROLES:
        caller = Api(client, hf.uname(world, username), hf.PASSWORD)
    else:
        caller = Api(client, username, password_for(username))
    assert caller.get(URL).status_code == read
    incoming = "fd_b" if username != "fd_b" else "fd_a"
    assert caller.post(URL, json=body(world, shift="夜", incoming=incoming)).status_code == write


def test_two_signatures_at_once_one_wins(app, as_, world):
    """Two sign attempts at the same moment: one signs, the other is told it is already signed."""
    pk = create(as_, world)
    callers = [Api(app.test_client(), hf.uname(world, "fd_b"), hf.PASSWORD) for _ in range(2)]
    barrier = threading.Barrier(2)
    results = [None, None]

    def sign(i):
        barrier.wait()
        results[i] = callers[i].post(f"{URL}{pk}/sign")

    threads = [threading.Thread(target=sign, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    codes = sorted(r.status_code for r in results)
    assert codes == [200, 409], [(r.status_code, r.json) for r in results]
    assert "不能重复签收" in next(r for r in results if r.status_code == 409).json["message"]
