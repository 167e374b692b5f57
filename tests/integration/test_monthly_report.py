"""Issue 7 (月度工作报告): every figure of the fixture month (tests/monthly_report_factories.py,
a centre of its own, 2026-05) against hand counts and against the registers'
own reports (KPI service, 收缴率, 欠费账龄, 车位使用率); the workbook read back
with openpyxl; the centre scope of page, picker and download; the CLI."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from app.errors import DomainError, NotFound
from app.services import arrears, collection, monthly_report, parking
from app.services.work_order_kpis import monthly_kpis
from tests import factories
from tests import monthly_report_factories as fixture

SHEETS = ["概览", "工单", "五项指标", "投诉", "回访", "收费", "装修", "车位", "人事"]


@pytest.fixture(scope="module")
def month(app):
    with app.app_context():
        return fixture.build()


@pytest.fixture()
def report(month, ctx):
    return monthly_report.build(month["code"], fixture.PERIOD)


def _rows(ws) -> list[tuple]:
    return [r for r in ws.iter_rows(values_only=True) if any(v is not None for v in r)]


def _block(ws, heading) -> list[tuple]:
    """The data rows under `heading` (after its header row), up to the block's note
    (text in the first column only) or the empty row that ends it."""
    rows = list(ws.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[0] == heading) + 2
    out = []
    for r in rows[start:]:
        if all(v is None for v in r[1:]):
            break
        out.append(r)
    return out


def _workbook(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


# -- figures --------------------------------------------------------------------

def test_work_orders_by_kind_and_source(report):
    """Received in May: 3 repairs, 3 complaints, 1 consultation (the April order and the
    deleted one do not count); completed before June: 2 repairs, 2 complaints, 1 consultation."""
    wo = report.work_orders
    assert {r.key: (r.received, r.completed) for r in wo.by_kind} == {
        "repair": (3, 2), "complaint": (3, 2), "consult": (1, 1)}
    assert {r.key: (r.received, r.completed) for r in wo.by_source} == {
        "phone": (4, 3), "visit": (2, 1), "online": (1, 1)}
    assert (wo.received, wo.completed) == (7, 5)
    assert next(r for r in wo.by_kind if r.key == "repair").rate == Decimal("66.7")


def test_kpis_are_the_kpi_service_figures(report, month):
    """及时率 1/2 (the emergency repair was 2 h late), 合格率 3/3, 返修率 0/3,
    回访率 4/6 (the complaint finished in June is not in May), 满意率 3/4."""
    k = report.work_orders.kpis
    assert vars(k) == vars(monthly_kpis(month["center_id"], fixture.PERIOD))
    assert (k.repairs_on_time, k.repairs_due, k.timely_rate) == (1, 2, Decimal("50.0"))
    assert (k.repair_callbacks, k.repair_defects, k.pass_rate, k.rework_rate) == (3, 0, Decimal("100.0"),
                                                                                 Decimal("0.0"))
    assert (k.called_back, k.completed, k.callback_rate) == (4, 6, Decimal("66.7"))
    assert (k.satisfied, k.callbacks, k.satisfaction_rate) == (3, 4, Decimal("75.0"))


def test_complaints_by_level_with_resolution_hours(report):
    """重大 resolved in 36 h, 重要 in 72 h (over 2 days), 轻微 only in June: open in May."""
    rows = {r.key: r for r in report.work_orders.complaints}
    major, important, minor = rows["major"], rows["important"], rows["minor"]
    assert (major.received, major.completed, major.average_hours, major.max_hours, major.within_two_days) == (
        1, 1, Decimal("36.0"), Decimal("36.0"), 1)
    assert (important.completed, important.average_hours, important.within_two_days) == (1, Decimal("72.0"), 0)
    assert (minor.received, minor.completed, minor.open, minor.average_hours) == (1, 0, 1, None)


def test_callbacks_satisfaction_and_method(report):
    """Four callbacks in May (one of an April order): 2 满意, 1 基本满意, 1 不满意; 3 by phone, 1 visit."""
    assert report.work_orders.satisfaction == {"satisfied": 2, "basically": 1, "unsatisfied": 1}
    assert report.work_orders.callback_methods == {"phone": 3, "visit": 1}
    assert report.callbacks == report.work_orders.kpis.callbacks == 4


def test_fees_match_the_collection_report_and_the_aging(report, month):
    """Billed 100 + 200 + 300 + the 2000 renovation deposit = 2600 (the reversed 50 and
    the late fee excluded, as the 收缴率 report does), collected 100 + 300 + 2000 = 2400
    → 92.3 %; receipts in May: the cash 100 (the June one and the
    reversed one excluded); aging at 05-31: the late fee alone (0–1), and 150 + 200
    owed since February (3–6)."""
    f = report.fees
    cid = month["center_id"]
    assert [vars(r) for r in f.collection] == [vars(r) for r in collection.collection_rows(
        fixture.PERIOD, fixture.PERIOD, cid)]
    assert (f.total.billed, f.total.collected, f.total.rate) == (Decimal("2600.00"), Decimal("2400.00"),
                                                                 Decimal("92.3"))
    by_building = {r.building: (r.billed, r.collected, r.rate) for r in f.collection[1:]}
    assert by_building == {"1栋": (Decimal("2300.00"), Decimal("2100.00"), Decimal("91.3")),
                           fixture.HYPERLINK: (Decimal("300.00"), Decimal("300.00"), Decimal("100.0"))}
    assert f.receipts == {"cash": (1, Decimal("100.00"))}
    assert f.aging["0-1"] == {"count": 1, "principal": Decimal("0.00"), "late_fees": Decimal("5.00")}
    assert f.aging["3-6"] == {"count": 1, "principal": Decimal("350.00"), "late_fees": Decimal("0.00")}
    assert (f.arrears_households, f.arrears_amount) == (2, Decimal("355.00"))
    aging = arrears.aging_report(date(2026, 5, 31), [cid])
    assert sum(g["count"] for g in aging) == 2 and sum(g["principal"] + g["late_fees"] for g in aging) == \
        f.arrears_amount


def test_renovation_month(report):
    """Submitted in May: 3 (the April one not); decided in May: 2 approved (one past its
    3 days) and 1 rejected; started 2; in progress at month end 1; accepted 1; deposit
    2000 received; refund 1800 with 200 deducted."""
    r = report.renovation
    assert (r.submitted, r.approved, r.rejected, r.decided_late) == (3, 2, 1, 1)
    assert (r.started, r.in_progress, r.accepted) == (2, 1, 1)
    assert (r.deposits_count, r.deposits_amount) == (1, Decimal("2000.00"))
    assert (r.refunds_count, r.refunds_amount, r.deductions_amount) == (1, Decimal("1800.00"), Decimal("200.00"))


def test_parking_month(report, month):
    """At 05-31 only P1 is rented of the three A区 spaces (P4 is disabled); one new rental
    (the cancelled one does not count), one ran out, one ended early."""
    p = report.parking
    assert p.occupancy == parking.occupancy_by_area([month["center_id"]], date(2026, 5, 31)) == {"A区": (1, 3)}
    assert (p.rented, p.spaces, p.rate) == (1, 3, Decimal("33.3"))
    assert (p.new_count, p.new_monthly_rent, p.expired, p.terminated) == (1, Decimal("300.00"), 1, 1)


def test_staff_changes(report):
    """Opening 3 (one left on 04-30), +1 hired, −2 left (one on 05-31, the month's last
    day), closing 2; the June hire not counted; appointments approved and effective in May."""
    s = report.staff
    assert (s.opening, s.hires, s.leavers, s.closing) == (3, 1, 2, 2)
    assert s.opening + s.hires - s.leavers == s.closing
    assert s.by_level == {"staff": 2}
    assert s.appointments == {"regularize": 1, "raise": 1}


def test_bad_period_and_unknown_centre_are_refused(ctx, month):
    with pytest.raises(DomainError, match="YYYY-MM"):
        monthly_report.build(month["code"], "2026-13")
    with pytest.raises(DomainError, match="尚未开始"):
        monthly_report.build(month["code"], "2999-01")
    with pytest.raises(NotFound, match="服务中心不存在"):
        monthly_report.build("NOPE", fixture.PERIOD)
    assert monthly_report.find_center(str(month["center_id"])).code == month["code"]
    assert monthly_report.find_center(month["code"].lower()).id == month["center_id"]


# -- the workbook ------------------------------------------------------------------

def test_workbook_sheets_formats_and_printing(logged_in, month):
    r = logged_in("gm1").get(f"/monthlyreport/download?period={fixture.PERIOD}&center={month['center_id']}")
    assert r.status_code == 200 and r.headers["Content-Disposition"].endswith(
        f"monthly-report-{month['code']}-{fixture.PERIOD}.xlsx")
    wb = _workbook(r.data)
    assert wb.sheetnames == SHEETS
    for ws in wb:
        assert ws.freeze_panes == "A6", ws.title
        assert ws.print_title_rows == "$1:$5"
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0  # one page wide
        assert month["name"] in ws["A1"].value
    fees = wb["收费"]
    rows = _block(fees, f"本期收缴（账期 {fixture.PERIOD}）")
    assert rows[-1][:5] == ("合计", 2600, 2400, 200, pytest.approx(0.923))
    total = fees.cell(row=6 + len(rows) - 1, column=2)
    assert total.value == 2600 and total.number_format == "¥#,##0.00"
    assert fees.cell(row=6 + len(rows) - 1, column=5).number_format == "0.0%"
    payload = next(c for row in fees.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value)
    assert payload.data_type == "s" and payload.value == "'" + fixture.HYPERLINK
    kpi = {row[0]: row[1:4] for row in _block(wb["五项指标"], "五项指标")}
    assert kpi["满意率"] == (pytest.approx(0.75), 3, 4) and kpi["零修急修及时率"] == (pytest.approx(0.5), 1, 2)
    complaints = {row[0]: row for row in _block(wb["投诉"], "按等级")}
    assert complaints["重要"][4:7] == (72, 72, 0)
    assert wb["投诉"].cell(row=6, column=5).number_format == "0.0"
    staff = {row[0]: row[1] for row in _block(wb["人事"], "人员变动")}
    assert staff == {"月初在册": 3, "本月入职": 1, "本月离职": 2, "月末在册": 2}
    cover = {row[0]: row[1] for row in _block(wb["概览"], "主要指标")}
    assert cover["受理工单"] == 7 and cover["收缴率"] == pytest.approx(0.923) and cover["欠费金额（含滞纳金）"] == 355


def test_page_shows_the_same_figures(logged_in, month):
    html = logged_in("gm1").get(f"/monthlyreport/?period={fixture.PERIOD}&center={month['code']}").get_data(
        as_text=True)
    for name in SHEETS:
        assert f'data-sheet="{name}"' in html
    assert "92.3%" in html and "¥2,600.00" in html and "¥355.00" in html
    assert f"/monthlyreport/download?period={fixture.PERIOD}&amp;center={month['center_id']}" in html


# -- scope and roles -----------------------------------------------------------------

def test_centre_manager_sees_only_own_centres(logged_in, app):
    with app.app_context():
        sc01, sc02 = factories.center("SC01").id, factories.center("SC02").id
    manager2 = logged_in("center_manager2")
    assert manager2.get(f"/monthlyreport/download?center={sc01}").status_code == 404
    assert manager2.get("/monthlyreport/?center=SC01").status_code == 404
    page = manager2.get("/monthlyreport/").get_data(as_text=True)
    assert f'<option value="{sc02}"' in page and f'<option value="{sc01}"' not in page
    r = logged_in("center_manager1").get(f"/monthlyreport/download?center={sc01}")
    assert r.status_code == 200 and _workbook(r.data).sheetnames == SHEETS


def test_roles_without_the_report_are_refused(logged_in):
    assert logged_in("frontdesk1").get("/monthlyreport/").status_code == 403
    assert logged_in("cashier1").get("/monthlyreport/download").status_code == 403


def test_bad_period_on_the_page_and_the_download(logged_in):
    gm = logged_in("gm1")
    r = gm.get("/monthlyreport/?period=2026-13")
    assert r.status_code == 400 and "账期格式应为YYYY-MM" in r.get_data(as_text=True)
    r = gm.get("/monthlyreport/download?period=abc")
    assert r.status_code == 302 and "/monthlyreport/" in r.headers["Location"]


# -- CLI ---------------------------------------------------------------------------------

def test_cli_writes_the_workbook(app, month, tmp_path):
    out = tmp_path / "report.xlsx"
    result = app.test_cli_runner().invoke(args=["report", "monthly", "--period", fixture.PERIOD, "--center",
                                                month["code"], "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(out.resolve())
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == SHEETS
    assert _block(wb["工单"], "按类型")[-1][:3] == ("合计", 7, 5)


@pytest.mark.parametrize("args,message", [
    (["--period", "2026/05", "--center", "SC01"], "period must be YYYY-MM"),
    (["--period", "2026-05", "--center", "NOPE"], "unknown service centre"),
])
def test_cli_refuses_bad_input_in_both_languages(app, args, message, tmp_path):
    result = app.test_cli_runner().invoke(args=["report", "monthly", *args, "--output", str(tmp_path / "x.xlsx")])
    assert result.exit_code != 0 and message in result.output
    assert ("账期格式" if "period" in message else "服务中心不存在") in result.output
    assert not (tmp_path / "x.xlsx").exists()
