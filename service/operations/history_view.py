"""An instance's history as people read it: who (by name), when, what, with decisions, reasons,
comments and files spelled out from the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import AuditEvent, ProcessInstance, User
from . import tasks
from .sign_off import SignOff, sign_off_of


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    actor: str | None  # full name (username when the user is gone)
    action: str  # the audit action ("task.completed", ...); the page words it
    task_name: str | None
    decision: str | None = None  # "approve" | "return" | "reject" on sign-off steps
    reason: str | None = None
    text: str | None = None  # a comment
    filename: str | None = None


def history_entries(session: Session, instance: ProcessInstance, events: list[AuditEvent]) -> list[HistoryEntry]:
    """The events, oldest first, made readable. Callers check that the actor may see the instance."""
    usernames = {e.actor for e in events if e.actor}
    names: dict[str, str] = {}
    if usernames:
        names = dict(session.execute(select(User.username, User.full_name)
                                     .where(User.username.in_(usernames))).all())
    sign_offs: dict[str, SignOff | None] = {}
    entries = []
    for event in events:
        details = event.details or {}
        decision = reason = None
        if event.action == "task.completed" and event.element_id:
            if event.element_id not in sign_offs:
                sign_offs[event.element_id] = sign_off_of(
                    tasks.form_of_element(session, instance, instance.process_key, event.element_id))
            found = sign_offs[event.element_id]
            data = details.get("data") or {}
            action = found.action(data.get(found.field)) if found else None
            if action is not None:
                decision = action.kind
                reason = str(data.get(found.reason_field) or "") if found.reason_field else None
        entries.append(HistoryEntry(
            at=event.at, actor=names.get(event.actor, event.actor), action=event.action, task_name=event.task_name,
            decision=decision, reason=reason or None, text=details.get("text") if event.action == "task.commented"
            else None, filename=details.get("filename")))
    return entries
