"""欠费 pages: 本月催缴, 欠费账龄 (per centre/building and per household),
业主委员会报告, the printable 催缴通知书 (HTML and PDF), each Excel export.

Every page reads through app.services.arrears, which applies the caller's
centre scope; `?date=YYYY-MM-DD` looks at another day (default today,
server time), `?center=<id>` narrows to one visible centre.
"""

import os
import tempfile
from datetime import date

from flask import abort, after_this_request, request, send_file
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import timeutil
from app.errors import NotFound
from app.extensions import db
from app.models.collections import CONTACT_METHODS, CONTACT_RESULTS
from app.models.estate import ServiceCenter
from app.reports.arrears_report import write_sheets
from app.services import arrears, records
from app.workflows.arrears import BUCKET_KEYS

BUCKET_LABELS = {"0-1": _l("0–1个月"), "1-3": _l("1–3个月"), "3-6": _l("3–6个月"), "6-18": _l("6–18个月"),
                 "18+": _l("18个月以上")}
ACTION_LABELS = {"reminder": _l("电话/短信提醒"), "notice": _l("书面催缴通知"), "lawyer_letter": _l("律师函"),
                 "litigation": _l("诉讼")}
#: The contact method the 本月催缴 form proposes for each pending action.
ACTION_METHOD = {"reminder": "phone", "notice": "notice", "lawyer_letter": "lawyer_letter",
                 "litigation": "litigation"}


def _send(path: str, name: str):
    @after_this_request
    def _cleanup(response):
        response.call_on_close(lambda: os.path.exists(path) and os.remove(path))
        return response

    return send_file(path, as_attachment=True, download_name=name)


def _tempfile(suffix: str) -> str:
    fd, path = tempfile.mkstemp(suffix=suffix)
    os.close(fd)
    return path


