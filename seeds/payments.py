"""Demo payments: about 70 % of the two older demo months paid at the desk.

The charge items and the bills come from seeds/billing.py (load_billing runs
first). Of each centre's households (by id), positions 0–6 of every ten pay
every bill of the two older months (0–4 both months on one receipt, 5–6 one
receipt per month) through app.services.payments.pay as the centre's cashier
(cashier1 for SC01; cashier2 / demo-cashier is added for SC02), methods in
turn. pay() stamps the server's time, so every demo payment is dated today;
receipt numbers are the real gapless ones.

Idempotent: a centre that already has any payment is not paid for again.
"""

from decimal import Decimal

from flask import current_app
from sqlalchemy import func, select

from app import timeutil
from app.extensions import db
from app.models.billing import PAYMENT_METHODS, Bill, Payment
from app.models.estate import Household, ServiceCenter
from app.services import payments
from app.workflows.fees import month_periods

#: The demo's three months up to the current one (as seeds/billing.py bills them);
#: the two older ones are mostly paid, the current one is open.
PERIODS = tuple(month_periods(timeutil.today(), 3))
PAID_PERIODS = PERIODS[:2]
PAID_OUT_OF_TEN = 7
MONTH_BY_MONTH_FROM = 5  # positions 0–4 pay both months on one receipt, 5–6 one receipt a month
CASHIERS = {"SC01": "cashier1", "SC02": "cashier2"}
CASHIER_SC02_PASSWORD = "demo-cashier"  # noqa: S105 - demo mode only, listed in the README
METHODS = tuple(PAYMENT_METHODS)



def _cashier(code: str, center: ServiceCenter):
    sm = current_app.appbuilder.sm
    username = CASHIERS[code]
    user = sm.find_user(username=username)
    if user is None:
        user = sm.add_user(username=username, first_name=username, last_name="收费员",
                           email=f"{username}@demo.invalid", role=sm.find_role("cashier"),
                           password=CASHIER_SC02_PASSWORD)
        if not user:
            raise RuntimeError(f"could not create the demo user {username}")
        user.centers = [center]
        db.session.commit()
    return user


def _pay_center(center: ServiceCenter, cashier) -> int:
    if db.session.scalar(select(func.count()).select_from(Payment).where(Payment.center_id == center.id)):
        return 0
    households = db.session.scalars(select(Household.id).where(
        Household.center_id == center.id, Household.deleted_on.is_(None)).order_by(Household.id)).all()
    paying = {hh: pos for pos, hh in enumerate(households) if pos % 10 < PAID_OUT_OF_TEN}
    bills = db.session.execute(select(Bill.id, Bill.household_id, Bill.period, Bill.amount).where(
        Bill.center_id == center.id, Bill.period.in_(PAID_PERIODS),  # every item the household owes
        Bill.status == "unpaid", Bill.deleted_on.is_(None)).order_by(Bill.id)).all()
    groups: dict = {}
    for bill_id, hh, period, amount in bills:
        if hh in paying:
            key = (hh, period if paying[hh] % 10 >= MONTH_BY_MONTH_FROM else "")
            ids, total = groups.get(key, ([], Decimal("0.00")))
            groups[key] = (ids + [bill_id], total + amount)
    made = 0
    for (hh, period), (ids, total) in sorted(groups.items()):
        method = METHODS[(paying[hh] + len(period)) % len(METHODS)]
        payments.pay(ids, method, f"{total:.2f}", actor=cashier)
        made += 1
    return made



def load_payments(progress=print) -> int:
    """Demo payments on the bills seeds/billing.py generated (it runs first); returns payments made."""
    made = 0
    for code in CASHIERS:
        center = db.session.scalars(select(ServiceCenter).filter_by(code=code, deleted_on=None)).first()
        if center is None:
            continue
        count = _pay_center(center, _cashier(code, center))
        made += count
        progress(f"  centre {code}: bills {', '.join(PERIODS)}; {count} demo payment(s)")
    return made
