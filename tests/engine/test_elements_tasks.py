"""Activities of both dialects run through the service: user, manual, script, service, business rule."""

from __future__ import annotations

import pytest

from service.engine.service_tasks import register_service
from service.models import ProcessInstance
from tests.engine.test_elements_common import Api, build_org, fixture_names, only_task

received: list[dict] = []


@register_service("el_double")
def _double(data: dict, **params) -> dict:
    """A test handler: proves the handler sees the task data and its result lands in the instance."""
    received.append({"data": dict(data), "params": params})
    return {"doubled_by_service": data["double_score"] * 2}


@pytest.fixture
def api(client, login, create_org_unit, create_user) -> Api:
    build_org(create_org_unit, create_user)
    return Api(client, login)


def _walk(api: Api, key: str) -> dict:
    started = api.start(key, {"score": 30})
    assert started["status"] == "running"
    fill = only_task(started, "fill")
    assert fill["assignee"] == "officer"  # no lane, no candidates: the starter's own task
    after_fill = api.complete(fill["id"], {"score": 47})
    manual = only_task(after_fill, "paper")  # a manual task waits for a person like a user task
    return api.complete(manual["id"], {"paper_ok": True})


def test_camunda_activities(api, deploy):
    deploy(*fixture_names("tasks_camunda.bpmn", "award_level.dmn"))
    received.clear()
    instance = _walk(api, "el_tasks_camunda")
    review = only_task(instance, "review")
    data = instance["data"]
    assert data["double_score"] == 94 and data["paper_checked"] is True  # script task
    # camunda:topic names the handler; with no resultVariable the result goes to the default name
    assert received and received[0]["data"]["double_score"] == 94
    assert data["spiff__call_topic_result"] == {"doubled_by_service": 188}
    # property `handler` + resultVariable + param.* (a parameter is an expression over the data)
    assert data["echo_result"] == {"greeting": "xin chào 94"}
    assert data["level"] == "good"  # DMN via camunda:decisionRef: the input is `score` (47), not 94
    done = api.complete(review["id"])
    assert done["status"] == "completed"
    history = api.history(instance["id"])
    ran = [(e["action"], e["element_id"]) for e in history if e["action"] == "element.completed"]
    assert ran == [
        ("element.completed", "compute"),
        ("element.completed", "call_topic"),
        ("element.completed", "call_property"),
        ("element.completed", "decide"),
    ]
    assert [e["details"]["kind"] for e in history if e["action"] == "element.completed"] == [
        "ScriptTask",
        "ServiceTask",
        "ServiceTask",
        "BusinessRuleTask",
    ]


def test_spiff_activities(api, deploy):
    deploy(*fixture_names("tasks_spiff.bpmn", "award_level.dmn"))
    instance = _walk(api, "el_tasks_spiff")
    only_task(instance, "review")
    data = instance["data"]
    # a postScript on the manual task, a preScript on the service task (SpiffWorkflow 3.2.0 ignores both
    # on script tasks: its ScriptTaskParser does not read them)
    assert data["post_ran"] is True and data["double_score"] == 94 and data["base"] == 94
    assert data["echo_result"] == {"greeting": "xin chào 94"}  # spiffworkflow:serviceTaskOperator
    assert data["level"] == "good"  # spiffworkflow:calledDecisionId, score 47


def test_business_rule_picks_rule_by_input(api, deploy):
    """Spiff dialect with a score over 90: the first DMN rule wins."""
    deploy(*fixture_names("tasks_spiff.bpmn", "award_level.dmn"))
    started = api.start("el_tasks_spiff")
    fill = only_task(started, "fill")
    paper = only_task(api.complete(fill["id"], {"score": 95}), "paper")
    instance = api.complete(paper["id"], {"paper_ok": False})
    assert instance["data"]["level"] == "excellent" and instance["data"]["post_ran"] is False


def test_unknown_service_handler_is_an_instance_error(api, deploy, session):
    deploy(files={"svc.bpmn": _service_diagram("no_such_handler")})
    instance = api.start("el_missing_handler")
    assert instance["status"] == "error"
    assert "no_such_handler" in instance["error"]["message"]
    errors = [e for e in api.history(instance["id"]) if e["action"] == "instance.error"]
    assert errors and errors[0]["element_id"] == "call"


def test_state_holds_no_spec(api, deploy, session):
    deploy(*fixture_names("tasks_camunda.bpmn", "award_level.dmn"))
    started = api.start("el_tasks_camunda", {"score": 1})
    state = session.get(ProcessInstance, started["id"]).state
    assert state and "tasks" in state and "root" in state
    assert "spec" not in state and "subprocess_specs" not in state
    # and the instance still runs on from that state
    instance = api.complete(only_task(started)["id"], {"score": 2})
    assert only_task(instance, "paper")


def _service_diagram(handler: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="http://vinhdanh.vn/test">
  <bpmn:process id="el_missing_handler" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:serviceTask id="call" name="Gọi" camunda:type="external" camunda:topic="{handler}">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:serviceTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call" />
    <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>""".encode()