class ArrearsView(BaseView):
    route_base = "/arrears"
    default_view = "due"
    class_permission_name = "Arrears"
    method_permission_name = {"due": "read", "aging": "read", "committee": "read", "notice": "read",
                              "notice_pdf": "read", "aging_export": "export", "committee_export": "export"}
    base_permissions = ["can_read", "can_export"]

    # -- parameters ----------------------------------------------------------
    def _as_of(self) -> date:
        raw = request.args.get("date")
        if not raw:
            return timeutil.today()
        try:
            return date.fromisoformat(raw)
        except ValueError:
            abort(400)

    def _centers(self):
        """(visible centres, the chosen ids or None for all visible)."""
        centers = db.session.scalars(records.scoped_select(ServiceCenter).order_by(ServiceCenter.code)).all()
        chosen = request.args.get("center", type=int)
        if chosen is None:
            return centers, None
        if chosen not in {c.id for c in centers}:
            abort(404)
        return centers, [chosen]

    def _context(self, **kw):
        centers, chosen = self._centers()
        return {"as_of": self._as_of(), "centers": centers, "center_id": chosen[0] if chosen else None,
                "bucket_labels": BUCKET_LABELS, "buckets": BUCKET_KEYS, "action_labels": ACTION_LABELS, **kw}

    # -- pages ---------------------------------------------------------------
    @expose("/due/")
    @has_access
    def due(self):
        """本月催缴: what the escalation rule asks for this month, not yet recorded."""
        ctx = self._context()
        rows = arrears.due_this_month(ctx["as_of"], self._centers()[1])
        can_record = self.appbuilder.sm.has_access("can_write", "ArrearsContact")
        return self.render_template("arrears/due.html", title=_("本月催缴"), rows=rows, can_record=can_record,
                                    methods=CONTACT_METHODS, results=CONTACT_RESULTS, action_method=ACTION_METHOD,
                                    **ctx)

    @expose("/aging/")
    @has_access
    def aging(self):
        ctx = self._context()
        chosen = self._centers()[1]
        return self.render_template("arrears/aging.html", title=_("欠费账龄"),
                                    report=arrears.aging_report(ctx["as_of"], chosen),
                                    households=arrears.household_arrears(ctx["as_of"], chosen), **ctx)

    @expose("/committee/")
    @has_access
    def committee(self):
        ctx = self._context()
        return self.render_template("arrears/committee.html", title=_("业主委员会欠费报告"),
                                    rows=arrears.committee_list(ctx["as_of"], self._centers()[1]), **ctx)

    @expose("/notice/<int:household_id>")
    @has_access
    def notice(self, household_id):
        """催缴通知书: prints on A4 (css/print.css)."""
        try:
            data = arrears.notice(household_id, self._as_of())
        except NotFound:
            abort(404)
        return self.render_template("arrears/notice.html", title=_("催缴通知书"), **data)

    @expose("/notice/<int:household_id>/pdf")
    @has_access
    def notice_pdf(self, household_id):
        from app.reports.arrears_notice_pdf import write_notice

        try:
            data = arrears.notice(household_id, self._as_of())
        except NotFound:
            abort(404)
        path = _tempfile(".pdf")
        write_notice(path, data, _labels_for_pdf(data["as_of"]))
        return _send(path, f"notice-{household_id}-{data['as_of']:%Y%m%d}.pdf")

    # -- exports -------------------------------------------------------------
    @expose("/aging/export")
    @has_access
    def aging_export(self):
        as_of, chosen = self._as_of(), self._centers()[1]
        heading = _("欠费账龄 截至 %(date)s", date=as_of.isoformat())
        summary_headers = [_("服务中心"), _("楼栋")]
        for key in BUCKET_KEYS:
            label = str(BUCKET_LABELS[key])
            summary_headers += [f"{label} {_('户数')}", f"{label} {_('欠费本金')}", f"{label} {_('滞纳金')}"]
        summary_headers += [_("合计户数"), _("合计欠费本金"), _("合计滞纳金")]
        summary = ([g["center"], g["building"],
                    *[v for key in BUCKET_KEYS for v in (g["buckets"][key]["count"], g["buckets"][key]["principal"],
                                                         g["buckets"][key]["late_fees"])],
                    g["count"], g["principal"], g["late_fees"]] for g in arrears.aging_report(as_of, chosen))
        path = _tempfile(".xlsx")
        write_sheets(path, [(_("汇总"), heading, summary_headers, summary),
                            (_("业户明细"), heading, *_household_sheet(arrears.household_arrears(as_of, chosen)))])
        return _send(path, f"arrears-aging-{as_of:%Y%m%d}.xlsx")

    @expose("/committee/export")
    @has_access
    def committee_export(self):
        as_of, chosen = self._as_of(), self._centers()[1]
        heading = _("业主委员会欠费报告 截至 %(date)s", date=as_of.isoformat())
        path = _tempfile(".xlsx")
        write_sheets(path, [(_("业主委员会报告"), heading,
                             *_household_sheet(arrears.committee_list(as_of, chosen)))])
        return _send(path, f"arrears-committee-{as_of:%Y%m%d}.xlsx")


def _household_sheet(rows):
    headers = [_("服务中心"), _("楼栋"), _("房号"), _("业户"), _("电话"), _("最早应缴日期"), _("欠费月数"),
               _("账龄"), _("欠费本金"), _("滞纳金"), _("合计"), _("大客户")]
    data = ([r.household.center.name if r.household.center else "", r.building,
             r.household.unit.room_no if r.household.unit else "", r.household.name, r.household.phone or "",
             r.oldest_due, r.months, str(BUCKET_LABELS[r.bucket]), r.principal, r.late_fees, r.total,
             _("是") if r.is_large else _("否")] for r in rows)
    return headers, data


def _labels_for_pdf(as_of: date) -> dict:
    return {"title": _("催缴通知书"), "center": _("服务中心"), "phone": _("联系电话"), "date": _("日期"),
            "household": _("业户"), "unit": _("房号"), "period": _("账期"), "item": _("收费项目"),
            "due": _("应缴日期"), "amount": _("金额(元)"), "principal": _("欠费本金"), "late": _("滞纳金"),
            "total": _("合计"),
            "body": _("您好！截至%(date)s，贵户尚有以下费用未缴纳，请于接到本通知之日起七日内到服务中心缴清。"
                      "逾期将按规定计收滞纳金。如已缴纳，请忽略本通知。", date=as_of.isoformat())}
