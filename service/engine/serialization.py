"""Serialise specs once per version and instance state without the spec.

The stock serializer embeds the whole process definition in every instance's saved state; that
doubles its size and load time. Here the definition is stored once per process version (and kept
deserialised in a small cache) and the instance state holds only its task tree and data.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.serializer.helpers.registry import DefaultRegistry
from SpiffWorkflow.bpmn.serializer.workflow import VERSION
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

STATE_FORMAT = 1  # our own envelope version; bumped by stored-state upgrades, not schema migrations


def _make_registry() -> DefaultRegistry:
    # Both dialects are registered together; Spiff and Camunda share class names (UserTask,
    # MessageEventDefinition...), so every type is registered under its qualified name.
    registry = DefaultRegistry()
    seen = set()
    for config in (CAMUNDA_CONFIG, SPIFF_CONFIG):
        for target_class, converter_class in config.items():
            if target_class in seen:
                continue
            seen.add(target_class)
            converter_class(target_class, registry, f"{target_class.__module__}.{target_class.__name__}")
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
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
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


def workflow_from_dict(dct: dict, spec: Any, subprocess_specs: dict[str, Any], script_engine: Any) -> BpmnWorkflow:
    dct = dict(dct)
    dct.pop("format", None)
    return _converter.restore(dct, spec, subprocess_specs, script_engine)


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
