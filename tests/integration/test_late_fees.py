"""滞纳金 Late fees (DESIGN.md "Fees": 0.3 % a day of the overdue amount from the
due date, rate per centre; `billing late-fees` accrues them idempotently per
day). Hand-checked figures; one late-fee bill per source bill, its amount SET
to the as-of figure; frozen once the source is paid; a paid late fee never
changes; no late fee on a late fee."""

import threading
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models.billing import Bill, ChargeItem
from app.services import billing, payments
from app.services.late_fees import accrue_late_fees
from tests import arrears_factories as af


def late_bills(household_id):
    return db.session.scalars(select(Bill).join(ChargeItem).where(
        Bill.household_id == household_id, ChargeItem.kind == "late_fee", Bill.deleted_on.is_(None))
        .order_by(Bill.id)).all()


@pytest.fixture()
def centre(ctx):
    cid = af.center()
    return cid, af.household(cid)


def test_hand_checked_1000_for_10_days(centre):
    """1000.00 due 2041-10-15, as of 2041-10-25: 10 days × 0.003 × 1000 = 30.00, one 滞纳金 bill."""
    cid, hh = centre
    src = af.bill(hh, "1000.00", date(2041, 10, 15))
    counts = accrue_late_fees(date(2041, 10, 25), center_ids=[cid])
    assert counts == {"created": 1, "updated": 0, "unchanged": 0}
    (late,) = late_bills(hh)
    source = db.session.get(Bill, src)
    assert late.amount == Decimal("30.00") and late.status == "unpaid"
    assert late.source_key == f"late:{src}" and late.period == "2041-10" and late.due_date == date(2041, 10, 25)
    assert late.household_id == hh and late.unit_id == source.unit_id and late.center_id == cid
    assert late.charge_item.code == "ZNJ" and late.charge_item.name == "滞纳金"
    assert "计至2041-10-25" in late.note and "10天" in late.note


def test_hand_checked_half_up_and_centre_rate(ctx):
    """210.33 × 0.003 × 17 = 10.72683 → 10.73; a centre with rate 0.001: 1000 × 0.001 × 10 = 10.00."""
    a = af.center()
    ha = af.household(a)
    af.bill(ha, "210.33", date(2041, 10, 15))
    b = af.center()
    af.policy(b, late_fee_rate=Decimal("0.001"))
    hb = af.household(b)
    af.bill(hb, "1000.00", date(2041, 10, 15))
    accrue_late_fees(date(2041, 11, 1), center_ids=[a])        # 17 days
    accrue_late_fees(date(2041, 10, 25), center_ids=[b])       # 10 days
    assert [x.amount for x in late_bills(ha)] == [Decimal("10.73")]
    assert [x.amount for x in late_bills(hb)] == [Decimal("10.00")]


def test_nothing_on_or_before_due_date(centre):
    cid, hh = centre
    af.bill(hh, "1000.00", date(2041, 10, 15))
    assert accrue_late_fees(date(2041, 10, 15), center_ids=[cid])["created"] == 0   # due today → 0
    assert accrue_late_fees(date(2041, 10, 1), center_ids=[cid])["created"] == 0
    assert late_bills(hh) == []


def test_idempotent_per_day_and_set_not_added(centre):
    """Twice on one day: same amount, no new bill. Next day: SET to 11 days (33.00), not 30 + 33."""
    cid, hh = centre
    af.bill(hh, "1000.00", date(2041, 10, 15))
    accrue_late_fees(date(2041, 10, 25), center_ids=[cid])
    again = accrue_late_fees(date(2041, 10, 25), center_ids=[cid])
    assert again == {"created": 0, "updated": 0, "unchanged": 1}
    assert [x.amount for x in late_bills(hh)] == [Decimal("30.00")]
    assert accrue_late_fees(date(2041, 10, 26), center_ids=[cid])["updated"] == 1
    (late,) = late_bills(hh)
    assert late.amount == Decimal("33.00") and late.due_date == date(2041, 10, 26)


def test_paid_source_freezes_its_late_fee(centre):
    """Source paid on 2041-10-20 (5 days late): the fee stops at 5 days = 15.00, however late the next run."""
    cid, hh = centre
    src = af.bill(hh, "1000.00", date(2041, 10, 15))
    accrue_late_fees(date(2041, 10, 18), center_ids=[cid])                       # 3 days: 9.00
    source = db.session.get(Bill, src)
    source.status, source.paid_at = "paid", datetime(2041, 10, 20, 9, 30)  # as payments.pay() marks it
    db.session.commit()
    accrue_late_fees(date(2041, 12, 31), center_ids=[cid])
    (late,) = late_bills(hh)
    assert late.amount == Decimal("15.00") and late.due_date == date(2041, 10, 20) and "停止计算" in late.note
    assert accrue_late_fees(date(2042, 3, 1), center_ids=[cid]) == {"created": 0, "updated": 0, "unchanged": 1}
    assert late_bills(hh)[0].amount == Decimal("15.00")


