"""A diagram whose values SpiffWorkflow's own code cannot handle fails its instance, not the service."""

from __future__ import annotations

import pytest

from tests.engine.test_elements_common import Api, build_org

DIAGRAM = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <bpmn:process id="timer_of_wrong_kind" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:intermediateCatchEvent id="wait">
      <bpmn:timerEventDefinition id="wait_def"><bpmn:timeDuration>timedelta(seconds=30)</bpmn:timeDuration>
      </bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait" />
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>
"""


@pytest.fixture
def api(client, login, create_org_unit, create_user) -> Api:
    build_org(create_org_unit, create_user)
    return Api(client, login)


def test_a_timer_expression_of_the_wrong_kind_is_an_instance_error(api):
    assert api.upload({"timer_of_wrong_kind.bpmn": DIAGRAM}).status_code == 201
    started = api.start("timer_of_wrong_kind")
    assert started["status"] == "error"
    [event] = [e for e in api.history(started["id"]) if e["action"] == "instance.error"]
    assert "timedelta" in event["details"]["message"]


def test_a_bare_exception_from_the_engine_is_an_instance_error(api):
    invalid = DIAGRAM.replace(b"timedelta(seconds=30)", b"'R2/PT1H5D'").replace(b"timeDuration", b"timeCycle")
    invalid = invalid.replace(b"timer_of_wrong_kind", b"bad_cycle")
    assert api.upload({"cycle_of_wrong_form.bpmn": invalid}).status_code == 201
    started = api.start("bad_cycle")
    assert started["status"] == "error"
    [event] = [e for e in api.history(started["id"]) if e["action"] == "instance.error"]
    assert "Invalid duration" in event["details"]["message"]
