"""Persist one engine step: state, open tasks, timers, subscriptions, audit — then route messages.

Everything is written in the caller's transaction, as prebuilt Core statements (step_writes.py):
the instance's versioned UPDATE first, then its audit events, closed and new tasks, and waits when
they changed. Messages thrown by the step are delivered to matching waiting instances in the same
transaction (an in-memory outbox drained before return), so a sender's step and its receivers'
steps commit or roll back together.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..db import utcnow
from ..engine import runtime
from ..engine.service_tasks import StepContext, step_context
from ..models import HumanTask, MessageSubscription, OrgUnit, ProcessInstance, Timer, User
from . import assignment, audit, step_config, step_writes, task_views
from .task_views import TaskView
from .versions import load_version

MAX_MESSAGE_HOPS = 1_000  # a ping-pong of messages between instances must not loop forever


def load_specs(session: Session, version_id: int):
    """Parsed specs of a process version (cached; versions never change)."""
    loaded = load_version(session, version_id)
    return loaded.specs, loaded.subprocess_specs


def spec_for(session: Session, instance: ProcessInstance):
    specs, subs = load_specs(session, instance.process_version_id)
    return specs[instance.process_key], subs


@contextmanager
def running(session: Session, instance: ProcessInstance, actor: User | None) -> Iterator[None]:
    """Run an engine step with the context service handlers read (same session, same transaction)."""
    context = StepContext(session=session, instance_id=instance.id, actor_id=actor.id if actor else None,
                          now=utcnow())
    with step_context(context):
        yield


def actor_name(actor: User | None) -> str | None:
    return actor.username if actor is not None else None


@dataclass
class StepOutcome:
    """An instance after a step, and the tasks that step left open (what a response lists)."""

    instance: ProcessInstance
    open_tasks: list[TaskView]


def apply_result(session: Session, instance: ProcessInstance, result: runtime.StepResult,
                 *, actor: User | None, outbox: deque | None = None,
                 completed: HumanTask | None = None) -> list[TaskView]:
    """Write the step's outcome for `instance`, deliver the messages it threw; the open tasks it left.

    `completed` is the human task whose completion this step is; it is closed with the step.
    """
    own_outbox = outbox is None
    outbox = deque() if outbox is None else outbox
    open_tasks = _write_step(session, instance, result, actor, outbox, completed)
    if own_outbox and instance.id in drain(session, outbox, actor):
        # A chain of messages came back to this instance and moved it again: read what is open now.
        open_tasks = task_views.open_of_instance(session, instance.id)
    return open_tasks


def _write_step(session: Session, instance: ProcessInstance, result: runtime.StepResult,
                actor: User | None, outbox: deque, completed: HumanTask | None) -> list[TaskView]:
    now = utcnow()
    previous_status = instance.status
    name = actor_name(actor)
    for timer in result.fired:  # fired by whichever step found it due; the timer, not the actor, did it
        audit.record(session, action="timer.fired", actor=None, instance=instance,
                     element_id=timer["element_id"], task_name=timer["name"])
    still_open, closing, new_tasks, new_offers, unassignable = _human_task_changes(
        session, instance, result, actor, completed, now)
    status, error = result.status, result.error
    if unassignable is not None and status != "error":
        # The engine moved on but a new task can be offered to nobody (org_unit_from names an unknown
        # unit): an incident, repaired by a retry with corrected data, which offers the task then.
        status, error = "error", unassignable
    for element in result.ran:
        if element["kind"] in ("ScriptTask", "ServiceTask", "BusinessRuleTask", "CallActivity", "SubWorkflowTask"):
            audit.record(session, action="element.completed", actor=name, instance=instance,
                         element_id=element["element_id"], task_name=element["name"],
                         details={"kind": element["kind"]})
    if status == "error" and previous_status != "error":
        audit.record(session, action="instance.error", actor=name, instance=instance,
                     element_id=(error or {}).get("element_id"), task_name=(error or {}).get("task_name"),
                     details=error or {})
    if status == "completed" and previous_status != "completed":
        audit.record(session, action="instance.completed", actor=name, instance=instance)
    for message in result.thrown:
        audit.record(session, action="message.sent", actor=name, instance=instance,
                     details={"name": message.name, "correlation": message.correlation})
        outbox.append((instance.id, message))

    # The versioned UPDATE of the instance goes first: a lost race stops the step before its rows.
    values = {"state": result.state, "data": result.data, "status": status, "error": error, "updated_at": now}
    if status == "completed" and instance.completed_at is None:
        values["completed_at"] = now
    if not step_writes.write_usual_step(session, instance, values, closing, new_tasks, new_offers, now):
        step_writes.update_instance(session, instance, values)
        step_writes.close_tasks(session, closing, now)
        step_writes.insert_tasks(session, new_tasks, new_offers, now)  # with their notifications
    if result.waits_changed or status == "error":
        step_writes.replace_waits(
            session, instance.id,
            [{"instance_id": instance.id, "task_id": t.task_id, "element_id": t.element_id, "fire_at": t.fire_at}
             for t in result.timers],
            [{"instance_id": instance.id, "task_id": s.task_id, "element_id": s.element_id,
              "message_name": s.message_name, "correlation": s.correlation} for s in result.subscriptions])
    # The order a read would give: oldest first, then by id (the new ones share their creation time).
    return still_open + sorted((_view(session, row) for row in new_tasks), key=lambda view: view.id)


def _view(session: Session, row: dict) -> TaskView:
    """A new task's view from the row just written (its unit and assignee are in the session already)."""
    unit = session.get(OrgUnit, row["org_unit_id"]) if row["org_unit_id"] is not None else None
    assignee = session.get(User, row["assignee_id"]) if row["assignee_id"] is not None else None
    return TaskView(id=row["id"], name=row["name"], element_id=row["element_id"], process_key=row["process_key"],
                    instance_id=row["instance_id"], lane=row["lane"], role_key=row["role_key"],
                    org_unit_code=unit.code if unit is not None else None,
                    assignee_username=assignee.username if assignee is not None else None, state="open",
                    created_at=row["created_at"], due_at=row["due_at"])


