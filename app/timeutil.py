"""Server time in the company's timezone (DESIGN: "times are the server's")."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

_DEFAULT_TZ = "Asia/Shanghai"


def now() -> datetime:
    """Naive local time of the company's timezone, whatever the host's TZ is."""
    tz = current_app.config.get("TIMEZONE", _DEFAULT_TZ) if has_app_context() else _DEFAULT_TZ
    return datetime.now(ZoneInfo(tz)).replace(tzinfo=None, microsecond=0)


def today() -> date:
    return now().date()
