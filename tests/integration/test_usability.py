"""Issue 7 (usability): what the desk sees on every list, detail and paper page.

Lists open in the desk's order (first row = the newest or the most urgent),
money reads ¥1,234.50 on lists and print pages, destructive steps ask first,
FAB's flashes follow the language, and every paper form prints through the
one macro (signature block, print.css for media=print only).
"""

import re
from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.extensions import db
from app.formatting import money
from app.models.approvals import Approval
from app.models.billing import Bill, Payment
from app.models.estate import Household
from app.models.handover import Handover
from app.models.personnel import Employee, Resignation
from app.models.renovation import Renovation, RenovationPass, RenovationRectification
from app.models.work_orders import Holiday, WorkOrder
from tests import cash_factories as cf

OPEN = {"accepted", "dispatched", "in_progress", "suspended", "rework"}
FAR = datetime(9999, 1, 1)


def row_ids(page: str, endpoint: str) -> list[int]:
    """Row ids of a list page in the order shown (each row links to its detail page)."""
    seen = []
    for pk in re.findall(rf"/{endpoint}/show/(\d+)", page):
        if int(pk) not in seen:
            seen.append(int(pk))
    return seen


def _active(model):
    rows = db.session.scalars(select(model)).all()
    return [r for r in rows if getattr(r, "deleted_on", None) is None]


def _urgency(o: WorkOrder):
    if o.status not in OPEN:
        rank = 3
    else:
        rank = {"emergency": 0, "major": 0, "medium": 1, "important": 1}.get(o.severity, 2)
    return rank, o.complete_due or FAR, o.id


def _natural(text: str):
    return len(text), text


def _room(h: Household):
    """Building (a name shared by several centres' buildings: each building's rooms together), room, name."""
    unit = h.unit
    return (*_natural(unit.building.name), unit.building.id, *_natural(unit.room_no), unit.id, h.name, h.id)


def _pending_first(a: Approval):
    return a.status != "pending", a.due_at or FAR, a.id


#: (list url, detail endpoint, model, expected order as a sort key of the rows) — computed here in Python,
#: independently of the SQL the views run.
ORDERS = [
    ("/workorderview/list/", "workorderview", WorkOrder, _urgency),
    ("/approvalview/list/", "approvalview", Approval, _pending_first),
    ("/householdview/list/", "householdview", Household, _room),
    ("/employeeview/list/", "employeeview", Employee, lambda e: (e.employee_no, e.id)),
]


@pytest.mark.parametrize("url,endpoint,model,key", ORDERS, ids=[o[1] for o in ORDERS])
def test_lists_open_in_the_desks_order(app, logged_in, url, endpoint, model, key):
    """工单 by urgency then deadline, 审批 pending first by due date, 业户 by building/room, 员工 by 工号."""
    page = logged_in("admin1").get(url).get_data(as_text=True)
    with app.app_context():
        expected = [r.id for r in sorted(_active(model), key=key)][:10]
    assert len(expected) >= 3, f"demo data has too few {endpoint} rows to tell an order"
    assert row_ids(page, endpoint)[:10] == expected


def _open_emergency(app) -> None:
    """An open 急修 taken by the front desk through the intake rules."""
    from app.services import work_orders as wo
    from tests import factories

    with cf.as_user(app, "frontdesk1"):
        household = factories.household("SC01")
        order = WorkOrder(kind="repair", severity="emergency", source="phone", repair_scope="indoor",
                          household_id=household.id, description="水管爆裂")
        wo.before_save(order)
        db.session.add(order)
        db.session.commit()


def test_work_order_list_puts_an_open_emergency_above_newer_orders(app, logged_in):
    """The newest order is not the first row when an older open 急修 exists (the old default was newest first)."""
    with app.app_context():
        if not any(_urgency(o)[0] == 0 for o in _active(WorkOrder)):
            _open_emergency(app)  # earlier tests may have finished the demo's
        orders = _active(WorkOrder)
        newest = max(orders, key=lambda o: (o.received_at, o.id))
        urgent = [o for o in orders if _urgency(o)[0] == 0]
    page = logged_in("admin1").get("/workorderview/list/").get_data(as_text=True)
    first = row_ids(page, "workorderview")[0]
    assert urgent, "no open 急修/重大 order"
    assert first in {o.id for o in urgent}
    if newest.id not in {o.id for o in urgent}:
        assert first != newest.id


@pytest.mark.parametrize("url,endpoint,model,column", [
    ("/billview/list/", "billview", Bill, "period"),
    ("/paymentview/list/", "paymentview", Payment, "paid_at"),
])
def test_bills_by_period_and_payments_newest_first(app, logged_in, url, endpoint, model, column):
    page = logged_in("admin1").get(url).get_data(as_text=True)
    with app.app_context():
        first = db.session.get(model, row_ids(page, endpoint)[0])
        top = max(getattr(r, column) for r in _active(model))
        assert getattr(first, column) == top


def test_money_on_a_list_and_a_print_page(app, logged_in):
    """¥1,234.50 on the payments list and the receipt, in Chinese and English; Excel keeps the number."""
    pid = cf.pay(app, "cashier1", amount="1234.50")
    c = logged_in("cashier1")
    listed = c.get("/paymentview/list/").get_data(as_text=True)
    # Other tests' payments may be newer: the list shows every amount the same way.
    amounts = re.findall(r">\s*(-?¥[\d,]+\.\d\d)\s*<", listed)
    assert amounts and all(re.fullmatch(r"-?¥\d{1,3}(,\d{3})*\.\d\d", a) for a in amounts), amounts[:5]
    receipt = c.get(f"/cashier/receipt/{pid}").get_data(as_text=True)
    assert receipt.count("¥1,234.50") >= 2  # the line and the total
    c.get("/lang/en")
    assert "¥1,234.50" in c.get(f"/paymentview/show/{pid}").get_data(as_text=True)
    c.get("/lang/zh")
    assert money("-12.3") == "-¥12.30" and money(None) == ""


