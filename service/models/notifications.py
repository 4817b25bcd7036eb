"""What the service tells people: in-app notifications, each carrying its own e-mail delivery state.

A notification row is also the e-mail outbox entry: it is written in the same transaction as the
event (a task offered, a dossier returned), so a rolled-back event tells nobody and a committed one
is never lost; the sender loop works through the rows whose `email_state` is `pending` or `digest`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime, utcnow

EMAIL_MODES = ("immediate", "digest", "none")
# none: no e-mail (preference, or no address); pending: to send now; sending: claimed by a sender;
# digest: waits for the daily digest; sent; failed: retries exhausted.
EMAIL_STATES = ("none", "pending", "sending", "digest", "sent", "failed")


class Notification(Base):
    """One thing one user is told about; `kind` and `params` are rendered in the reader's language."""

    __tablename__ = "notifications"
    __table_args__ = (
        # The same event never reaches a user twice (a task offered, due, overdue on a given day).
        UniqueConstraint("user_id", "dedupe_key", name="uq_notifications_user_id_dedupe_key"),
        Index("ix_notifications_user_id_read_at", "user_id", "read_at"),
        Index("ix_notifications_email_state_email_next_at", "email_state", "email_next_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))  # task_offered | task_due | task_overdue | dossier_returned | ...
    dedupe_key: Mapped[str] = mapped_column(String(128))
    task_id: Mapped[str | None] = mapped_column(ForeignKey("human_tasks.id", ondelete="CASCADE"))
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"))
    params: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    email_state: Mapped[str] = mapped_column(String(16), default="none")
    email_attempts: Mapped[int] = mapped_column(Integer, default=0)
    email_next_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    email_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    email_error: Mapped[str | None] = mapped_column(String(500))


class NotificationPreference(Base):
    """A user's choice for e-mail (immediate, a daily digest, none) and the language it is written in."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    email_mode: Mapped[str] = mapped_column(String(16), default="immediate")
    locale: Mapped[str] = mapped_column(String(8), default="vi")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
