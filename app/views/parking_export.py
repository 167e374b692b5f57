"""车位使用率 Excel (desk, issue 5): the rows of the occupancy page, one per area,
with the same figures (rented, spaces, rate with one decimal, half-up) and a total."""

import os
import tempfile
from decimal import ROUND_HALF_UP, Decimal

from flask import after_this_request, send_file
from flask_babel import gettext as _

from app import timeutil
from app.reports.xlsx import write_workbook


def occupancy_rate(rented: int, total: int) -> Decimal | None:
    """rented / total as a percentage, 1 decimal, half-up (None without spaces)."""
    if not total:
        return None
    return (Decimal(rented) * 100 / Decimal(total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def occupancy_rows(by_area: dict) -> list[list]:
    rows = [[area or _("未分区"), rented, total, occupancy_rate(rented, total)]
            for area, (rented, total) in by_area.items()]
    rented = sum(r for r, _t in by_area.values())
    total = sum(t for _r, t in by_area.values())
    rows.append([_("合计"), rented, total, occupancy_rate(rented, total)])
    return rows


def occupancy_workbook_response(by_area: dict):
    fd, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    write_workbook(path, _("车位使用率"), [_("区域"), _("已出租"), _("车位数"), _("使用率(%)")],
                   occupancy_rows(by_area))

    @after_this_request
    def _cleanup(response):
        response.call_on_close(lambda: os.path.exists(path) and os.remove(path))
        return response

    return send_file(path, as_attachment=True, download_name=f"parking-occupancy-{timeutil.today():%Y%m%d}.xlsx")
