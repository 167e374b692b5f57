"""Uploaded import files, kept server-side between the dry run and 确认导入.

The file goes to instance/imports/<token>.xlsx with a sidecar naming its
owner and kind; the browser only holds the random token (never the file, never
the session). A token is good for TTL, for the user who uploaded it, for the
import it was uploaded to, and once: `claim` renames the file atomically, so
two presses of 确认导入 cannot import it twice. Expired files are swept on every
upload. Behind several app hosts the instance folder must be shared (or the
load balancer sticky) for the confirm to find the file.
"""

import json
import os
import re
import secrets
import time
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from app.errors import DomainError

TTL_SECONDS = 30 * 60
MAX_BYTES = 5 * 1024 * 1024
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")


class TokenRefused(DomainError):
    status = 400


def folder() -> Path:
    path = Path(current_app.instance_path) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store(data: bytes, kind: str, user_id: int | None, file_name: str) -> str:
    """Keep the upload; returns its token."""
    sweep()
    token = secrets.token_urlsafe(24)
    base = folder()
    (base / f"{token}.xlsx").write_bytes(data)
    meta = {"kind": kind, "user_id": user_id, "at": time.time(), "name": file_name[:200]}
    (base / f"{token}.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return token


def _meta(token: str, kind: str, user_id: int | None) -> dict:
    if not _TOKEN.match(token or ""):
        raise TokenRefused(_("导入文件已失效，请重新上传"))
    try:
        meta = json.loads((folder() / f"{token}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise TokenRefused(_("导入文件已失效或已导入，请重新上传")) from None
    if meta.get("kind") != kind or meta.get("user_id") != user_id:
        raise TokenRefused(_("导入文件已失效，请重新上传"))
    if time.time() - meta.get("at", 0) > TTL_SECONDS:
        discard(token)
        raise TokenRefused(_("导入文件已超过30分钟未确认，已失效，请重新上传"))
    return meta


def path_of(token: str, kind: str, user_id: int | None) -> tuple[Path, dict]:
    """The stored file of a valid token (for a repeated dry run); the token stays valid."""
    meta = _meta(token, kind, user_id)
    return folder() / f"{token}.xlsx", meta


def claim(token: str, kind: str, user_id: int | None) -> tuple[Path, dict]:
    """Take the file for importing: after this the token is used up, whatever the outcome."""
    meta = _meta(token, kind, user_id)
    base = folder()
    work = base / f"{token}.{os.getpid()}.{secrets.token_hex(4)}.work.xlsx"  # openpyxl wants .xlsx
    try:
        os.rename(base / f"{token}.xlsx", work)
    except OSError:
        raise TokenRefused(_("该文件正在导入或已导入，请勿重复提交")) from None
    (base / f"{token}.json").unlink(missing_ok=True)
    return work, meta


def discard(token_or_path) -> None:
    if isinstance(token_or_path, Path):
        token_or_path.unlink(missing_ok=True)
        return
    for suffix in (".xlsx", ".json"):
        (folder() / f"{token_or_path}{suffix}").unlink(missing_ok=True)


def sweep(now: float | None = None) -> int:
    """Delete uploads older than the TTL (and work files left by a crash); returns how many."""
    now = now or time.time()
    removed = 0
    for path in folder().iterdir():
        try:
            if now - path.stat().st_mtime > TTL_SECONDS:
                path.unlink()
                removed += 1
        except OSError:
            continue
    return removed
