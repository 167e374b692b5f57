"""DESIGN.md 换班 (shift swap): both supervisors approve through the approval
engine (two different supervisors), at most 2 swaps per person per month
(approved + pending, requester and counterpart), same post, none on a public
holiday, not with oneself, nobody approves their own request; the rules are
checked again at approval; on approval the rota entries change hands;
refusals in zh and en write nothing; centre scope."""

from datetime import date

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models.handover import RotaEntry, ShiftSwap
from app.models.work_orders import Holiday
from tests import handover_factories as hf
from tests.conftest import Api

URL = "/api/v1/shiftswap/"
APPROVAL = "/api/v1/approval/"
D = date.fromisoformat


@pytest.fixture(scope="module")
def world(app):
    w = hf.make_world(app, "HS01")
    # March 2041: fd_a and fd_b work 前台 (早 / 中) every day; tech works 工程 早
    for day in range(2, 12):
        d = date(2041, 3, day)
        hf.rota(app, w, d, "FD", "早", "fd_a")
        hf.rota(app, w, d, "FD", "中", "fd_b")
        hf.rota(app, w, d, "FD", "夜", "fd_c")
        hf.rota(app, w, d, "ENG", "中", "tech")
        hf.rota(app, w, d, "FD", "中", "sup_b")
    return w


@pytest.fixture()
def as_(client, world):
    def make(key, lang="zh"):
        return Api(client, hf.uname(world, key), hf.PASSWORD, lang)

    return make


def swap(world, day, counterpart="fd_b", mine="早", theirs="中", **kw):
    return {"post_id": world["FD"], "counterpart_id": hf.uid(world, counterpart), "swap_date": day,
            "requester_shift_id": world[mine], "counterpart_shift_id": world[theirs], "reason": "家中有事", **kw}


def count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ShiftSwap))


def holder(app, world, day, shift, post="FD"):
    with app.app_context():
        return db.session.scalars(select(RotaEntry.user_id).where(
            RotaEntry.day == D(day), RotaEntry.shift_id == world[shift], RotaEntry.post_id == world[post],
            RotaEntry.deleted_on.is_(None)).order_by(RotaEntry.id)).first()


def submitted(as_, world, day, who="fd_a", **kw):
    r = as_(who).post(URL, json=swap(world, day, **kw))
    assert r.status_code == 201, r.json
    r = as_(who).post(f"{URL}{r.json['id']}/submit")
    assert r.status_code == 200, r.json
    assert r.json["result"]["status"] == "pending" and r.json["result"]["approval_id"]
    return r.json["id"], r.json["result"]["approval_id"]


def test_both_supervisors_approve_then_the_rota_changes_hands(app, as_, world):
    """Two supervisor steps; the same supervisor cannot take both; approved → exchanged."""
    pk, approval = submitted(as_, world, "2041-03-02")
    info = as_("sup_a").get(f"{APPROVAL}{approval}").json["result"]
    assert info["request_type"] == "shiftswap" and info["required_role"] == "supervisor"
    assert as_("sup_a").post(f"{APPROVAL}{approval}/approve", json={"comment": "同意"}).status_code == 200
    assert as_("sup_a").get(f"{URL}{pk}").json["result"]["status"] == "pending"
    assert holder(app, world, "2041-03-02", "早") == hf.uid(world, "fd_a")  # nothing exchanged yet
    for lang, text in (("zh", "双方主管"), ("en", "both supervisors")):
        r = as_("sup_a", lang).post(f"{APPROVAL}{approval}/approve")
        assert r.status_code == 403 and text in r.json["message"]
    assert as_("sup_c").post(f"{APPROVAL}{approval}/approve", json={"comment": "同意"}).status_code == 200
    row = as_("fd_a").get(f"{URL}{pk}").json["result"]
    assert row["status"] == "approved" and row["swapped_at"]
    assert holder(app, world, "2041-03-02", "早") == hf.uid(world, "fd_b")
    assert holder(app, world, "2041-03-02", "中") == hf.uid(world, "fd_a")


def test_nobody_approves_their_own_request_or_one_that_concerns_them(app, as_, world):
    pk, approval = submitted(as_, world, "2041-03-03", counterpart="sup_b")  # sup_b is the counterpart
    r = as_("sup_b").post(f"{APPROVAL}{approval}/approve")
    assert r.status_code == 403 and "本人" in r.json["message"]
    r = as_("fd_a").post(f"{APPROVAL}{approval}/approve")  # the requester (and not a supervisor)
    assert r.status_code == 403
    as_("fd_a").post(f"{APPROVAL}{approval}/withdraw")


@pytest.mark.parametrize(("lang", "text"), [("zh", "每人每月最多换班2次"), ("en", "at most 2 swaps per person")])
def test_third_swap_in_a_month_is_refused(app, as_, world, lang, text):
    """At most 2 swaps per person per month, approved and pending counted, for
    the requester and for the counterpart; nothing written on refusal."""
    taken = [submitted(as_, world, f"2041-03-0{d}", who="fd_c", counterpart="sup_b", mine="夜", theirs="中")
             for d in (4, 5)]
    try:
        before = count(app)
        r = as_("fd_c", lang).post(URL, json=swap(world, "2041-03-06", counterpart="fd_b", mine="夜"))
        assert r.status_code == 409 and text in r.json["message"] and hf.uname(world, "fd_c") in r.json["message"]
        # the counterpart's count too: sup_b already has two swaps this month
        r = as_("fd_b", lang).post(URL, json=swap(world, "2041-03-06", counterpart="sup_b", mine="中", theirs="中",
                                                  counterpart_date="2041-03-07"))
        assert r.status_code == 409 and hf.uname(world, "sup_b") in r.json["message"]
        assert count(app) == before
        # another month is another count
        hf.rota(app, world, D(f"2041-04-0{1 + (lang == 'en')}"), "FD", "夜", "fd_c")
        hf.rota(app, world, D(f"2041-04-0{1 + (lang == 'en')}"), "FD", "早", "fd_b")
        r = as_("fd_c").post(URL, json=swap(world, f"2041-04-0{1 + (lang == 'en')}", mine="夜", theirs="早"))
        assert r.status_code == 201, r.json
        as_("fd_c").delete(f"{URL}{r.json['id']}")
    finally:
        for _pk, approval in taken:
            as_("fd_c").post(f"{APPROVAL}{approval}/withdraw")


