"""欠费 Arrears (DESIGN.md "Fees"): aging per household and per centre/building,
the manual's escalation on 本月催缴 minus what was recorded, 催缴 records,
the owners'-committee list (≥ 6 months or > ¥5000, from the centre's policy),
the printable notice, the fee policy, role grants and centre scope."""

import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app import timeutil
from app.extensions import db
from app.models.billing import Bill
from app.models.collections import ArrearsContact, CenterFeePolicy
from app.models.estate import Building, Household
from app.services import arrears
from app.services.late_fees import accrue_late_fees
from app.workflows.arrears import add_months
from tests import arrears_factories as af
from tests import factories

AS_OF = date(2045, 7, 20)


def months_ago(months, days=0):
    """A due date `months` whole months (plus `days`) before today, server time."""
    return add_months(timeutil.today(), -months) - timedelta(days=days)


def sheet_rows(data):
    wb = load_workbook(io.BytesIO(data), read_only=True)
    return [[c for c in row] for ws in wb.worksheets for row in ws.iter_rows(values_only=True)]


# -- aging ------------------------------------------------------------------------------

def test_household_aging_counts_from_the_oldest_overdue_bill(ctx):
    """Oldest unpaid 2045-01-15, as of 2045-07-20: 6 whole months → 6–18; principal and
    late fees apart (1000 × 0.003 × 186 = 558.00; 200 × 0.003 × 127 = 76.20); a bill not
    yet due and a paid bill are not arrears."""
    cid = af.center()
    hh = af.household(cid)
    af.bill(hh, "1000.00", date(2045, 1, 15))
    af.bill(hh, "200.00", date(2045, 3, 15))
    af.bill(hh, "300.00", date(2045, 8, 15))                       # not yet due
    paid = af.bill(hh, "999.00", date(2044, 1, 15), period="2044-01")
    db.session.get(Bill, paid).status = "paid"
    db.session.commit()
    accrue_late_fees(AS_OF, center_ids=[cid])
    (row,) = arrears.household_arrears(AS_OF, center_ids=[cid])
    assert (row.household.id, row.oldest_due, row.months, row.bucket) == (hh, date(2045, 1, 15), 6, "6-18")
    assert (row.principal, row.late_fees, row.total) == (Decimal("1200.00"), Decimal("634.20"), Decimal("1834.20"))


@pytest.fixture()
def aging_centre(ctx):
    """Two buildings; one household per bucket as of AS_OF (0, 2, 4, 8, 19 months)."""
    cid = af.center()
    a, b = (Building(center_id=cid, name=name) for name in ("A栋", "B栋"))
    db.session.add_all([a, b])
    db.session.commit()
    spec = [(a, "100.00", date(2045, 7, 10)), (a, "200.00", date(2045, 5, 15)), (b, "300.00", date(2045, 3, 15)),
            (b, "400.00", date(2044, 11, 15)), (b, "500.00", date(2043, 12, 15))]
    ids = [af.household(cid, building=bld) for bld, _amount, _due in spec]
    for hh, (_bld, amount, due) in zip(ids, spec, strict=True):
        af.bill(hh, amount, due)
    return cid, ids


def test_aging_report_per_building_and_bucket(aging_centre):
    cid, _ids = aging_centre
    report = {g["building"]: g for g in arrears.aging_report(AS_OF, center_ids=[cid])}
    assert set(report) == {"A栋", "B栋"}
    a, b = report["A栋"]["buckets"], report["B栋"]["buckets"]
    assert (a["0-1"]["count"], a["0-1"]["principal"], a["1-3"]["count"], a["1-3"]["principal"]) == (
        1, Decimal("100.00"), 1, Decimal("200.00"))
    assert [b[k]["count"] for k in ("0-1", "1-3", "3-6", "6-18", "18+")] == [0, 0, 1, 1, 1]
    assert [b[k]["principal"] for k in ("3-6", "6-18", "18+")] == [Decimal("300.00"), Decimal("400.00"),
                                                                    Decimal("500.00")]
    assert (report["B栋"]["count"], report["B栋"]["principal"], report["B栋"]["late_fees"]) == (
        3, Decimal("1200.00"), Decimal("0.00"))


def test_aging_page_and_export(app, aging_centre, logged_in):
    cid, ids = aging_centre
    c = logged_in("finance1")
    page = c.get(f"/arrears/aging/?date={AS_OF}&center={cid}").get_data(as_text=True)
    assert "A栋" in page and "B栋" in page and "18个月以上" in page
    r = c.get(f"/arrears/aging/export?date={AS_OF}&center={cid}")
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    rows = sheet_rows(r.data)
    b_row = next(row for row in rows if row[1] == "B栋")
    assert list(b_row[-3:]) == [3, 1200, 0]
    with app.app_context():
        names = {db.session.get(Household, i).name for i in ids}
    assert names <= {row[3] for row in rows if len(row) > 3}


