"""The sender delivers the outbox to a real (local) SMTP server: once, in the reader's language, with
a link to the task; failures back off and are retried; a claim left by a dead sender is retried."""

from __future__ import annotations

import socket
from datetime import datetime, timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update

from service.config import SmtpSettings
from service.db import utcnow
from service.models import Notification, NotificationPreference, User
from service.notifications import sender

from .test_events import _start, org  # noqa: F401  (the fixture)


class _Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield inbox, SmtpSettings(host="127.0.0.1", port=controller.port, tls="none", sender="vinhdanh@example.vn",
                              base_url="https://vinhdanh.example.vn", timeout=5)
    controller.stop()


def _factory(app):
    return app.extensions["vinhdanh"].session_factory


def test_each_notification_is_mailed_once_with_the_task_link(app, client, login, org, session, smtp_server):  # noqa: F811
    inbox, smtp = smtp_server
    head = session.scalar(select(User.id).where(User.username == "officer"))
    session.add(NotificationPreference(user_id=head, email_mode="immediate", locale="en"))
    session.commit()
    instance = _start(client, login)
    [task] = instance["tasks"]
    assert sender.send_immediate(_factory(app), smtp) == 1  # officer2 has no address
    assert sender.send_immediate(_factory(app), smtp) == 0  # nothing twice
    [(to, message)] = inbox.messages
    assert to == ["officer@example.vn"]
    assert message["Subject"] == "New task: Soạn hồ sơ"  # English chosen; the task's own name stays
    assert f"https://vinhdanh.example.vn/tasks/{task['id']}" in message.get_content()
    session.expire_all()
    assert session.scalar(select(Notification.email_state).where(Notification.user_id == head)) == "sent"

    client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {}}, headers=login("officer"))
    assert sender.send_immediate(_factory(app), smtp) == 1
    assert inbox.messages[-1][1]["Subject"] == "Việc mới: Thủ trưởng ký"  # Vietnamese by default
    assert inbox.messages[-1][0] == ["head@example.vn"]


def test_a_failure_backs_off_and_a_dead_senders_claim_is_retried(app, client, login, org, session, smtp_server):  # noqa: F811
    inbox, smtp = smtp_server
    _start(client, login)
    down = SmtpSettings(host="127.0.0.1", port=_free_port(), tls="none", timeout=2)
    now = utcnow()
    assert sender.send_immediate(_factory(app), down, now) == 0
    session.expire_all()
    row = session.scalars(select(Notification).where(Notification.email_state != "none")).one()
    assert (row.email_state, row.email_attempts) == ("pending", 1) and row.email_error
    assert row.email_next_at == now + sender.backoff(1)
    assert sender.send_immediate(_factory(app), smtp, now) == 0  # not before its time
    assert sender.send_immediate(_factory(app), smtp, now + timedelta(minutes=2)) == 1

    # A sender that claimed a row and died: the row waits for its lease, then goes out.
    session.execute(update(Notification).where(Notification.id == row.id).values(
        email_state="sending", email_next_at=now + sender.LEASE))
    session.commit()
    assert sender.send_immediate(_factory(app), smtp, now + timedelta(minutes=1)) == 0
    assert sender.send_immediate(_factory(app), smtp, now + sender.LEASE + timedelta(seconds=1)) == 1
    assert [m["Message-ID"] for _, m in inbox.messages] == [f"<notification-{row.id}@vinhdanh>"] * 2


def test_digest_gathers_a_days_notifications_in_one_message(app, client, login, org, session, smtp_server):  # noqa: F811
    inbox, smtp = smtp_server
    officer = session.scalar(select(User.id).where(User.username == "officer"))
    session.add(NotificationPreference(user_id=officer, email_mode="digest", locale="vi"))
    session.commit()
    _start(client, login)
    _start(client, login)
    created = session.scalars(select(Notification.created_at).where(Notification.user_id == officer)).all()
    assert len(created) == 2
    # The next day's digest time in Vietnam, whatever the hour the test runs at (digest_cutoff of "a day
    # later" is None when that moment falls before 07:00 there).
    next_day = max(created).astimezone(sender.VIETNAM_TZ).date() + timedelta(days=1)
    before_digest_time = datetime.combine(next_day, sender.DIGEST_AT, tzinfo=sender.VIETNAM_TZ) - timedelta(minutes=1)
    assert sender.send_digests(_factory(app), smtp, before_digest_time) == 0
    next_morning = before_digest_time + timedelta(minutes=2)
    assert sender.send_digests(_factory(app), smtp, next_morning) == 1
    assert sender.send_digests(_factory(app), smtp, next_morning) == 0
    [(to, message)] = inbox.messages
    assert to == ["officer@example.vn"] and message["Subject"] == "Tổng hợp thông báo (2)"
    assert message.get_content().count("/tasks/") == 2


def test_the_loop_sweeps_once_an_hour_and_sends_only_with_a_server(app, client, login, org, session, smtp_server):  # noqa: F811
    inbox, smtp = smtp_server
    _start(client, login)
    idle = sender.NotificationLoop(_factory(app), SmtpSettings(host=None))
    now = utcnow()
    assert idle.run_once(now) == {"due_soon": 0, "overdue": 0}  # no server: the rows wait in the outbox
    assert idle.run_once(now + timedelta(minutes=5)) == {}  # swept less than an hour ago
    assert inbox.messages == []
    loop = sender.NotificationLoop(_factory(app), smtp)
    assert loop.run_once(now)["sent"] == 1
    assert loop.run_once(now + timedelta(minutes=1)).get("sent") == 0