class _LazyCalendar:
    """The working-day calendar, read from the dated configuration only if a new task counts working days."""

    def __init__(self, session: Session):
        self._session = session
        self._calendar = None

    def add_working_days(self, start, days: int):
        if self._calendar is None:
            self._calendar = step_config.current().calendar(self._session)
        return self._calendar.add_working_days(start, days)


def _human_task_changes(session: Session, instance: ProcessInstance, result: runtime.StepResult,
                        actor: User | None, completed: HumanTask | None, now):
    """What the step does to the open-task table: the open tasks it keeps, tasks to close, rows to
    insert, and the error of a new task nobody can be offered (None when every task found its people)."""
    unassignable = None
    ready = {task.task_id for task in result.human_tasks}
    closing: list[tuple[str, str, int | None]] = []
    if completed is not None:
        closing.append((completed.id, "completed", actor.id if actor is not None else None))
    if result.ready_before is not None and instance.status != "error":
        # Each step leaves one open row per ready human task, so the tasks the engine found ready
        # before this step are the open rows; they are read only when some of them stay open. (An
        # instance in error may lack the row of a task nobody could be offered: read it then.)
        known = set(result.ready_before)
        still_open = (task_views.open_of_instance(session, instance.id, flush=False) if known & ready else [])
    else:
        open_before = task_views.open_of_instance(session, instance.id, flush=False)
        known = {view.id for view in open_before}
        still_open = open_before
    for task_id in sorted(known - ready):
        if completed is None or task_id != completed.id:  # cancelled by a boundary event, an error or termination
            closing.append((task_id, "cancelled", None))
    still_open = [view for view in still_open if view.id in ready]
    version = load_version(session, instance.process_version_id)
    calendar = _LazyCalendar(session)
    new_tasks: list[dict] = []
    new_offers: list[dict] = []
    for task in result.human_tasks:
        if task.task_id in known:
            continue
        meta = version.task_meta(task.process_id, task.element_id) or {"lane": task.lane, "name": task.name}
        try:
            resolved = assignment.resolve(
                session, meta=meta, data=task.data, instance=instance, calendar=calendar,
                working_days_param=lambda key: step_config.current().working_days_param(session, key))
        except LookupError as exc:
            unassignable = {"message": str(exc), "element_id": task.element_id, "task_name": task.name}
            continue
        new_tasks.append({
            "id": task.task_id, "instance_id": instance.id, "process_key": instance.process_key,
            "element_id": task.element_id, "name": task.name, "lane": task.lane or resolved.lane,
            "role_key": resolved.role_key, "org_unit_id": resolved.org_unit_id, "assignee_id": resolved.assignee_id,
            "claimed": False, "state": "open", "created_at": now, "due_at": resolved.due_at,
            "completed_at": None, "completed_by_id": None,
        })
        new_offers.extend({"task_id": task.task_id, "role_key": offer.role_key, "org_unit_id": offer.org_unit_id,
                           "user_id": offer.user_id, "available": resolved.assignee_id is None, "created_at": now,
                           "shared": len(resolved.offers) > 1, "process_key": instance.process_key}
                          for offer in resolved.offers)
        audit.record(session, action="task.created", actor=actor_name(actor), instance=instance,
                     element_id=task.element_id, task_name=task.name,
                     details={"task_id": task.task_id, "role": resolved.role_key,
                              "due_at": resolved.due_at.isoformat() if resolved.due_at else None})
    return still_open, closing, new_tasks, new_offers, unassignable


