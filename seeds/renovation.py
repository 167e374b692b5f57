"""Demo 装修 data: per centre, applications in every state — a draft, two pending
(one past its 3-day decision deadline), one approved waiting for the start, an
active site inspected today, one overdue for inspection, one with an open
rectification notice, one accepted with its deposit refunded.

Every row goes through the real services (approval engine, deposit bill and
payment, inspections, notices, acceptance, refund), acted by the demo user of
that step in a request context; afterwards a few stamps are moved back in
time (as seeds/work_orders.py does) so the overdue lists have something to show.

SC02 needs its own approvers: `center_manager2` / `demo-center_manager` and
`technician2` / `demo-technician` (created if missing, demo mode only).
Idempotent: a scenario is found by (centre, contractor) before anything is added.
"""

from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

from flask import current_app, g
from sqlalchemy import select

from app import timeutil
from app.extensions import db
from app.models.estate import Household, ServiceCenter
from app.models.renovation import Renovation, RenovationInspection, RenovationPass, RenovationRectification
from app.services import approvals, payments, renovation, renovation_sites
from app.validators import id_check_char

#: centre → logins (desk, technician, manager, cashier or None = system)
ACTORS = {
    "SC01": ("frontdesk1", "technician1", "center_manager1", "cashier1"),
    "SC02": ("frontdesk2", "technician2", "center_manager2", None),
}
EXTRA_USERS = (("center_manager2", "demo-center_manager", "center_manager"),
               ("technician2", "demo-technician", "technician"))
#: (contractor, stage) in the order the scenarios are built
SCENARIOS = (
    ("恒美装饰工程有限公司", "draft"),
    ("家美装饰设计有限公司", "pending"),
    ("安居装饰工程有限公司", "pending_overdue"),
    ("佳和装修工程部", "approved"),
    ("美家装饰工程有限公司", "active"),
    ("宏达装修工程有限公司", "inspection_overdue"),
    ("新居装饰工程有限公司", "rectification"),
    ("雅居装饰设计有限公司", "refunded"),
)


def load_renovation(progress=print) -> int:
    """Returns how many applications were added."""
    centers = {c.code: c for c in db.session.scalars(select(ServiceCenter).where(ServiceCenter.deleted_on.is_(None)))}
    if "SC02" in centers:
        _extra_users(centers["SC02"])
    added = 0
    for code, actors in ACTORS.items():
        if code not in centers:
            continue
        owners = list(db.session.scalars(select(Household).where(
            Household.center_id == centers[code].id, Household.kind == "owner", Household.deleted_on.is_(None))
            .order_by(Household.id.desc()).limit(len(SCENARIOS))))
        for (contractor, stage), owner in zip(SCENARIOS, owners, strict=False):
            if _find(centers[code].id, contractor) is None:
                _scenario(owner, contractor, stage, *actors)
                added += 1
    progress("  renovation ready")
    return added


def _scenario(owner, contractor, stage, desk, tech, manager, cashier) -> None:
    today = timeutil.today()
    with _acting(desk):
        reno = Renovation(household=owner, household_id=owner.id, contractor=contractor, contractor_person="郑工",
                          contractor_phone="13800138000", worker_count=3,
                          scope_text="厨卫翻新、更换入户门及铝合金窗、加装空调", scope_plumbing=True,
                          scope_doors_windows=True, scope_air_conditioning=True,
                          start_date=today - timedelta(days=10), planned_end_date=today + timedelta(days=50),
                          deposit=Decimal("3000.00"))
        renovation.before_save(reno)
        db.session.add(reno)
        db.session.commit()
    if stage == "draft":
        return
    with _acting(desk) as user:
        renovation.submit(reno, actor=user, comment="资料齐全，前台受理")
    if stage == "pending_overdue":
        reno.decision_due_at -= timedelta(days=4)
        reno.approval.submitted_at -= timedelta(days=4)
        db.session.commit()
    if stage.startswith("pending"):
        return
    for username in (tech, manager):
        with _acting(username) as user:
            approvals.approve(reno.approval, actor=user, comment="同意")
    if stage == "approved":
        return
    _start(reno, desk, cashier)
    _site(reno, stage, desk, tech)


def _start(reno, desk, cashier) -> None:
    bill = reno.deposit_bill
    if cashier:
        with _acting(cashier) as user:
            payments.pay([bill.id], "wechat", f"{bill.amount:.2f}", actor=user)
    else:
        payments.pay([bill.id], "wechat", f"{bill.amount:.2f}")
    with _acting(desk):
        renovation.sign_agreement(reno)
        renovation.start_work(reno)
        _passes(reno)


def _passes(reno) -> None:
    for n, name in enumerate(("刘师傅", "陈师傅"), start=1):
        body = f"44030519{80 + n}0{n}1{n}{reno.id % 1000:03d}"
        item = RenovationPass(renovation=reno, renovation_id=reno.id, holder_name=name,
                              id_number=body + id_check_char(body), phone="1370000000" + str(n),
                              valid_from=reno.start_date, valid_to=reno.planned_end_date)
        renovation.before_save(item)
        db.session.add(item)
        db.session.commit()


def _site(reno, stage, desk, tech) -> None:
    today = timeutil.today()
    with _acting(tech):
        ins = _inspect(reno, "现场文明施工，材料堆放整齐", "ok")
        if stage == "inspection_overdue":
            reno.work_started_on = today - timedelta(days=8)
            ins.inspected_at -= timedelta(days=4)
            db.session.commit()
            return
        if stage == "rectification":
            issue = _inspect(reno, "卫生间防水未做闭水试验，楼道堆放建筑垃圾", "issue")
            notice = RenovationRectification(inspection=issue, inspection_id=issue.id,
                                             issue="补做48小时闭水试验，当天清运建筑垃圾",
                                             deadline=today + timedelta(days=2))
            renovation.before_save(notice)
            db.session.add(notice)
            db.session.commit()
            return
    if stage != "refunded":
        return
    with _acting(desk):
        acc = renovation_sites.request_acceptance(reno, today)
    with _acting(tech):
        renovation_sites.record_acceptance(acc, "passed", "水电、防水、门窗验收合格")
    with _acting(desk) as user:
        refund = renovation_sites.request_refund(reno, [{"reason": "公共走廊地砖损坏修复", "amount": "300.00"},
                                                        {"reason": "建筑垃圾清运", "amount": "150.50"}], actor=user)
    with _acting("finance1") as user:
        approvals.approve(refund.approval, actor=user, comment="同意退还 2549.50 元")


def _inspect(reno, findings, result) -> RenovationInspection:
    item = RenovationInspection(renovation=reno, renovation_id=reno.id, findings=findings, result=result)
    renovation.before_save(item)
    db.session.add(item)
    db.session.commit()
    return item


def _find(center_id, contractor):
    return db.session.scalars(select(Renovation).where(
        Renovation.center_id == center_id, Renovation.contractor == contractor,
        Renovation.deleted_on.is_(None))).first()


def _extra_users(center) -> None:
    sm = current_app.appbuilder.sm
    for username, password, role in EXTRA_USERS:
        user = sm.find_user(username=username)
        if user is None:
            user = sm.add_user(username=username, first_name=username, last_name=role,
                               email=f"{username}@demo.invalid", role=sm.find_role(role), password=password)
        if [c.id for c in user.centers] != [center.id]:
            user.centers = [center]
    db.session.commit()


@contextmanager
def _acting(username: str):
    """A request context signed in as `username` (scope checks and audit trail)."""
    user = current_app.appbuilder.sm.find_user(username=username)
    with current_app.test_request_context():
        g.user = user
        yield user
