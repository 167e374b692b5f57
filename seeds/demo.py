"""Demo data for `flask seed`: two centres, ~200 units and households, one user per role.

Idempotent: every row is looked up by its natural key before it is added,
so running the seed twice adds nothing.
"""

from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.models.estate import Building, Household, ServiceCenter, Unit
from app.security import COMPANY_WIDE_ROLES, ROLES
from app.services.reference import sync_reference_data
from app.validators import id_check_char
from seeds.billing import load_billing
from seeds.personnel import load_personnel
from seeds.work_orders import load_work_orders

CENTERS = [
    ("SC01", "阳光花园服务中心", "深圳市南山区阳光路1号", "0755-26000001", Decimal("85000.00")),
    ("SC02", "锦绣华庭服务中心", "深圳市福田区锦绣路8号", "0755-83000002", Decimal("64000.00")),
]
BUILDINGS_PER_CENTER = 5
FLOORS = 5
ROOMS_PER_FLOOR = 4
AREAS = (Decimal("89.50"), Decimal("120.35"), Decimal("68.20"), Decimal("143.80"))
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ("伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超")


def demo_users():
    """(username, password, role, centre codes): `<role>1` / `demo-<role>`, plus frontdesk2."""
    users = []
    for role in ROLES:
        centres = [] if role in COMPANY_WIDE_ROLES else ["SC01"]
        users.append((f"{role}1", f"demo-{role}", role, centres))
    users.append(("frontdesk2", "demo-frontdesk", "frontdesk", ["SC02"]))
    users.append(("frontdesk3", "demo-frontdesk", "frontdesk", ["SC01"]))  # shift handover: the second SC01 desk
    return users


def _id_number(seq: int) -> str:
    body = f"440305{1960 + seq % 40:04d}{seq % 12 + 1:02d}{seq % 28 + 1:02d}{seq % 1000:03d}"
    return body + id_check_char(body)


def _get_or_add(model, defaults=None, **key):
    row = db.session.scalars(select(model).filter_by(deleted_on=None, **key)).first()
    if row is None:
        row = model(**key, **(defaults or {}))
        db.session.add(row)
        db.session.flush()
    return row


def _seed_center(index: int, spec, counts) -> ServiceCenter:
    code, name, address, phone, area = spec
    center = _get_or_add(
        ServiceCenter, code=code, defaults={"name": name, "address": address, "phone": phone, "managed_area": area}
    )
    for b in range(1, BUILDINGS_PER_CENTER + 1):
        building = _get_or_add(Building, center_id=center.id, name=f"{b}栋", defaults={"floors": FLOORS})
        existing = {u.room_no: u for u in db.session.scalars(select(Unit).filter_by(building_id=building.id))}
        for floor in range(1, FLOORS + 1):
            for room in range(1, ROOMS_PER_FLOOR + 1):
                room_no = f"{floor}{room:02d}"
                if room_no in existing:
                    continue
                seq = index * 1000 + b * 100 + floor * 10 + room
                unit = Unit(center_id=center.id, building=building, room_no=room_no, area=AREAS[room - 1])
                owner = Household(
                    center_id=center.id,
                    unit=unit,
                    name=SURNAMES[seq % len(SURNAMES)] + GIVEN[seq % len(GIVEN)] + GIVEN[(seq // 7) % len(GIVEN)],
                    kind="tenant" if seq % 9 == 0 else "owner",
                    phone=f"13{seq % 10}{seq:08d}"[:11],
                    id_number=_id_number(seq),
                )
                db.session.add_all([unit, owner])
                counts["units"] += 1
    return center


def _seed_users(centers: dict[str, ServiceCenter], counts) -> None:
    sm = current_app.appbuilder.sm
    for username, password, role_name, centre_codes in demo_users():
        user = sm.find_user(username=username)
        if user is None:
            user = sm.add_user(
                username=username,
                first_name=username,
                last_name=str(ROLES[role_name]),
                email=f"{username}@demo.invalid",
                role=sm.find_role(role_name),
                password=password,
            )
            counts["users"] += 1
        user.centers = [centers[c] for c in centre_codes]
    db.session.commit()


def database_has_data() -> bool:
    return db.session.scalar(select(ServiceCenter.id).limit(1)) is not None


def load_demo(progress=print) -> dict[str, int]:
    sync_reference_data()
    counts = {"units": 0, "users": 0}
    centers = {}
    for index, spec in enumerate(CENTERS, start=1):
        centers[spec[0]] = _seed_center(index, spec, counts)
        db.session.commit()
        progress(f"  centre {spec[0]} ready")
    _seed_users(centers, counts)
    counts.update(load_personnel(progress))
    counts["work_orders"] = load_work_orders(progress)
    from seeds.handover import load_handover  # shift handover (交接班)

    counts.update(load_handover(progress))
    counts.update(load_billing(progress))  # fees: items, rates, readings, parking, 3 months of bills
    from seeds.payments import load_payments  # desk (issue 5): demo payments

    counts["payments"] = load_payments(progress)
    # 装修 renovation (issue 6): applications in every state, after the users and work orders
    from seeds.renovation import load_renovation

    counts["renovations"] = load_renovation(progress)
    _read_history()
    return counts


def _read_history() -> None:
    """The seed dispatches months of orders: their "assigned to you" notifications are history,
    read already; only those of orders still open stay unread (待办与通知)."""
    from sqlalchemy import update

    from app import timeutil
    from app.models.notifications import Notification
    from app.models.work_orders import WorkOrder
    from app.workflows.work_orders import OPEN_STATES

    done = select(WorkOrder.id).where(WorkOrder.status.not_in(OPEN_STATES))
    db.session.execute(update(Notification).where(
        Notification.read_at.is_(None), Notification.target_type == "work_order", Notification.target_id.in_(done),
    ).values(read_at=timeutil.now()))
    db.session.commit()
