"""Shared fixtures: one migrated + seeded database per test session.

SQLite by default (a fresh file); PostgreSQL when TEST_DATABASE_URL is set
(the schema is dropped and rebuilt through the Alembic migrations).
"""

import os

import pytest
from sqlalchemy import text

from config import TestConfig


def make_config(db_url: str, **overrides):
    return type("SessionTestConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": db_url, **overrides})


@pytest.fixture(scope="session")
def db_url(tmp_path_factory):
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def app(db_url):
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from seeds.demo import load_demo

    app = create_app(make_config(db_url))
    with app.app_context():
        _reset_schema(db)
        upgrade()
        load_demo(progress=lambda *_: None)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def fresh_app(db_url, tmp_path_factory):
    """fresh_app(name): another migrated + seeded database of the same kind (a SQLite file,
    or a sibling PostgreSQL database), for tests that write across every register (hostile
    input, audit completeness) and would otherwise change the demo data the rest of the
    suite counts on. One per name per session; dropped at the end."""
    made = {}

    def make(name: str):
        if name not in made:
            made[name] = _fresh(_sibling_url(db_url, name, tmp_path_factory))
        return made[name][0]

    yield make
    for app, url in made.values():
        _dispose(app)
        _drop_sibling(url)


def _sibling_url(db_url: str, name: str, tmp_path_factory) -> str:
    from sqlalchemy.engine import make_url

    url = make_url(db_url)
    if url.get_backend_name() != "postgresql":
        return f"sqlite:///{tmp_path_factory.mktemp(name) / f'{name}.db'}"
    sibling = url.set(database=f"{url.database}_{name}")
    _admin_execute(url, f'DROP DATABASE IF EXISTS "{sibling.database}" WITH (FORCE)',
                   f'CREATE DATABASE "{sibling.database}"')
    return sibling.render_as_string(hide_password=False)


def _admin_execute(url, *statements) -> None:
    from sqlalchemy import create_engine

    engine = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for statement in statements:
            conn.execute(text(statement))
    engine.dispose()


def _drop_sibling(url_text: str) -> None:
    from sqlalchemy.engine import make_url

    url = make_url(url_text)
    if url.get_backend_name() == "postgresql":
        _admin_execute(url, f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')


def _fresh(url: str):
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from seeds.demo import load_demo

    app = create_app(make_config(url))
    with app.app_context():
        upgrade()
        load_demo(progress=lambda *_: None)
        db.session.remove()
    return app, url


def _dispose(app) -> None:
    from app.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _reset_schema(db):
    """PostgreSQL databases may be reused locally: start from nothing."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def ctx(app):
    """An app context for tests that call services or query directly."""
    from app.extensions import db

    with app.app_context():
        yield
        db.session.rollback()
        db.session.remove()


DEMO_PASSWORDS = {"frontdesk2": "demo-frontdesk", "frontdesk3": "demo-frontdesk"}


def password_for(username: str) -> str:
    return DEMO_PASSWORDS.get(username) or f"demo-{username.rstrip('0123456789')}"


def login(client, username: str, password: str | None = None):
    return client.post(
        "/login/",
        data={"username": username, "password": password or password_for(username)},
        follow_redirects=False,
    )


class Api:
    """A REST client holding one user's JWT."""

    def __init__(self, client, username: str, password: str | None = None, lang: str = "zh"):
        self.client = client
        self.lang = lang
        r = client.post(
            "/api/v1/security/login",
            json={"username": username, "password": password or password_for(username), "provider": "db"},
        )
        assert r.status_code == 200, r.get_data(as_text=True)
        self.headers = {"Authorization": f"Bearer {r.json['access_token']}", "Accept-Language": lang}

    def get(self, url, **kw):
        return self.client.get(url, headers=self.headers, **kw)

    def post(self, url, json=None):
        return self.client.post(url, json=json, headers=self.headers)

    def put(self, url, json=None):
        return self.client.put(url, json=json, headers=self.headers)

    def delete(self, url):
        return self.client.delete(url, headers=self.headers)


@pytest.fixture()
def api(client):
    def make(username, password=None, lang="zh"):
        return Api(client, username, password, lang)

    return make


@pytest.fixture()
def logged_in(app):
    """A test client signed in through the web login form."""

    def make(username, password=None):
        c = app.test_client()
        r = login(c, username, password)
        assert r.status_code == 302 and "/login" not in r.headers.get("Location", ""), username
        return c

    return make
