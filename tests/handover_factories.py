"""A service centre of its own for the handover and swap tests (posts, shifts,
logins), so rows other test modules leave behind (open major complaints in
SC01 …) never change what these tests prove."""

import itertools
from datetime import time

from sqlalchemy import select

from app.extensions import db
from app.models.estate import ServiceCenter
from app.models.handover import Post, RotaEntry, Shift
from app.models.work_orders import WorkOrder
from app.services import work_orders as wo
from tests import factories

PASSWORD = "Handover-Test-9"  # noqa: S105 - test logins only
ROLES = {"fd_a": "frontdesk", "fd_b": "frontdesk", "fd_c": "frontdesk", "sup_a": "supervisor",
         "sup_b": "supervisor", "sup_c": "supervisor", "tech": "technician", "mgr": "center_manager"}
_seq = itertools.count(1)


def make_world(app, code: str) -> dict:
    """Centre `code` with posts FD (前台) / ENG (工程), shifts 早 中 夜 and one login per ROLES key
    (username f"{code.lower()}_{key}", password PASSWORD). Returns ids and usernames."""
    sm = app.appbuilder.sm
    with app.app_context():
        center = db.session.scalars(select(ServiceCenter).filter_by(code=code)).first()
        if center is None:
            center = ServiceCenter(code=code, name=f"{code}测试服务中心")
            db.session.add(center)
            db.session.commit()
        world = {"center_id": center.id, "code": code, "users": {}}
        for key, role in ROLES.items():
            name = f"{code.lower()}_{key}"
            user = sm.find_user(username=name) or sm.add_user(
                username=name, first_name=name, last_name=role, email=f"{name}@test.invalid",
                role=sm.find_role(role), password=PASSWORD)
            user.centers = [db.session.get(ServiceCenter, center.id)]
            db.session.commit()
            world["users"][key] = {"id": user.id, "name": name}
        for pcode, pname, cat in (("FD", "前台", "frontdesk"), ("ENG", "工程", "engineering")):
            post = db.session.scalars(select(Post).filter_by(center_id=center.id, code=pcode)).first()
            if post is None:
                post = Post(center_id=center.id, code=pcode, name=pname, category=cat,
                            checklist_items="对讲机、钥匙、现金、资料", active=True)
                db.session.add(post)
                db.session.commit()
            world[pcode] = post.id
        for sname, start, end in (("早", time(8), time(16)), ("中", time(16), time(0)), ("夜", time(0), time(8))):
            shift = db.session.scalars(select(Shift).filter_by(center_id=center.id, name=sname)).first()
            if shift is None:
                shift = Shift(center_id=center.id, name=sname, start=start, end=end)
                db.session.add(shift)
                db.session.commit()
            world[sname] = shift.id
    return world


def uid(world, key) -> int:
    return world["users"][key]["id"]


def uname(world, key) -> str:
    return world["users"][key]["name"]


def open_order(app, world, kind="complaint", severity="minor", **kw) -> dict:
    """An open work order of the world's centre (as the system)."""
    with app.app_context():
        household = factories.household(world["code"])
        order = WorkOrder(kind=kind, severity=severity, source=kw.pop("source", "phone"),
                          repair_scope=kw.pop("repair_scope", "indoor" if kind == "repair" else None),
                          household_id=household.id,
                          description=kw.pop("description", f"测试工单{next(_seq)}"), **kw)
        wo.before_save(order)
        db.session.add(order)
        db.session.commit()
        return {"id": order.id, "order_no": order.order_no}


def set_status(app, order_id: int, status: str) -> None:
    with app.app_context():
        db.session.get(WorkOrder, order_id).status = status
        db.session.commit()


def rota(app, world, day, post: str, shift: str, key: str) -> int:
    with app.app_context():
        entry = RotaEntry(center_id=world["center_id"], day=day, post_id=world[post], shift_id=world[shift],
                          user_id=uid(world, key))
        db.session.add(entry)
        db.session.commit()
        return entry.id
