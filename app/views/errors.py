"""Error pages in the user's language: HTML with the app layout, JSON under /api/.

Two database faults are the user's to retry, not bugs (issue 9 §3): SQLite's
writer lock ("database is locked" after busy_timeout) answers 503 and an
optimistic-lock miss (StaleDataError) answers 409; neither wrote anything,
since the failed statement's transaction is rolled back.
"""

import logging
import sys

from flask import current_app, g, jsonify, render_template, request
from flask_appbuilder.api import BaseApi
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db

BUSY_MESSAGE = _l("数据库繁忙，请重试")
STALE_MESSAGE = _l("此记录已被他人修改，请刷新后重试")

MESSAGES = {
    400: _l("请求无效或页面已过期，请刷新后重试"),
    403: _l("您没有权限执行此操作"),
    404: _l("页面或记录不存在，或不在您的服务中心范围内"),
    405: _l("不支持此操作方式"),
    409: STALE_MESSAGE,
    429: _l("尝试次数过多，请稍后再试"),
    503: BUSY_MESSAGE,
    500: _l("系统出现错误，请稍后重试；如果问题持续，请联系系统管理员"),
}


def _handler(code):
    def handle(error):
        message = str(MESSAGES[code])
        if request.path.startswith("/api/"):
            return jsonify(message=message), code
        appbuilder = current_app.appbuilder
        g.setdefault("user", current_user)  # errors raised before FAB's before_request
        return (
            render_template(
                "register/error.html",
                code=code,
                message=message,
                base_template=appbuilder.base_template,
                appbuilder=appbuilder,
            ),
            code,
        )

    return handle


def is_database_busy(error) -> bool:
    """SQLite's "database is locked"/"busy": another writer held the lock too long."""
    if not isinstance(error, OperationalError):
        return False
    text = str(getattr(error, "orig", error)).lower()
    return "database is locked" in text or "database is busy" in text


def fault_status(error) -> int | None:
    """409 / 503 for the retryable database faults, None for anything else."""
    if isinstance(error, StaleDataError):
        return 409
    if is_database_busy(error):
        return 503
    return None


def _database_fault(error):
    db.session.rollback()
    status = fault_status(error)
    if status is None:
        logging.getLogger(__name__).exception("database error", exc_info=error)
        status = 500
    return _handler(status)(error)


_fab_response_500 = BaseApi.response_500


def _api_response_500(self, message=None, **kwargs):
    """FAB's @safe turns every exception of an API route into 500: keep 409/503 apart."""
    status = fault_status(sys.exc_info()[1])
    if status is None:
        return _fab_response_500(self, message=message, **kwargs)
    db.session.rollback()
    return self.response(status, message=str(MESSAGES[status]))


def register_error_pages(app) -> None:
    for code in MESSAGES:
        app.register_error_handler(code, _handler(code))
    app.register_error_handler(OperationalError, _database_fault)
    app.register_error_handler(StaleDataError, _database_fault)
    BaseApi.response_500 = _api_response_500
