"""Application factory: wiring only."""

import sqlite3
from pathlib import Path

from flask import Flask, has_request_context, request, session
from flask_appbuilder import AppBuilder
from flask_login import user_logged_in
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool

from config import BASE_DIR, check_production, check_sqlite_production, config_from_env, instance_path


def create_app(config_class=None) -> Flask:
    config_class = config_class or config_from_env()
    app = Flask(__name__, instance_path=str(instance_path()))
    app.config.from_object(config_class)
    if app.config["ENV_NAME"] == "production":
        check_production(app.config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    _configure_database(app)

    from app import cli, formatting, headers, models  # noqa: F401 - models register their tables
    from app.extensions import csrf, db, migrate
    from app.security import CenterSecurityManager, password_complexity
    from app.services import audit, personnel, work_orders  # noqa: F401 - register approval rules, row filters
    from app.views import register_views
    from app.views.errors import register_error_pages
    from app.views.health import bp as health_bp

    app.config["FAB_PASSWORD_COMPLEXITY_VALIDATOR"] = password_complexity
    db.init_app(app)
    if app.config["ENV_NAME"] == "production":
        with app.app_context():
            check_sqlite_production(db.engine)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"))
    csrf.init_app(app)
    audit.install()
    with app.app_context():
        appbuilder = AppBuilder(
            base_template="register/base.html",
            security_manager_class=CenterSecurityManager,
            update_perms=False,
        )
        appbuilder.init_app(app, db.session)
        register_views(appbuilder)
        appbuilder.post_init()
        _secure_api(app, appbuilder, csrf)
        app.extensions["babel"].locale_selector = _locale_selector(app)
    app.register_blueprint(health_bp)
    register_error_pages(app)
    headers.install(app)
    formatting.install(app)
    cli.register(app)
    user_logged_in.connect(_make_session_permanent, app)
    return app


def _configure_database(app: Flask) -> None:
    """SQLite: WAL and foreign keys on every connection (below); a writer waits up to
    SQLITE_BUSY_TIMEOUT seconds for the lock, then the request answers 503 "数据库繁忙"."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        timeout = float(app.config.get("SQLITE_BUSY_TIMEOUT", 30))
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"connect_args": {"timeout": timeout}})


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    if isinstance(dbapi_connection, sqlite3.Connection):
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA journal_mode=WAL")  # the busy timeout is the connection's `timeout`
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()


@event.listens_for(Pool, "close")
def _sqlite_optimize(dbapi_connection, _record):
    """SQLite plans by the statistics ANALYZE keeps: without them it reads "deleted_on IS
    NULL" as selective and sorts a million work orders instead of walking the list's index.
    `PRAGMA optimize` on closing a connection (each cron command, each worker's exit) keeps
    them, as SQLite recommends; it does little when nothing changed."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        try:
            dbapi_connection.execute("PRAGMA optimize")
        except sqlite3.Error:  # closing anyway; statistics are an optimisation
            pass


def _secure_api(app: Flask, appbuilder, csrf) -> None:
    """Rate-limit the API login too; cookie-authenticated API writes need CSRF.

    FAB limits only the web login form and exempts its APIs from CSRF, while
    its APIs also accept the browser's session cookie.
    """
    sm = appbuilder.sm
    if app.config.get("AUTH_RATE_LIMITED"):
        login_view = app.view_functions.get("SecurityApi.login")
        if login_view is not None:
            app.view_functions["SecurityApi.login"] = sm.limiter.limit(
                app.config["AUTH_RATE_LIMIT"], methods=["POST"]
            )(login_view)

    @app.before_request
    def _csrf_for_cookie_api_writes():
        if not request.path.startswith("/api/") or request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        if request.headers.get("Authorization", "").startswith("Bearer "):
            return None
        if request.path.startswith("/api/v1/security/"):
            return None
        if app.config.get("WTF_CSRF_ENABLED"):
            csrf.protect()
        return None


def _locale_selector(app: Flask):
    languages = list(app.config["LANGUAGES"])
    default = app.config["BABEL_DEFAULT_LOCALE"]

    def select():
        if not has_request_context():
            return default
        chosen = request.args.get("_l_") or session.get("locale")
        if chosen in languages:
            return chosen
        if request.path.startswith("/api/"):
            return request.accept_languages.best_match(languages) or default
        session["locale"] = default  # FAB's language menu reads it
        return default

    return select


def _make_session_permanent(sender, user, **extra):
    """Make PERMANENT_SESSION_LIFETIME apply (FAB never marks sessions permanent)."""
    session.permanent = True
