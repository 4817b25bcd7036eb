"""What a user reads of their notifications: the unread count, the list, marking read, preferences."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..db import utcnow
from ..errors import ValidationFailed
from ..i18n import msg
from ..models import Dossier, HumanTask, Notification, NotificationPreference, User
from ..models.notifications import EMAIL_MODES
from .texts import render

PER_PAGE = 50


@dataclass(frozen=True)
class NotificationRow:
    id: int
    kind: str
    title: str
    body: str
    path: str
    created_at: datetime
    read: bool


def unread_count(session: Session, *, actor: User) -> int:
    """How many of the actor's notifications are unread (the bell)."""
    return session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == actor.id, Notification.read_at.is_(None))) or 0


def list_notifications(session: Session, *, actor: User, locale: str, unread_only: bool = False,
                       limit: int = PER_PAGE) -> list[NotificationRow]:
    """The actor's latest notifications, rendered in `locale`."""
    query = (select(Notification, HumanTask.name, HumanTask.due_at, HumanTask.instance_id, Dossier.instance_id)
             .outerjoin(HumanTask, HumanTask.id == Notification.task_id)
             .outerjoin(Dossier, Dossier.id == Notification.dossier_id)
             .where(Notification.user_id == actor.id).order_by(Notification.id.desc()).limit(limit))
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    rows = []
    for note, task_name, due_at, task_instance, dossier_instance in session.execute(query):
        text = render(note.kind, note.params or {}, locale=locale, task_id=note.task_id, task_name=task_name,
                      due_at=due_at, instance_id=task_instance or dossier_instance)
        rows.append(NotificationRow(id=note.id, kind=note.kind, title=text.title, body=text.body, path=text.path,
                                    created_at=note.created_at, read=note.read_at is not None))
    return rows


def mark_read(session: Session, *, actor: User, notification_id: int | None = None) -> int:
    """Mark one of the actor's notifications read (or all of them); how many changed."""
    query = update(Notification).where(Notification.user_id == actor.id, Notification.read_at.is_(None))
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    return session.execute(query.values(read_at=utcnow())).rowcount


def preference(session: Session, *, actor: User) -> NotificationPreference:
    found = session.get(NotificationPreference, actor.id)
    return found if found is not None else NotificationPreference(user_id=actor.id, email_mode="immediate",
                                                                  locale="vi")


def set_preference(session: Session, *, actor: User, values: dict) -> NotificationPreference:
    """Choose e-mail immediately, as a daily digest or not at all, and its language."""
    mode, locale = values.get("email_mode"), values.get("locale", "vi")
    if mode not in EMAIL_MODES or locale not in ("vi", "en"):
        raise ValidationFailed(msg("Lựa chọn nhận thư không hợp lệ."),
                               details={"fields": {"email_mode": list(EMAIL_MODES)}})
    found = session.get(NotificationPreference, actor.id)
    if found is None:
        found = NotificationPreference(user_id=actor.id)
        session.add(found)
    found.email_mode, found.locale, found.updated_at = mode, locale, utcnow()
    session.flush()
    return found
