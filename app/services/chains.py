"""Rules for editing approval chains (admin data)."""

from flask_babel import gettext as _

from app.errors import DomainError
from app.security import ROLES

SCOPES = ("center", "company")


def before_save(item) -> None:
    role = getattr(item, "role", None)
    if role is not None and role not in ROLES:
        raise DomainError(_("审批角色不存在：%(role)s", role=role))
    scope = getattr(item, "scope", None)
    if scope is not None and scope not in SCOPES:
        raise DomainError(_("范围只能是 center（本服务中心）或 company（全公司）"))


def before_delete(item) -> None:
    raise DomainError(_("审批流程不能删除，可停用"))
