"""Moving a running instance onto another version of its process.

The serialised state names each task's spec; the instance can move when every task it still holds names a
step of the target version of the same kind. Then the state is restored against the target spec, each
unfinished task's predicted future is dropped and predicted again from the target's flows, and the result is
a normal step result (what is open, what waits). Instances inside a called process are not moved.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from SpiffWorkflow.util.task import TaskState

from .runtime import StepResult, _result, load

ACTIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR
# What the old spec's flows said would come next: FUTURE counts as definite in SpiffWorkflow, yet it is only
# the old version's path from here, so it is dropped and predicted again too.
FUTURE_OR_PREDICTED = TaskState.FUTURE | TaskState.PREDICTED_MASK


@dataclass
class MigrationPlan:
    moves: list[str] = field(default_factory=list)  # element ids of the active steps that carry over
    blockers: list[dict] = field(default_factory=list)  # {element_id, reason_code}

    @property
    def possible(self) -> bool:
        return not self.blockers


def _bpmn_id(spec) -> str:
    return getattr(spec, "bpmn_id", None) or spec.name


def plan(state: dict, old_spec, new_spec) -> MigrationPlan:
    """What moves and what cannot (and why), without changing anything."""
    result = MigrationPlan()
    if state.get("subprocesses"):
        result.blockers.append({"element_id": None, "reason": "subprocess"})
        return result
    new_specs = new_spec.task_specs
    for task in state.get("tasks", {}).values():
        if task["state"] & FUTURE_OR_PREDICTED:
            continue  # the old path ahead is predicted again from the target's flows
        name = task["task_spec"]
        old = old_spec.task_specs.get(name)
        new = new_specs.get(name)
        element_id = _bpmn_id(old) if old is not None else name
        if new is None:
            if old is not None and getattr(old, "bpmn_id", None) is None:
                continue  # engine-internal specs (start, end, root) exist in every version
            result.blockers.append({"element_id": element_id, "reason": "missing"})
        elif old is not None and type(old) is not type(new):
            result.blockers.append({"element_id": element_id, "reason": "type_changed"})
        elif task["state"] & ACTIVE and getattr(new, "bpmn_id", None):
            result.moves.append(element_id)
    return result


def _without_predictions(state: dict) -> dict:
    """The state minus the tasks the old flows predicted (their specs may not exist in the target)."""
    tasks = {task_id: task for task_id, task in state["tasks"].items() if not task["state"] & FUTURE_OR_PREDICTED}
    pruned = {task_id: {**task, "children": [child for child in task["children"] if child in tasks]}
              for task_id, task in tasks.items()}
    return {**state, "tasks": pruned}


def migrate(state: dict, new_spec, subprocess_specs: dict) -> StepResult:
    """The state restored on `new_spec`, its unfinished tasks' futures predicted from the new flows."""
    workflow = load(_without_predictions(state), new_spec, subprocess_specs)
    for task in list(workflow.get_tasks(state=ACTIVE)):
        # the mask makes the task's own prediction hook run too (by default only predicted tasks re-predict)
        task.task_spec._predict(task, mask=TaskState.NOT_FINISHED_MASK)
    return _result(workflow, [])
