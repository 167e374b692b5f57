"""经营看板 (issue 7): the centre manager's landing page; gm/admin see every
centre with a per-centre table. The figures come from app.services.dashboard;
this view only picks the centres in the user's scope, the clock, and shapes
the chart data (JSON read by static/js/dashboard.js: no inline script)."""

from flask import current_app, redirect, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder import IndexView as FabIndexView
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import timeutil
from app.extensions import db
from app.models.estate import ServiceCenter
from app.reports.chinese_amount import money
from app.security import center_scope
from app.services import dashboard, records
from app.workflows.arrears import BUCKET_KEYS

KPI_LABELS = {
    "timely_rate": _l("零修急修及时率"), "pass_rate": _l("维修合格率"), "rework_rate": _l("返修率"),
    "callback_rate": _l("回访率"), "satisfaction_rate": _l("满意率"),
}
BUCKET_LABELS = {"0-1": _l("1个月内"), "1-3": _l("1-3个月"), "3-6": _l("3-6个月"), "6-18": _l("6-18个月"),
                 "18+": _l("18个月以上")}
#: The monthly workbook (helper "report", issue 7): linked once that page exists.
MONTHLY_REPORT_URL = "/monthlyreport/"


def _number(value):
    """Decimal → str for the chart JSON (the page's tables show the exact figures)."""
    return None if value is None else str(value)


def chart_data(d: dashboard.Dashboard) -> dict:
    """What the charts draw; every figure also stands in a table on the page."""
    kpi_keys = list(dashboard.KPI_KEYS)
    return {
        "kpis": {"labels": [str(KPI_LABELS[k]) for k in kpi_keys],
                 "series": [{"name": _("本月"), "values": [_number(getattr(d.total.kpis, k)) for k in kpi_keys]},
                            {"name": _("上月"), "values": [_number(getattr(d.total.kpis_last, k)) for k in kpi_keys]}]},
        "aging": {"labels": [str(BUCKET_LABELS[k]) for k in BUCKET_KEYS],
                  "values": [_number(b["principal"] + b["late_fees"]) for b in d.aging], "name": _("欠费金额")},
        "parking": {"labels": [area or _("未分区") for area in d.parking_areas],
                    "series": [{"name": _("已出租"), "values": [r for r, _t in d.parking_areas.values()]},
                               {"name": _("空闲"), "values": [t - r for r, t in d.parking_areas.values()]}]},
        "centres": {"labels": [c.name for c in d.centres],
                    "series": [{"name": _("在办工单"), "values": [c.open_orders for c in d.centres]},
                               {"name": _("超时工单"), "values": [c.overdue_orders for c in d.centres]}]},
    }


def _arrears_cache() -> dashboard.ArrearsCache:
    """One per app (per process), sized by the config."""
    ext = current_app.extensions
    if "dashboard_arrears" not in ext:
        ext["dashboard_arrears"] = dashboard.ArrearsCache(current_app.config.get("DASHBOARD_ARREARS_SECONDS", 0))
    return ext["dashboard_arrears"]


class DashboardView(BaseView):
    """经营看板 of the user's centres. The arrears figures are kept
    DASHBOARD_ARREARS_SECONDS per scope (dashboard.ArrearsCache); the page says when."""

    route_base = "/dashboard"
    default_view = "index"
    class_permission_name = "Dashboard"
    method_permission_name = {"index": "read"}
    base_permissions = ["can_read"]

    @expose("/")
    @has_access
    def index(self):
        ids = db.session.scalars(records.scoped_select(ServiceCenter).with_only_columns(ServiceCenter.id)).all()
        d = dashboard.build(ids, timeutil.now(), _arrears_cache())
        monthly = any(r.rule == MONTHLY_REPORT_URL for r in current_app.url_map.iter_rules())
        return self.render_template("dashboard/index.html", title=_("经营看板"), d=d, charts=chart_data(d),
                                    company_wide=center_scope() is None, kpi_labels=KPI_LABELS,
                                    bucket_labels=BUCKET_LABELS, money=money,
                                    monthly_url=MONTHLY_REPORT_URL if monthly else None)


class IndexView(FabIndexView):
    """"/": those who hold the dashboard (centre managers, gm, admin) land on it;
    everyone else keeps FAB's welcome page and their menu."""

    @expose("/")
    def index(self):
        if self.appbuilder.sm.has_access("can_read", "Dashboard"):
            return redirect(url_for("DashboardView.index"))
        return super().index()