def test_datetimes_to_the_minute_on_lists(app, logged_in):
    page = logged_in("admin1").get("/paymentview/list/").get_data(as_text=True)
    assert re.search(r">\s*20\d\d-\d\d-\d\d \d\d:\d\d\s*<", page)
    assert not re.search(r">\s*20\d\d-\d\d-\d\d \d\d:\d\d:\d\d", page)


DESTRUCTIVE = re.compile(r"delete|cancel|revoke|reject|revers|void|disable|close|end_|release|reserve|sign")


def test_every_destructive_action_asks_first(app):
    """FAB actions: a Chinese confirmation text on each one that changes or ends a record."""
    found = []
    with app.test_request_context():
        for view in app.appbuilder.baseviews:
            for name, act in getattr(view, "actions", {}).items():
                if DESTRUCTIVE.search(name) and name != "request_reversal":  # opens a form that confirms
                    found.append(name)
                    assert act.confirmation and re.search(r"[\u4e00-\u9fff]", str(act.confirmation)), name
    assert {"disable", "release", "end_rental", "cancel_rental", "close_incident"} <= set(found)


def test_hand_written_destructive_submits_confirm(app, logged_in):
    """驳回/退回/撤回, 注销出入证, 红冲, 日结: data-confirm (js/ux.js, no inline script)."""
    with app.app_context():
        pending = [(a.id, a.required_role) for a in db.session.scalars(
            select(Approval).where(Approval.status == "pending").order_by(Approval.id))]
        pass_id = db.session.scalars(select(RenovationPass.id).where(RenovationPass.revoked_at.is_(None))).first()
    deciders = {}
    for pk, role in pending:  # the demo user of the step's role (e.g. center_manager1) sees the decision form
        if role in ("center_manager", "supervisor", "hr", "finance", "gm") and role not in deciders:
            page = logged_in(f"{role}1").get(f"/approvalview/show/{pk}").get_data(as_text=True)
            if 'value="reject"' in page:
                deciders[role] = page
    assert deciders, "no pending approval a demo user may decide"
    for page in deciders.values():
        assert 'value="reject" data-confirm="确认驳回该申请?' in page and "js/ux.js" in page
        assert 'value="return" data-confirm="确认退回申请人修改?' in page
    admin = logged_in("admin1")
    page = admin.get(f"/renovationpassview/show/{pass_id}").get_data(as_text=True)
    assert 'id="revoke-pass" data-confirm="确认注销该出入证?' in page
    assert 'addEventListener("click", function () { window.print(); })' not in page
    cashier = cf.new_user(app)
    cf.pay(app, cashier, amount="10.00")  # the 日结 form shows once the day has a payment
    today = logged_in(cashier, cf.PASSWORD).get("/daycloseview/today/").get_data(as_text=True)
    assert 'id="close-day" data-confirm="' in today


@pytest.mark.parametrize("lang,added,changed,deleted", [
    ("zh", "新增成功", "修改成功", "删除成功"),
    ("en", "Added Row", "Changed Row", "Deleted Row"),
])
def test_flash_after_add_edit_delete_follows_the_language(app, logged_in, lang, added, changed, deleted):
    c = logged_in("admin1")
    c.get(f"/lang/{lang}")
    day = date(2091, 1, 2 if lang == "zh" else 3)
    r = c.post("/holidayview/add", data={"day": day.isoformat(), "name": "测试假日"}, follow_redirects=True)
    assert added in r.get_data(as_text=True)
    with app.app_context():
        pk = db.session.scalars(select(Holiday.id).where(Holiday.day == day)).one()
    r = c.post(f"/holidayview/edit/{pk}", data={"day": day.isoformat(), "name": "测试假日二"}, follow_redirects=True)
    assert changed in r.get_data(as_text=True)
    r = c.post(f"/holidayview/delete/{pk}", follow_redirects=True)
    assert deleted in r.get_data(as_text=True)
    other = "删除成功" if lang == "en" else "Deleted Row"
    assert other not in r.get_data(as_text=True)
    c.get("/lang/zh")


def _print_pages(app):
    with app.app_context():
        def first(model, *where):
            return db.session.scalars(select(model.id).where(*where).order_by(model.id)).first()

        household = db.session.scalars(select(Bill.household_id).where(Bill.status == "unpaid")).first()
        return {
            "催缴通知书": f"/arrears/notice/{household}",
            "收款收据": f"/cashier/receipt/{first(Payment)}",
            "装修出入证": f"/renovationpassview/show/{first(RenovationPass)}",
            "整改通知单": f"/renovationrectificationview/show/{first(RenovationRectification)}",
            "装修申请表": f"/renovationview/show/{first(Renovation)}",
            "交接班记录": f"/handoverview/show/{first(Handover)}",
            "员工离职申请表": f"/resignationview/show/{first(Resignation)}",
        }


def test_print_pages_share_the_paper_macro(app, logged_in):
    """Every paper form: its title, the signature block, print.css for print only, the print button."""
    c = logged_in("admin1")
    for title, url in _print_pages(app).items():
        assert "None" not in url, title
        r = c.get(url)
        page = r.get_data(as_text=True)
        assert r.status_code == 200, url
        assert title in page, url
        assert 'class="print-signatures"' in page, url
        assert re.search(r'href="/static/css/print\.css" rel="stylesheet" media="print"', page), url
        assert "data-print" in page and "window.print()" not in page, url
