"""Issue 9 §2 (DESIGN "Bad input"): hostile input on every REST resource and every
form, generated from the registered views (tests/hostile.py), never hand-listed.

For each request: never a 5xx; a refusal (4xx, or the form shown again /
a flashed error) carries a readable message and writes nothing (the
register's row count and the audit log unchanged). Hypothesis picks the
(field, payload) pairs, derandomized so CI runs the same cases every time;
the number of inputs tried is written to test-artifacts/hostile-input.md.
"""

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.extensions import db
from app.models.audit import AuditLog
from tests import hostile
from tests.conftest import Api, login


@pytest.fixture(scope="module")
def app(fresh_app):
    """The hostile-input database: accepted payloads are stored in rows the rest of the suite reads."""
    return fresh_app("hostile")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TRIED: dict[str, int] = {}
LEAKS = ("Traceback", "sqlalchemy", "psycopg2", "sqlite3", "builtins.", "Database exception")
SETTINGS = settings(max_examples=15, derandomize=True, database=None, deadline=None,
                    suppress_health_check=list(HealthCheck))


def _state(app, model) -> tuple:
    with app.app_context():
        rows = db.session.scalar(select(func.count()).select_from(model))
        audit = db.session.scalar(select(func.max(AuditLog.id)))
        db.session.remove()
    return rows, audit


def _payload(kinds):
    """A listed hostile value, or text Hypothesis makes up (any code point, NUL and surrogates too)."""
    return st.one_of(st.sampled_from(kinds), st.text(max_size=40))


def _api_plan(app, view, method):
    with app.app_context():
        row = hostile.first_row(view.datamodel)
        schema = view.add_model_schema if method == "post" else view.edit_model_schema
        if schema is None or (row is None and method == "put"):
            return None
        body = hostile.base_body(view, row, schema) if row is not None else {}
        fields = {n: hostile.api_payloads(view, n, f) for n, f in schema.fields.items() if not f.dump_only}
        url = f"/api/v1/{view.resource_name}/" + ("" if method == "post" else str(row.id))
        model = view.datamodel.obj
        db.session.remove()
    return url, body, fields, model


def _api_targets(app):
    out = []
    for view in hostile.api_views(app):
        routes = view.include_route_methods
        for method, route in (("post", "post"), ("put", "put")):
            if routes is None or route in routes:
                out.append((view.resource_name, method))
    return out


