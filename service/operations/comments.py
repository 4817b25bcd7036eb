"""Comments on a task ("Ý kiến"), kept in the instance's history (the audit trail)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import utcnow
from ..errors import ValidationFailed
from ..i18n import msg
from ..models import AuditEvent, User
from . import audit, tasks

MAX_COMMENT = 2000
COMMENTED = "task.commented"
EMPTY = msg("Vui lòng nhập ý kiến.")


@dataclass(frozen=True)
class Comment:
    at: datetime
    actor: str | None
    task_id: str | None
    task_name: str | None
    text: str


def add_comment(session: Session, *, actor: User, task_id: str, text: str) -> Comment:
    """Add a comment to a task the actor may see; it goes into the instance history."""
    task = tasks.get_task(session, actor=actor, task_id=task_id)
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(EMPTY, details={"fields": {"text": [EMPTY]}})
    if len(text) > MAX_COMMENT:
        message = msg("Ý kiến tối đa {count} ký tự.", count=MAX_COMMENT)
        raise ValidationFailed(message, details={"fields": {"text": [message]}})
    audit.record(session, action=COMMENTED, actor=actor.username, instance_id=task.instance_id,
                 element_id=task.element_id, task_name=task.name, details={"task_id": task.id, "text": text})
    session.flush()
    return Comment(at=utcnow(), actor=actor.username, task_id=task.id,
                   task_name=task.name, text=text)


def comments_of(session: Session, *, instance_id: int, task_id: str | None = None) -> list[Comment]:
    """Comments of an instance (of one task when given), oldest first. Callers check visibility."""
    events = session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance_id,
                                                      AuditEvent.action == COMMENTED).order_by(AuditEvent.seq))
    return [c for c in comments_in(list(events)) if task_id is None or c.task_id == task_id]


def comments_in(events: list[AuditEvent]) -> list[Comment]:
    """The comments among an instance's events (in their order)."""
    return [Comment(e.at, e.actor, (e.details or {}).get("task_id"), e.task_name, (e.details or {}).get("text", ""))
            for e in events if e.action == COMMENTED]
