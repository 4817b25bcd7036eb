"""Thử bảng quyết định: evaluate one decision table of a DMN file on given inputs, in the sandbox, and say
which rules matched and what they give. Nothing is stored; the DMN is parsed with the same safe XML and
the same script engine the running processes use."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.dmn.engine.DMNEngine import DMNEngine
from SpiffWorkflow.dmn.specs.model import HitPolicy

from .script_engine import make_engine
from .xml_safety import parse_xml


class DecisionTrialError(Exception):
    """The table could not be evaluated on these inputs (the message says why, in the engine's words)."""


@dataclass
class TableShape:
    decision_id: str
    name: str
    hit_policy: str
    inputs: list[dict] = field(default_factory=list)  # {label, expression, type}
    outputs: list[dict] = field(default_factory=list)  # {label, name, type}


@dataclass
class TrialResult:
    matched_rows: list[int]  # 1-based row numbers of every rule whose inputs match
    matched_rule_ids: list[str]
    applied_rule_ids: list[str]  # the rules the hit policy takes the result from (the first, or all when collecting)
    outputs: dict[str, Any]


def _table(content: bytes, filename: str, decision_id: str | None):
    parser = CamundaParser()
    parser.add_dmn_xml(parse_xml(content, filename=filename), filename=filename)
    if not parser.dmn_parsers:
        raise DecisionTrialError("no decision in this file")
    key = decision_id or next(iter(parser.dmn_parsers))
    if key not in parser.dmn_parsers:
        raise DecisionTrialError(f"no decision {key!r} in this file")
    dmn_parser = parser.dmn_parsers[key]
    dmn_parser.parse()
    return key, dmn_parser.decision


def shape(content: bytes, filename: str, decision_id: str | None = None) -> TableShape:
    """The inputs and outputs of the (first or named) decision table, for a trial form."""
    key, decision = _table(content, filename, decision_id)
    table = decision.decisionTables[0]
    return TableShape(
        decision_id=key, name=decision.name or key, hit_policy=str(table.hit_policy),
        inputs=[{"label": i.label or i.expression, "expression": i.expression, "type": i.typeRef}
                for i in table.inputs],
        outputs=[{"label": o.label or o.name, "name": o.name, "type": o.typeRef} for o in table.outputs])


def _stand_in_task(inputs: dict[str, Any], filename: str) -> SimpleNamespace:
    """The DMN engine reads the data and the script engine from a task, and its errors describe that task:
    a stand-in carries what both read (no workflow runs)."""
    workflow = SimpleNamespace(script_engine=make_engine(), spec=SimpleNamespace(file=filename))
    workflow.top_workflow = workflow
    spec = SimpleNamespace(name="decision_trial", bpmn_id=None, bpmn_name="Thử bảng quyết định")
    return SimpleNamespace(data=dict(inputs), workflow=workflow, task_spec=spec)


def evaluate(content: bytes, filename: str, inputs: dict[str, Any], decision_id: str | None = None) -> TrialResult:
    """Run the table on `inputs` (variable name -> value) in the sandbox; the matched rows and the result."""
    _, decision = _table(content, filename, decision_id)
    table = decision.decisionTables[0]
    engine = DMNEngine(table)
    task = _stand_in_task(inputs, filename)
    try:
        rules = engine.decide(task)
        outputs = engine.result(task)
    except Exception as exc:
        raise DecisionTrialError(str(exc).split("\n")[0]) from exc
    applied = rules if table.hit_policy == HitPolicy.COLLECT.value else rules[:1]
    return TrialResult(matched_rows=[rule.row_number for rule in rules], matched_rule_ids=[rule.id for rule in rules],
                       applied_rule_ids=[rule.id for rule in applied], outputs=outputs)