@pytest.mark.parametrize(("lang", "text"), [("zh", "换班须为同一岗位"), ("en", "same post")])
def test_same_post_only(app, as_, world, lang, text):
    before = count(app)
    r = as_("fd_a", lang).post(URL, json=swap(world, "2041-03-08", counterpart="tech"))
    assert r.status_code == 409 and text in r.json["message"]
    assert count(app) == before


@pytest.mark.parametrize(("lang", "text"), [("zh", "节假日"), ("en", "public holiday")])
def test_no_swap_on_a_public_holiday(app, as_, world, lang, text):
    with app.app_context():
        if not db.session.scalars(select(Holiday).filter_by(day=D("2041-03-09"), center_id=None)).first():
            db.session.add(Holiday(day=D("2041-03-09"), name="测试假日"))
            db.session.commit()
    before = count(app)
    r = as_("fd_a", lang).post(URL, json=swap(world, "2041-03-09"))
    assert r.status_code == 409 and text in r.json["message"] and "测试假日" in r.json["message"]
    assert count(app) == before


@pytest.mark.parametrize(("lang", "text"), [("zh", "不能是申请人本人"), ("en", "with yourself")])
def test_not_with_oneself(app, as_, world, lang, text):
    r = as_("fd_a", lang).post(URL, json=swap(world, "2041-03-10", counterpart="fd_a", theirs="早"))
    assert r.status_code == 422 and text in r.json["message"]


def test_rules_are_checked_again_at_approval(app, as_, world):
    """A holiday declared after submission stops the approval; nothing is decided."""
    pk, approval = submitted(as_, world, "2041-03-11")
    with app.app_context():
        db.session.add(Holiday(day=D("2041-03-11"), name="临时假日", center_id=world["center_id"]))
        db.session.commit()
    r = as_("sup_a").post(f"{APPROVAL}{approval}/approve")
    assert r.status_code == 409 and "临时假日" in r.json["message"]
    info = as_("sup_a").get(f"{APPROVAL}{approval}").json["result"]
    assert info["status"] == "pending" and info["current_step"] == 1
    assert holder(app, world, "2041-03-11", "早") == hf.uid(world, "fd_a")


def test_only_for_oneself_unless_a_supervisor_records_it(app, as_, world):
    hf.rota(app, world, D("2041-04-05"), "FD", "早", "fd_a")
    hf.rota(app, world, D("2041-04-05"), "FD", "中", "fd_b")
    r = as_("fd_c").post(URL, json=swap(world, "2041-04-05", requester_id=hf.uid(world, "fd_a")))
    assert r.status_code == 403
    r = as_("sup_a").post(URL, json=swap(world, "2041-04-05", requester_id=hf.uid(world, "fd_a")))
    assert r.status_code == 201 and r.json["result"]["requester_id"] == hf.uid(world, "fd_a")
    as_("sup_a").delete(f"{URL}{r.json['id']}")


def test_centre_scope(app, as_, world, api):
    """Other centres' desks and supervisors neither see nor decide these swaps."""
    pk, approval = submitted(as_, world, "2041-03-07", who="fd_c", counterpart="sup_b", mine="夜", theirs="中")
    for name in ("frontdesk2", "frontdesk1"):
        assert api(name).get(f"{URL}{pk}").status_code == 404
        assert all(r["center_id"] != world["center_id"] for r in api(name).get(URL).json["result"])
    r = api("supervisor1").post(f"{APPROVAL}{approval}/approve")
    assert r.status_code in (403, 404)
    r = api("supervisor1").post(f"{URL}{pk}/submit")
    assert r.status_code == 404
    as_("fd_c").post(f"{APPROVAL}{approval}/withdraw")


def test_the_request_page_shows_the_chain_and_the_inbox_lists_it(app, as_, world, logged_in):
    """The 换班申请表 page shows both supervisor steps; the approver's inbox lists it."""
    hf.rota(app, world, D("2041-05-06"), "FD", "早", "fd_a")
    hf.rota(app, world, D("2041-05-06"), "FD", "中", "fd_b")
    pk, approval = submitted(as_, world, "2041-05-06")
    try:
        web = logged_in(hf.uname(world, "sup_a"), hf.PASSWORD)
        page = web.get(f"/shiftswapview/show/{pk}").get_data(as_text=True)
        assert "换班申请表" in page and "申请人主管审批" in page and "对方主管审批" in page
        assert "approval-decide" in page
        inbox = as_("sup_a").get(f"{APPROVAL}inbox").json
        assert approval in [row["id"] for row in inbox["result"]]
        assert web.get(f"/approvalview/show/{approval}").status_code == 200
    finally:
        as_("fd_a").post(f"{APPROVAL}{approval}/withdraw")
