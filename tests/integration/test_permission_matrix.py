"""Issue 9 §1 (DESIGN "Who uses it"): every cell of role × route × permission,
generated from the app's own registry (tests/permission_matrix.py), is
exercised through the web UI and the REST API.

- A granted cell is reached: never 401/403, never the login page, never a 5xx
  (the row asked for does not exist, so a granted write answers 404 or a
  refusal, and nothing is written).
- Every other cell is refused: 403 for a signed-in user (FAB's action routes
  flash "access denied" and redirect instead).
- Anonymous visitors reach only the public routes; everything else sends them
  to the login page (UI) or answers 401 (API).

The matrix runs on a database of its own (fresh SQLite, migrated and seeded),
so the empty POSTs it sends can never disturb the other tests' data. The
table is written to test-artifacts/permission-matrix.md for reviewers.
"""

from pathlib import Path

import pytest

from app.security import ROLES
from tests import permission_matrix
from tests.conftest import login, make_config, password_for

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DEMO_USER = {role: f"{role}1" for role in ROLES}


pytestmark = pytest.mark.skipif(
    bool(__import__("os").environ.get("TEST_DATABASE_URL")),
    reason="permissions do not depend on the database: the matrix runs once, in the SQLite suite",
)


@pytest.fixture(scope="module")
def matrix_app(tmp_path_factory):
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from seeds.demo import load_demo

    url = f"sqlite:///{tmp_path_factory.mktemp('matrix') / 'matrix.db'}"
    app = create_app(make_config(url, PROPAGATE_EXCEPTIONS=False))  # a 500 is a wrong cell, not a crash
    with app.app_context():
        upgrade()
        load_demo(progress=lambda *_: None)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def cells(matrix_app):
    cells = permission_matrix.build(matrix_app)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "permission-matrix.md").write_text(permission_matrix.as_markdown(cells), encoding="utf-8")
    return cells


def _send(client, cell, headers=None):
    if cell.http == "GET":
        return client.get(cell.path, headers=headers)
    send = getattr(client, cell.http.lower())
    if cell.is_api:
        return send(cell.path, json=cell.body or {}, headers=headers)
    return send(cell.path, data=cell.body or {}, headers=headers)


def _reached(response) -> bool:
    if response.status_code == 403 and response.is_json and response.json.get("message") not in (None, "Forbidden"):
        return True  # past the permission check: a service refused it with its own message (e.g. not a cashier)
    if response.status_code in (401, 403):
        return False
    return not (response.status_code == 302 and "/login" in response.headers.get("Location", ""))


def _refused(cell, response) -> bool:
    if cell.endpoint.rsplit(".", 1)[-1] in permission_matrix.ACTION_METHODS:
        return response.status_code == 302  # FAB flashes "access denied" and redirects
    return response.status_code == 403


def test_the_matrix_covers_every_route_and_every_role(cells):
    assert len(cells) > 300
    assert {c.endpoint for c in cells if c.permission is None} == permission_matrix.PUBLIC_ENDPOINTS
    # Each role is granted something and refused something (the table is not degenerate).
    for role in ROLES:
        granted = [c for c in cells if role in c.allowed and c.permission]
        assert granted, role
        if role != "admin":
            assert any(role not in c.allowed for c in cells), role


@pytest.mark.parametrize("role", list(ROLES))
def test_every_cell_for_role(matrix_app, cells, role):
    username = DEMO_USER[role]
    ui = matrix_app.test_client()
    assert login(ui, username).status_code == 302
    api = matrix_app.test_client()
    token = api.post("/api/v1/security/login", json={"username": username, "password": password_for(username),
                                                       "provider": "db"}).json["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    wrong = []
    for cell in cells:
        if cell.endpoint in ("AuthDBView.logout",):
            continue  # would end the session the rest of the loop uses
        response = _send(api, cell, bearer) if cell.is_api else _send(ui, cell)
        if role in cell.allowed:
            if not _reached(response) or response.status_code >= 500:
                wrong.append(f"granted but got {response.status_code}: {cell.label}")
        elif not _refused(cell, response):
            wrong.append(f"not granted but got {response.status_code}: {cell.label}")
    assert not wrong, f"{role}: {len(wrong)} wrong cell(s)\n" + "\n".join(wrong)


def test_anonymous_reaches_only_the_public_routes(matrix_app, cells):
    client = matrix_app.test_client()
    wrong = []
    for cell in cells:
        response = _send(client, cell)
        if cell.permission is None:
            if response.status_code >= 500:
                wrong.append(f"public route failed {response.status_code}: {cell.label}")
            continue
        if cell.is_api:
            ok = response.status_code == 401
        else:
            ok = response.status_code == 302  # to the login page (actions: back to the list, then login)
        if not ok:
            wrong.append(f"anonymous got {response.status_code}: {cell.label}")
    assert not wrong, "\n".join(wrong)
