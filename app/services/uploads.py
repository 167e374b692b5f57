"""Photos attached to records: checked, renamed, stored under the instance folder.

Only images (JPEG, PNG, GIF, WebP by their first bytes, not by the name the
browser sent), at most 5 MB; files are served only through views that check
the record's scope first.
"""

import uuid
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from app.errors import DomainError

MAX_BYTES = 5 * 1024 * 1024
_SIGNATURES = {b"\xff\xd8\xff": "jpg", b"\x89PNG\r\n\x1a\n": "png", b"GIF87a": "gif", b"GIF89a": "gif"}


def folder(kind: str) -> Path:
    path = Path(current_app.instance_path) / "uploads" / kind
    path.mkdir(parents=True, exist_ok=True)
    return path


def _image_type(head: bytes) -> str | None:
    for signature, ext in _SIGNATURES.items():
        if head.startswith(signature):
            return ext
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def save_image(storage, kind: str) -> str | None:
    """Store an uploaded image; returns its file name, or None when nothing was sent."""
    if storage is None or not getattr(storage, "filename", ""):
        return None
    data = storage.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise DomainError(_("照片不能超过5MB"))
    ext = _image_type(data[:16])
    if ext is None:
        raise DomainError(_("只能上传 JPG、PNG、GIF 或 WebP 格式的照片"))
    name = f"{uuid.uuid4().hex}.{ext}"
    (folder(kind) / name).write_bytes(data)
    return name


def path_of(kind: str, name: str) -> Path | None:
    if not name or "/" in name or "\\" in name or name.startswith("."):
        return None
    path = folder(kind) / name
    return path if path.is_file() else None
