"""Run process instances: start, complete a human task, fire timers, deliver messages, retry.

Every call takes the stored state and returns a StepResult of plain data: the new state, the open
human tasks, the due timers, the message subscriptions, the messages thrown and what ran. Callers
persist all of it in one transaction; nothing here touches the database.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.specs.event_definitions import (
    MessageEventDefinition as CamundaMessageEventDefinition,
)
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from .compaction import compact
from .sandbox.data import check_storable
from .sandbox.errors import SandboxError
from .script_engine import make_engine
from .serialization import stored_id, workflow_from_dict, workflow_to_dict

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
    fired: list[dict] = field(default_factory=list)  # {element_id, name}, once per timer firing in this step
    waits_changed: bool = True  # False when timers and subscriptions are exactly as before the step
    ready_before: list[str] | None = None  # ids of the ready human tasks the step started from


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
                    "task_id": str(task.id),
                    "timer": isinstance(getattr(task.task_spec, "event_definition", None), TimerEventDefinition),
                }
            )

    return did_complete


def _waiting_definitions(definition) -> list:
    """The event definitions a waiting task listens for: an event-based gateway (or a multiple
    event) keeps its message and timer definitions inside one MultipleEventDefinition."""
    if isinstance(definition, MultipleEventDefinition):
        return list(definition.event_definitions)
    return [definition]


def _event_subprocess_starts(workflow: BpmnWorkflow) -> list:
    """(start event spec, message definition) of the instance's message-triggered event subprocesses.

    SpiffWorkflow keeps no waiting task for them (the subprocess is created when its event is
    caught), so they are listed from the spec: they listen as long as the instance runs.
    """
    starts = []
    for name in getattr(workflow.spec.start, "trigger_specs", []):
        spec = workflow.subprocess_specs.get(name)
        for start in spec.bpmn_start_events if spec is not None else []:
            if isinstance(start.event_definition, MessageEventDefinition):
                starts.append((start, start.event_definition))
    return starts


def _fire_time(task, definition) -> datetime | None:
    details = definition.details(task)
    value = details.value
    if value is None:
        return None
    if isinstance(definition, CycleTimerEventDefinition) and isinstance(value, dict):
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
        except Exception:  # noqa: S112 - the waiting side may not hold the value yet: no constraint
            continue
    return values


def _thrown_message(workflow: BpmnWorkflow, event: BpmnEvent) -> ThrownMessage:
    """A message leaving the instance, as a plain payload dict and its correlation values."""
    definition = event.event_definition
    payload = event.payload
    if isinstance(definition, CamundaMessageEventDefinition) and isinstance(payload, dict):
        payload = payload.get("payload")  # SpiffWorkflow's Camunda events wrap it with its result variable
    correlation = _flatten_correlations(event.correlations)
    if not correlation and isinstance(payload, dict):
        # SpiffWorkflow's Camunda throw computes no correlations: read them off the payload as the
        # Spiff dialect does, so the message reaches only the instance it is meant for.
        for prop in definition.correlation_properties:
            # A key the payload does not carry does not constrain the receivers.
            with contextlib.suppress(Exception):
                correlation[prop.name] = workflow.script_engine.environment.evaluate(
                    prop.retrieval_expression, copy.copy(payload)
                )
    return ThrownMessage(definition.name, correlation, payload if isinstance(payload, dict) else {"payload": payload})


def _engine_payload(definition: MessageEventDefinition, payload: dict, correlation: dict) -> dict:
    """The payload in the shape the receiving definition expects.

    SpiffWorkflow's Camunda catch reads {"payload", "result_var"} and stores the payload in
    camunda:resultVariable (default `<element id>_Response`); the Spiff catch stores it in
    spiffworkflow:messageVariable. Both re-read the correlation values from what they receive, so a
    value posted only in `correlation` is also put where a plain retrieval expression looks for it.
    """
    body = copy.deepcopy(payload)
    context = {"payload": body, "result_var": definition.result_var} if isinstance(
        definition, CamundaMessageEventDefinition) else body
    for prop in definition.correlation_properties:
        path = (prop.retrieval_expression or "").strip()
        if prop.name in correlation and path.isidentifier() and path not in context:
            context[path] = correlation[prop.name]
    return context


def _flatten_correlations(correlations: dict) -> dict:
    flat: dict[str, Any] = {}
    for values in correlations.values():
        if isinstance(values, dict):
            flat.update(values)
    return flat


def _walked_ready_human_tasks(workflow: BpmnWorkflow) -> list:
    """The ready human tasks in the tree's order, found by SpiffWorkflow's walk of the whole tree."""
    return workflow.get_tasks(state=TaskState.READY, manual=True, max_depth=MAX_DEPTH)


def _listed_ready_human_tasks(workflow: BpmnWorkflow) -> list:
    """The ready human tasks the walk finds, in no particular order, read off the workflows' task tables
    instead (a READY task never sits below a predicted one nor in a finished subprocess, where the walk
    would not look; tests/engine/test_serialization.py compares the two at every state of its walks)."""
    return [task for owner in (workflow, *workflow.subprocesses.values()) for task in owner.tasks.values()
            if task._state == TaskState.READY and task.task_spec.manual]


def _ready_human_tasks(workflow: BpmnWorkflow) -> list:
    """The ready human tasks in the tree's order. A step mostly leaves one or none: the task tables say
    so without the walk (a Python iterator over every task, most of a step's result); the walk only
    orders several."""
    listed = _listed_ready_human_tasks(workflow)
    return listed if len(listed) <= 1 else _walked_ready_human_tasks(workflow)


def _ready_human_ids(workflow: BpmnWorkflow) -> list[str]:
    """The ids of the ready human tasks, in no particular order."""
    return [str(task.id) for task in _listed_ready_human_tasks(workflow)]


def _result(workflow: BpmnWorkflow, ran: list[dict], error: dict | None = None) -> StepResult:
    human: list[HumanTask] = []
    for task in _ready_human_tasks(workflow):
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
    timers, subs = _waits(workflow)
    thrown = [
        _thrown_message(workflow, event)
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


def _waits(workflow: BpmnWorkflow) -> tuple[list[Timer], list[Subscription]]:
    """What the instance waits for: due timers and message subscriptions (event subprocesses too)."""
    timers: list[Timer] = []
    subs: list[Subscription] = []
    for task in list(workflow.event_manager.tasks.values()):
        for definition in _waiting_definitions(task.task_spec.event_definition):
            if isinstance(definition, TimerEventDefinition):
                fire_at = _fire_time(task, definition)
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
    if not workflow.completed:
        anchor = workflow.last_task if workflow.last_task is not None else workflow.task_tree
        for start, definition in _event_subprocess_starts(workflow):
            subs.append(Subscription(str(workflow.task_tree.id), start.bpmn_id, definition.name,
                                     _correlation_of_waiting(workflow, anchor, definition)))
    return timers, subs


def _wait_signature(timers: list[Timer], subs: list[Subscription]) -> tuple:
    return (
        tuple(sorted((t.task_id, t.element_id, t.fire_at.isoformat()) for t in timers)),
        tuple(sorted((s.task_id, s.element_id, s.message_name, repr(sorted(s.correlation.items())))
                     for s in subs)),
    )


def _instance_data(workflow: BpmnWorkflow) -> dict:
    if workflow.completed:
        return dict(workflow.data)
    last = workflow.last_task
    if last is not None and last.workflow is workflow:
        return dict(last.data)
    return dict(workflow.data)


def _run(workflow: BpmnWorkflow, ran: list[dict], action, *, fresh: bool = False) -> StepResult:
    # Any step may fire a due timer (do_engine_steps refreshes timers), not only the worker's:
    # report each firing so the audit trail shows it whoever's step it happened in.
    waiting = _waiting_timers(workflow)
    # Most steps leave the timers and subscriptions as they were: the caller skips rewriting them.
    before = ((), ()) if fresh else _wait_signature(*_waits(workflow))
    ready_before = [] if fresh else _ready_human_ids(workflow)
    result = _steps(workflow, ran, action)
    result.fired = _fired_timers(waiting)
    # A timer already due when the instance reached it never waited: it fired within this step.
    waited = {str(task.id) for task, _ in waiting}
    result.fired += [{"element_id": element["element_id"], "name": element["name"]} for element in ran
                     if element["timer"] and element["task_id"] not in waited]
    result.waits_changed = _wait_signature(result.timers, result.subscriptions) != before
    result.ready_before = ready_before
    return result


def _waiting_timers(workflow: BpmnWorkflow) -> list[tuple[Any, int | None]]:
    """The waiting timer tasks with, for cycle timers, how many cycles they had left."""
    waiting = []
    for task in workflow.event_manager.tasks.values():
        definitions = _waiting_definitions(task.task_spec.event_definition)
        if any(isinstance(definition, TimerEventDefinition) for definition in definitions):
            value = task._get_internal_data("event_value")
            waiting.append((task, value.get("cycles") if isinstance(value, dict) else None))
    return waiting


def _fired_timers(waiting: list[tuple[Any, int | None]]) -> list[dict]:
    fired = []
    for task, cycles_before in waiting:
        if cycles_before is not None:  # a cycle timer fires once per elapsed period
            value = task._get_internal_data("event_value")
            cycles_after = value.get("cycles", 0) if isinstance(value, dict) else 0
            count = cycles_before - cycles_after  # also right for endless cycles, counting down from -1
        elif isinstance(task.task_spec.event_definition, MultipleEventDefinition):
            # An event-based gateway also leaves WAITING when a message wins: count its timer only
            # when the gateway saw the timer's event.
            seen = task.internal_data.get("seen_events") or []
            count = int(any(isinstance(event.event_definition, TimerEventDefinition) for event in seen))
        else:  # a one-off timer left WAITING only by firing (a cancelled one is CANCELLED)
            count = int(task.state in (TaskState.READY, TaskState.STARTED, TaskState.COMPLETED))
        name = task.task_spec.bpmn_name or _bpmn_id(task)
        fired.extend({"element_id": _bpmn_id(task), "name": name} for _ in range(max(0, count)))
    return fired


def _steps(workflow: BpmnWorkflow, ran: list[dict], action) -> StepResult:
    try:
        action()
        workflow.do_engine_steps(did_complete_task=_record(ran))
    except (SpiffWorkflowException, EngineError) as exc:
        details = _error_details(exc)
        dropped = _drop_unstorable(getattr(exc, "task", None) or workflow.last_task)
        if dropped:
            details["dropped_variables"] = dropped
        return _result(workflow, ran, details)
    except RecursionError as exc:
        return _result(workflow, ran, {"message": f"recursion too deep: {exc}"})
    except Exception as exc:  # see below: deliberately broad
        # SpiffWorkflow lets some errors of a diagram out unwrapped or as a bare Exception (a timer
        # expression giving a timedelta, "Invalid duration", a name missing from a correlation): the
        # engine is pure computation here, so whatever it raises is the instance's error, not the service's.
        return _result(workflow, ran, {"message": f"{type(exc).__name__}: {exc}", "notes": []})
    return _result(workflow, ran)


def _drop_unstorable(task) -> list[str]:
    """A script that failed half-way leaves its variables in the task's data unchecked: drop those
    JSON cannot hold, so the instance can stand in error with the message (its state stays storable)."""
    if task is None:
        return []
    dropped = []
    for name in list(task.data):
        try:
            check_storable({name: task.data[name]})
        except SandboxError:
            del task.data[name]
            dropped.append(name)
    return dropped


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

    return _run(workflow, ran, seed, fresh=True)


def load(state: dict, spec, subprocess_specs: dict) -> BpmnWorkflow:
    return workflow_from_dict(state, spec, subprocess_specs, make_engine())


def ready_human_task(workflow: BpmnWorkflow, task_id: str):
    try:
        task = workflow.get_task_from_id(stored_id(task_id))  # the restored task's own id object
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
        (t, definition)
        for t in workflow.event_manager.tasks.values()
        for definition in _waiting_definitions(t.task_spec.event_definition)
        if isinstance(definition, MessageEventDefinition) and definition.name == name
    ]
    if not waiting:  # an event subprocess's message start event: its subprocess starts on the catch
        waiting = [(None, d) for _, d in _event_subprocess_starts(workflow) if d.name == name]
    if not waiting:
        raise TaskNotReady(name)
    waiting_task, definition = waiting[0]

    def act():
        # Correlation was matched by the caller against the subscription table; present the
        # instance's own keys so SpiffWorkflow's check agrees, plus what the sender gave.
        correlations = copy.deepcopy((waiting_task.workflow if waiting_task else workflow).correlations)
        for prop in definition.correlation_properties:
            if prop.name in correlation:
                for key in prop.correlation_keys:
                    correlations.setdefault(key, {})[prop.name] = correlation[prop.name]
        event = BpmnEvent(definition, payload=_engine_payload(definition, payload, correlation),
                          correlations=correlations)
        try:
            caught = workflow.event_manager.catch(event, internal=False)
        except SpiffWorkflowException:
            raise
        except Exception as exc:  # a correlation retrieval expression failed on the payload
            raise EngineError(f"message {name!r} could not be correlated: {exc}") from exc
        if caught == 0:
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


class NothingToSkip(EngineError):
    """The instance has no failed element (its error is elsewhere, say a task nobody can be offered)."""


def skip(state: dict, spec, subprocess_specs: dict) -> tuple[StepResult, list[dict]]:
    """Mark the failed elements done without running them again, and run on; the result and what was skipped.

    The element's outputs are whatever its data held when it failed: an administrator skips a step
    whose effect is not needed (or was done by hand), and says why.
    """
    workflow = load(state, spec, subprocess_specs)
    failed = workflow.get_tasks(state=TaskState.ERROR, max_depth=MAX_DEPTH)
    if not failed:
        raise NothingToSkip("no failed element")
    skipped = [{"element_id": _bpmn_id(task), "name": task.task_spec.bpmn_name or _bpmn_id(task)} for task in failed]
    ran: list[dict] = []

    def act():
        for task in failed:
            # Straight to COMPLETED: run() would execute the script that failed once more.
            task.complete()

    return _run(workflow, ran, act), skipped


def update_data(state: dict, spec, subprocess_specs: dict, values: dict) -> StepResult:
    """Set process data on every ready or waiting task (used to fix data before a retry)."""
    workflow = load(state, spec, subprocess_specs)
    for task in workflow.get_tasks(state=TaskState.READY | TaskState.WAITING | TaskState.ERROR, max_depth=MAX_DEPTH):
        task.data.update(copy.deepcopy(values))
    return _result(workflow, [])
