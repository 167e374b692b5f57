"""Issue 2 §2 security by default: CSRF on every form and cookie-authenticated
API write, login rate limit (web form and API), session cookie flags,
password complexity, production refuses the default key and demo seeding,
/health without login."""

import re

import pytest

from app import create_app
from config import DEFAULT_SECRET_KEY, ProductionConfig
from tests.conftest import login, make_config


@pytest.fixture(scope="module")
def strict_app(app, db_url):
    """Same database, with CSRF and the rate limit switched on as in production."""
    return create_app(make_config(db_url, WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=True,
                                  AUTH_RATE_LIMIT="5 per minute"))


def _csrf_token(client, path):
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_form_post_without_csrf_token_is_refused(strict_app):
    c = strict_app.test_client()
    token = _csrf_token(c, "/login/")
    assert c.post("/login/", data={"username": "frontdesk1", "password": "demo-frontdesk",
                                   "csrf_token": token}).status_code == 302
    r = c.post("/householdview/add", data={"name": "无令牌", "kind": "owner", "phone": "13800138000"})
    assert r.status_code == 400


def test_cookie_authenticated_api_write_needs_csrf(strict_app):
    c = strict_app.test_client()
    token = _csrf_token(c, "/login/")
    c.post("/login/", data={"username": "frontdesk1", "password": "demo-frontdesk", "csrf_token": token})
    assert c.get("/api/v1/household/").status_code == 200          # reading with the cookie is fine
    r = c.post("/api/v1/household/", json={"unit_id": 1, "name": "x", "kind": "owner", "phone": "13800138000"})
    assert r.status_code == 400                                        # writing needs the token


def test_delete_by_get_is_refused_when_csrf_is_on(strict_app, app):
    from app.extensions import db
    from app.models.estate import Household
    from tests import factories

    with app.app_context():
        hid = factories.household("SC01").id
    c = strict_app.test_client()
    token = _csrf_token(c, "/login/")
    c.post("/login/", data={"username": "frontdesk1", "password": "demo-frontdesk", "csrf_token": token})
    c.get(f"/householdview/delete/{hid}")
    with app.app_context():
        assert db.session.get(Household, hid).deleted_on is None


def test_web_login_is_rate_limited(strict_app):
    c = strict_app.test_client()
    token = _csrf_token(c, "/login/")
    codes = [
        c.post("/login/", data={"username": "cashier1", "password": "wrong", "csrf_token": token}).status_code
        for _ in range(7)
    ]
    assert codes[0] == 302 and codes[-1] == 429


def test_api_login_is_rate_limited(strict_app):
    c = strict_app.test_client()
    wrong = {"username": "cashier1", "password": "wrong", "provider": "db"}
    codes = [c.post("/api/v1/security/login", json=wrong).status_code for _ in range(7)]
    assert codes[0] == 401 and 429 in codes


def test_session_cookie_is_httponly_and_samesite(client):
    r = login(client, "frontdesk1")
    cookie = r.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_cookie_is_secure_and_default_key_refused(monkeypatch, db_url):
    assert ProductionConfig.SESSION_COOKIE_SECURE is True
    weak = type("P", (ProductionConfig,), {"SECRET_KEY": DEFAULT_SECRET_KEY, "SQLALCHEMY_DATABASE_URI": db_url})
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(weak)
    debug = type("P", (ProductionConfig,), {"SECRET_KEY": "x" * 40, "DEBUG": True, "SQLALCHEMY_DATABASE_URI": db_url})
    with pytest.raises(RuntimeError, match="DEBUG"):
        create_app(debug)


def test_production_refuses_demo_seed(db_url):
    prod = create_app(type("P", (ProductionConfig,), {"SECRET_KEY": "k" * 40, "SQLALCHEMY_DATABASE_URI": db_url}))
    result = prod.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code != 0 and "refused" in result.output


@pytest.mark.parametrize("password,ok", [
    ("short1A", False),
    ("alllowercaseletters", False),
    ("lowercase1234", False),
    ("Lower-case-12", True),
    ("密码Abcdefg123", True),
])
def test_password_complexity(app, password, ok):
    from flask_appbuilder.exceptions import PasswordComplexityValidationError

    from app.security import password_complexity

    with app.test_request_context():
        if ok:
            password_complexity(password)
        else:
            with pytest.raises(PasswordComplexityValidationError, match="至少10位"):
                password_complexity(password)


def test_weak_password_is_refused_on_the_reset_form(logged_in):
    c = logged_in("cashier1")
    r = c.post("/resetmypassword/form", data={"password": "abc", "conf_password": "abc"})
    assert "至少10位" in r.get_data(as_text=True)


def test_health_answers_without_login(client):
    r = client.get("/health")
    assert r.status_code == 200 and r.json["database"] is True


def test_health_answers_503_when_the_database_is_unreachable(tmp_path):
    broken = create_app(make_config(f"sqlite:///{tmp_path}/missing/dir/x.db"))
    r = broken.test_client().get("/health")
    assert r.status_code == 503 and r.json["database"] is False


@pytest.mark.parametrize("path", ["/login/", "/health", "/api/v1/household/"])
def test_security_headers_on_every_response(client, path):
    """Issue 9 §5: no framing by other sites, no MIME sniffing, referrer kept on site."""
    r = client.get(path)
    assert r.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in r.headers  # only when cookies are Secure (production)