# -- escalation on 本月催缴 -------------------------------------------------------------

def test_escalation_stage_per_household(ctx):
    """As of AS_OF: 2 months → reminder + notice; 6 → lawyer's letter; 7 with the letter
    sent at 6 → nothing due (not listed); 7 without it → the letter is still due; 19 →
    litigation; a large customer (200 m² > 1.5‰ of 100000 m²) at 3 months → lawyer's
    letter with the monthly ones, at 6 → litigation."""
    cid = af.center(managed_area="100000.00")
    cases = {
        "m2": ("50.00", date(2045, 5, 20)), "m6": ("50.00", date(2045, 1, 20)), "m7": ("50.00", date(2044, 12, 20)),
        "m7_sent": ("50.00", date(2044, 12, 20)), "m19": ("50.00", date(2043, 12, 20)),
        "big3": ("200.00", date(2045, 4, 20)), "big6": ("200.00", date(2045, 1, 20)),
    }
    hh = {}
    for key, (area, due) in cases.items():
        hh[key] = af.household(cid, area=area)
        af.bill(hh[key], "100.00", due)
    # History: the letter went out in month 6 (a row as the recorder would have left it then).
    db.session.add(ArrearsContact(center_id=cid, household_id=hh["m7_sent"], method="lawyer_letter",
                                  result="delivered", contacted_at=datetime(2045, 6, 25, 10, 0)))
    db.session.commit()
    due = {r.household.id: (r.months, r.is_large, r.pending) for r in arrears.due_this_month(AS_OF, [cid])}
    assert due[hh["m2"]] == (2, False, ("reminder", "notice"))
    assert due[hh["m6"]] == (6, False, ("lawyer_letter",))
    assert hh["m7_sent"] not in due
    assert due[hh["m7"]] == (7, False, ("lawyer_letter",))
    assert due[hh["m19"]] == (19, False, ("litigation",))
    assert due[hh["big3"]] == (3, True, ("reminder", "notice", "lawyer_letter"))
    assert due[hh["big6"]] == (6, True, ("litigation",))


def test_due_page_minus_recorded_contacts(app, logged_in):
    """cashier1 records the 6-month lawyer's letter: the household leaves the list; a
    phone call to the 2-month household leaves only its written notice due."""
    with app.app_context():
        sc01 = factories.center("SC01").id
        six, two = af.household(sc01, area="50.00"), af.household(sc01, area="50.00")
        af.bill(six, "100.00", months_ago(6), period="2001-01")
        af.bill(two, "100.00", months_ago(2, days=3), period="2001-02")
    c = logged_in("cashier1")
    page = c.get("/arrears/due/").get_data(as_text=True)
    assert f'data-household="{six}"' in page and f'data-household="{two}"' in page
    r = c.post(f"/arrearscontactview/record/{six}", data={"method": "lawyer_letter", "result": "delivered"})
    assert r.status_code == 302
    c.post(f"/arrearscontactview/record/{two}", data={"method": "phone", "result": "no_answer"})
    with app.app_context():
        rows = {r.household.id: r.pending for r in arrears.due_this_month(center_ids=[sc01])}
        contact = db.session.scalars(select(ArrearsContact).where(ArrearsContact.household_id == six)).one()
        assert contact.user.username == "cashier1" and contact.contacted_at.date() == timeutil.today()
    assert six not in rows and rows[two] == ("notice",)
    page = c.get("/arrears/due/").get_data(as_text=True)
    assert f'data-household="{six}"' not in page


# -- 催缴 records over REST --------------------------------------------------------------

def test_contact_api_rules_and_grants(app, api):
    with app.app_context():
        hh = af.demo_household("SC01")
        other = af.demo_household("SC02")
    body = {"household_id": hh, "method": "phone", "result": "promised", "promised_date": "2045-08-01"}
    r = api("cashier1").post("/api/v1/arrearscontact/", json=body)
    assert r.status_code == 201, r.json
    got = api("cashier1").get(f"/api/v1/arrearscontact/{r.json['id']}").json["result"]
    assert got["method"] == "phone" and got["promised_date"] == "2045-08-01" and got["user_id"]
    assert got["contacted_at"].startswith(timeutil.today().isoformat())
    assert api("frontdesk1").post("/api/v1/arrearscontact/", json={**body, "method": "sms"}).status_code == 201
    no_date = {**body, "promised_date": None}
    zh = api("cashier1").post("/api/v1/arrearscontact/", json=no_date)
    en = api("cashier1", lang="en").post("/api/v1/arrearscontact/", json=no_date)
    assert zh.status_code == en.status_code == 422 and "承诺缴费日期" in zh.json["message"]
    assert "promised" in en.json["message"].lower()
    for user in ("center_manager1", "finance1", "auditor1"):
        assert api(user).post("/api/v1/arrearscontact/", json=body).status_code == 403, user
        assert api(user).get("/api/v1/arrearscontact/").status_code == 200, user
    r = api("cashier1").post("/api/v1/arrearscontact/", json={**body, "household_id": other})
    assert r.status_code in (403, 404)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ArrearsContact)
                                 .where(ArrearsContact.household_id == other)) == 0


