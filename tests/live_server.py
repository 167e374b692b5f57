"""A real gunicorn on 127.0.0.1 for the fault and load tests, and a tiny JSON client.

The server uses the database it is given (the test session's, already migrated
and seeded), so the test can look at exactly what the workers wrote. Only
loopback addresses are ever bound or called.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import password_for

REPO_ROOT = Path(__file__).resolve().parents[1]
_SCRUBBED = ("APP_ENV", "DATABASE_URL", "TEST_DATABASE_URL", "FLASK_DEBUG", "FLASK_APP", "SECRET_KEY",
             "RATELIMIT_STORAGE_URI", "AUTH_RATE_LIMIT", "TEST_FAULT_PAUSE", "TEST_FAULT_MARK")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(db_url: str, log: Path, workers: int = 1, **env_extra):
    """Yield (base_url, process) of gunicorn serving run:app on db_url."""
    env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED}
    env.update(DATABASE_URL=db_url, RATELIMIT_STORAGE_URI="memory://", AUTH_RATE_LIMIT="100000 per minute",
               PYTHONUNBUFFERED="1", **{k: str(v) for k, v in env_extra.items()})
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
             "--timeout", "120", "--graceful-timeout", "5", "run:app"],
            cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_healthy(base, proc, log)
        yield base, proc
    finally:
        stop(proc)


def stop(proc) -> None:
    """SIGTERM (gunicorn stops gracefully), SIGKILL if it has not gone after 10 s."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


#: Seconds for workers to boot; a 2-core machine shared by many test runs needs minutes.
STARTUP_TIMEOUT = float(os.environ.get("LIVE_SERVER_STARTUP_TIMEOUT", "240"))


def wait_healthy(base: str, proc, log: Path, timeout: float = STARTUP_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        if call(base, "GET", "/health")[0] == 200:
            return
        time.sleep(0.3)
    raise RuntimeError(f"{base}/health never answered 200:\n{log.read_text()[-3000:]}")


def call(base: str, method: str, path: str, token: str | None = None, body=None, timeout: float = 60):
    """(status, parsed JSON or None); a dropped connection is status 0."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:  # noqa: S310 - loopback only
            return r.status, _json(r.read())
    except urllib.error.HTTPError as e:
        return e.code, _json(e.read())
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return 0, None


def token(base: str, username: str) -> str:
    status, body = call(base, "POST", "/api/v1/security/login",
                        body={"username": username, "password": password_for(username), "provider": "db"})
    assert status == 200, (status, body)
    return body["access_token"]


def _json(raw: bytes):
    try:
        return json.loads(raw or b"null")
    except ValueError:
        return None
