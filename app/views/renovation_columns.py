"""Labels and formatters shared by the 装修 screens and REST resources."""

from flask_babel import lazy_gettext as _l

from app.models.renovation import (
    ACCEPTANCE_RESULTS,
    INSPECTION_RESULTS,
    PASS_STATES,
    RECTIFICATION_STATUSES,
    SITE_STATUSES,
)
from app.services import renovation_sites
from app.views.base import masked_unless_privileged
from app.views.interface import ScopedInterface
from app.workflows.chains import STATUS_LABELS

LABELS = {
    "id": _l("编号"),
    "center": _l("服务中心"),
    "center_id": _l("服务中心"),
    "household": _l("业主"),
    "household_id": _l("业主"),
    "unit": _l("房屋单元"),
    "unit_id": _l("房屋单元"),
    "contractor": _l("施工单位"),
    "contractor_person": _l("施工负责人"),
    "contractor_phone": _l("负责人电话"),
    "worker_count": _l("施工人数"),
    "scope_text": _l("施工范围"),
    "scope_plumbing": _l("水电改造"),
    "scope_walls": _l("拆改墙体"),
    "scope_waterproofing": _l("防水"),
    "scope_doors_windows": _l("门窗"),
    "scope_air_conditioning": _l("空调"),
    "start_date": _l("开工日期"),
    "planned_end_date": _l("计划完工日期"),
    "deposit": _l("装修押金(元)"),
    "agreement_signed": _l("已签装修协议"),
    "agreement_date": _l("协议签订日期"),
    "status": _l("审批状态"),
    "approval_id": _l("审批单"),
    "decision_due_at": _l("审批截止"),
    "decision_overdue": _l("审批逾期"),
    "site_status": _l("施工状态"),
    "deposit_bill_id": _l("押金账单"),
    "work_started_on": _l("实际开工日期"),
    "accepted_on": _l("验收合格日期"),
    "note": _l("备注"),
    "renovation": _l("装修申报"),
    "renovation_id": _l("装修申报"),
    "pass_no": _l("出入证编号"),
    "holder_name": _l("持证人"),
    "id_number": _l("身份证号"),
    "phone": _l("电话"),
    "valid_from": _l("有效期起"),
    "valid_to": _l("有效期止"),
    "revoked_at": _l("注销时间"),
    "revoked_by_id": _l("注销人"),
    "revoke_reason": _l("注销原因"),
    "pass_state": _l("状态"),
    "inspector": _l("巡查人"),
    "inspector_id": _l("巡查人"),
    "inspected_at": _l("巡查时间"),
    "findings": _l("巡查情况"),
    "result": _l("结果"),
    "inspection": _l("巡查记录"),
    "inspection_id": _l("巡查记录"),
    "issue": _l("整改问题"),
    "deadline": _l("整改期限"),
    "reinspection_count": _l("复查次数"),
    "last_reinspected_at": _l("最近复查时间"),
    "last_result": _l("最近复查结果"),
    "last_notes": _l("复查情况"),
    "closed_at": _l("关闭时间"),
    "requested_on": _l("业主申请验收日期"),
    "notes": _l("验收意见"),
    "deductions_total": _l("扣款合计(元)"),
    "refund_amount": _l("应退金额(元)"),
    "due_on": _l("退款期限"),
    "refunded_at": _l("退款时间"),
    "refunded_by_id": _l("退款审批人"),
    "created_on": _l("创建时间"),
    "changed_on": _l("修改时间"),
}

class PassInterface(ScopedInterface):
    """A database refusal of a duplicate pass number reads like the service's check."""

    def add(self, item, commit: bool = True) -> None:
        renovation_sites.guarded_pass_write(item, lambda: super(PassInterface, self).add(item, commit))

    def edit(self, item, commit: bool = True) -> None:
        renovation_sites.guarded_pass_write(item, lambda: super(PassInterface, self).edit(item, commit))


REFIX_RESULTS = {"passed": _l("复查合格"), "failed": _l("复查不合格")}


def label(mapping):
    return lambda value: str(mapping.get(value, value or ""))


FORMATTERS = {
    "status": label(STATUS_LABELS),
    "site_status": label(SITE_STATUSES),
    "id_number": masked_unless_privileged,
    "last_result": label(REFIX_RESULTS),
    "pass_state": label(PASS_STATES),
    "decision_overdue": lambda v: str(_l("已逾期")) if v else "",
}
RESULT_LABELS = {"inspection": INSPECTION_RESULTS, "acceptance": ACCEPTANCE_RESULTS,
                 "rectification": RECTIFICATION_STATUSES}
