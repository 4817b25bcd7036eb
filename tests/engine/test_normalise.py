"""What BPMN lets an activity do implicitly runs as drawn: conditional and default flows out of an
activity, several unconditional ones (a parallel split), no outgoing flow (an implicit end)."""

from __future__ import annotations

import pytest
from lxml import etree

from service.engine.normalise import normalise_diagram, timer_expression
from tests.engine.test_elements_common import Api, build_org, only_task

DIAGRAM = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="t">
  <bpmn:process id="activity_flows" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:userTask id="decide" name="Quyết định" default="to_default" />
    <bpmn:scriptTask id="when_yes" scriptFormat="python"><bpmn:script>took_yes = True</bpmn:script></bpmn:scriptTask>
    <bpmn:scriptTask id="when_big" scriptFormat="python"><bpmn:script>took_big = True</bpmn:script></bpmn:scriptTask>
    <bpmn:scriptTask id="other" scriptFormat="python"><bpmn:script>took_default = True</bpmn:script></bpmn:scriptTask>
    <bpmn:scriptTask id="after" scriptFormat="python"><bpmn:script>after = True</bpmn:script></bpmn:scriptTask>
    <bpmn:scriptTask id="beside" scriptFormat="python"><bpmn:script>beside = True</bpmn:script></bpmn:scriptTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="decide" />
    <bpmn:sequenceFlow id="to_yes" sourceRef="decide" targetRef="when_yes">
      <bpmn:conditionExpression>${approved}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="to_big" sourceRef="decide" targetRef="when_big">
      <bpmn:conditionExpression>${amount gt 1000}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="to_default" sourceRef="decide" targetRef="other" />
    <bpmn:sequenceFlow id="f1" sourceRef="when_yes" targetRef="after" />
    <bpmn:sequenceFlow id="f2" sourceRef="after" targetRef="end" />
    <bpmn:sequenceFlow id="f3" sourceRef="after" targetRef="beside" />
  </bpmn:process>
</bpmn:definitions>
"""


@pytest.fixture
def api(client, login, create_org_unit, create_user) -> Api:
    build_org(create_org_unit, create_user)
    api = Api(client, login)
    response = api.upload({"activity_flows.bpmn": DIAGRAM.encode()})
    assert response.status_code == 201, response.get_json()
    warned = sorted((w["code"], w["element_id"]) for w in response.get_json()["warnings"])
    assert warned == [("implicit_end", "beside"), ("implicit_end", "other"), ("implicit_end", "when_big")]
    return api


@pytest.mark.parametrize(("values", "taken"), [
    ({"approved": True, "amount": 5000}, {"took_yes", "took_big", "after", "beside"}),  # both conditions
    ({"approved": True, "amount": 10}, {"took_yes", "after", "beside"}),
    ({"approved": False, "amount": 10}, {"took_default"}),  # no condition holds: the default flow
])
def test_conditional_and_default_flows_of_an_activity(api, values, taken):
    started = api.start("activity_flows")
    instance = api.complete(only_task(started, "decide")["id"], values)
    assert instance["status"] == "completed"
    flags = {"took_yes", "took_big", "took_default", "after", "beside"}
    assert {name for name in flags if instance["data"].get(name)} == taken


def test_rewrite_only_touches_the_parser_copy():
    root = etree.fromstring(DIAGRAM.encode())
    normalise_diagram(root, juel=True)
    ns = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}
    [gateway] = root.findall(".//bpmn:inclusiveGateway", ns)
    assert gateway.get("id") == "decide__implicit_split" and gateway.get("default") == "to_default"
    assert root.find(".//bpmn:parallelGateway", ns).get("id") == "after__implicit_split"
    conditions = [c.text for c in root.findall(".//bpmn:conditionExpression", ns)]
    assert conditions == ["approved", "amount > 1000"]


@pytest.mark.parametrize(("text", "expression"), [
    ("PT1H", "'PT1H'"), ("R3/PT10M", "'R3/PT10M'"), ("2026-12-31T17:00:00+07:00", "'2026-12-31T17:00:00+07:00'"),
    ("'PT1H'", "'PT1H'"), ("timeout", "timeout"), ("timedelta(days=1)", "timedelta(days=1)"),
])
def test_bare_iso_timer_literals_are_quoted(text, expression):
    assert timer_expression(text) == expression
