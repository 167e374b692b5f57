"""Configuration classes, chosen by APP_ENV (development | test | production).

Everything that differs between machines comes from the environment; nothing
secret lives in the repository.
"""

import os
from datetime import timedelta
from pathlib import Path

from flask_appbuilder.const import AUTH_DB

BASE_DIR = Path(__file__).resolve().parent
DEFAULT_SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - refused in production


def instance_path() -> Path:
    return Path(os.environ.get("INSTANCE_PATH") or BASE_DIR / "instance").resolve()


def _sqlite_url(filename: str) -> str:
    return f"sqlite:///{instance_path() / filename}"


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


class Config:
    ENV_NAME = "development"
    DEBUG = False
    TESTING = False
    DEMO_MODE = True
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or _sqlite_url("app.db")
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    TIMEZONE = os.environ.get("APP_TIMEZONE", "Asia/Shanghai")
    #: 经营看板: the arrears figures (every unpaid bill) are kept this long per scope
    DASHBOARD_ARREARS_SECONDS = 60

    # Flask-AppBuilder
    APP_NAME = "物业客服中心"
    APP_ICON = None
    AUTH_TYPE = AUTH_DB
    AUTH_ROLE_ADMIN = "admin"
    AUTH_ROLE_PUBLIC = "Public"
    FAB_CREATE_DB = False  # schema only through Alembic migrations
    FAB_UPDATE_PERMS = False  # permissions only through `flask seed` / `db upgrade`
    FAB_ADD_SECURITY_API = False
    FAB_INDEX_VIEW = "app.views.dashboard.IndexView"  # centre managers land on the dashboard
    FAB_API_SWAGGER_UI = True
    FAB_API_MAX_PAGE_SIZE = 100
    FAB_PASSWORD_COMPLEXITY_ENABLED = True
    # FAB_PASSWORD_COMPLEXITY_VALIDATOR is set to app.security.password_complexity in create_app
    BABEL_DEFAULT_LOCALE = "zh"
    BABEL_DEFAULT_FOLDER = "translations"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
    LANGUAGES = {
        "zh": {"flag": "cn", "name": "中文"},
        "en": {"flag": "gb", "name": "English"},
    }

    # Login rate limit (web form and API login), shared across workers via Redis
    AUTH_RATE_LIMITED = True
    RATELIMIT_ENABLED = True
    AUTH_RATE_LIMIT = os.environ.get("AUTH_RATE_LIMIT", "10 per minute")
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")

    # Sessions and CSRF
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # token lives as long as the session
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = timedelta(hours=10)
    JWT_ACCESS_TOKEN_EXPIRES = timedelta(hours=2)

    EXPORT_BATCH_SIZE = 1000
    # SQLite: seconds a writer waits for another writer's lock before answering 503
    SQLITE_BUSY_TIMEOUT = float(os.environ.get("SQLITE_BUSY_TIMEOUT", "30"))

    # Notification email (待办与通知): off unless NOTIFY_EMAIL_ENABLED=1; sent after the commit
    NOTIFY_EMAIL_ENABLED = _flag("NOTIFY_EMAIL_ENABLED")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "127.0.0.1")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = _flag("MAIL_USE_TLS")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_FROM = os.environ.get("MAIL_FROM", "noreply@localhost")
    MAIL_TIMEOUT = 10


class DevelopmentConfig(Config):
    DEBUG = os.environ.get("FLASK_DEBUG") == "1"


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-only-secret-not-for-production-use"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or "sqlite:///" + str(
        instance_path() / "test.db"
    )
    WTF_CSRF_ENABLED = False  # tests that prove CSRF switch it back on
    RATELIMIT_ENABLED = False  # the rate-limit test switches it back on
    NOTIFY_EMAIL_ENABLED = False  # the email test switches it on, with its own SMTP sink
    DASHBOARD_ARREARS_SECONDS = 0  # tests change bills between two reads of the dashboard
    RATELIMIT_STORAGE_URI = "memory://"


class ProductionConfig(Config):
    ENV_NAME = "production"
    DEMO_MODE = False
    SESSION_COOKIE_SECURE = True
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or _sqlite_url("app.db")


MIN_SQLITE_BUSY_MS = 5000


def check_production(cfg) -> None:
    """Refuse to start with settings that are unsafe in production."""
    key = cfg.get("SECRET_KEY") or ""
    if key == DEFAULT_SECRET_KEY or len(key) < 32:
        raise RuntimeError(
            "SECRET_KEY must be set to a long random value in production "
            "(生产环境必须设置足够长的随机 SECRET_KEY)"
        )
    if cfg.get("DEBUG"):
        raise RuntimeError("DEBUG must be off in production (生产环境不得开启调试模式)")
    if os.environ.get("TEST_FAULT_PAUSE"):
        raise RuntimeError("TEST_FAULT_PAUSE is a test-only hook (生产环境不得设置测试故障注入)")


def check_sqlite_production(engine) -> None:
    """On SQLite, production needs WAL (readers never block the writer) and a busy
    timeout (a writer waits for the lock instead of failing at once). Asked of a
    live connection: an in-memory or network-mounted file silently keeps another mode."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as conn:
        mode = str(conn.exec_driver_sql("PRAGMA journal_mode").scalar()).lower()
        busy = int(conn.exec_driver_sql("PRAGMA busy_timeout").scalar() or 0)
    if mode != "wal":
        raise RuntimeError(
            f"SQLite must run in WAL mode in production, not {mode!r} (生产环境的SQLite必须使用WAL模式)"
        )
    if busy < MIN_SQLITE_BUSY_MS:
        raise RuntimeError(
            f"SQLite busy_timeout must be at least {MIN_SQLITE_BUSY_MS} ms in production, not {busy} "
            "(生产环境的SQLite必须设置busy_timeout)"
        )


CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[Config]:
    name = os.environ.get("APP_ENV", "development")
    if name not in CONFIGS:
        raise RuntimeError(f"APP_ENV must be one of {', '.join(CONFIGS)}, not {name!r}")
    return CONFIGS[name]
