"""Rules of the estate archive (业户档案)."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, inspect, select

from app.errors import Conflict, DomainError
from app.extensions import db
from app.models.estate import Building, Household, ServiceCenter, Unit
from app.services import records
from app.validators import check_id_number, check_phone, is_masked, mask_id_number

#: What must be empty before a row can be deleted: model → (child model, fk, message).
_CHILDREN = {
    ServiceCenter: (Building, "center_id", _l("该服务中心下仍有楼栋，不能删除")),
    Building: (Unit, "building_id", _l("该楼栋下仍有房屋单元，不能删除")),
    Unit: (Household, "unit_id", _l("该房屋单元下仍有业户，不能删除")),
}


def before_save(item) -> None:
    """Checks shared by add and edit, on every route."""
    with db.session.no_autoflush:
        _before_save(item)


def _before_save(item) -> None:
    records.resolve_center(item)
    if isinstance(item, Household):
        _household(item)
    if isinstance(item, Unit) and item.area is not None and item.area <= 0:
        raise DomainError(_("建筑面积必须大于0"))
    _check_unique(item)


def _household(item: Household) -> None:
    if item.kind not in ("owner", "tenant"):
        raise DomainError(_("业户类型只能是业主或租户"))
    try:
        item.phone = check_phone(item.phone)
    except ValueError as e:
        raise DomainError(str(e)) from None
    if is_masked(item.id_number):
        item.id_number = _unmask(item)
    if item.id_number:
        try:
            item.id_number = check_id_number(item.id_number)
        except ValueError as e:
            raise DomainError(str(e)) from None
    else:
        item.id_number = None


def _unmask(item: Household) -> str:
    """A masked value sent back unchanged keeps the stored number."""
    hist = inspect(item).attrs.id_number.history
    previous = hist.deleted[0] if hist.deleted else None
    if previous and mask_id_number(previous) == item.id_number:
        return previous
    raise DomainError(_("请输入完整的身份证号"))


_UNIQUE = {
    ServiceCenter: (("code",), _l("服务中心编号已存在")),
    Building: (("center_id", "name"), _l("该服务中心已有同名楼栋")),
    Unit: (("building_id", "room_no"), _l("该楼栋已有此房号")),
}


def _check_unique(item) -> None:
    rule = _UNIQUE.get(type(item))
    if rule is None:
        return
    cols, message = rule
    model = type(item)
    stmt = select(func.count()).select_from(model).where(model.deleted_on.is_(None))
    for col in cols:
        stmt = stmt.where(getattr(model, col) == getattr(item, col))
    if item.id is not None:
        stmt = stmt.where(model.id != item.id)
    if db.session.scalar(stmt):
        raise Conflict(message)


def before_delete(item) -> None:
    """Refuse to orphan children; then soft-delete."""
    child = _CHILDREN.get(type(item))
    if child is not None:
        model, fk, message = child
        stmt = (
            select(func.count())
            .select_from(model)
            .where(getattr(model, fk) == item.id, model.deleted_on.is_(None))
        )
        if db.session.scalar(stmt):
            raise Conflict(message)
    records.soft_delete(item)