def matches(subscription_correlation: dict, correlation: dict, instance_data: dict) -> bool:
    """A waiting subscription accepts a message when every value both sides know agrees.

    Keys the subscription does not define are compared with the instance's process variables of
    the same name (API.md: models without correlation properties).
    """
    for key, value in correlation.items():
        if key in subscription_correlation:
            if subscription_correlation[key] != value:
                return False
        elif key not in instance_data or instance_data[key] != value:
            return False
    return True


def find_receivers(session: Session, name: str, correlation: dict, *, exclude: int | None = None) -> list[int]:
    rows = session.execute(
        select(MessageSubscription.instance_id, MessageSubscription.correlation, ProcessInstance.data)
        .join(ProcessInstance, ProcessInstance.id == MessageSubscription.instance_id)
        .where(MessageSubscription.message_name == name, ProcessInstance.status.in_(("running", "waiting")))
        .order_by(MessageSubscription.instance_id)
    ).all()
    seen: list[int] = []
    for instance_id, sub_correlation, data in rows:
        if instance_id == exclude or instance_id in seen:
            continue
        if matches(sub_correlation or {}, correlation, data or {}):
            seen.append(instance_id)
    return seen


def deliver(session: Session, instance_id: int, name: str, correlation: dict, payload: dict,
            *, actor: User | None, outbox: deque) -> None:
    instance = session.get(ProcessInstance, instance_id, with_for_update=_lock_rows(session))
    spec, subs = spec_for(session, instance)
    with running(session, instance, actor):
        result = runtime.deliver_message(instance.state, spec, subs, name, correlation, payload)
    audit.record(session, action="message.received", actor=actor_name(actor), instance=instance,
                 details={"name": name, "correlation": correlation})
    apply_result(session, instance, result, actor=actor, outbox=outbox)


def drain(session: Session, outbox: deque, actor: User | None) -> set[int]:
    """Deliver every message in the outbox (and those their receivers throw); the receivers' ids."""
    hops = 0
    delivered: set[int] = set()
    while outbox:
        hops += 1
        if hops > MAX_MESSAGE_HOPS:
            raise RuntimeError("too many chained messages in one step")
        sender_id, message = outbox.popleft()
        receivers = find_receivers(session, message.name, message.correlation, exclude=sender_id)
        if not receivers:
            audit.record(session, action="message.undelivered", actor=actor_name(actor), instance_id=sender_id,
                         details={"name": message.name, "correlation": message.correlation})
        for receiver in receivers:
            deliver(session, receiver, message.name, message.correlation, message.payload,
                    actor=actor, outbox=outbox)
            delivered.add(receiver)
    return delivered


def _lock_rows(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"



def clear_waits(session: Session, instance: ProcessInstance) -> None:
    """Drop the instance's timers and subscriptions (it was terminated)."""
    session.execute(delete(Timer).where(Timer.instance_id == instance.id))
    session.execute(delete(MessageSubscription).where(MessageSubscription.instance_id == instance.id))
