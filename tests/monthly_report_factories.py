"""The fixture month of the 月度工作报告 tests: a centre of its own (so no demo
row can touch a figure), period 2026-05, one or two rows per rule. Rows are
written as the system; the expected figures are counted by hand in
tests/integration/test_monthly_report.py next to each assertion.

`HYPERLINK` is the name of building 2: a formula payload the workbook must
keep as text.
"""

from datetime import date, datetime
from decimal import Decimal

from flask import current_app

from app.extensions import db
from app.models.approvals import Approval
from app.models.billing import Bill, ChargeItem, Payment
from app.models.estate import Building, Household, ServiceCenter, Unit
from app.models.parking import ParkingRental, ParkingSpace
from app.models.personnel import Appointment
from app.models.renovation import Renovation, RenovationRefund
from app.models.work_orders import WorkOrder, WorkOrderEvent
from app.services import work_orders as wo
from tests import factories, personnel_factories

PERIOD = "2026-05"
HYPERLINK = '=HYPERLINK("http://127.0.0.1/","点我")'
D = datetime


def build() -> dict:
    """Every row of the fixture month; returns the ids the tests need."""
    c = ServiceCenter(code=factories.unique("MR"), name=factories.unique("月报测试中心"), phone="0755-1")
    db.session.add(c)
    db.session.flush()
    b1, b2 = Building(center_id=c.id, name="1栋"), Building(center_id=c.id, name=HYPERLINK)
    db.session.add_all([b1, b2])
    db.session.flush()
    h1, h2, h3 = (_household(c.id, b) for b in (b1, b1, b2))
    db.session.commit()
    _work_orders(h1, h2)
    _fees(c.id, h1, h2, h3)
    _renovations(c.id, h1, h2)
    _parking(c.id, h1)
    _staff(c.code)
    return {"center_id": c.id, "code": c.code, "name": c.name}


def _household(center_id, building) -> Household:
    u = Unit(center_id=center_id, building=building, room_no=factories.unique("R"), area=Decimal("90.00"))
    db.session.add(u)
    db.session.flush()
    h = Household(center_id=center_id, unit=u, name=factories.unique("业主"), kind="owner", phone="13912345678")
    db.session.add(h)
    db.session.flush()
    return h


# -- 工单: (kind, severity, source, received, complete due, completed, visited, satisfaction, method)
ORDERS = [
    ("repair", "minor", "phone", D(2026, 5, 3, 9), D(2026, 5, 4, 9), D(2026, 5, 3, 15), D(2026, 5, 3, 18),
     "satisfied", "phone"),
    ("repair", "emergency", "visit", D(2026, 5, 10, 10), D(2026, 5, 11, 10), D(2026, 5, 11, 12), D(2026, 5, 12, 9),
     "basically", "visit"),
    ("repair", "medium", "phone", D(2026, 5, 20, 8), D(2026, 5, 23, 8), None, None, None, None),
    ("complaint", "major", "phone", D(2026, 5, 5, 8), None, D(2026, 5, 6, 20), D(2026, 5, 7, 10), "unsatisfied",
     "phone"),
    ("complaint", "important", "online", D(2026, 5, 12, 9), None, D(2026, 5, 15, 9), None, None, None),
    ("complaint", "minor", "visit", D(2026, 5, 30, 10), None, D(2026, 6, 2, 10), None, None, None),
    ("consult", None, "phone", D(2026, 5, 31, 23, 30), None, D(2026, 5, 31, 23, 50), None, None, None),
    # received in April, completed and called back in May
    ("repair", "minor", "phone", D(2026, 4, 28, 9), D(2026, 4, 29, 9), D(2026, 5, 2, 9), D(2026, 5, 2, 15),
     "satisfied", "phone"),
]


def _work_orders(h1, h2) -> None:
    for kind, sev, source, received, due, completed, visited, satisfaction, method in ORDERS:
        o = WorkOrder(kind=kind, severity=sev, source=source, household_id=h1.id, description="月报测试",
                      repair_scope="indoor" if kind == "repair" else None)
        wo.before_save(o)
        o.received_at, o.complete_due, o.completed_at = received, due, completed
        o.visited_at, o.satisfaction, o.callback_method = visited, satisfaction, method
        o.status = "visited" if visited else ("completed" if completed else "dispatched")
        if visited:
            o.events.append(WorkOrderEvent(at=visited, action="callback", from_status="completed",
                                           to_status="visited"))
        db.session.add(o)
        db.session.flush()  # the next order number reads this one
    deleted = WorkOrder(kind="repair", severity="minor", source="phone", household_id=h2.id, description="误录",
                        repair_scope="indoor")
    wo.before_save(deleted)
    deleted.received_at, deleted.deleted_on = D(2026, 5, 8, 9), D(2026, 5, 8, 10)
    db.session.add(deleted)
    db.session.commit()


def _bill(center_id, h, item, period, amount, due, status="unpaid", paid_at=None) -> Bill:
    b = Bill(center_id=center_id, household_id=h.id, unit_id=h.unit_id, charge_item_id=item.id, period=period,
             amount=Decimal(amount), due_date=due, status=status, paid_at=paid_at,
             source_key=factories.unique("mr:"))
    db.session.add(b)
    return b


def _item(center_id, kind) -> ChargeItem:
    item = ChargeItem(center_id=center_id, code=factories.unique("MI"), name=kind, kind=kind, basis="fixed",
                      rate=Decimal("1"), active=False, due_day=15)
    db.session.add(item)
    db.session.flush()
    return item


def _payment(center_id, h, amount, method, paid_at, status="valid") -> None:
    db.session.add(Payment(center_id=center_id, household_id=h.id, receipt_no=factories.unique("MRR"),
                           amount=Decimal(amount), method=method, paid_at=paid_at, status=status))


