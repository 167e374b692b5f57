"""Optimistic locking on the screens and API of registers staff edit together (issue 9 §3).

The edit form carries the row's version in a hidden field and the API takes
`version` in the PUT body (GET shows it). A save based on an older version is
refused with 409 "此记录已被他人修改，请刷新后重试" before anything is written;
two saves in the same instant are caught by the UPDATE itself (version_id_col,
see VersionedMixin), which ScopedInterface turns into the same refusal.
A request without a version (API clients written before it, scripts posting
the form) is still accepted: the form rendered by the app always sends one.
"""

from flask import request
from sqlalchemy import select
from wtforms import HiddenField

from app.errors import Conflict
from app.extensions import db
from app.services import records
from app.views.errors import STALE_MESSAGE

VERSION_FIELD = "row_version"


def check_version(item, submitted) -> None:
    """Raise Conflict when the client's version is not the row's current one.

    The row is locked first and its version read afresh, so the check and the write
    that follows happen under one lock until commit: a save that read the row just
    before another one committed cannot pass the check and then write over it (seen
    once on PostgreSQL with six simultaneous saves, two answered 200)."""
    if submitted in (None, ""):
        return
    model = type(item)
    with db.session.no_autoflush:  # the form's values are on the row already: not yet written
        records.lock_rows(model, [item.id])
        current = db.session.scalar(select(model.version).where(model.id == item.id))
    try:
        stale = int(submitted) != current or item.version != current
    except (TypeError, ValueError):
        stale = True
    if stale:
        raise Conflict(STALE_MESSAGE)


class VersionedEditView:
    """ModelView mixin: put VERSION_FIELD in edit_columns and edit_form_extra_fields."""

    version_extra_fields = {VERSION_FIELD: HiddenField()}

    def prefill_form(self, form, pk):
        super().prefill_form(form, pk)
        form[VERSION_FIELD].data = self.datamodel.get(pk).version

    def pre_update(self, item):
        try:
            check_version(item, request.form.get(VERSION_FIELD))
        except Conflict:
            db.session.rollback()  # the form's values are already on the row: drop them
            raise
        super().pre_update(item)


class VersionedApi:
    """ModelRestApi mixin: `version` in the PUT body is checked, never written."""

    def put_headless(self, pk):
        body = request.get_json(silent=True)
        submitted = body.pop("version", None) if isinstance(body, dict) else None
        item = self.datamodel.get(pk, self._base_filters)
        if item is not None and submitted is not None:
            try:
                check_version(item, submitted)
            except Conflict as e:
                db.session.rollback()  # release the row lock at once
                return self._refusal(e)
        return super().put_headless(pk)
