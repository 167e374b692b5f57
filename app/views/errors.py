"""Error pages in the user's language: HTML with the app layout, JSON under /api/."""

from flask import abort, current_app, g, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.exceptions import BadRequest

from app.services.input_guard import INT32, int_in_range, unstorable_text

MESSAGES = {
    400: _l("请求无效或页面已过期，请刷新后重试"),
    403: _l("您没有权限执行此操作"),
    404: _l("页面或记录不存在，或不在您的服务中心范围内"),
    405: _l("不支持此操作方式"),
    429: _l("尝试次数过多，请稍后再试"),
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


def register_error_pages(app) -> None:
    for code in MESSAGES:
        app.register_error_handler(code, _handler(code))
    app.before_request(refuse_unstorable_input)
