"""催缴记录: recording a contact with a household in arrears.

The household must be visible to the user (centre scope); the time is the
server's and the recorder the signed-in user, both set on recording and
never editable; a 承诺缴费 result needs the promised date.
"""

from flask_babel import gettext as _
from sqlalchemy import inspect

from app import timeutil
from app.errors import DomainError
from app.extensions import db
from app.models.collections import CONTACT_METHODS, CONTACT_RESULTS, ArrearsContact
from app.security import acting_user
from app.services import records


def before_save(item: ArrearsContact) -> None:
    with db.session.no_autoflush:
        records.resolve_center(item)
        if item.method not in CONTACT_METHODS:
            raise DomainError(_("催缴方式无效，可选：电话、短信、书面催缴通知、律师函、诉讼"))
        item.result = item.result or "other"
        if item.result not in CONTACT_RESULTS:
            raise DomainError(_("催缴结果无效，可选：承诺缴费、拒缴、无人接听、已送达、已缴费、其他"))
        if item.result == "promised" and item.promised_date is None:
            raise DomainError(_("承诺缴费请填写承诺缴费日期"))
        item.note = (item.note or "").strip() or None
        if item.id is None:
            user = acting_user()
            item.contacted_at = timeutil.now()
            item.user_id = user.id if user is not None else None
        else:
            _keep(item, "contacted_at")
            _keep(item, "user_id")


def _keep(item, attr) -> None:
    """Who and when are the server's record: an edit cannot move them."""
    hist = inspect(item).attrs[attr].history
    if hist.deleted:
        setattr(item, attr, hist.deleted[0])


def before_delete(item: ArrearsContact) -> None:
    records.soft_delete(item)


def record(item: ArrearsContact) -> ArrearsContact:
    """Record one contact (the 本月催缴 page's form); one commit, nothing written on refusal."""
    try:
        before_save(item)
        db.session.add(item)
        db.session.commit()
    except DomainError:
        db.session.rollback()
        raise
    return item
