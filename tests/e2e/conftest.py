"""End-to-end fixtures: a real gunicorn server on loopback and headless Chromium.

The server always runs on a fresh SQLite file in a temp dir (never
TEST_DATABASE_URL, which the in-process suite uses), migrated and seeded
through the same CLI commands an operator runs (`flask db upgrade`, `flask seed`).

Chromium is Debian's /usr/bin/chromium (Playwright's own browser downloads
are never used). When it is missing the e2e tests fail, unless SKIP_E2E=1.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.live_server import stop as _stop

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = REPO_ROOT / "test-artifacts"
STARTUP_TIMEOUT = int(os.environ.get("E2E_STARTUP_TIMEOUT", "30"))  # seconds for /health to answer 200
COMMAND_TIMEOUT = int(os.environ.get("E2E_COMMAND_TIMEOUT", "120"))  # seconds for `db upgrade` / `seed`
DEFAULT_TIMEOUT_MS = 10_000  # Playwright waits: fail fast, never hang the suite

# Variables of the caller that must not leak into the server's configuration.
_SCRUBBED_ENV = (
    "APP_ENV", "DATABASE_URL", "TEST_DATABASE_URL", "INSTANCE_PATH", "FLASK_DEBUG", "FLASK_APP",
    "RATELIMIT_STORAGE_URI", "AUTH_RATE_LIMIT", "SECRET_KEY",
)


def _skip_requested() -> bool:
    return os.environ.get("SKIP_E2E", "").strip().lower() in ("1", "true", "yes")


@pytest.fixture(scope="session", autouse=True)
def _e2e_prerequisites():
    """Skip on SKIP_E2E=1; otherwise a missing Chromium is a failure, not a skip."""
    if _skip_requested():
        pytest.skip("SKIP_E2E=1: end-to-end browser tests skipped")
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install Debian's `chromium` package "
            "(apt-get install chromium) or set SKIP_E2E=1 to skip the end-to-end tests",
            pytrace=False,
        )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_env(instance: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED_ENV}
    env.update(
        INSTANCE_PATH=str(instance),
        DATABASE_URL=f"sqlite:///{instance / 'e2e.db'}",
        RATELIMIT_STORAGE_URI="memory://",
        # The browser tests sign in a dozen people within a minute; the limit itself is
        # proven in tests/integration/test_security_settings.py.
        AUTH_RATE_LIMIT="200 per minute",
        PYTHONUNBUFFERED="1",
    )
    return env


def _run_cli(args: list[str], env: dict, log: Path) -> None:
    cmd = [sys.executable, "-m", "flask", "--app", "run", *args]
    result = subprocess.run(
        cmd, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=COMMAND_TIMEOUT
    )
    with log.open("a") as out:
        out.write(f"$ flask {' '.join(args)}\n{result.stdout}{result.stderr}")
    if result.returncode != 0:
        pytest.fail(
            f"`flask {' '.join(args)}` failed ({result.returncode}):\n{result.stdout}\n{result.stderr}",
            pytrace=False,
        )


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    last = "no answer"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"gunicorn exited early with {proc.returncode}:\n{_tail(log)}", pytrace=False)
        try:
            with urllib.request.urlopen(url + "/health", timeout=2) as r:
                if r.status == 200:
                    return
                last = f"HTTP {r.status}"
        except urllib.error.HTTPError as e:
            last = f"HTTP {e.code}"
        except (urllib.error.URLError, OSError) as e:
            last = str(e)
        time.sleep(0.2)
    pytest.fail(f"{url}/health not 200 after {STARTUP_TIMEOUT}s ({last}):\n{_tail(log)}", pytrace=False)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """Base URL of a migrated + seeded app served by gunicorn on 127.0.0.1."""
    instance = tmp_path_factory.mktemp("e2e-instance")
    env = _server_env(instance)
    cli_log = instance / "cli.log"
    _run_cli(["db", "upgrade"], env, cli_log)
    _run_cli(["seed"], env, cli_log)

    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    log = instance / "gunicorn.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1",
             "--access-logfile", "-", "run:app"],
            cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        _wait_healthy(base_url, proc, log)
        yield base_url
    finally:
        _stop(proc)


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance):
    b = playwright_instance.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield b
    b.close()


@pytest.fixture()
def new_page(browser, live_server):
    """Factory of pages, each in its own browser context (own cookies = own user)."""
    contexts = []

    def make():
        context = browser.new_context(
            base_url=live_server, locale="zh-CN", timezone_id="Asia/Shanghai",
            accept_downloads=True, viewport={"width": 1280, "height": 900},
        )
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for c in contexts:
        c.close()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
