"""The 月度工作报告 laid out as sheets of labelled blocks (app.reports.monthly_workbook.Sheet),
in the reader's language. The web page and the Excel workbook both render
these same blocks, so the two can never show different figures."""

from decimal import Decimal

from flask_babel import gettext as _

from app.models.billing import PAYMENT_METHODS
from app.models.personnel import APPOINTMENT_KINDS, LEVELS
from app.reports.monthly_workbook import Block, Hours, Percent, Sheet, write_monthly
from app.services.monthly_report import ComplaintRow, MonthlyReport, ratio
from app.workflows.arrears import BUCKET_KEYS
from app.workflows.work_orders import CALLBACK_METHODS, KINDS, SATISFACTION, SEVERITIES, SOURCES

ZERO = Decimal("0.00")


def pct(value) -> Percent | None:
    return None if value is None else Percent(value)


def hours(value) -> Hours | None:
    return None if value is None else Hours(value)


def subtitle(report: MonthlyReport) -> str:
    m = report.month
    return _("%(center)s（%(code)s） 账期 %(period)s（%(first)s 至 %(last)s） 生成时间 %(at)s",
             center=report.center.name, code=report.center.code, period=m.period, first=m.first.isoformat(),
             last=m.last.isoformat(), at=report.generated_at.strftime("%Y-%m-%d %H:%M"))


def write_file(report: MonthlyReport, path: str) -> None:
    """The workbook of one built report (the page's 下载Excel and `flask report monthly`)."""
    footer = _("%(center)s 月度工作报告 %(period)s", center=report.center.name, period=report.month.period)
    write_monthly(path, sheets(report), subtitle(report), footer)


def file_name(report: MonthlyReport) -> str:
    return f"monthly-report-{report.center.code}-{report.month.period}.xlsx"


def sheets(report: MonthlyReport) -> list[Sheet]:
    return [cover(report), work_orders(report), kpis(report), complaints(report), callbacks(report), fees(report),
            renovation(report), parking(report), staff(report)]


def _title(report: MonthlyReport, what: str) -> str:
    return _("%(center)s %(period)s %(what)s", center=report.center.name, period=report.month.period, what=what)


def cover(report: MonthlyReport) -> Sheet:
    wo, k, fee, park, st = report.work_orders, report.work_orders.kpis, report.fees, report.parking, report.staff
    m, total = report.month, report.fees.total
    rows = [
        [_("服务中心"), f"{report.center.name}（{report.center.code}）"],
        [_("账期"), m.period],
        [_("统计区间"), _("%(first)s 至 %(last)s", first=m.first.isoformat(), last=m.last.isoformat())],
        [_("时点数截至"), m.as_of],
        [_("生成时间"), report.generated_at],
        [_("受理工单"), wo.received],
        [_("月内完成工单"), wo.completed],
        [_("零修急修及时率"), pct(k.timely_rate)],
        [_("满意率"), pct(k.satisfaction_rate)],
        [_("投诉"), report.complaints_received],
        [_("回访"), report.callbacks],
        [_("本期应收"), total.billed if total else ZERO],
        [_("本期实收"), total.collected if total else ZERO],
        [_("收缴率"), pct(total.rate) if total else None],
        [_("欠费户数"), fee.arrears_households],
        [_("欠费金额（含滞纳金）"), fee.arrears_amount],
        [_("车位使用率"), pct(park.rate)],
        [_("施工中装修"), report.renovation.in_progress],
        [_("月末在册人数"), st.closing],
        [_("本月入职 / 离职"), f"{st.hires} / {st.leavers}"],
    ]
    return Sheet(_("概览"), _title(report, _("月度工作报告")),
                 [Block(_("主要指标"), [_("项目"), _("数值")], rows,
                        note=_("时点数（欠费、车位、施工中装修、在册人数）截至月末，本月未结束时截至今天"))])


def _count_block(heading, first, rows, labels) -> Block:
    body = [[str(labels.get(r.key, r.key or _("未填"))), r.received, r.completed, r.open, pct(r.rate)]
            for r in rows]
    received, completed = sum(r.received for r in rows), sum(r.completed for r in rows)
    body.append([_("合计"), received, completed, received - completed, pct(ratio(completed, received))])
    return Block(heading, [first, _("受理"), _("月内完成"), _("未完成"), _("完成率")], body, total=True)


