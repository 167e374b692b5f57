"""FAB's action routes, made to answer 404 for a row that is not there.

FAB passes `datamodel.get(pk)` straight to the action function, so an action
on a missing or out-of-scope row (the scoped interface returns None) ended in
a 500. The permission check stays FAB's own and runs first: a user without
the action's permission is still refused the same way.

FAB also hands a single-row action (multiple=False) the list of rows posted
to /action_post, and a list-only action (single=False, e.g. FAB's copyrole)
the one row of /action/<name>/<pk>: both were 500s. Each gets what it
takes; several rows for a single-row action are refused with a message. A
database refusal inside an action (FAB's copyrole run twice: the copy's
name exists) is rolled back and shown, not a 500.
"""

from flask import abort, flash, redirect, request
from flask_appbuilder import expose
from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError


class MissingRowGuard:
    """Mixed into every ModelView that has actions."""

    def _may_run(self, name) -> bool:
        return name in (self.actions or {}) and self.appbuilder.sm.has_access(
            self.get_action_permission_name(name), self.class_permission_name)

    @expose("/action/<string:name>/<pk>", methods=["GET", "POST"])
    def action(self, name, pk):
        if self._may_run(name) and self.datamodel.get(self._deserialize_pk_if_composite(pk)) is None:
            abort(404)
        if name not in (self.actions or {}):
            abort(404)
        if self._may_run(name) and not self.actions[name].single:
            return self._guarded(self.actions[name].func, [self.datamodel.get(self._deserialize_pk_if_composite(pk))])
        return self._guarded(super().action, name, pk)

    @expose("/action_post", methods=["POST"])
    def action_post(self):
        name = request.form.get("action")
        if name not in (self.actions or {}):
            abort(404)
        pks = request.form.getlist("rowid")
        if self._may_run(name) and (not pks or any(
                self.datamodel.get(self._deserialize_pk_if_composite(pk)) is None for pk in pks)):
            abort(404)
        if self._may_run(name) and not self.actions[name].multiple:
            if len(pks) > 1:
                flash(_("此操作一次只能处理一条记录"), "danger")
                return redirect(self.get_redirect())
            return self._guarded(self.actions[name].func,
                                 self.datamodel.get(self._deserialize_pk_if_composite(pks[0])))
        return self._guarded(super().action_post)

    def _guarded(self, fn, *args):
        try:
            return fn(*args)
        except SQLAlchemyError:
            self.datamodel.session.rollback()
            flash(_("与已有记录重复或冲突（如编号已被使用），请检查后重试"), "danger")
            return redirect(self.get_redirect())
