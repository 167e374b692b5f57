"""时限预警: deadlines about to pass (warnings) and passed (breaches, escalations)."""

from flask import abort, g, redirect, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.errors import DomainError
from app.extensions import db
from app.security import RESOURCE_PERMISSIONS
from app.services import sla_alerts
from app.views.work_orders import CLOCK_LABELS

LEVELS = {"warning": _l("即将超时"), "breach": _l("已超时"), "escalation": _l("升级")}


class SlaAlertView(BaseView):
    route_base = "/slaalerts"
    default_view = "mine"
    class_permission_name = "WorkOrder"
    method_permission_name = {"mine": "read", "acknowledge": "read"}
    base_permissions = RESOURCE_PERMISSIONS

    @expose("/")
    @has_access
    def mine(self):
        alerts = db.session.scalars(sla_alerts.for_user_query(g.user).limit(200)).all()
        return self.render_template("work_orders/alerts.html", title=_("时限预警"), alerts=alerts,
                                    levels=LEVELS, clocks=CLOCK_LABELS)

    @expose("/acknowledge/<int:pk>", methods=["POST"])
    @has_access
    def acknowledge(self, pk):
        try:
            sla_alerts.acknowledge(pk, actor=g.user)
        except DomainError:
            abort(404)
        return redirect(url_for(".mine"))