def work_orders(report: MonthlyReport) -> Sheet:
    wo = report.work_orders
    return Sheet(_("工单"), _title(report, _("工单统计")), [
        _count_block(_("按类型"), _("类型"), wo.by_kind, KINDS),
        _count_block(_("按来源"), _("来源"), wo.by_source, SOURCES),
    ])


def kpis(report: MonthlyReport) -> Sheet:
    k = report.work_orders.kpis
    rows = [
        [_("零修急修及时率"), pct(k.timely_rate), k.repairs_on_time, k.repairs_due,
         _("按时完成的急修、小修 ÷ 本月到期的急修、小修")],
        [_("维修合格率"), pct(k.pass_rate), k.repair_callbacks - k.repair_defects, k.repair_callbacks,
         _("回访未发现问题的维修 ÷ 本月维修回访")],
        [_("返修率"), pct(k.rework_rate), k.repair_defects, k.repairs_completed, _("返修 ÷ 本月完成的维修")],
        [_("回访率"), pct(k.callback_rate), k.called_back, k.completed, _("本月完成且已回访 ÷ 本月完成的工单")],
        [_("满意率"), pct(k.satisfaction_rate), k.satisfied, k.callbacks, _("满意、基本满意 ÷ 本月回访")],
    ]
    return Sheet(_("五项指标"), _title(report, _("五项指标")), [
        Block(_("五项指标"), [_("指标"), _("数值"), _("分子"), _("分母"), _("口径")], rows,
              note=_("与“月度工单统计”同一算法；分母为0时不计算"))])


def complaints(report: MonthlyReport) -> Sheet:
    rows = report.work_orders.complaints
    labels = SEVERITIES["complaint"]
    body = [[str(labels.get(r.key, r.key or _("未填"))), r.received, r.completed, r.open,
             hours(r.average_hours), hours(r.max_hours), r.within_two_days] for r in rows]
    t = ComplaintRow("", sum(r.received for r in rows), sum(r.completed for r in rows),
                     [h for r in rows for h in r.hours], sum(r.within_two_days for r in rows))
    body.append([_("合计"), t.received, t.completed, t.open, hours(t.average_hours), hours(t.max_hours),
                 t.within_two_days])
    return Sheet(_("投诉"), _title(report, _("投诉统计")), [
        Block(_("按等级"), [_("等级"), _("受理"), _("已办结"), _("未办结"), _("平均办结时长(小时)"),
                          _("最长办结时长(小时)"), _("2天内办结")], body, total=True,
              note=_("本月受理的投诉；办结时长 = 受理至首次完成"))])


def _share_block(heading, first, counts: dict, labels: dict) -> Block:
    total = sum(counts.values())
    keys = [k for k in labels if k in counts] + [k for k in counts if k not in labels]
    body = [[str(labels.get(k, _("未填"))), counts[k], pct(ratio(counts[k], total))] for k in keys]
    body.append([_("合计"), total, pct(ratio(total, total))])
    return Block(heading, [first, _("回访数"), _("占比")], body, total=True)


def callbacks(report: MonthlyReport) -> Sheet:
    wo, k = report.work_orders, report.work_orders.kpis
    summary = [[_("本月回访"), k.callbacks], [_("回访率"), pct(k.callback_rate)],
               [_("满意率"), pct(k.satisfaction_rate)], [_("回访发现问题转返修"), k.repair_defects]]
    return Sheet(_("回访"), _title(report, _("回访统计")), [
        Block(_("回访概况"), [_("项目"), _("数值")], summary),
        _share_block(_("满意度"), _("满意度"), wo.satisfaction, SATISFACTION),
        _share_block(_("回访方式"), _("方式"), wo.callback_methods, CALLBACK_METHODS),
    ])


