"""Work-order states and transitions as data (DESIGN.md "Work orders"). No DB I/O.

已受理 → 已派工 → 处理中 → 已完成 → 已回访 → 已关闭, plus 挂起 (reason and an
agreed time; the clock restarts from it) and 返修 (a callback found a defect).
Each transition names the states it leaves, the state it enters, the roles
that may fire it, whether only the assignee may, and whether a reason is
required. The action name is also the audit event and the API endpoint.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

KINDS = {
    "repair": _l("报修"),
    "complaint": _l("投诉"),
    "consult": _l("咨询"),
    "suggestion": _l("建议"),
    "help": _l("求助"),
    "paid_service": _l("有偿服务"),
}
SEVERITIES = {
    "repair": {"emergency": _l("急修"), "minor": _l("小修"), "medium": _l("中修")},
    "complaint": {"major": _l("重大"), "important": _l("重要"), "minor": _l("轻微")},
}
#: One select for every kind: the codes are the API's; "minor" means 小修 for a
#: repair and 轻微 for a complaint (the service checks the pair).
SEVERITY_CHOICES = {
    "emergency": _l("急修（报修）"),
    "minor": _l("小修（报修）/ 轻微（投诉）"),
    "medium": _l("中修（报修）"),
    "major": _l("重大（投诉）"),
    "important": _l("重要（投诉）"),
}


def severity_label(kind: str, severity: str | None) -> str:
    return str(SEVERITIES.get(kind, {}).get(severity, "")) if severity else ""
REPAIR_SCOPES = {"public": _l("公共"), "indoor": _l("户内")}
SOURCES = {
    "phone": _l("电话"),
    "visit": _l("来访"),
    "letter": _l("来函"),
    "online": _l("网络"),
    "patrol": _l("巡查"),
    "monitor": _l("监控"),
    "other_dept": _l("其他部门转来"),
}
STATES = {
    "accepted": _l("已受理"),
    "dispatched": _l("已派工"),
    "in_progress": _l("处理中"),
    "suspended": _l("挂起"),
    "completed": _l("已完成"),
    "visited": _l("已回访"),
    "rework": _l("返修"),
    "closed": _l("已关闭"),
}
OPEN_STATES = frozenset({"accepted", "dispatched", "in_progress", "suspended", "rework"})
SATISFACTION = {"satisfied": _l("满意"), "basically": _l("基本满意"), "unsatisfied": _l("不满意")}
CALLBACK_METHODS = {"phone": _l("电话"), "visit": _l("上门")}

DESK = frozenset({"frontdesk", "supervisor", "center_manager"})
SUPERVISORS = frozenset({"supervisor", "center_manager"})


@dataclass(frozen=True)
class Transition:
    name: str
    label: object
    sources: frozenset
    target: str | None  # None: decided by the action (callback → visited | rework)
    roles: frozenset
    assignee_only: bool = False  # a technician may fire it only on orders assigned to them
    reason_required: bool = False


TRANSITIONS = {
    t.name: t
    for t in (
        Transition("dispatch", _l("派工"), frozenset({"accepted", "rework"}), "dispatched", DESK),
        Transition("transfer", _l("转单"), frozenset({"dispatched", "in_progress"}), "dispatched", SUPERVISORS,
                   reason_required=True),
        Transition("return", _l("退单"), frozenset({"dispatched"}), "accepted", frozenset({"technician"}),
                   assignee_only=True, reason_required=True),
        Transition("start", _l("到场处理"), frozenset({"dispatched"}), "in_progress",
                   frozenset({"technician"}) | DESK, assignee_only=True),
        Transition("reschedule", _l("改约时间"), frozenset({"dispatched"}), "dispatched",
                   DESK | {"technician"}, reason_required=True),
        Transition("suspend", _l("挂起工单"), frozenset({"dispatched", "in_progress"}), "suspended",
                   DESK | {"technician"}, reason_required=True),
        Transition("resume", _l("恢复处理"), frozenset({"suspended"}), "in_progress", DESK | {"technician"}),
        Transition("complete", _l("处理完成"), frozenset({"in_progress"}), "completed",
                   frozenset({"technician"}) | DESK, assignee_only=True),
        Transition("answer", _l("答复办结"), frozenset({"accepted"}), "completed", DESK),
        Transition("callback", _l("回访"), frozenset({"completed"}), None, DESK),
        Transition("close", _l("关闭"), frozenset({"visited"}), "closed", DESK),
    )
}

#: Kinds the desk may answer itself without dispatching anyone.
ANSWERABLE_KINDS = frozenset({"consult", "suggestion", "help"})
#: Kinds whose work is done by maintenance staff; others may go to desk staff too.
TECHNICAL_KINDS = frozenset({"repair", "paid_service"})


def allowed(name: str, state: str) -> bool:
    t = TRANSITIONS.get(name)
    return t is not None and state in t.sources
