"""Rows for the reversal (红冲) and day-close (日结) tests: fresh cashiers (so a
close of one test never blocks another), bills, and payments taken through
app.services.payments.pay() as that cashier. Each helper opens its own context."""

from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal

from flask import g
from sqlalchemy import select

from app import timeutil
from app.extensions import db
from app.models.billing import Bill, ChargeItem, Payment
from app.services import payments
from tests import factories
from tests.personnel_factories import PASSWORD
from tests.personnel_factories import user as make_user

__all__ = ["PASSWORD", "as_user", "bills", "new_user", "pay", "payment_row"]


def new_user(app, role="cashier", centres=("SC01",), extra_roles=()) -> str:
    """A new login with `role` (plus extra roles) bound to the centres; its username."""
    with app.app_context():
        u = make_user(role, centres)
        for name in extra_roles:
            u.roles.append(app.appbuilder.sm.find_role(name))
        db.session.commit()
        return u.username


@contextmanager
def as_user(app, username):
    """A request context acting as `username` (scope checks and the audit trail)."""
    with app.test_request_context():
        g.user = app.appbuilder.sm.find_user(username=username)
        yield g.user
        db.session.rollback()


def bills(app, n=1, amount="100.00", centre="SC01") -> list[int]:
    """n unpaid bills of one new household of the centre (periods far in the future)."""
    with app.app_context():
        center_id = factories.center(centre).id
        hh = factories.household(centre).id
        item = ChargeItem(center_id=center_id, code=factories.unique("RV"), name=factories.unique("红冲测试"),
                          kind="other", basis="fixed", rate=Decimal(amount), due_day=15, active=True)
        db.session.add(item)
        db.session.flush()
        ids = []
        for i in range(n):
            b = Bill(center_id=center_id, household_id=hh, charge_item_id=item.id, period=f"2040-{i + 1:02d}",
                     amount=Decimal(amount), due_date=date(2040, i + 1, 15), status="unpaid")
            db.session.add(b)
            db.session.flush()
            ids.append(b.id)
        db.session.commit()
        return ids


def pay(app, username, amount="100.00", method="cash", centre="SC01", n=1) -> int:
    """A payment of n new bills of `amount` each, taken by `username`; its id."""
    ids = bills(app, n, amount, centre)
    total = Decimal(amount) * n
    with as_user(app, username) as user:
        return payments.pay(ids, method, f"{total:.2f}", actor=user).id


def payment_row(app, payment_id) -> dict:
    with app.app_context():
        p = db.session.get(Payment, payment_id)
        lines = db.session.scalars(select(Bill).where(Bill.id.in_([line.bill_id for line in p.lines]))).all()
        return {"status": p.status, "bills": [(b.status, b.payment_id, b.paid_at) for b in lines]}


def at(monkeypatch, when: datetime) -> None:
    """Pretend the server clock says `when` (app.timeutil is the only clock)."""
    monkeypatch.setattr(timeutil, "now", lambda: when)
