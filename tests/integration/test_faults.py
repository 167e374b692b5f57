"""Issue 9 §3 faults: a worker killed in the middle of a payment leaves nothing
half-written (no payment, bill still unpaid, receipt number not consumed), and
SQLite under several writers answers every request with success or a clean 503
"数据库繁忙，请重试" — never a 500, never a corrupt file."""

import os
import signal
import sqlite3
import threading
import time
from contextlib import contextmanager

import pytest
from sqlalchemy import func, select

from app import create_app, timeutil
from app.extensions import db
from app.models.billing import Bill, Payment, ReceiptSequence
from app.models.estate import Household
from tests import factories, live_server
from tests.conftest import Api, make_config
from tests.integration.test_billing import make_bills

BUSY = "数据库繁忙，请重试"


def sqlite_path(db_url: str) -> str:
    return db_url.removeprefix("sqlite:///")


def receipt_state(app, bill_id):
    with app.app_context():
        bill = db.session.get(Bill, bill_id)
        seq = db.session.scalar(select(ReceiptSequence.last_no).where(
            ReceiptSequence.center_id == bill.center_id, ReceiptSequence.year == timeutil.today().year))
        paid = db.session.scalar(select(func.count()).select_from(Payment).where(
            Payment.household_id == bill.household_id))
        return bill.status, seq or 0, paid


# -- a worker killed between two writes of one payment ---------------------------------------

def test_worker_killed_mid_payment_leaves_no_partial_write(app, db_url, tmp_path):
    bill_id = make_bills(app, 1)[0]
    make_bills(app, 1)  # the receipt sequence of this year exists before the kill
    before = receipt_state(app, bill_id)
    mark = tmp_path / "paused.pid"
    with live_server.gunicorn(db_url, tmp_path / "gunicorn.log", TEST_FAULT_PAUSE="payment.after_receipt=60",
                              TEST_FAULT_MARK=mark) as (base, _proc):
        tok = live_server.token(base, "cashier1")
        answer = {}
        body = {"bill_ids": [bill_id], "method": "cash", "amount": "100.00"}
        sender = threading.Thread(target=lambda: answer.setdefault(
            "r", live_server.call(base, "POST", "/api/v1/payment/", tok, body, timeout=90)))
        sender.start()
        deadline = time.monotonic() + 60
        while not (mark.exists() and mark.read_text()) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert mark.exists(), "the payment never reached the fault point"
        os.kill(int(mark.read_text()), signal.SIGKILL)     # payment row and receipt number flushed, bill not
        sender.join(90)
        assert answer["r"][0] in (0, 502), answer            # the client saw the connection drop
        live_server.wait_healthy(base, _proc, tmp_path / "gunicorn.log")   # the arbiter replaced the worker
    assert receipt_state(app, bill_id) == before              # unpaid, number not used, no payment
    r = Api(app.test_client(), "cashier1").post("/api/v1/payment/", json=body)
    assert r.status_code == 201, r.json
    assert int(r.json["receipt_no"].rsplit("-", 1)[1]) == before[1] + 1   # no gap left by the killed worker


# -- SQLite's writer lock: 503, not 500 ---------------------------------------------------

@pytest.fixture()
def sqlite_only(db_url):
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite's single-writer lock is what these tests prove; PostgreSQL has row locks")


@pytest.fixture()
def impatient(app, db_url, sqlite_only):
    """The same SQLite file, with writers waiting only 0.2 s for the lock."""
    return create_app(make_config(db_url, SQLITE_BUSY_TIMEOUT=0.2))


@contextmanager
def writer_lock(db_url):
    """Another process's open write transaction on the file (what a long writer looks like)."""
    con = sqlite3.connect(sqlite_path(db_url), isolation_level=None)
    con.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        con.execute("ROLLBACK")
        con.close()


