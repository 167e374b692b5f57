"""The SLA warnings and breaches waiting for a user (their inbox of deadlines)."""

from sqlalchemy import func, or_, select

from app import timeutil
from app.errors import NotFound
from app.extensions import db
from app.models.work_orders import SlaAlert
from app.security import role_names
from app.services import records


def for_user_query(user):
    """Unacknowledged alerts addressed to the user or to one of their roles, in their centres."""
    roles = role_names(user)
    return (
        records.scoped_select(SlaAlert)
        .where(SlaAlert.acknowledged_at.is_(None),
               or_(SlaAlert.notify_user_id == user.id, SlaAlert.notify_role.in_(roles or {""})))
        .order_by(SlaAlert.due_at)
    )


def count_for(user) -> int:
    return db.session.scalar(select(func.count()).select_from(for_user_query(user).order_by(None).subquery()))


def acknowledge(alert_id: int, *, actor) -> None:
    alert = db.session.scalars(for_user_query(actor).where(SlaAlert.id == alert_id)).first()
    if alert is None:
        raise NotFound("")
    alert.acknowledged_at = timeutil.now()
    db.session.commit()
