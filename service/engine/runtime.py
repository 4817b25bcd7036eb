"""Run process instances: start, complete a human task, fire timers, deliver messages, retry.

Every call takes the stored state and returns a StepResult of plain data: the new state, the open
human tasks, the due timers, the message subscriptions, the messages thrown and what ran. Callers
persist all of it in one transaction; nothing here touches the database.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from .compaction import compact
from .script_engine import make_engine
from .serialization import workflow_from_dict, workflow_to_dict

MAX_DEPTH = 1_000_000  # SpiffWorkflow's iterator stops at depth 1000: a long history must not hide tasks


@dataclass
class HumanTask:
    task_id: str
    element_id: str
    name: str
    process_id: str
    lane: str | None
    data: dict


@dataclass
class Timer:
    task_id: str
    element_id: str
    fire_at: datetime


@dataclass
class Subscription:
    task_id: str
    element_id: str
    message_name: str
    correlation: dict


@dataclass
class ThrownMessage:
    name: str
    correlation: dict
    payload: dict


@dataclass
class StepResult:
    state: dict
    status: str  # running | waiting | completed | error
    data: dict
    human_tasks: list[HumanTask] = field(default_factory=list)
    timers: list[Timer] = field(default_factory=list)
    subscriptions: list[Subscription] = field(default_factory=list)
    thrown: list[ThrownMessage] = field(default_factory=list)
    ran: list[dict] = field(default_factory=list)  # {element_id, name, kind} of engine-run elements
    error: dict | None = None


class EngineError(Exception):
    """A model or data problem found while running; the instance goes to status 'error'."""


class TaskNotReady(Exception):
    """The task is not (or no longer) a ready human task of this instance."""


def _bpmn_id(task) -> str:
    return getattr(task.task_spec, "bpmn_id", None) or task.task_spec.name


def _record(ran: list[dict]):
    def did_complete(task):
        if getattr(task.task_spec, "bpmn_id", None):
            ran.append(
                {
                    "element_id": task.task_spec.bpmn_id,
                    "name": task.task_spec.bpmn_name or task.task_spec.bpmn_id,
                    "kind": type(task.task_spec).__name__,
                }
            )

    return did_complete


def _fire_time(task) -> datetime | None:
    details = task.task_spec.event_definition.details(task)
    value = details.value
    if value is None:
        return None
    if isinstance(task.task_spec.event_definition, CycleTimerEventDefinition) and isinstance(value, dict):
        value = value.get("next")
    try:
        return TimerEventDefinition.get_datetime(value)
    except (TypeError, ValueError):
        parsed = TimerEventDefinition.parse_time_or_duration(value)
        return parsed if isinstance(parsed, datetime) else None


def _correlation_of_waiting(workflow: BpmnWorkflow, task, definition: MessageEventDefinition) -> dict:
    """The values a waiting catch expects: its correlation properties against the waiting data."""
    values: dict[str, Any] = {}
    known = {}
    for key_values in task.workflow.correlations.values():
        known.update(key_values)
    for prop in definition.correlation_properties:
        if prop.name in known:
            values[prop.name] = known[prop.name]
            continue
        try:
            values[prop.name] = workflow.script_engine.environment.evaluate(
                prop.retrieval_expression, copy.copy(task.data)
            )
        except Exception:  # the waiting side may not hold the value yet: no constraint
            continue
    return values


def _flatten_correlations(correlations: dict) -> dict:
    flat: dict[str, Any] = {}
    for values in correlations.values():
        if isinstance(values, dict):
            flat.update(values)
    return flat


def _result(workflow: BpmnWorkflow, ran: list[dict], error: dict | None = None) -> StepResult:
    human: list[HumanTask] = []
    timers: list[Timer] = []
    subs: list[Subscription] = []
    for task in workflow.get_tasks(state=TaskState.READY, manual=True, max_depth=MAX_DEPTH):
        human.append(
            HumanTask(
                task_id=str(task.id),
                element_id=_bpmn_id(task),
                name=task.task_spec.bpmn_name or _bpmn_id(task),
                process_id=task.workflow.spec.name,
                lane=task.task_spec.lane,
                data=task.data,
            )
        )
    for task in list(workflow.event_manager.tasks.values()):
        definition = task.task_spec.event_definition
        if isinstance(definition, TimerEventDefinition):
            fire_at = _fire_time(task)
            if fire_at is not None:
                timers.append(Timer(str(task.id), _bpmn_id(task), fire_at))
        elif isinstance(definition, MessageEventDefinition):
            subs.append(
                Subscription(
                    str(task.id),
                    _bpmn_id(task),
                    definition.name,
                    _correlation_of_waiting(workflow, task, definition),
                )
            )
    thrown = [
        ThrownMessage(
            event.event_definition.name,
            _flatten_correlations(event.correlations),
            event.payload if isinstance(event.payload, dict) else {"payload": event.payload},
        )
        for event in workflow.get_events()
        if isinstance(event.event_definition, MessageEventDefinition)
    ]
    if error is not None:
        status = "error"
    elif workflow.completed:
        status = "completed"
    elif human:
        status = "running"
    else:
        status = "waiting"
    data = _instance_data(workflow)
    compact(workflow)
    return StepResult(workflow_to_dict(workflow), status, data, human, timers, subs, thrown, ran, error)


def _instance_data(workflow: BpmnWorkflow) -> dict:
    if workflow.completed:
        return dict(workflow.data)
    last = workflow.last_task
    if last is not None and last.workflow is workflow:
        return dict(last.data)
    return dict(workflow.data)


def _run(workflow: BpmnWorkflow, ran: list[dict], action) -> StepResult:
    try:
        action()
        workflow.do_engine_steps(did_complete_task=_record(ran))
    except (SpiffWorkflowException, EngineError) as exc:
        return _result(workflow, ran, _error_details(exc))
    except RecursionError as exc:
        return _result(workflow, ran, {"message": f"recursion too deep: {exc}"})
    return _result(workflow, ran)


def _error_details(exc: Exception) -> dict:
    task = getattr(exc, "task", None)
    details = {"message": str(exc).split("\n")[0], "notes": list(getattr(exc, "notes", []) or [])}
    if task is not None:
        details["element_id"] = _bpmn_id(task)
        details["task_name"] = task.task_spec.bpmn_name
    if getattr(exc, "line_number", None):
        details["line"] = exc.line_number
    return details


def start(spec, subprocess_specs: dict, data: dict | None = None) -> StepResult:
    """Create an instance of `spec`, seed its data and run until every path waits."""
    workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=make_engine())
    ran: list[dict] = []

    def seed():
        if data:
            workflow.task_tree.data.update(copy.deepcopy(data))
            for child in workflow.task_tree.children:
                child.data.update(copy.deepcopy(data))

    return _run(workflow, ran, seed)


def load(state: dict, spec, subprocess_specs: dict) -> BpmnWorkflow:
    return workflow_from_dict(state, spec, subprocess_specs, make_engine())


def ready_human_task(workflow: BpmnWorkflow, task_id: str):
    try:
        task = workflow.get_task_from_id(UUID(task_id))
    except Exception as exc:
        raise TaskNotReady(task_id) from exc
    if task is None or not task.task_spec.manual or task.state != TaskState.READY:
        raise TaskNotReady(task_id)
    return task


def complete_task(state: dict, spec, subprocess_specs: dict, task_id: str, data: dict,
                  merge: Callable[[dict, dict], dict] | None = None) -> StepResult:
    """Merge the submitted data into the ready human task, complete it and run on.

    `merge(existing, submitted)` decides how nested values combine (forms keep read-only parts).
    """
    workflow = load(state, spec, subprocess_specs)
    task = ready_human_task(workflow, task_id)
    ran: list[dict] = []

    def act():
        submitted = copy.deepcopy(data)
        task.data = merge(task.data, submitted) if merge else {**task.data, **submitted}
        task.run()

    return _run(workflow, ran, act)


def fire_timers(state: dict, spec, subprocess_specs: dict, now: datetime | None = None) -> StepResult:
    """Fire every timer of the instance whose time has passed and run on."""
    workflow = load(state, spec, subprocess_specs)
    ran: list[dict] = []
    return _run(workflow, ran, workflow.refresh_timers)


def deliver_message(
    state: dict, spec, subprocess_specs: dict, name: str, correlation: dict, payload: dict
) -> StepResult:
    """Deliver a message to the instance's waiting catch events of that name."""
    workflow = load(state, spec, subprocess_specs)
    ran: list[dict] = []
    waiting = [
        t
        for t in workflow.event_manager.tasks.values()
        if isinstance(t.task_spec.event_definition, MessageEventDefinition)
        and t.task_spec.event_definition.name == name
    ]
    if not waiting:
        raise TaskNotReady(name)
    definition = waiting[0].task_spec.event_definition

    def act():
        # Correlation was matched by the caller against the subscription table; present the
        # instance's own keys so SpiffWorkflow's check agrees, plus what the sender gave.
        correlations = copy.deepcopy(waiting[0].workflow.correlations)
        for prop in definition.correlation_properties:
            if prop.name in correlation:
                for key in prop.correlation_keys:
                    correlations.setdefault(key, {})[prop.name] = correlation[prop.name]
        event = BpmnEvent(definition, payload=copy.deepcopy(payload), correlations=correlations)
        if workflow.event_manager.catch(event, internal=False) == 0:
            raise EngineError(f"instance is not waiting for message {name!r}")

    return _run(workflow, ran, act)


def retry(state: dict, spec, subprocess_specs: dict) -> StepResult:
    """Re-run the tasks that failed (after a fix to the data or a new handler) and run on."""
    workflow = load(state, spec, subprocess_specs)
    ran: list[dict] = []

    def act():
        failed = workflow.get_tasks(state=TaskState.ERROR, max_depth=MAX_DEPTH)
        for task in failed:
            task._set_state(TaskState.READY)

    return _run(workflow, ran, act)


def update_data(state: dict, spec, subprocess_specs: dict, values: dict) -> StepResult:
    """Set process data on every ready or waiting task (used to fix data before a retry)."""
    workflow = load(state, spec, subprocess_specs)
    for task in workflow.get_tasks(state=TaskState.READY | TaskState.WAITING | TaskState.ERROR, max_depth=MAX_DEPTH):
        task.data.update(copy.deepcopy(values))
    return _result(workflow, [])


def json_size(state: dict) -> int:
    return len(json.dumps(state, separators=(",", ":")))


def now_utc() -> datetime:
    return datetime.now(UTC)
