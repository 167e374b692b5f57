"""Approval chains as data (DESIGN.md "Approval chains"). No DB I/O here.

A chain is an ordered list of steps; each step names the role that decides
it and the scope that role must share with the request: "center" (the
request's service centre must be one of the approver's, unless the approver
holds a company-wide role) or "company" (any). `due_hours` gives each step a
due time from the moment it becomes current. The database copy (editable by
admin) is created from these defaults by `sync_chains()`.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class StepDef:
    role: str
    scope: str  # "center" | "company"
    label: str
    due_hours: int = 72


def _three_level(first_label=_l("部门主管受理")):
    return (
        StepDef("supervisor", "center", first_label),
        StepDef("center_manager", "center", _l("服务中心经理审核")),
        StepDef("gm", "company", _l("总经理批准")),
    )


#: request type → (label, steps)
DEFAULT_CHAINS: dict[str, tuple[str, tuple[StepDef, ...]]] = {
    "resignation": (_l("员工离职申请"), _three_level()),
    "requisition": (_l("人员需求申请"), _three_level(_l("部门主管提出"))),
    "appointment": (_l("职务任免及工资审批"), _three_level(_l("部门主管提出"))),
    "leave.short": (_l("请假（1天及以内）"), (StepDef("supervisor", "center", _l("客服主管审批"), 24),)),
    "leave.long": (_l("请假（1天以上）"), (StepDef("center_manager", "center", _l("服务中心经理审批"), 24),)),
    "settlement": (
        _l("离职人员工资结算"),
        (StepDef("hr", "company", _l("人事经理审核")), StepDef("gm", "company", _l("总经理批准"))),
    ),
    # -- shift handover: 换班 needs both supervisors (two different people, see services.shift_swaps) --
    "shiftswap": (
        _l("换班申请"),
        (StepDef("supervisor", "center", _l("申请人主管审批"), 24),
         StepDef("supervisor", "center", _l("对方主管审批"), 24)),
    ),
    # reversal (红冲): a cashier's request to undo a payment, approved by finance.
    "reversal": (_l("收款红冲"), (StepDef("finance", "company", _l("财务审批"), 24),)),
}

#: Decisions a step can take; "withdraw" belongs to the submitter.
DECISIONS = ("approve", "reject", "return")

STATUS_LABELS = {
    "draft": _l("草稿"),
    "pending": _l("审批中"),
    "approved": _l("已批准"),
    "rejected": _l("已驳回"),
    "returned": _l("已退回修改"),
    "withdrawn": _l("已撤回"),
}

EVENT_LABELS = {
    "submit": _l("提交"),
    "approve": _l("批准"),
    "reject": _l("驳回"),
    "return": _l("退回修改"),
    "withdraw": _l("撤回"),
}

# -- 装修 renovation: 前台受理 is the front desk's submission; then 工程审核 and
# 服务中心经理批准, decided within 3 days (24 + 48 hours); the deposit refund by finance.
DEFAULT_CHAINS["renovation"] = (
    _l("装修申报"),
    (StepDef("technician", "center", _l("工程审核"), 24),
     StepDef("center_manager", "center", _l("服务中心经理批准"), 48)),
)
DEFAULT_CHAINS["renovation_refund"] = (_l("装修押金退还"), (StepDef("finance", "company", _l("财务审批"), 24),))
