"""The 申请红冲 button of the payment screens (list row and detail page).

A mixin so that app/views/billing.py only names it: the action opens the
reversal form (app/views/cash.py PaymentReversalView.new), where the cashier
gives the reason and the request goes to 财务审批."""

from flask import abort, redirect, url_for
from flask_appbuilder.actions import action
from flask_babel import lazy_gettext as _l

from app.security import METHOD_PERMISSIONS, WRITE


class ReversalActions:
    method_permission_name = {**METHOD_PERMISSIONS, "request_reversal": WRITE}

    @action("request_reversal", _l("申请红冲"), multiple=False, single=True, icon="fa-undo")
    def request_reversal(self, item):
        if item is None:
            abort(404)
        return redirect(url_for("PaymentReversalView.new", payment_id=item.id))
