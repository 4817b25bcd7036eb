"""Serialise specs once per version and instance state without the spec.

The stock serializer embeds the whole process definition in every instance's saved state; that
doubles its size and load time. Here the definition is stored once per process version (and kept
deserialised in a small cache) and the instance state holds only its task tree and data.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any
from uuid import UUID, SafeUUID

from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, TaskConverter
from SpiffWorkflow.bpmn.serializer.helpers.registry import DefaultRegistry
from SpiffWorkflow.bpmn.serializer.workflow import VERSION
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.task import TaskState
from SpiffWorkflow.util.deep_merge import DeepMerge

STATE_FORMAT = 1  # our own envelope version; bumped by stored-state upgrades, not schema migrations


class _StoredId(UUID):
    """A task id read from a stored state: a UUID that keeps the text it was read from.

    Restoring a state made three UUIDs per task (its key, its id, its parent's and children's ids),
    each parsed from text, and every lookup of a parent or child by id then compared two distinct
    but equal objects (`UUID.__eq__`, Python code) after hashing; writing the state back formatted
    each id again (`UUID.__str__`). The ids read here are made once per text and shared, so a lookup
    meets the very object it looks for, and the text is written back as it was read. It is a UUID in
    every other respect (equal to, and hashing as, `UUID(text)`)."""

    __slots__ = ("_text",)

    def __str__(self) -> str:
        return self._text

    def __reduce__(self):
        # UUID's own state (its int) would make a copy without the text: copy and pickle by the text.
        return stored_id, (self._text,)


_CANONICAL = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# The ids met lately, by text. Ids are immutable values, so threads may share them; the table is
# emptied when full (an instance's ids are met again at each of its steps, not forever).
_ids: dict[str, UUID] = {}
_IDS_KEPT = 1 << 16


def stored_id(text: str) -> UUID:
    """The task id written as `text` (shared, see `_StoredId`); a form other than str(UUID)'s own is
    parsed as UUID does."""
    found = _ids.get(text)
    if found is not None:
        return found
    if _CANONICAL.fullmatch(text) is None:
        return UUID(text)
    found = object.__new__(_StoredId)
    object.__setattr__(found, "int", int(text.replace("-", ""), 16))
    object.__setattr__(found, "is_safe", SafeUUID.unknown)
    object.__setattr__(found, "_text", text)
    if len(_ids) >= _IDS_KEPT:
        _ids.clear()
    _ids[text] = found
    return found


class _TaskConverter(TaskConverter):
    """SpiffWorkflow's task restoration, with the ids made by `stored_id` (its own parses each one
    anew). tests/engine/test_serialization.py restores states both ways and compares the trees."""

    def to_dict(self, task):
        # SpiffWorkflow's own, writing the same dictionary, with the parent looked up once: it looked
        # it up four times per task (each a UUID hash in Python and a dictionary search).
        parent = task.parent
        if parent is None:
            data, delta = task.data, {}
        else:
            data, parent_data, mine = {}, parent.data, task.data
            delta = {
                "updates": {key: value for key, value in mine.items()
                            if key not in parent_data or value != parent_data[key]},
                "deletions": [key for key in parent_data if key not in mine],
            }
        return {
            "id": str(task.id),
            "parent": str(task._parent) if parent is not None else None,
            "children": [str(child) for child in task._children],
            "last_state_change": task.last_state_change,
            "state": task._state,
            "task_spec": task.task_spec.name,
            "triggered": task.triggered,
            "internal_data": self.registry.convert(task.internal_data),
            "data": data,
            "delta": delta,
        }

    def from_dict(self, dct, workflow):
        task_spec = workflow.spec.task_specs.get(dct["task_spec"])
        task = self.target_class(workflow, task_spec, state=dct["state"], id=stored_id(dct["id"]))
        task._parent = stored_id(dct["parent"]) if dct["parent"] is not None else None
        task._children = [stored_id(child) for child in dct["children"]]
        task.last_state_change = dct["last_state_change"]
        task.triggered = dct["triggered"]
        task.internal_data = self.registry.restore(dct["internal_data"])
        if isinstance(task_spec, CatchingEvent) and task.has_state(TaskState.WAITING):
            task.workflow.top_workflow.event_manager.add_task(task)
        # The data is stored as what changed from the parent's (SpiffWorkflow's own format).
        delta = dct.get("delta")
        if delta and (parent := task.parent) is not None:
            data = DeepMerge.merge({}, parent.data)
            data.update(self.registry.restore(delta.get("updates", {})))
            for key in delta.get("deletions", {}):
                data.pop(key, None)
        else:
            data = self.registry.restore(dct["data"])
        task.data = data
        return task


def _make_registry(task_converter: type[TaskConverter] = _TaskConverter) -> DefaultRegistry:
    """`task_converter`: SpiffWorkflow's own in the test that compares it with ours."""
    # Both dialects are registered together; Spiff and Camunda share class names (UserTask,
    # MessageEventDefinition...), so every type is registered under its qualified name.
    registry = DefaultRegistry()
    seen = set()
    for config in (CAMUNDA_CONFIG, SPIFF_CONFIG):
        for target_class, converter_class in config.items():
            if target_class in seen:
                continue
            seen.add(target_class)
            if converter_class is TaskConverter:
                converter_class = task_converter
            converter_class(target_class, registry, f"{target_class.__module__}.{target_class.__name__}")
    # A stored id that reaches data is written as any UUID is.
    registry.typenames[_StoredId] = registry.typenames[UUID]
    return registry