def test_contact_web_form_and_scope_of_the_register(app, api, logged_in):
    """The 催缴记录 add form stamps server time and the recorder; frontdesk2's SC02
    contact is invisible to cashier1 (list, show, API)."""
    with app.app_context():
        hh, other = af.demo_household("SC01"), af.demo_household("SC02")
    c = logged_in("cashier1")
    r = c.post("/arrearscontactview/add", data={"household": hh, "method": "notice", "result": "delivered",
                                                 "note": "已张贴"})
    assert r.status_code == 302, r.get_data(as_text=True)[:500]
    sc02 = api("frontdesk2").post("/api/v1/arrearscontact/", json={"household_id": other, "method": "sms",
                                                                    "result": "no_answer", "note": "SC02短信"})
    assert sc02.status_code == 201
    with app.app_context():
        mine = db.session.scalars(select(ArrearsContact).where(ArrearsContact.household_id == hh)).one()
        assert (mine.method, mine.user.username, mine.contacted_at.date()) == ("notice", "cashier1",
                                                                               timeutil.today())
    listing = c.get("/arrearscontactview/list/").get_data(as_text=True)
    assert "已张贴" in listing and "SC02短信" not in listing
    assert c.get(f"/arrearscontactview/show/{sc02.json['id']}").status_code == 404
    ids = [row["id"] for row in api("cashier1").get("/api/v1/arrearscontact/?q=(page_size:100)").json["result"]]
    assert sc02.json["id"] not in ids
    assert api("cashier1").get(f"/api/v1/arrearscontact/{sc02.json['id']}").status_code == 404


# -- owners' committee -------------------------------------------------------------------

def test_committee_list_uses_the_centre_policy(app, logged_in):
    """Default policy: 6 months (in) / 5 months (out) / > ¥5000.00 (in) / exactly ¥5000.00 (out);
    a centre whose policy says 3 months and ¥1000 lists its 3-month ¥1000.01 household."""
    with app.app_context():
        cid = af.center()
        six, five, rich, exact = (af.household(cid) for _ in range(4))
        af.bill(six, "10.00", date(2045, 1, 20))
        af.bill(five, "10.00", date(2045, 2, 20))
        af.bill(rich, "5000.01", date(2045, 7, 1))
        af.bill(exact, "5000.00", date(2045, 7, 1))
        strict = af.center()
        af.policy(strict, committee_months=3, committee_amount=Decimal("1000.00"))
        three, small = af.household(strict), af.household(strict)
        af.bill(three, "10.00", date(2045, 4, 20))
        af.bill(small, "1000.01", date(2045, 7, 1))
        listed = {r.household.id for r in arrears.committee_list(AS_OF, [cid, strict])}
        names = {i: db.session.get(Household, i).name for i in (six, rich, five, exact)}
    assert listed == {six, rich, three, small}
    c = logged_in("gm1")
    page = c.get(f"/arrears/committee/?date={AS_OF}&center={cid}").get_data(as_text=True)
    assert names[six] in page and names[rich] in page and names[five] not in page
    rows = sheet_rows(c.get(f"/arrears/committee/export?date={AS_OF}&center={cid}").data)
    assert {row[3] for row in rows[3:]} == {names[six], names[rich]}


# -- printable notice ----------------------------------------------------------------------

def test_notice_lists_bills_late_fees_and_totals(app, logged_in):
    with app.app_context():
        cid = af.center()
        hh = af.household(cid)
        af.bill(hh, "1000.00", date(2045, 7, 10), period="2045-07")
        accrue_late_fees(AS_OF, center_ids=[cid])                         # 10 days: 30.00
        centre = db.session.get(Household, hh).center
        name, phone, center_name = db.session.get(Household, hh).name, centre.phone, centre.name
    c = logged_in("finance1")
    page = c.get(f"/arrears/notice/{hh}?date={AS_OF}").get_data(as_text=True)
    assert "催缴通知书" in page and name in page and center_name in page and phone in page
    assert "css/print.css" in page and "2045-07-20" in page
    assert ">¥1,000.00<" in page and ">¥30.00<" in page and "¥1,030.00" in page and "滞纳金" in page
    pdf = c.get(f"/arrears/notice/{hh}/pdf?date={AS_OF}")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


