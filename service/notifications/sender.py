"""The e-mail sender: works through the notification outbox, and sweeps deadlines once in a while.

Wiring: `run_once(session_factory, smtp)` is one pass (sweep when due, immediate mail, daily digests);
`NotificationLoop(session_factory, smtp).run(stop)` repeats it until `stop` is set. A row is claimed
(state `sending` with a lease) and committed BEFORE it is handed to SMTP, so two senders never send
it both; it is marked `sent` right after. A sender that dies in between leaves a claimed row that
is retried once its lease ends: every message carries a Message-ID made from the row id, so such a
rare resend is recognisable as the same message. Failures back off exponentially, then give up.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import threading
from datetime import datetime, time, timedelta
from email.message import EmailMessage

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from ..calendar.working_days import VIETNAM_TZ
from ..config import SmtpSettings
from ..db import utcnow
from ..i18n import msg
from ..models import Dossier, HumanTask, Notification, NotificationPreference, User
from . import events
from .texts import render

log = logging.getLogger(__name__)

BATCH = 50
LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 8
FIRST_BACKOFF = timedelta(minutes=1)
LONGEST_BACKOFF = timedelta(hours=6)
DIGEST_AT = time(7, 0)  # Vietnam time: the daily digest holds what arrived before it
SWEEP_EVERY = timedelta(hours=1)


def backoff(attempts: int) -> timedelta:
    """The wait before attempt `attempts + 1`: 1, 2, 4 … minutes, at most six hours."""
    return min(FIRST_BACKOFF * (2 ** max(attempts - 1, 0)), LONGEST_BACKOFF)


def _claim(session: Session, now: datetime, states: tuple[str, ...], *, user_id: int | None = None,
           before: datetime | None = None, limit: int = BATCH) -> list[int]:
    """Take rows to send: due ones in `states`, and `sending` ones whose sender's lease ran out."""
    due = or_(Notification.email_next_at.is_(None), Notification.email_next_at <= now)
    query = select(Notification.id).where(
        or_(Notification.email_state.in_(states),
            (Notification.email_state == "sending") & (Notification.email_next_at <= now)), due)
    if user_id is not None:
        query = query.where(Notification.user_id == user_id)
    if before is not None:
        query = query.where(Notification.created_at < before)
    query = query.order_by(Notification.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(session.scalars(query))
    if ids:
        session.execute(update(Notification).where(Notification.id.in_(ids))
                        .values(email_state="sending", email_next_at=now + LEASE))
    session.commit()
    return ids


def _text(session: Session, row: Notification, locale: str, base_url: str) -> tuple[str, str]:
    task = session.get(HumanTask, row.task_id) if row.task_id else None
    dossier = session.get(Dossier, row.dossier_id) if row.dossier_id else None
    instance_id = task.instance_id if task else (dossier.instance_id if dossier else None)
    text = render(row.kind, row.params or {}, locale=locale, task_id=row.task_id,
                  task_name=task.name if task else None, due_at=task.due_at if task else None,
                  instance_id=instance_id)
    return text.title, f"{text.body}\n{base_url}{text.path}\n"


def _locale(session: Session, user_id: int) -> str:
    preference = session.get(NotificationPreference, user_id)
    return preference.locale if preference is not None else "vi"


def _message(smtp: SmtpSettings, to: str, subject: str, body: str, message_id: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = smtp.sender, to, subject
    message["Message-ID"] = f"<{message_id}@vinhdanh>"
    message.set_content(body, charset="utf-8")
    return message


def deliver(smtp: SmtpSettings, message: EmailMessage) -> None:
    """Hand one message to the SMTP server (raises on any failure)."""
    if smtp.tls == "ssl":
        client: smtplib.SMTP = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout,
                                                context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
    with client:
        if smtp.tls == "starttls":
            client.starttls(context=ssl.create_default_context())
        if smtp.user:
            client.login(smtp.user, smtp.password or "")
        client.send_message(message)


def _finish(session: Session, ids: list[int], now: datetime, error: Exception | None) -> None:
    """Mark claimed rows sent, or back off / give up after a failure."""
    for row in session.scalars(select(Notification).where(Notification.id.in_(ids))):
        if error is None:
            row.email_state, row.email_sent_at, row.email_error = "sent", now, None
            continue
        row.email_attempts += 1
        row.email_error = str(error)[:500]
        if row.email_attempts >= MAX_ATTEMPTS:
            row.email_state = "failed"
        else:
            row.email_state, row.email_next_at = "pending", now + backoff(row.email_attempts)
    session.commit()


def send_immediate(session_factory: sessionmaker, smtp: SmtpSettings, now: datetime | None = None) -> int:
    """Send the due `pending` rows one message each; how many were sent."""
    now = now or utcnow()
    sent = 0
    with session_factory() as session:
        for notification_id in _claim(session, now, ("pending",)):
            row = session.get(Notification, notification_id)
            user = session.get(User, row.user_id)
            error = None
            try:
                if not user or not user.email:
                    raise ValueError("no e-mail address")
                subject, body = _text(session, row, _locale(session, user.id), smtp.base_url)
                deliver(smtp, _message(smtp, user.email, subject, body, f"notification-{row.id}"))
                sent += 1
            except Exception as exc:
                log.warning("notification %s not sent: %s", notification_id, exc)
                error = exc
            _finish(session, [notification_id], utcnow() if error is None else now, error)
    return sent


def digest_cutoff(now: datetime) -> datetime | None:
    """Today's digest time in Vietnam once it has passed (rows before it go in today's digest)."""
    local = now.astimezone(VIETNAM_TZ)
    at = datetime.combine(local.date(), DIGEST_AT, tzinfo=VIETNAM_TZ)
    return at if local >= at else None


def send_digests(session_factory: sessionmaker, smtp: SmtpSettings, now: datetime | None = None) -> int:
    """One e-mail per user gathering their `digest` rows from before today's digest time."""
    now = now or utcnow()
    cutoff = digest_cutoff(now)
    if cutoff is None:
        return 0
    sent = 0
    with session_factory() as session:
        users = list(session.scalars(select(Notification.user_id).where(
            Notification.email_state == "digest", Notification.created_at < cutoff).distinct()))
        for user_id in users:
            ids = _claim(session, now, ("digest",), user_id=user_id, before=cutoff, limit=500)
            if not ids:
                continue
            user, locale = session.get(User, user_id), _locale(session, user_id)
            error = None
            try:
                if not user or not user.email:
                    raise ValueError("no e-mail address")
                rows = session.scalars(select(Notification).where(Notification.id.in_(ids))
                                       .order_by(Notification.id)).all()
                parts = [" — ".join(_text(session, row, locale, smtp.base_url)) for row in rows]
                subject = msg("Tổng hợp thông báo ({n})", n=len(rows)).in_locale(locale)
                deliver(smtp, _message(smtp, user.email, subject, "\n".join(parts), f"digest-{ids[0]}-{len(ids)}"))
                sent += 1
            except Exception as exc:
                log.warning("digest for user %s not sent: %s", user_id, exc)
                error = exc
            _finish(session, ids, now, error)
    return sent


def sweep(session_factory: sessionmaker, now: datetime | None = None) -> dict[str, int]:
    """Write due-soon and overdue notifications for all open tasks (idempotent per task and day)."""
    now = now or utcnow()
    with session_factory() as session:
        counts = events.sweep_deadlines(session, now=now, cutoff=events.due_soon_cutoff(session, now),
                                        day=now.astimezone(VIETNAM_TZ).date())
        session.commit()
    return counts


class NotificationLoop:
    """The sender's loop: sweep deadlines every hour, send mail as it comes, digests once a day."""

    def __init__(self, session_factory: sessionmaker, smtp: SmtpSettings, interval: float = 10.0):
        self.session_factory, self.smtp, self.interval = session_factory, smtp, interval
        self._last_sweep: datetime | None = None

    def run_once(self, now: datetime | None = None) -> dict[str, int]:
        now = now or utcnow()
        result: dict[str, int] = {}
        if self._last_sweep is None or now - self._last_sweep >= SWEEP_EVERY:
            result.update(sweep(self.session_factory, now))
            self._last_sweep = now
        if self.smtp.host:  # without a server the rows wait in the outbox
            result["sent"] = send_immediate(self.session_factory, self.smtp, now)
            result["digests"] = send_digests(self.session_factory, self.smtp, now)
        return result

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                self.run_once()
            except Exception:
                log.exception("notification pass failed")
            stop.wait(self.interval)
