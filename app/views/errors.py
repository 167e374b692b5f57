"""Error pages in the user's language: HTML with the app layout, JSON under /api/."""

from flask import current_app, g, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

MESSAGES = {
    400: _l("请求无效或页面已过期，请刷新后重试"),
    403: _l("您没有权限执行此操作"),
    404: _l("页面或记录不存在，或不在您的服务中心范围内"),
    405: _l("不支持此操作方式"),
    429: _l("尝试次数过多，请稍后再试"),
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


def register_error_pages(app) -> None:
    for code in MESSAGES:
        app.register_error_handler(code, _handler(code))