# -- fee policy -----------------------------------------------------------------------------

def test_fee_policy_api_grants_and_checks(app, api):
    with app.app_context():
        sc01, sc02 = factories.center("SC01").id, factories.center("SC02").id
        db.session.query(CenterFeePolicy).filter_by(center_id=sc01).delete()
        db.session.commit()
    manager = api("center_manager1")
    r = manager.post("/api/v1/feepolicy/", json={"center_id": sc01, "late_fee_rate": "0.002"})
    assert r.status_code == 201, r.json
    got = manager.get(f"/api/v1/feepolicy/{r.json['id']}").json["result"]
    assert (got["late_fee_rate"], got["committee_amount"], got["committee_months"]) == ("0.00200", "5000.00", 6)
    assert got["large_customer_permille"] == "1.500"                            # defaults filled in
    assert manager.post("/api/v1/feepolicy/", json={"center_id": sc01}).status_code == 409
    assert manager.post("/api/v1/feepolicy/", json={"center_id": sc02}).status_code in (403, 404)
    bad = manager.put(f"/api/v1/feepolicy/{r.json['id']}", json={"late_fee_rate": "0.3"})
    assert bad.status_code == 422 and "0.003" in bad.json["message"]
    for user in ("cashier1", "finance1", "gm1"):
        assert api(user).put(f"/api/v1/feepolicy/{r.json['id']}", json={"late_fee_rate": "0.001"}
                             ).status_code == 403, user
    assert api("cashier1").get("/api/v1/feepolicy/").status_code == 200
    assert manager.put(f"/api/v1/feepolicy/{r.json['id']}", json={"late_fee_rate": "0.003"}).status_code == 200
    with app.app_context():
        assert db.session.get(CenterFeePolicy, r.json["id"]).late_fee_rate == Decimal("0.00300")


# -- role grants and centre scope ------------------------------------------------------------

PAGES = ["/arrears/due/", "/arrears/aging/", "/arrears/committee/"]
EXPORTS = ["/arrears/aging/export", "/arrears/committee/export"]


@pytest.mark.parametrize("user,pages,exports", [
    ("cashier1", 200, 200), ("frontdesk1", 200, 403), ("center_manager1", 200, 200), ("finance1", 200, 200),
    ("gm1", 200, 200), ("auditor1", 200, 200), ("technician1", 403, 403), ("hr1", 403, 403),
])
def test_role_grants_on_pages(logged_in, user, pages, exports):
    c = logged_in(user)
    assert [c.get(u).status_code for u in PAGES] == [pages] * len(PAGES), user
    assert [c.get(u).status_code for u in EXPORTS] == [exports] * len(EXPORTS), user


@pytest.mark.parametrize("user,url,status", [
    ("admin1", "/arrearscontactview/list/", 200), ("cashier1", "/arrearscontactview/add", 200),
    ("frontdesk1", "/arrearscontactview/add", 200), ("center_manager1", "/arrearscontactview/add", 403),
    ("center_manager1", "/centerfeepolicyview/add", 200), ("center_manager1", "/centerfeepolicyview/list/", 200),
    ("cashier1", "/centerfeepolicyview/list/", 200), ("cashier1", "/centerfeepolicyview/add", 403),
    ("auditor1", "/centerfeepolicyview/list/", 200), ("technician1", "/arrearscontactview/list/", 403),
])
def test_screens_per_role(logged_in, user, url, status):
    assert logged_in(user).get(url).status_code == status


def test_cashier1_sees_no_sc02_household_anywhere(app, logged_in):
    """An SC02 household 8 months and ¥6000 in arrears: on every page and export for
    finance1, on none for cashier1; its notice is 404 for cashier1."""
    with app.app_context():
        hh = af.demo_household("SC02")
        af.bill(hh, "6000.00", months_ago(8), period="2001-03")
        name = db.session.get(Household, hh).name
    cashier, finance = logged_in("cashier1"), logged_in("finance1")
    for url in PAGES:
        assert name not in cashier.get(url).get_data(as_text=True), url
    assert name in finance.get("/arrears/aging/").get_data(as_text=True)
    assert name in finance.get("/arrears/committee/").get_data(as_text=True)
    for url in EXPORTS:
        assert name not in str(sheet_rows(cashier.get(url).data)), url
        assert name in str(sheet_rows(finance.get(url).data)), url
    assert cashier.get(f"/arrears/notice/{hh}").status_code == 404
    assert cashier.get(f"/arrears/notice/{hh}/pdf").status_code == 404
    with app.app_context():
        sc02 = factories.center("SC02").id
    assert cashier.get(f"/arrears/aging/?center={sc02}").status_code == 404
