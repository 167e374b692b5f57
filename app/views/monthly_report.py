"""月度工作报告 page and its Excel workbook (`/monthlyreport/`, `/monthlyreport/download`).

`?period=YYYY-MM` (default: last month) and `?center=<id or code>` (default:
the first centre the user sees). Both pages render the same blocks
(app.services.monthly_report_sheets); a centre outside the user's scope is
404, a bad or future period a clear message.
"""

import os
import tempfile
from datetime import timedelta
from decimal import Decimal

from flask import abort, after_this_request, flash, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _

from app import timeutil
from app.errors import DomainError, NotFound
from app.reports.monthly_workbook import Hours, Percent
from app.security import EXPORT, READ
from app.services import monthly_report, monthly_report_sheets


def last_month() -> str:
    return (timeutil.today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")


def display(value) -> str:
    """A cell as the page shows it (the workbook formats the same values)."""
    if value is None:
        return "—"
    if isinstance(value, Percent):
        return f"{value}%"
    if isinstance(value, Hours):
        return str(value)
    if isinstance(value, Decimal):
        return f"¥{value:,.2f}"
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d %H:%M") if hasattr(value, "hour") else value.isoformat()
    return str(value)


class MonthlyReportView(BaseView):
    """月度工作报告: one centre, one month, every register's figures; Excel to print."""

    route_base = "/monthlyreport"
    default_view = "month"
    class_permission_name = "MonthlyReport"
    method_permission_name = {"month": READ, "download": EXPORT}
    base_permissions = ["can_read", "can_export"]

    def _args(self):
        centers = monthly_report.visible_centers()
        period = (request.args.get("period") or last_month()).strip()
        ref = (request.args.get("center") or "").strip() or (str(centers[0].id) if centers else "")
        return centers, period, ref

    def _build(self, period, ref):
        """The report, or abort(404) for a centre the user cannot see."""
        try:
            return monthly_report.build(ref, period)
        except NotFound:
            abort(404)

    @expose("/")
    @has_access
    def month(self):
        centers, period, ref = self._args()
        report, status = None, 200
        try:
            report = self._build(period, ref) if centers else None
        except DomainError as e:
            flash(str(e), "danger")
            status = e.status
        page = self.render_template(
            "monthly_report/month.html", title=_("月度工作报告"), centers=centers, period=period, report=report,
            sheets=monthly_report_sheets.sheets(report) if report else [], display=display,
            subtitle=monthly_report_sheets.subtitle(report) if report else "")
        return page, status

    @expose("/download")
    @has_access
    def download(self):
        _centers, period, ref = self._args()
        try:
            report = self._build(period, ref)
        except DomainError as e:
            flash(str(e), "danger")
            return redirect(url_for(".month", center=ref or None))
        fd, path = tempfile.mkstemp(suffix=".xlsx")
        os.close(fd)
        monthly_report_sheets.write_file(report, path)

        @after_this_request
        def _cleanup(response):
            response.call_on_close(lambda: os.path.exists(path) and os.remove(path))
            return response

        return send_file(path, as_attachment=True, download_name=monthly_report_sheets.file_name(report))
