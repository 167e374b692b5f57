"""Generic rules for saving and deleting centre-scoped register rows.

Called by every ModelView and ModelRestApi hook, so the same checks hold on
the web form, the REST API and any action: the parent row exists and is in
the user's scope, the centre follows the parent, nothing is hard-deleted.
"""

from flask_babel import gettext as _
from sqlalchemy import inspect, select, update

from app import timeutil
from app.errors import NotFound, ScopeError
from app.extensions import db
from app.models.estate import ServiceCenter
from app.models.mixins import CenterScopedMixin, SoftDeleteMixin
from app.security import acting_user, center_scope, in_scope
from app.services.input_guard import int_in_range

#: model → fn(user) giving extra WHERE criteria for that user (e.g. a
#: technician sees only the work orders assigned to them). Registered by the
#: register's service module.
ROW_FILTERS: dict = {}


def visible(model) -> list:
    """WHERE criteria for the rows of `model` the current user may see:
    not soft-deleted, in the user's centres (the one scope rule), and any
    per-register row filter."""
    criteria = []
    if issubclass(model, SoftDeleteMixin):
        criteria.append(model.deleted_on.is_(None))
    column = getattr(model, "__center_column__", "center_id")
    scope = center_scope()
    if scope is not None and hasattr(model, column):
        criteria.append(getattr(model, column).in_(scope))
    user = acting_user()
    if model in ROW_FILTERS and user is not None:
        criteria.extend(ROW_FILTERS[model](user))
    return criteria


def lock_rows(model, ids) -> None:
    """Serialise writers of these rows until this transaction ends (ids in
    order: no deadlocks). PostgreSQL: row locks. SQLite: a no-op UPDATE takes
    the single write lock, so the next writer waits (busy timeout) and then
    sees our commit."""
    ids = sorted(ids)
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(model.id).where(model.id.in_(ids)).order_by(model.id).with_for_update())
    else:
        db.session.execute(update(model).where(model.id.in_(ids)).values(id=model.id)
                           .execution_options(synchronize_session=False))


def scoped_select(model):
    """SELECT of the rows of `model` the current user may see."""
    return select(model).where(*visible(model))


def scoped_get(model, pk):
    """One visible row by id, or None (other centres' rows do not exist for you)."""
    if pk is None:
        return None
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    if not int_in_range(pk):  # no such id; the database would overflow rather than say so
        return None
    return db.session.scalars(scoped_select(model).where(model.id == pk)).first()


def resolve_center(item) -> None:
    """Take the centre from the parent row, which must be visible to the user."""
    if not isinstance(item, CenterScopedMixin):
        return
    parent_name = type(item).__parent__
    if parent_name:
        rel = getattr(type(item), parent_name).property
        parent = scoped_get(rel.mapper.class_, _chosen_id(item, parent_name))
        if parent is None:
            raise NotFound(_("所选的上级记录不存在或不在您的服务中心范围内"))
        setattr(item, parent_name, parent)
        item.center_id = parent.center_id
    else:
        chosen = _chosen_id(item, "center")
        if chosen is not None and scoped_get(ServiceCenter, chosen) is None:
            raise NotFound(_("所选的服务中心不存在或不在您的服务中心范围内"))
        item.center_id = chosen
    if item.center_id is None:
        raise NotFound(_("请选择服务中心"))
    if not in_scope(item.center_id):
        raise ScopeError(_("该记录不属于您所在的服务中心"))


def _chosen_id(item, relation: str):
    """The id the user picked: a form sets the relation, the API sets `<relation>_id`."""
    fk = f"{relation}_id"
    if inspect(item).attrs[fk].history.has_changes():
        return getattr(item, fk)
    related = getattr(item, relation)
    if related is not None and related.id is not None:
        return related.id
    return getattr(item, fk)


def soft_delete(item) -> None:
    """Mark the row deleted (lists hide it; the audit log keeps it)."""
    if isinstance(item, CenterScopedMixin) and not in_scope(item.center_id):
        raise ScopeError(_("该记录不属于您所在的服务中心"))
    user = acting_user()
    item.deleted_on = timeutil.now()
    item.deleted_by_id = user.id if user else None
