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
