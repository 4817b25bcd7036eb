"""DMN decision tables evaluate their input and output entries through the sandbox too."""

from __future__ import annotations

from xml.sax.saxutils import escape

import pytest
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser

from service.engine.sandbox import SandboxedEnvironment, SandboxSecurityError, SandboxTimeout, make_script_engine

_DMN = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="award_rules" name="Award rules"
    namespace="http://example.org/vinhdanh/dmn">
  <decision id="award_level" name="Award level">
    <decisionTable id="table" hitPolicy="UNIQUE">
      <input id="in_score" label="Score">
        <inputExpression id="in_score_expr" typeRef="number"><text>score</text></inputExpression>
      </input>
      <input id="in_years" label="Years">
        <inputExpression id="in_years_expr" typeRef="number"><text>len(years)</text></inputExpression>
      </input>
      <output id="out_level" label="Level" name="level" typeRef="string"/>
      <rule id="r1">
        <inputEntry id="r1_score"><text>&gt;= 90</text></inputEntry>
        <inputEntry id="r1_years"><text>{years_entry}</text></inputEntry>
        <outputEntry id="r1_level"><text>{output_entry}</text></outputEntry>
      </rule>
      <rule id="r2">
        <inputEntry id="r2_score"><text>80 &lt;= ? &lt; 90</text></inputEntry>
        <inputEntry id="r2_years"><text></text></inputEntry>
        <outputEntry id="r2_level"><text>'Giấy khen'</text></outputEntry>
      </rule>
      <rule id="r3">
        <inputEntry id="r3_score"><text>&lt; 80</text></inputEntry>
        <inputEntry id="r3_years"><text></text></inputEntry>
        <outputEntry id="r3_level"><text>None</text></outputEntry>
      </rule>
    </decisionTable>
  </decision>
</definitions>
"""

_BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs" targetNamespace="http://example.org/vinhdanh">
  <bpmn:process id="decide_award" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="decide"/>
    <bpmn:businessRuleTask id="decide" camunda:decisionRef="award_level">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:businessRuleTask>
    <bpmn:sequenceFlow id="f2" sourceRef="decide" targetRef="end"/>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
"""


class _CountingEnvironment(SandboxedEnvironment):
    """Records every expression the engine hands to the environment."""

    def __init__(self, **limits):
        super().__init__(**limits)
        self.seen: list[str] = []

    def evaluate(self, expression, context, external_context=None):
        self.seen.append(expression)
        return super().evaluate(expression, context, external_context)


def _run(score: int, years_entry: str = "&gt;= 2", output_entry: str = "'Bằng khen'", **limits):
    parser = CamundaParser()
    parser.add_bpmn_str(_BPMN.encode())
    parser.add_dmn_str(_DMN.format(years_entry=years_entry, output_entry=escape(output_entry)).encode())
    engine = make_script_engine(**limits)
    engine.environment = _CountingEnvironment(**limits)
    workflow = BpmnWorkflow(parser.get_spec("decide_award"), script_engine=engine)
    start = workflow.get_next_task(spec_name="Start")
    start.data.update({"score": score, "years": [2023, 2024]})
    workflow.do_engine_steps()
    return workflow, engine.environment


@pytest.mark.parametrize(
    "score, level, entry",
    [(95, "Bằng khen", "len(years)>= 2"), (85, "Giấy khen", "80 <= dmninputexpr < 90"), (50, None, "score< 80")],
)
def test_decision_table_is_evaluated_through_the_sandbox(score, level, entry):
    workflow, environment = _run(score)
    assert workflow.is_completed()
    assert workflow.data["level"] == level
    # Input entries (plain and the '?' form), input expressions and output entries all went through it.
    assert environment.seen[0] == "score>= 90"
    assert entry in environment.seen
    assert environment.seen[-1] == (repr(level) if level else "None")


def test_escape_in_an_input_entry_is_refused():
    with pytest.raises(WorkflowTaskException) as caught:
        _run(95, years_entry="().__class__.__base__")
    assert isinstance(caught.value.__context__, SandboxSecurityError)
    assert "'__class__' is not allowed" in str(caught.value.__context__)


def test_escape_in_an_output_entry_is_refused():
    with pytest.raises(WorkflowTaskException) as caught:
        _run(95, output_entry="open('/etc/passwd').read()")
    assert isinstance(caught.value.__context__, SandboxSecurityError)


def test_runaway_output_entry_times_out():
    with pytest.raises(WorkflowTaskException) as caught:
        _run(95, output_entry="sum(1 for a in range(10**6) for b in range(10**6))", cpu_time=0.2)
    assert isinstance(caught.value.__context__, SandboxTimeout)