def _fees(center_id, h1, h2, h3) -> None:
    fee, late = _item(center_id, "management"), _item(center_id, "late_fee")
    due = date(2026, 5, 15)
    _bill(center_id, h1, fee, PERIOD, "100.00", due, "paid", D(2026, 5, 10, 10))
    _bill(center_id, h2, fee, PERIOD, "200.00", due)
    _bill(center_id, h3, fee, PERIOD, "300.00", due, "paid", D(2026, 6, 3, 10))
    _bill(center_id, h3, fee, PERIOD, "50.00", due, "reversed")
    _bill(center_id, h1, late, PERIOD, "5.00", date(2026, 5, 20))
    _bill(center_id, h2, fee, "2026-02", "150.00", date(2026, 2, 15))
    _payment(center_id, h1, "100.00", "cash", D(2026, 5, 10, 10))
    _payment(center_id, h3, "300.00", "wechat", D(2026, 6, 3, 10))
    _payment(center_id, h2, "80.00", "cash", D(2026, 5, 11, 10), status="reversed")
    db.session.commit()


# -- 装修: (submitted, decided, status, decision due, started, accepted)
RENOVATIONS = [
    (D(2026, 5, 2, 9), D(2026, 5, 4, 9), "approved", D(2026, 5, 5, 9), date(2026, 5, 6), date(2026, 5, 25)),
    (D(2026, 4, 25, 9), D(2026, 5, 1, 9), "approved", D(2026, 4, 28, 9), date(2026, 5, 3), None),
    (D(2026, 5, 20, 9), D(2026, 5, 21, 9), "rejected", D(2026, 5, 23, 9), None, None),
    (D(2026, 5, 28, 9), None, "pending", D(2026, 5, 31, 9), None, None),
    (D(2026, 2, 20, 9), D(2026, 2, 22, 9), "approved", D(2026, 2, 23, 9), date(2026, 3, 1), date(2026, 4, 20)),
]


def _renovations(center_id, h1, h2) -> None:
    admin = current_app.appbuilder.sm.find_user(username="admin1")
    made = []
    for submitted, decided, status, due, started, accepted in RENOVATIONS:
        r = Renovation(center_id=center_id, household_id=h2.id, unit_id=h2.unit_id, contractor="测试装修公司",
                       contractor_person="张工", contractor_phone="13900000000", scope_text="厨卫翻新",
                       start_date=date(2026, 5, 1), planned_end_date=date(2026, 7, 1), deposit=Decimal("2000.00"),
                       status=status, decision_due_at=due, work_started_on=started, accepted_on=accepted,
                       site_status=("accepted" if accepted else "in_progress" if started else None))
        db.session.add(r)
        db.session.flush()
        a = Approval(request_type="renovation", request_id=r.id, chain_key="renovation", title="月报测试",
                     status=status, submitted_by_id=admin.id, submitted_at=submitted, decided_at=decided,
                     center_id=center_id)
        db.session.add(a)
        db.session.flush()
        r.approval_id = a.id
        made.append(r)
    deposit = _item(center_id, "renovation_deposit")
    _bill(center_id, h2, deposit, PERIOD, "2000.00", date(2026, 5, 4), "paid", D(2026, 5, 4, 11))
    db.session.add(RenovationRefund(center_id=center_id, renovation_id=made[0].id, deposit=Decimal("2000.00"),
                                    deductions_total=Decimal("200.00"), refund_amount=Decimal("1800.00"),
                                    due_on=date(2026, 5, 26), status="approved", refunded_at=D(2026, 5, 26, 15)))
    db.session.commit()


def _parking(center_id, h1) -> None:
    spaces = [ParkingSpace(center_id=center_id, code=code, area=area, kind="leased", status=status)
              for code, area, status in (("P1", "A区", "rented"), ("P2", "A区", "available"),
                                         ("P3", "A区", "available"), ("P4", "B区", "disabled"))]
    db.session.add_all(spaces)
    db.session.flush()
    for space, start, end, status in ((0, date(2026, 5, 10), date(2026, 12, 31), "active"),
                                      (1, date(2026, 1, 1), date(2026, 5, 20), "active"),
                                      (2, date(2026, 2, 1), date(2026, 5, 15), "ended"),
                                      (2, date(2026, 5, 20), date(2026, 5, 31), "cancelled")):
        db.session.add(ParkingRental(center_id=center_id, space_id=spaces[space].id, household_id=h1.id,
                                     plate="粤B12345", start_date=start, end_date=end, status=status,
                                     monthly_rate=Decimal("300.00")))
    db.session.commit()


# -- 人事: (hired, level, left_date)
STAFF = [
    (date(2025, 1, 10), "staff", None),
    (date(2026, 5, 18), "staff", None),
    (date(2024, 3, 1), "supervisor", date(2026, 5, 20)),
    (date(2024, 3, 1), "staff", date(2026, 4, 30)),
    (date(2026, 6, 2), "staff", None),
    (date(2023, 1, 1), "manager", date(2026, 5, 31)),
]


def _staff(code) -> None:
    people = []
    for hired, level, left in STAFF:
        e = personnel_factories.employee(code, status="left" if left else "regular", level=level, hire_date=hired)
        e.left_date = left
        people.append(e)
    for emp, kind, status, effective in ((0, "regularize", "approved", date(2026, 5, 15)),
                                         (0, "promote", "approved", date(2026, 4, 30)),
                                         (1, "raise", "pending", None),
                                         (0, "raise", "approved", date(2026, 5, 31))):
        db.session.add(Appointment(center_id=people[emp].center_id, employee_id=people[emp].id, kind=kind,
                                   status=status, effective_date=effective, reason="月报测试"))
    db.session.commit()
