"""Error pages in the user's language: HTML with the app layout, JSON under /api/.

Two database faults are the user's to retry, not bugs (issue 9 §3): SQLite's
writer lock ("database is locked" after busy_timeout) answers 503 and an
optimistic-lock miss (StaleDataError) answers 409; neither wrote anything,
since the failed statement's transaction is rolled back.
"""

import logging

from flask import abort, current_app, g, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import BadRequest

from app.extensions import db
from app.services.input_guard import INT32, int_in_range, unstorable_text

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


class UnstorableInput(BadRequest):
    """Input no column can hold: refused before any view or service sees it."""

    def __init__(self, message):
        super().__init__()
        self.user_message = message


def _handler(code):
    def handle(error):
        message = str(getattr(error, "user_message", None) or MESSAGES[code])
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


def _bad_values(value):
    """Yield the strings and integers of a JSON body or form that no column can store."""
    if isinstance(value, str):
        if unstorable_text(value):
            yield _l("输入中含有无法保存的字符（如空字符或残缺的表情字符），请删除后重试")
    elif isinstance(value, bool):
        return
    elif isinstance(value, int):
        if not int_in_range(value, 2**63 - 1):
            yield _l("输入的数值超出允许范围")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _bad_values(key)
            yield from _bad_values(item)
    elif isinstance(value, list):
        for item in value:
            yield from _bad_values(item)


def refuse_unstorable_input():
    """NUL bytes and lone surrogates (PostgreSQL and UTF-8 refuse them) and integers
    beyond 64 bits answer 400 with a message, before they reach a query; an id in
    the path that no row can have answers 404."""
    for arg in (request.view_args or {}).values():
        text = str(arg)
        if text.isascii() and text.lstrip("-").isdigit() and not int_in_range(int(text), INT32):
            abort(404)
    values = [request.args.to_dict(flat=False)]
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        values += [request.get_json(silent=True) if request.is_json else None, request.form.to_dict(flat=False)]
    for problem in _bad_values(values):
        raise UnstorableInput(problem)


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


def api_fault_response(api, exc):
    """The 409/503 answer for a stale row or a busy database raised inside an API route
    (FAB's @safe would make it a 500), or None for any other fault. ScopedModelRestApi's
    response_500 asks this."""
    status = fault_status(exc)
    if status is None:
        return None
    db.session.rollback()
    return api.response(status, message=str(MESSAGES[status]))


def register_error_pages(app) -> None:
    for code in MESSAGES:
        app.register_error_handler(code, _handler(code))
    app.before_request(refuse_unstorable_input)
    app.register_error_handler(OperationalError, _database_fault)
    app.register_error_handler(StaleDataError, _database_fault)
