"""Stored states restore to the same task trees with our task converter as with SpiffWorkflow's own."""

from __future__ import annotations

import copy
import pickle
from uuid import UUID

import pytest
from SpiffWorkflow.bpmn.serializer.default.workflow import TaskConverter
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from service.engine import runtime
from service.engine import serialization as ser
from service.engine.parsing import parse_bundle
from service.engine.script_engine import make_engine
from tests.conftest import FIXTURES

ELEMENTS = FIXTURES / "elements"
# The stock task converter, in a registry otherwise like ours.
_STOCK = ser._StatelessWorkflowConverter(BpmnWorkflow, ser._make_registry(TaskConverter), "BpmnWorkflow")


def test_stored_id_is_the_uuid_of_its_text_made_once():
    text = "0b7f5c1e-2d43-4c1a-9a55-6f0e8d2b9c11"
    first = ser.stored_id(text)
    assert first == UUID(text) and UUID(text) == first
    assert hash(first) == hash(UUID(text)) and isinstance(first, UUID)
    assert str(first) == text and first.hex == UUID(text).hex
    assert ser.stored_id(text) is first  # the same object: a lookup meets it by identity
    assert {UUID(text): 1}[first] == 1 and {first: 1}[UUID(text)] == 1
    for copied in (copy.copy(first), copy.deepcopy(first), pickle.loads(pickle.dumps(first))):
        assert copied == first and str(copied) == text


@pytest.mark.parametrize("text", ["0B7F5C1E-2D43-4C1A-9A55-6F0E8D2B9C11", "{0b7f5c1e-2d43-4c1a-9a55-6f0e8d2b9c11}",
                                  "0b7f5c1e2d434c1a9a556f0e8d2b9c11"])
def test_other_spellings_parse_as_uuid_does(text):
    parsed = ser.stored_id(text)
    assert parsed == UUID(text) and str(parsed) == str(UUID(text))


@pytest.mark.parametrize("text", ["", "nope", "0b7f5c1e-2d43-4c1a-9a55-6f0e8d2b9c1",
                                  "0b7f5c1e_2d43-4c1a-9a55-6f0e8d2b9c11"])
def test_malformed_ids_are_refused_as_uuid_refuses_them(text):
    with pytest.raises(ValueError):
        UUID(text)
    with pytest.raises(ValueError):
        ser.stored_id(text)


def _tree(workflow) -> list:
    """Everything a restore sets on the tasks of a workflow and its subprocesses, as plain values."""
    rows = []
    for owner in (workflow, *workflow.subprocesses.values()):
        for key, task in owner.tasks.items():
            assert key == task.id
            rows.append((str(task.id), str(task._parent), [str(child) for child in task._children], task.state,
                         task.task_spec.name, task.data, ser._registry.convert(task.internal_data),
                         task.last_state_change, task.triggered, owner is workflow))
    waiting = sorted((str(key), str(task.id)) for key, task in workflow.event_manager.tasks.items())
    return [*sorted(rows, key=repr), ("waiting", waiting), ("root", str(workflow.task_tree.id)),
            ("last", str(getattr(workflow.last_task, "id", None)))]


def _both_ways(state: dict, spec, subs):
    kept = copy.deepcopy(state)
    ours = ser.workflow_from_dict(state, spec, subs, make_engine())
    stock = ser.workflow_from_dict(state, spec, subs, make_engine(), converter=_STOCK)
    assert _tree(ours) == _tree(stock)
    assert state == kept  # neither restore took anything out of the stored state
    # The ready human tasks read off the task tables are those the tree walk finds, and a step's result lists
    # them in the walk's order.
    walked = runtime._walked_ready_human_tasks(ours)
    assert sorted(runtime._ready_human_ids(ours)) == sorted(str(task.id) for task in walked)
    assert runtime._ready_human_tasks(ours) == walked
    assert ser.workflow_to_dict(ours) == ser.workflow_to_dict(stock) == state
    # Our task writer writes what SpiffWorkflow's own writes, on trees restored either way.
    assert _STOCK.to_dict(ours) == _STOCK.to_dict(stock) == ser._converter.to_dict(ours)
    return ours


# (files, process, start data, data for each completion in turn)
WALKS = [
    (["subprocess_events.bpmn"], "el_subprocess", {"case_no": "HS-1"},
     [{"sections": ["a", "b", "c"]}, {"decision": "ok"}]),
    (["call_parent.bpmn", "call_child_camunda.bpmn", "call_child_spiff.bpmn"], "el_call_parent", {"x": 5},
     [{"y": 1}, {"z": 2}]),
    (["gw_parallel.bpmn"], "el_gw_parallel", {}, [{}, {}, {}]),
    (["mi_parallel_spiff.bpmn"], "el_mi_parallel_spiff", {"members": ["An", "Bình"]},
     [{"opinion_item": "ý kiến một"}, {"opinion_item": "ý kiến hai"}, {}]),
    (["timer_boundary.bpmn"], "el_timer_boundary", {"deadline": "PT1H"}, [{}]),
    (["gw_event_based.bpmn"], None, {}, []),
]


@pytest.mark.parametrize(("files", "process", "data", "steps"), WALKS, ids=[walk[0][0] for walk in WALKS])
def test_every_state_of_a_walk_restores_as_spiffworkflow_restores_it(files, process, data, steps):
    bundle = parse_bundle({name: (ELEMENTS / name).read_bytes() for name in files}, {}, {})
    process = process or next(iter(bundle.specs))
    spec, subs = bundle.specs[process], bundle.subprocess_specs
    result = runtime.start(spec, subs, data)
    restored = _both_ways(result.state, spec, subs)
    walked = 0
    for submitted in steps:
        ready = [task for task in restored.get_tasks(state=TaskState.READY, manual=True)]
        if not ready:
            break
        result = runtime.complete_task(result.state, spec, subs, str(ready[0].id), submitted)
        restored = _both_ways(result.state, spec, subs)
        walked += 1
    assert walked == len(steps)