def test_paid_late_fee_is_never_changed_and_no_fee_on_fees(centre):
    cid, hh = centre
    src = af.bill(hh, "1000.00", date(2041, 10, 15))
    accrue_late_fees(date(2041, 10, 25), center_ids=[cid])
    (late,) = late_bills(hh)
    payments.pay([late.id], "cash", "30.00")                                     # the late fee alone is paid
    accrue_late_fees(date(2041, 12, 25), center_ids=[cid])
    bills = late_bills(hh)
    assert [(x.id, x.amount, x.status) for x in bills] == [(late.id, Decimal("30.00"), "paid")]
    assert db.session.get(Bill, src).status == "unpaid"
    keys = set(db.session.scalars(select(Bill.source_key).where(Bill.household_id == hh)))
    assert keys == {"", f"late:{src}"}                                            # never "late:<late id>"


def test_deleted_bill_gets_no_late_fee_and_generation_skips_the_znj_item(centre):
    cid, hh = centre
    gone = af.bill(hh, "500.00", date(2041, 9, 15))
    db.session.get(Bill, gone).deleted_on = datetime(2041, 9, 1)
    db.session.commit()
    af.bill(hh, "100.00", date(2041, 9, 15), period="2041-08")
    accrue_late_fees(date(2041, 9, 25), center_ids=[cid])
    assert [x.amount for x in late_bills(hh)] == [Decimal("3.00")]                # 100 × 0.003 × 10
    znj = db.session.scalars(select(ChargeItem).where(ChargeItem.center_id == cid, ChargeItem.code == "ZNJ")).one()
    assert znj.active is False and znj.kind == "late_fee"
    before = db.session.scalar(select(func.count()).select_from(Bill).where(Bill.charge_item_id == znj.id))
    billing.generate("2041-11", center_ids=[cid])                                 # monthly run: no 滞纳金 per household
    assert db.session.scalar(select(func.count()).select_from(Bill).where(Bill.charge_item_id == znj.id)) == before


def test_cli_late_fees_with_date_shows_progress_and_counts(app):
    with app.app_context():
        cid = af.center()
        hh = af.household(cid)
        af.bill(hh, "1000.00", date(2043, 1, 15))
    runner = app.test_cli_runner()
    out = runner.invoke(args=["billing", "late-fees", "--date", "2043-01-25"])
    assert out.exit_code == 0, out.output
    assert "late fees as of 2043-01-25" in out.output and "created=" in out.output
    again = runner.invoke(args=["billing", "late-fees", "--date", "2043-01-25"])
    assert "created=0" in again.output and "updated=0" in again.output
    with app.app_context():
        assert [x.amount for x in late_bills(hh)] == [Decimal("30.00")]
    bad = runner.invoke(args=["billing", "late-fees", "--date", "2043-13-01"])
    assert bad.exit_code != 0


def test_concurrent_runs_make_one_late_fee_bill(app, db_url):
    """Two daily jobs started at the same moment: still one late-fee bill per source (PostgreSQL)."""
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL row locks")
    with app.app_context():
        cid = af.center()
        hh = af.household(cid)
        for month in (1, 2, 3):
            af.bill(hh, "1000.00", date(2044, month, 15))
    barrier = threading.Barrier(2)
    errors = []

    def run():
        with app.app_context():
            try:
                barrier.wait()
                accrue_late_fees(date(2044, 4, 15), center_ids=[cid])
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(e)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    with app.app_context():
        assert sorted(x.amount for x in late_bills(hh)) == [Decimal("93.00"), Decimal("180.00"), Decimal("273.00")]


def test_one_household_can_be_brought_up_to_date(centre):
    """The desk may refresh one household's late fees before a payment; others stay as they were."""
    cid, hh = centre
    other = af.household(cid)
    af.bill(hh, "1000.00", date(2041, 10, 15))
    af.bill(other, "1000.00", date(2041, 10, 15))
    assert accrue_late_fees(date(2041, 10, 25), center_ids=[cid], household_ids=[hh])["created"] == 1
    assert [x.amount for x in late_bills(hh)] == [Decimal("30.00")] and late_bills(other) == []