def household_body(app, name):
    with app.app_context():
        unit_id = factories.unit("SC01").id
    return {"unit_id": unit_id, "name": name, "kind": "owner", "phone": "13800138000"}


def count_named(app, prefix):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Household).where(Household.name.like(f"{prefix}%")))


def test_api_write_while_the_file_is_locked_answers_503(app, impatient, db_url):
    name = factories.unique("锁表")
    body = household_body(app, name)
    caller = Api(impatient.test_client(), "frontdesk1")         # signs in before the lock
    with writer_lock(db_url):
        r = caller.post("/api/v1/household/", json=body)
    assert r.status_code == 503 and r.json["message"] == BUSY
    assert count_named(app, name) == 0
    assert caller.post("/api/v1/household/", json=body).status_code == 201   # retry once free


def test_service_action_while_the_file_is_locked_answers_503(app, impatient, db_url):
    """A route FAB wraps in @safe (every exception → 500) still answers 503 for the lock."""
    bill = make_bills(app, 1)[0]
    caller = Api(impatient.test_client(), "cashier1")
    with writer_lock(db_url):
        r = caller.post("/api/v1/payment/", json={"bill_ids": [bill], "method": "cash", "amount": "100.00"})
    assert r.status_code == 503 and r.json["message"] == BUSY
    assert receipt_state(app, bill)[0] == "unpaid"


def test_web_form_while_the_file_is_locked_says_busy(app, impatient, db_url):
    from tests.conftest import login

    name = factories.unique("锁表页")
    body = household_body(app, name)
    c = impatient.test_client()
    login(c, "frontdesk1")
    with writer_lock(db_url):
        r = c.post("/householdview/add", data={"unit": body["unit_id"], "name": name, "kind": "owner",
                                               "phone": "13800138000"}, follow_redirects=True)
    assert r.status_code in (200, 503) and BUSY in r.get_data(as_text=True)
    assert count_named(app, name) == 0


def test_sqlite_many_writers_success_or_503_never_500(app, db_url, sqlite_only, tmp_path):
    """3 gunicorn workers, 8 clients × 12 inserts, writers wait at most 0.05 s for the lock."""
    prefix = factories.unique("并发写")
    body = household_body(app, prefix)
    with live_server.gunicorn(db_url, tmp_path / "gunicorn.log", workers=3, SQLITE_BUSY_TIMEOUT=0.05) as (base, _):
        tokens = [live_server.token(base, "frontdesk1") for _ in range(8)]
        codes = [[] for _ in tokens]

        def write(i):
            for j in range(12):
                status, _body = live_server.call(base, "POST", "/api/v1/household/", tokens[i],
                                                 {**body, "name": f"{prefix}-{i}-{j}"})
                codes[i].append((status, (_body or {}).get("message")))

        threads = [threading.Thread(target=write, args=(i,)) for i in range(len(tokens))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
    answers = [c for per in codes for c in per]
    assert {s for s, _ in answers} <= {201, 503}, answers
    assert all(m == BUSY for s, m in answers if s == 503)
    assert count_named(app, prefix) == sum(1 for s, _ in answers if s == 201)   # every success, no more
    with sqlite3.connect(sqlite_path(db_url)) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_production_sqlite_must_be_wal_with_a_busy_timeout(tmp_path):
    from config import ProductionConfig

    base = {"SECRET_KEY": "k" * 40}
    with pytest.raises(RuntimeError, match="WAL"):   # an in-memory database cannot use WAL
        create_app(type("P", (ProductionConfig,), {**base, "SQLALCHEMY_DATABASE_URI": "sqlite://"}))
    with pytest.raises(RuntimeError, match="busy_timeout"):
        create_app(type("P", (ProductionConfig,), {**base, "SQLITE_BUSY_TIMEOUT": 0,
                                                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db"}))
    ok = create_app(type("P", (ProductionConfig,), {**base, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/q.db"}))
    assert ok.config["SQLITE_BUSY_TIMEOUT"] >= 5
