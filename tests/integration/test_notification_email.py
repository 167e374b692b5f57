"""Optional notification email (config.py MAIL_*, NOTIFY_EMAIL_ENABLED off by default):
sent to the user's address after the action commits, through an SMTP server on
127.0.0.1 (tests/smtp_sink.py); nothing when disabled, nothing for a rolled-back
action, and a dead mail server never fails the user's action."""

import logging

import pytest
from flask import g

from app.extensions import db
from app.models.notifications import Notification
from app.services import mailer, notifications
from tests.integration.test_approval_engine import make_leave
from tests.smtp_sink import SmtpSink

ADDRESS = "frontdesk1@example.test"


@pytest.fixture()
def mail(app):
    """The SMTP sink as the app's mail server, frontdesk1 with a deliverable address; settings restored."""
    saved = {k: app.config[k] for k in ("NOTIFY_EMAIL_ENABLED", "MAIL_SERVER", "MAIL_PORT")}
    with app.app_context():
        user = app.appbuilder.sm.find_user(username="frontdesk1")
        old_email, user.email = user.email, ADDRESS
        db.session.commit()
    with SmtpSink() as sink:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=sink.port)
        yield sink
    app.config.update(saved)
    with app.app_context():
        app.appbuilder.sm.find_user(username="frontdesk1").email = old_email
        db.session.commit()


def _decide(api, aid, decision="approve", comment="同意"):
    r = api("supervisor1").post(f"/api/v1/approval/{aid}/{decision}", json={"comment": comment})
    assert r.status_code == 200, r.json
    assert mailer.wait_until_sent(10)


def test_nothing_is_sent_when_disabled(app, api, mail):
    """Off by default: the notification row is written, no email leaves."""
    assert app.config["NOTIFY_EMAIL_ENABLED"] is False
    _decide(api, make_leave(app, days="1", submitter="frontdesk1"))
    assert mail.messages == []


def test_enabled_sends_after_the_commit_to_the_users_address(app, api, mail):
    app.config["NOTIFY_EMAIL_ENABLED"] = True
    _decide(api, make_leave(app, days="1", submitter="frontdesk1"), "return", "请补充病假证明")
    assert len(mail.messages) == 1
    rcpt, msg = mail.messages[0]
    assert rcpt == [ADDRESS] and msg["To"] == ADDRESS
    assert "被退回修改" in msg["Subject"]
    body = msg.get_content()
    assert "请补充病假证明" in body and "supervisor1" in body


def test_a_rolled_back_action_sends_nothing(app, mail):
    app.config["NOTIFY_EMAIL_ENABLED"] = True
    with app.test_request_context():
        g.user = app.appbuilder.sm.find_user(username="supervisor1")
        target = app.appbuilder.sm.find_user(username="frontdesk1")
        notifications.notify(target.id, "work_order_assigned", subject="WO-ROLLBACK", actor=g.user)
        db.session.rollback()
        db.session.commit()  # a later, unrelated commit must not send the dropped message
    assert mailer.wait_until_sent(10)
    assert mail.messages == []
    with app.app_context():
        assert db.session.query(Notification).filter_by(subject="WO-ROLLBACK").count() == 0


def test_a_dead_mail_server_is_logged_and_the_decision_stands(app, api, mail, caplog):
    app.config.update(NOTIFY_EMAIL_ENABLED=True, MAIL_PORT=1)  # nothing listens on 127.0.0.1:1
    aid = make_leave(app, days="1", submitter="frontdesk1")
    with caplog.at_level(logging.ERROR, logger="app.services.mailer"):
        _decide(api, aid)
    assert any("notification email to" in r.getMessage() for r in caplog.records)
    with app.app_context():
        assert db.session.query(Notification).filter_by(target_type="approval", target_id=aid).count() == 1


def test_demo_addresses_are_never_mailed(app, api, mail):
    """Demo users have *.invalid addresses (RFC 6761): nothing is tried for them."""
    app.config["NOTIFY_EMAIL_ENABLED"] = True
    with app.app_context():
        app.appbuilder.sm.find_user(username="frontdesk1").email = "frontdesk1@demo.invalid"
        db.session.commit()
    _decide(api, make_leave(app, days="1", submitter="frontdesk1"))
    assert mail.messages == []