def fees(report: MonthlyReport) -> Sheet:
    f, m = report.fees, report.month
    buildings = [[r.building, r.billed, r.collected, r.outstanding, pct(r.rate), r.households_billed,
                  r.households_paid] for r in f.collection[1:]]
    if f.total:
        t = f.total
        buildings.append([_("合计"), t.billed, t.collected, t.outstanding, pct(t.rate), t.households_billed,
                          t.households_paid])
    receipts = [[str(PAYMENT_METHODS.get(k, k)), n, amount] for k, (n, amount) in f.receipts.items()]
    receipts.append([_("合计"), sum(n for n, _a in f.receipts.values()),
                     sum((a for _n, a in f.receipts.values()), ZERO)])
    aging = [[_("%(bucket)s个月", bucket=b), f.aging[b]["count"], f.aging[b]["principal"], f.aging[b]["late_fees"],
              f.aging[b]["principal"] + f.aging[b]["late_fees"]] for b in BUCKET_KEYS]
    aging.append([_("合计"), f.arrears_households, sum((f.aging[b]["principal"] for b in BUCKET_KEYS), ZERO),
                  sum((f.aging[b]["late_fees"] for b in BUCKET_KEYS), ZERO), f.arrears_amount])
    return Sheet(_("收费"), _title(report, _("收费统计")), [
        Block(_("本期收缴（账期 %(period)s）", period=m.period),
              [_("楼栋"), _("应收"), _("实收"), _("未收"), _("收缴率"), _("应收户数"), _("缴清户数")], buildings,
              total=bool(f.total), note=_("与“收缴率”报表同一口径：不含滞纳金与已红冲账单")),
        Block(_("本月收款"), [_("收款方式"), _("笔数"), _("金额")], receipts, total=True,
              note=_("本月收取的有效收款，含往期欠费与滞纳金")),
        Block(_("欠费账龄（截至 %(day)s）", day=m.as_of.isoformat()),
              [_("账龄"), _("户数"), _("欠费本金"), _("滞纳金"), _("合计")], aging, total=True,
              note=_("与“欠费账龄”报表同一口径，按账单当前缴费状态")),
    ])


def renovation(report: MonthlyReport) -> Sheet:
    r = report.renovation
    rows = [
        [_("本月申报"), r.submitted, None], [_("本月批准"), r.approved, None], [_("本月驳回"), r.rejected, None],
        [_("超过3天审批"), r.decided_late, None], [_("本月开工"), r.started, None],
        [_("施工中（截至 %(day)s）", day=report.month.as_of.isoformat()), r.in_progress, None],
        [_("本月验收合格"), r.accepted, None],
        [_("本月收取押金"), r.deposits_count, r.deposits_amount],
        [_("本月退还押金"), r.refunds_count, r.refunds_amount],
        [_("退还时扣款"), None, r.deductions_amount],
    ]
    return Sheet(_("装修"), _title(report, _("装修统计")),
                 [Block(_("装修"), [_("项目"), _("数量"), _("金额")], rows)])


def parking(report: MonthlyReport) -> Sheet:
    p = report.parking
    areas = [[area or _("未分区"), rented, total, pct(ratio(rented, total))]
             for area, (rented, total) in p.occupancy.items()]
    areas.append([_("合计"), p.rented, p.spaces, pct(p.rate)])
    changes = [[_("本月新租"), p.new_count, p.new_monthly_rent], [_("本月到期"), p.expired, None],
               [_("本月退租"), p.terminated, None]]
    return Sheet(_("车位"), _title(report, _("车位统计")), [
        Block(_("车位使用率（截至 %(day)s）", day=report.month.as_of.isoformat()),
              [_("区域"), _("已出租"), _("车位数"), _("使用率")], areas, total=True,
              note=_("与“车位使用率”报表同一口径：停用车位不计")),
        Block(_("租用变动"), [_("项目"), _("数量"), _("月租金合计")], changes),
    ])


def staff(report: MonthlyReport) -> Sheet:
    s = report.staff
    moves = [[_("月初在册"), s.opening], [_("本月入职"), s.hires], [_("本月离职"), s.leavers],
             [_("月末在册"), s.closing]]
    levels = [[str(LEVELS.get(k, k)), s.by_level.get(k, 0)] for k in LEVELS]
    levels.append([_("合计"), sum(s.by_level.values())])
    kinds = [[str(label), s.appointments.get(k, 0)] for k, label in APPOINTMENT_KINDS.items()]
    kinds.append([_("合计"), sum(s.appointments.values())])
    return Sheet(_("人事"), _title(report, _("人事统计")), [
        Block(_("人员变动"), [_("项目"), _("人数")], moves, note=_("离职人员在最后工作日之后不再计入在册")),
        Block(_("月末在册（按层级）"), [_("层级"), _("人数")], levels, total=True),
        Block(_("本月任免（已批准生效）"), [_("类型"), _("人数")], kinds, total=True),
    ])
