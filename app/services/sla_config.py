"""SLA policies, working calendars and holidays: admin-editable settings.

`sync_default_policies()` creates the manual's defaults that are missing
(edits are kept); the view hooks validate what admins type."""

from flask_babel import gettext as _
from sqlalchemy import select

from app.errors import DomainError
from app.extensions import db
from app.models.work_orders import Holiday, SlaPolicy, WorkCalendar
from app.services import records
from app.workflows.sla import DEFAULT_POLICIES
from app.workflows.work_orders import KINDS

_MINUTE_FIELDS = ("dispatch_minutes", "respond_minutes", "onsite_minutes", "complete_hours",
                  "response_working_hours", "response_outside_hours", "callback_working_days",
                  "callback_max_hours", "rework_arrange_hours")


def sync_default_policies() -> None:
    existing = {(p.kind, p.severity) for p in db.session.scalars(select(SlaPolicy))}
    for (kind, severity), policy in DEFAULT_POLICIES.items():
        if (kind, severity) not in existing:
            db.session.add(SlaPolicy(kind=kind, severity=severity,
                                     **{f: getattr(policy, f) for f in _MINUTE_FIELDS}))
    db.session.commit()


def before_save(item) -> None:
    if isinstance(item, SlaPolicy):
        if item.kind not in KINDS:
            raise DomainError(_("工单类型不正确"))
        item.severity = item.severity or None
        for name in _MINUTE_FIELDS:
            value = getattr(item, name)
            if value is not None and value < 0:
                raise DomainError(_("时限不能为负数"))
    elif isinstance(item, WorkCalendar):
        records.resolve_center(item)
        if not item.start or not item.end or item.start >= item.end:
            raise DomainError(_("下班时间必须晚于上班时间"))
        digits = item.weekdays or ""
        if not digits or any(d not in "0123456" for d in digits) or len(set(digits)) != len(digits):
            raise DomainError(_("工作日请填写 0–6 的数字（0 为星期一），不要重复"))
        item.weekdays = "".join(sorted(digits))
        with db.session.no_autoflush:
            other = db.session.scalars(select(WorkCalendar.id).where(WorkCalendar.center_id == item.center_id,
                                                                     WorkCalendar.id != (item.id or 0))).first()
        if other is not None:
            raise DomainError(_("该服务中心已设置工作时间，请修改现有记录"))
    elif isinstance(item, Holiday) and not (item.name or "").strip():
        raise DomainError(_("请填写节假日名称"))


def before_delete(item) -> None:
    """Calendars and holidays are plain settings (the audit log keeps them); policies stay."""
    if isinstance(item, SlaPolicy):
        raise DomainError(_("时限规则不能删除，请修改时限"))
