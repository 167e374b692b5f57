"""日结汇总 Day-close journal: the closes of some centres over a date range, their
sums, and the payment / reversal lines each close counts (issue 5 §10).

Read-only; the caller passes centre ids already limited to the user's scope
(records.scoped_select), and every query filters by them again.
"""

from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.models.billing import PAYMENT_METHODS, PAYMENT_STATUSES
from app.models.cash import DAY_CLOSE_LABELS, DAY_CLOSE_STATUSES, METHOD_COLUMNS, DayClose
from app.services import day_close

#: the summed columns of a close, in report order
SUMMED = [*METHOD_COLUMNS.values(), "reversals_total", "cash_total", "noncash_total", "cash_handed", "difference"]


def closes(center_ids, start: date, end: date) -> list[DayClose]:
    if not center_ids:
        return []
    return list(db.session.scalars(select(DayClose).where(
        DayClose.center_id.in_(list(center_ids)), DayClose.business_date >= start, DayClose.business_date <= end)
        .order_by(DayClose.business_date, DayClose.center_id, DayClose.id)).unique())


def sum_closes(rows) -> dict:
    totals = {column: sum((getattr(c, column) for c in rows), Decimal("0.00")) for column in SUMMED}
    totals["payment_count"] = sum(c.payment_count for c in rows)
    totals["reversal_count"] = sum(c.reversal_count for c in rows)
    return totals


def workbook_parts(rows, start: date, end: date):
    """(titles, close headers, close rows, line headers, line rows) for the report writer."""
    titles = {"closes": _("日结"), "lines": _("收款及红冲明细"),
              "heading": _("日结汇总 %(start)s 至 %(end)s", start=start.isoformat(), end=end.isoformat())}
    close_headers = [_("营业日期"), _("服务中心"), _("收费员"), _("收款笔数"), _("红冲笔数"),
                     *[str(DAY_CLOSE_LABELS[c]) for c in SUMMED], _("差额说明"), _("状态"), _("确认人"), _("确认时间")]
    close_rows = [[c.business_date, c.center.name, c.cashier.username, c.payment_count, c.reversal_count,
                   *[getattr(c, col) for col in SUMMED], c.difference_note or "",
                   str(DAY_CLOSE_STATUSES.get(c.status, c.status)),
                   c.confirmed_by.username if c.confirmed_by else "", c.confirmed_at] for c in rows]
    line_headers = [_("营业日期"), _("收费员"), _("类型"), _("收据号"), _("付款方式"), _("金额(元)"), _("时间"),
                    _("状态")]
    return titles, close_headers, close_rows, line_headers, _lines(rows)


def _lines(rows):
    for c in rows:
        for p in day_close.day_payments(c.cashier_id, c.business_date):
            yield [c.business_date, c.cashier.username, _("收款"), p.receipt_no,
                   str(PAYMENT_METHODS.get(p.method, p.method)), p.amount, p.paid_at,
                   str(PAYMENT_STATUSES.get(p.status, p.status))]
        for r in day_close.day_reversals(c.cashier_id, c.business_date):
            yield [c.business_date, c.cashier.username, _("红冲"), r.payment.receipt_no,
                   str(PAYMENT_METHODS.get(r.payment.method, r.payment.method)), r.amount, r.booked_at,
                   _("已入账")]
