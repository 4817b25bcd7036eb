"""Everything a task's page shows besides the form itself: the step's instructions, the draft,
the sign-off buttons, the reasons it was returned for, the resubmission diff, files and comments."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..forms import FormDefinition
from ..models import Attachment, AuditEvent, HumanTask, TaskDraft, User
from ..permissions import can_act_on_task
from . import attachments, comments, drafts, stepping, tasks
from .sign_off import SignOff, kind_of, sign_off_of
from .submission_diff import SubmissionDiff, resubmission_diff


@dataclass(frozen=True)
class ReturnReason:
    at: datetime
    actor: str | None
    task_name: str | None
    kind: str  # "return" or "reject"
    reason: str


@dataclass
class TaskWorkspace:
    task: HumanTask
    documentation: str | None
    form: FormDefinition
    initial_data: dict
    draft: TaskDraft | None
    may_act: bool
    sign_off: SignOff | None
    returns: list[ReturnReason]
    diff: SubmissionDiff | None
    attachments: list[Attachment]
    comments: list[comments.Comment]
    history: list[AuditEvent]  # the instance's events, oldest first


def instance_events(session: Session, instance_id: int) -> list[AuditEvent]:
    """The instance's history, oldest first (read once for everything a task page derives from it)."""
    return list(session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance_id)
                                .order_by(AuditEvent.seq)))


def return_reasons(session: Session, task: HumanTask, history: list[AuditEvent] | None = None
                   ) -> list[ReturnReason]:
    """Why the work came back to this step: the returns and rejections signed off since this step
    was last submitted (none on a first pass), newest first."""
    history = instance_events(session, task.instance_id) if history is None else history
    events = [e for e in reversed(history) if e.action == "task.completed"]
    found: list[ReturnReason] = []
    forms: dict[str, SignOff | None] = {}
    for event in events:
        if event.element_id == task.element_id:
            break
        if event.element_id not in forms:
            forms[event.element_id] = sign_off_of(
                tasks.form_of_element(session, task.instance, task.process_key, event.element_id))
        sign_off = forms[event.element_id]
        data = (event.details or {}).get("data") or {}
        if sign_off is None:
            continue
        action = sign_off.action(data.get(sign_off.field))
        if action is not None and action.kind != "approve":
            reason = str(data.get(sign_off.reason_field) or "") if sign_off.reason_field else ""
            found.append(ReturnReason(event.at, event.actor, event.task_name, action.kind, reason))
    # Only a step that was submitted before is being revised.
    if not found or not any(e.element_id == task.element_id for e in events):
        return []
    names = dict(session.execute(select(User.username, User.full_name)
                                 .where(User.username.in_({r.actor for r in found if r.actor}))).all())
    return [replace(r, actor=names.get(r.actor, r.actor)) for r in found]


def task_workspace(session: Session, *, actor: User, task_id: str) -> TaskWorkspace:
    """What the task page shows, for a task the actor may see (NotFound otherwise)."""
    shown = tasks.task_page(session, actor=actor, task_id=task_id)
    task, form = shown.task, shown.form
    history = instance_events(session, task.instance_id)
    open_ = task.state == "open"
    draft = session.scalar(select(TaskDraft).where(TaskDraft.task_id == task.id, TaskDraft.user_id == actor.id))
    initial = dict(shown.data)
    found = sign_off_of(form)
    if found is not None:  # a decision is made afresh each time, never pre-filled from the last one
        initial.pop(found.field, None)
        if found.reason_field:
            initial.pop(found.reason_field, None)
    if draft is not None and open_:
        initial.update(draft.data or {})
    if not open_:  # a finished task shows what was submitted
        initial = next(((e.details or {}).get("data") or {} for e in reversed(history)
                        if e.action == "task.completed" and (e.details or {}).get("task_id") == task.id), {})
    return TaskWorkspace(
        task=task, documentation=shown.documentation, form=form, initial_data=initial, draft=draft,
        may_act=open_ and can_act_on_task(session, actor, task), sign_off=found,
        returns=return_reasons(session, task, history) if open_ else [],
        diff=resubmission_diff(session, task=task, history=history) if found is not None else None,
        attachments=attachments.list_attachments(session, instance_id=task.instance_id),
        comments=comments.comments_in(history), history=history,
    )


def submit(session: Session, *, actor: User, task_id: str, data: dict, locale: str = "vi") -> stepping.StepOutcome:
    """Complete a task with its form's values (the API's completion) and drop its drafts."""
    outcome = tasks.complete(session, actor=actor, task_id=task_id, data=data, locale=locale)
    drafts.discard_drafts(session, task_id=task_id)
    return outcome


def decision_kind(value: object) -> str | None:
    """The kind of a decision value ("approve", "return", "reject") for history lines."""
    return kind_of(value)
