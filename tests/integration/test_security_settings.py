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


# -- issue 9 §5: CSP, lockout of the right password too, session expiry ------------------

def _nonce(response) -> str:
    policy = response.headers["Content-Security-Policy"]
    return re.search(r"'nonce-([^']+)'", policy).group(1)


def test_csp_header_has_the_house_directives(client):
    policy = client.get("/login/").headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert directives["base-uri"] == "'self'" and directives["form-action"] == "'self'"
    assert directives["img-src"] == "'self' data:"
    assert "unsafe-inline" not in directives["script-src"] and "unsafe-eval" not in directives["script-src"]


def test_each_response_gets_its_own_nonce(client):
    assert _nonce(client.get("/login/")) != _nonce(client.get("/login/"))


def _pages(app):
    """Every GET screen without URL arguments (lists, desks, reports), minus downloads."""
    skip = ("/api/", "/static", "/swagger", "/export", "/logout", "/lang/", "/health", "/lookup", "/download")
    return sorted({r.rule for r in app.url_map.iter_rules()
                   if "GET" in r.methods and "<" not in r.rule and not any(s in r.rule for s in skip)})


@pytest.mark.parametrize("username", ["admin1", "frontdesk1", "cashier1"])
def test_every_inline_script_carries_the_nonce_and_no_inline_handlers(app, logged_in, username):
    c = logged_in(username)
    checked = 0
    for path in _pages(app):
        r = c.get(path)
        if r.status_code != 200 or not r.mimetype == "text/html":
            continue
        page, nonce = r.get_data(as_text=True), _nonce(r)
        scripts = re.findall(r"<script\b[^>]*>", page)
        assert all(f'nonce="{nonce}"' in s for s in scripts), (path, [s for s in scripts if nonce not in s])
        assert not re.search(r"\son[a-z]+\s*=\s*[\"']", page), (path, "inline event handler")
        assert "javascript:" not in page, path
        checked += 1
    assert checked > 10


def test_the_right_password_is_refused_too_while_locked_out(strict_app):
    c = strict_app.test_client()
    wrong = {"username": "hr1", "password": "wrong", "provider": "db"}
    for _ in range(5):
        c.post("/api/v1/security/login", json=wrong)
    right = c.post("/api/v1/security/login", json={**wrong, "password": "demo-hr"})
    assert right.status_code == 429 and "access_token" not in (right.json or {})


def test_an_expired_session_is_sent_to_login(app, db_url):
    import time
    from datetime import timedelta

    short = create_app(make_config(db_url, PERMANENT_SESSION_LIFETIME=timedelta(seconds=1)))
    c = short.test_client()
    r = login(c, "frontdesk1")
    assert r.status_code == 302 and "Expires=" in r.headers.get("Set-Cookie", "")   # a permanent session
    assert c.get("/householdview/list/").status_code == 200
    time.sleep(2.2)
    r = c.get("/householdview/list/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_production_refuses_the_test_fault_hook(monkeypatch, db_url):
    monkeypatch.setenv("TEST_FAULT_PAUSE", "payment.after_receipt=1")
    prod = type("P", (ProductionConfig,), {"SECRET_KEY": "k" * 40, "SQLALCHEMY_DATABASE_URI": db_url})
    with pytest.raises(RuntimeError, match="TEST_FAULT_PAUSE"):
        create_app(prod)