_registry = _make_registry()


class _StatelessWorkflowConverter(BpmnWorkflowConverter):
    """BpmnWorkflowConverter minus the spec: specs come from the version cache."""

    def to_dict(self, workflow):
        dct = super(BpmnWorkflowConverter, self).to_dict(workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def restore(self, dct, spec, subprocess_specs, script_engine):
        workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=script_engine, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], stored_id, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(stored_id(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


_converter = _StatelessWorkflowConverter(BpmnWorkflow, _registry, "BpmnWorkflow")


def specs_to_dict(specs: dict[str, Any], subprocess_specs: dict[str, Any]) -> dict:
    return {
        "serializer_version": VERSION,
        "specs": {name: _registry.convert(spec) for name, spec in specs.items()},
        "subprocess_specs": {name: _registry.convert(spec) for name, spec in subprocess_specs.items()},
    }


def specs_from_dict(dct: dict) -> tuple[dict[str, Any], dict[str, Any]]:
    specs = {name: _registry.restore(spec) for name, spec in dct["specs"].items()}
    subs = {name: specs.get(name) or _registry.restore(spec) for name, spec in dct["subprocess_specs"].items()}
    return specs, subs


def workflow_to_dict(workflow: BpmnWorkflow) -> dict:
    dct = _converter.to_dict(workflow)
    dct["format"] = STATE_FORMAT
    return dct


def workflow_from_dict(dct: dict, spec: Any, subprocess_specs: dict[str, Any], script_engine: Any,
                       converter: _StatelessWorkflowConverter = _converter) -> BpmnWorkflow:
    dct = dict(dct)
    dct.pop("format", None)
    # SpiffWorkflow's restore takes entries out of the subprocesses' mapping and out of each entry: on
    # copies, so the stored state handed in (an instance's column value) stays as it was.
    dct["subprocesses"] = {key: dict(entry) for key, entry in dct["subprocesses"].items()}
    return converter.restore(dct, spec, subprocess_specs, script_engine)


class SpecCache:
    """Deserialised specs per process version (keyed by the caller); specs are immutable once deployed."""

    def __init__(self, size: int = 256):
        self._size = size
        self._items: OrderedDict[Hashable, tuple[dict, dict]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, loader) -> tuple[dict, dict]:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = specs_from_dict(loader())
        with self._lock:
            self._items[key] = value
            if len(self._items) > self._size:
                self._items.popitem(last=False)
        return value


spec_cache = SpecCache()
