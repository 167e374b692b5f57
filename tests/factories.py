"""Build rows with sensible defaults (as the system, outside any request)."""

import itertools
from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.models.estate import Building, Household, ServiceCenter, Unit
from app.validators import id_check_char

_seq = itertools.count(1)


def center(code: str) -> ServiceCenter:
    return db.session.scalars(select(ServiceCenter).filter_by(code=code)).one()


def valid_id_number(n: int | None = None) -> str:
    n = next(_seq) if n is None else n
    body = f"11010519{80 + n % 20:02d}0{n % 9 + 1}1{n % 9}{n % 1000:03d}"
    return body + id_check_char(body)


def unique(prefix: str) -> str:
    return f"{prefix}{next(_seq):05d}"


def building(center_code: str = "SC01", **kw) -> Building:
    b = Building(center_id=center(center_code).id, name=kw.pop("name", unique("测试楼")), **kw)
    db.session.add(b)
    db.session.commit()
    return b


def unit(center_code: str = "SC01", **kw) -> Unit:
    b = kw.pop("building", None) or building(center_code)
    u = Unit(center_id=b.center_id, building=b, room_no=kw.pop("room_no", unique("R")),
             area=kw.pop("area", Decimal("88.80")), **kw)
    db.session.add(u)
    db.session.commit()
    return u


def household(center_code: str = "SC01", **kw) -> Household:
    u = kw.pop("unit", None) or unit(center_code)
    h = Household(
        center_id=u.center_id,
        unit=u,
        name=kw.pop("name", unique("业主")),
        kind=kw.pop("kind", "owner"),
        phone=kw.pop("phone", "13912345678"),
        id_number=kw.pop("id_number", valid_id_number()),
        **kw,
    )
    db.session.add(h)
    db.session.commit()
    return h


def first_id(model, center_code: str) -> int:
    return db.session.scalar(
        select(model.id).where(model.center_id == center(center_code).id).order_by(model.id)
    )


def pending_approvals(center_code: str, role: str, n_late: int, n_in_time: int, submitter="hr1") -> list[int]:
    """Pending one-step approvals waiting for `role`: n_late past their deadline (the most
    overdue first), then n_in_time due 1, 2, 3 … hours from now. request_type "perf_paging"."""
    from datetime import timedelta

    from flask import current_app

    from app import timeutil
    from app.models.approvals import Approval, ApprovalStep

    center_id = center(center_code).id
    by = current_app.appbuilder.sm.find_user(username=submitter).id
    now, first = timeutil.now(), next(_seq) * 1000
    ids = []
    for n in range(n_late + n_in_time):
        due = now - timedelta(hours=n_late + 1 - n) if n < n_late else now + timedelta(hours=n)
        a = Approval(request_type="perf_paging", request_id=first + n, chain_key="perf_paging",
                     title=f"分页审批测试 {first + n}", status="pending", current_step=1, required_role=role,
                     due_at=due, submitted_by_id=by, submitted_at=now - timedelta(days=1), center_id=center_id)
        a.steps.append(ApprovalStep(position=1, role=role, scope="center", label="分页测试审批", due_hours=24,
                                    due_at=due))
        db.session.add(a)
        db.session.flush()
        ids.append(a.id)
    db.session.commit()
    return ids
