"""Optional email for event notifications, through the SMTP server of config.py.

Messages are queued on the session and handed over only after it commits
(a rolled-back action sends nothing), then sent by one background thread so a
slow or absent mail server never holds up the user's request. A failure is
logged and the message dropped: the notification row is already saved and
shown in 待办与通知, the email is only a courtesy copy.
"""

import atexit
import logging
import queue
import smtplib
import threading
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)
_PENDING = "pending_emails"
_queue: queue.Queue = queue.Queue()
_worker: threading.Thread | None = None
_lock = threading.Lock()


def settings(config) -> dict:
    return {key: config.get(key) for key in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USERNAME",
                                             "MAIL_PASSWORD", "MAIL_FROM", "MAIL_TIMEOUT")}


def queue_after_commit(session, to: str, subject: str, body: str) -> None:
    """Send this message once the session's transaction commits."""
    if to.lower().endswith(".invalid"):  # demo users' addresses (RFC 6761): never deliverable
        return
    session.info.setdefault(_PENDING, []).append((settings(current_app.config), to, subject, body))


@event.listens_for(Session, "after_commit")
def _committed(session) -> None:
    for message in session.info.pop(_PENDING, []):
        _start_worker()
        _queue.put(message)


@event.listens_for(Session, "after_rollback")
def _rolled_back(session) -> None:
    session.info.pop(_PENDING, None)


def _start_worker() -> None:
    global _worker
    with _lock:
        if _worker is None or not _worker.is_alive():
            _worker = threading.Thread(target=_run, name="notify-mailer", daemon=True)
            _worker.start()


def _run() -> None:
    while True:
        message = _queue.get()
        try:
            send(*message)
        except Exception:  # any failure: logged, never raised into a request
            log.exception("notification email to %s failed", message[1])
        finally:
            _queue.task_done()


def send(cfg: dict, to: str, subject: str, body: str) -> None:
    """One message over SMTP (STARTTLS and login when configured)."""
    msg = EmailMessage()
    msg["From"] = cfg["MAIL_FROM"]
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(body)
    with smtplib.SMTP(cfg["MAIL_SERVER"], int(cfg["MAIL_PORT"]), timeout=cfg.get("MAIL_TIMEOUT") or 10) as smtp:
        if cfg.get("MAIL_USE_TLS"):
            smtp.starttls()
        if cfg.get("MAIL_USERNAME"):
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"] or "")
        smtp.send_message(msg)


def wait_until_sent(timeout: float = 30) -> bool:
    """Wait until every queued message was tried (tests; a CLI command before the process exits)."""
    with _queue.all_tasks_done:
        return _queue.all_tasks_done.wait_for(lambda: not _queue.unfinished_tasks, timeout)


atexit.register(wait_until_sent)  # `flask approval approve …` exits right after its commit
