"""Workflows run with make_script_engine(): gateways, scripts, timers and multi-instance use the sandbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from xml.sax.saxutils import escape

import pytest
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser

from service.engine.sandbox import SandboxSecurityError, SandboxTimeout, make_script_engine

_HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="defs" targetNamespace="http://example.org/vinhdanh">
  <bpmn:process id="proc" isExecutable="true">
"""
_FOOTER = """  </bpmn:process>
</bpmn:definitions>
"""

_GATEWAY = """
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="compute"/>
    <bpmn:scriptTask id="compute" scriptFormat="python">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:script>{script}</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="compute" targetRef="gateway"/>
    <bpmn:exclusiveGateway id="gateway" default="to_low">
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>to_high</bpmn:outgoing><bpmn:outgoing>to_low</bpmn:outgoing>
    </bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="to_high" sourceRef="gateway" targetRef="high">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{condition}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="to_low" sourceRef="gateway" targetRef="low"/>
    <bpmn:scriptTask id="high" scriptFormat="python">
      <bpmn:incoming>to_high</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:script>route = 'high'</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:scriptTask id="low" scriptFormat="python">
      <bpmn:incoming>to_low</bpmn:incoming><bpmn:outgoing>f4</bpmn:outgoing>
      <bpmn:script>route = 'low'</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f3" sourceRef="high" targetRef="end"/>
    <bpmn:sequenceFlow id="f4" sourceRef="low" targetRef="end"/>
    <bpmn:endEvent id="end"><bpmn:incoming>f3</bpmn:incoming><bpmn:incoming>f4</bpmn:incoming></bpmn:endEvent>
"""

_TIMER = """
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:timerEventDefinition id="timer">
        <bpmn:{kind} xsi:type="bpmn:tFormalExpression">{expression}</bpmn:{kind}>
      </bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end"/>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
"""

_MULTI_INSTANCE = """
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="each"/>
    <bpmn:scriptTask id="each" scriptFormat="python">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:multiInstanceLoopCharacteristics isSequential="true">
        <bpmn:loopCardinality>{cardinality}</bpmn:loopCardinality>
      </bpmn:multiInstanceLoopCharacteristics>
      <bpmn:script>visited = True</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="each" targetRef="end"/>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
"""


def _workflow(body: str, data: dict | None = None, **limits) -> BpmnWorkflow:
    parser = CamundaParser()
    parser.add_bpmn_str((_HEADER + body + _FOOTER).encode())
    workflow = BpmnWorkflow(parser.get_spec("proc"), script_engine=make_script_engine(**limits))
    workflow.get_next_task(spec_name="start").data.update(data or {})
    return workflow


def _gateway(script: str, condition: str = "score > 80 and len(points) >= 2", **limits) -> BpmnWorkflow:
    return _workflow(_GATEWAY.format(script=escape(script), condition=escape(condition)), **limits)


@pytest.mark.parametrize("points, route", [([90, 95], "high"), ([60, 95], "low")])
def test_gateway_and_scripts_run_in_the_sandbox(points, route):
    workflow = _gateway(f"points = {points!r}\nscore = sum(points) / len(points)")
    workflow.do_engine_steps()
    assert workflow.is_completed()
    assert workflow.data["route"] == route
    assert workflow.data["score"] == sum(points) / len(points)


def test_infinite_loop_in_a_script_fails_instead_of_hanging():
    workflow = _gateway("while True:\n    pass", cpu_time=0.2)
    with pytest.raises(WorkflowTaskException) as caught:
        workflow.do_engine_steps()
    assert caught.value.error_type == "SandboxTimeout"
    assert isinstance(caught.value.__context__, SandboxTimeout)


def test_escape_in_a_condition_is_reported_as_a_task_error():
    workflow = _gateway("points = [1]\nscore = 1", condition="().__class__.__base__ is None")
    with pytest.raises(WorkflowTaskException) as caught:
        workflow.do_engine_steps()
    assert isinstance(caught.value.__context__, SandboxSecurityError)
    assert "'__class__' is not allowed" in str(caught.value.__context__)


def test_refused_script_reports_its_line():
    workflow = _gateway("points = [1]\nscore = 1\nimport os")
    with pytest.raises(WorkflowTaskException) as caught:
        workflow.do_engine_steps()
    assert isinstance(caught.value.__context__, SandboxSecurityError)
    assert "line 3" in str(caught.value)


def test_time_date_timer_expression_is_evaluated_in_the_sandbox():
    expression = "(datetime.now(timezone.utc) + timedelta(days=days)).isoformat()"
    workflow = _workflow(_TIMER.format(kind="timeDate", expression=escape(expression)), {"days": 3})
    workflow.do_engine_steps()
    (event,) = workflow.waiting_events()
    due = datetime.fromisoformat(event.value)
    assert timedelta(days=2, hours=23) < due - datetime.now(UTC) <= timedelta(days=3)


def test_duration_timer_expression_is_evaluated_in_the_sandbox():
    workflow = _workflow(_TIMER.format(kind="timeDuration", expression="'PT' + str(hours) + 'H'"), {"hours": 2})
    workflow.do_engine_steps()
    (event,) = workflow.waiting_events()
    due = datetime.fromisoformat(event.value)
    assert timedelta(hours=1, minutes=59) < due - datetime.now(UTC) <= timedelta(hours=2)


def test_multi_instance_cardinality_is_evaluated_in_the_sandbox():
    workflow = _workflow(_MULTI_INSTANCE.format(cardinality="len(items)"), {"items": ["a", "b", "c"]})
    workflow.do_engine_steps()
    assert workflow.is_completed()
    runs = [task for task in workflow.get_tasks() if task.task_spec.name == "each [child]"]
    assert len(runs) == 3
    assert all(task.data["visited"] for task in runs)


def test_multi_instance_cardinality_escape_is_refused():
    workflow = _workflow(_MULTI_INSTANCE.format(cardinality="len(().__class__.__subclasses__())"), {})
    with pytest.raises(WorkflowTaskException) as caught:
        workflow.do_engine_steps()
    assert isinstance(caught.value.__context__, SandboxSecurityError)
