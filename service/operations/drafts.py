"""Drafts ("Lưu nháp"): form values kept on the server per user and task until the task is done.

A draft is the user's unfinished work, not a change to the case: it is not audited and does not
touch the instance (saving one never makes someone else's completion a lost race).
"""

from __future__ import annotations

import json

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..db import utcnow
from ..errors import Conflict, ValidationFailed
from ..i18n import msg
from ..models import TaskDraft, User
from ..permissions import can_act_on_task
from . import tasks

MAX_DRAFT_BYTES = 1_000_000
NOT_OPEN = msg("Công việc đã được xử lý; không lưu nháp được.")


def get_draft(session: Session, *, actor: User, task_id: str) -> TaskDraft | None:
    """The actor's draft of a task they may see (None when they have none)."""
    task = tasks.get_task(session, actor=actor, task_id=task_id)
    return session.scalar(select(TaskDraft).where(TaskDraft.task_id == task.id, TaskDraft.user_id == actor.id))


def save_draft(session: Session, *, actor: User, task_id: str, data: dict) -> TaskDraft:
    """Keep the actor's unfinished form values for an open task they may act on (replacing the last)."""
    task = tasks.get_task(session, actor=actor, task_id=task_id)
    if task.state != "open" or not can_act_on_task(session, actor, task):
        raise Conflict(NOT_OPEN, code="task_not_open")
    if not isinstance(data, dict):
        raise ValidationFailed(msg("Dữ liệu nháp không hợp lệ."),
                               details={"fields": {"data": ["invalid"]}})
    if len(json.dumps(data, default=str).encode()) > MAX_DRAFT_BYTES:
        raise ValidationFailed(msg("Bản nháp quá lớn."),
                               details={"fields": {"data": ["too_large"]}})
    draft = session.scalar(select(TaskDraft).where(TaskDraft.task_id == task.id, TaskDraft.user_id == actor.id))
    if draft is None:
        draft = TaskDraft(task_id=task.id, user_id=actor.id, data=data)
        session.add(draft)
    draft.data, draft.updated_at = data, utcnow()
    session.flush()
    return draft


def discard_drafts(session: Session, *, task_id: str) -> None:
    """Drop every draft of a task once it is completed (nobody can resume it)."""
    session.execute(delete(TaskDraft).where(TaskDraft.task_id == task_id))