@pytest.fixture(scope="module")
def admin_api(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a 500 must come back as an answer the test can see
    client = app.test_client()
    return client, Api(client, "admin1").headers


def _check_answer(app, model, before, response, where):
    assert response.status_code < 500, f"{where}: {response.status_code} {response.get_data(as_text=True)[:300]}"
    if response.status_code >= 400:
        assert _state(app, model) == before, f"{where}: refused ({response.status_code}) but something was written"
        text = response.get_data(as_text=True)
        assert not any(leak in text for leak in LEAKS), f"{where}: leaks internals: {text[:300]}"
        if response.is_json:
            assert response.json.get("message"), f"{where}: refusal without a message"


def test_generated_targets_cover_every_resource_and_form(app):
    writable = {v.resource_name for v in hostile.api_views(app)
                if v.include_route_methods is None or {"post", "put"} & set(v.include_route_methods)}
    assert {name for name, _ in _api_targets(app)} == writable and len(writable) > 30
    assert len(_form_targets(app)) > 40


def pytest_generate_tests(metafunc):
    if "api_target" in metafunc.fixturenames or "form_target" in metafunc.fixturenames:
        from app import create_app
        from tests.conftest import make_config

        probe = create_app(make_config("sqlite://"))
        if "api_target" in metafunc.fixturenames:
            metafunc.parametrize("api_target", _api_targets(probe), ids="-".join)
        else:
            metafunc.parametrize("form_target", _form_targets(probe), ids="-".join)


def test_rest_resource_refuses_or_stores_hostile_input(app, admin_api, api_target):
    resource, method = api_target
    client, headers = admin_api
    view = next(v for v in hostile.api_views(app) if v.resource_name == resource)
    plan = _api_plan(app, view, method)
    if plan is None:
        pytest.skip(f"{resource}: no row to base a {method} on")
    url, body, fields, model = plan

    @SETTINGS
    @given(st.data())
    def one(data):
        name = data.draw(st.sampled_from(sorted(fields)), label="field")
        value = data.draw(_payload(fields[name]), label="value")
        sent = json.dumps({**body, name: value})
        before = _state(app, model)
        response = getattr(client, method)(url, data=sent, content_type="application/json", headers=headers)
        TRIED["REST"] = TRIED.get("REST", 0) + 1
        _check_answer(app, model, before, response, f"{method.upper()} {url} {name}={value!r:.60}")

    one()


# -- forms -------------------------------------------------------------------------------

def _form_targets(app):
    out = []
    for view in hostile.model_views(app):
        for route in ("add", "edit"):
            if route in (view.include_route_methods or {route}) and route not in (view.exclude_route_methods or ()):
                if getattr(view, f"{route}_columns", None) or route == "add":
                    out.append((view.endpoint, route))
    return out


def _form_plan(app, view, route):
    with app.app_context():
        row = hostile.first_row(view.datamodel)
        if row is None and route == "edit":
            return None
        with app.test_request_context():
            form = (view.add_form if route == "add" else view.edit_form)()
        base = {}
        for field in form:
            value = getattr(row, field.name, None) if row is not None else None
            value = hostile.jsonable(getattr(value, "id", value))
            if value is None or value is False:
                continue
            base[field.name] = "y" if value is True else value
        fields = {f.name: hostile.form_payloads(view, f.name, f) for f in form if f.name != "csrf_token"}
        url = f"{view.route_base}/{route}" + (f"/{row.id}" if route == "edit" else "")
        db.session.remove()
    return url, base, fields, view.datamodel.obj


@pytest.fixture(scope="module")
def admin_ui(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = app.test_client()
    assert login(client, "admin1").status_code == 302
    return client


def _flashes(client) -> list[str]:
    with client.session_transaction() as session:
        return [message for _, message in session.pop("_flashes", [])]


def test_form_refuses_or_stores_hostile_input(app, admin_ui, form_target):
    endpoint, route = form_target
    view = next(v for v in hostile.model_views(app) if v.endpoint == endpoint)
    plan = _form_plan(app, view, route)
    if plan is None or not plan[2]:
        pytest.skip(f"{endpoint}: nothing to {route}")
    url, base, fields, model = plan

    @SETTINGS
    @given(st.data())
    def one(data):
        name = data.draw(st.sampled_from(sorted(fields)), label="field")
        value = data.draw(_payload(fields[name]).filter(lambda v: isinstance(v, str)), label="value")
        value = value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")  # forms travel as UTF-8
        _flashes(admin_ui)
        before = _state(app, model)
        response = admin_ui.post(url, data={**base, name: value})
        TRIED["forms"] = TRIED.get("forms", 0) + 1
        where = f"POST {url} {name}={value!r:.60}"
        _check_answer(app, model, before, response, where)
        flashed = _flashes(admin_ui)
        assert not any(leak in m for m in flashed for leak in LEAKS), f"{where}: flash leaks internals: {flashed}"

    one()


def test_write_the_count_of_inputs_tried(app):
    """Runs last in this module: the closing note quotes these figures."""
    ARTIFACTS.mkdir(exist_ok=True)
    with app.app_context():
        dialect = db.engine.dialect.name
    lines = ["# Hostile input (issue 9 §2)", "", f"Database: {dialect}; Hypothesis derandomized, "
             f"max_examples={SETTINGS.max_examples} per resource/form.", "",
             "| route kind | inputs tried |", "|---|---|"]
    lines += [f"| {kind} | {count} |" for kind, count in sorted(TRIED.items())]
    lines += [f"| total | {sum(TRIED.values())} |", ""]
    (ARTIFACTS / "hostile-input.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    assert sum(TRIED.values()) > 0
