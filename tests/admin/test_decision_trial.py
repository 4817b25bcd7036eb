"""Thử bảng quyết định on the server: the matched rules and the result of a table, as deployed or as edited;
bad inputs are a clear 422; deploying an edited table gives the next version; auditors only try."""

from __future__ import annotations

import pytest

from service.errors import PermissionDenied, ValidationFailed
from service.operations import decision_trial

TABLE = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="defs" name="d" namespace="http://x">
  <decision id="grade" name="Xếp loại">
    <decisionTable id="grade_table" hitPolicy="FIRST">
      <input id="in_score" label="Điểm">
        <inputExpression id="in_score_e" typeRef="number"><text>score</text></inputExpression></input>
      <output id="out_grade" label="Loại" name="grade" typeRef="string" />
      <rule id="r_high"><inputEntry id="r_high_in"><text>&gt;= 80</text></inputEntry>
        <outputEntry id="r_high_out"><text>"Xuất sắc"</text></outputEntry></rule>
      <rule id="r_mid"><inputEntry id="r_mid_in"><text>&gt;= 50</text></inputEntry>
        <outputEntry id="r_mid_out"><text>"Đạt"</text></outputEntry></rule>
      <rule id="r_low"><inputEntry id="r_low_in"><text>-</text></inputEntry>
        <outputEntry id="r_low_out"><text>"Chưa đạt"</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>
"""
PROCESS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="http://x">
  <bpmn:process id="grading" name="Chấm điểm" isExecutable="true">
    <bpmn:startEvent id="s"><bpmn:outgoing>a</bpmn:outgoing></bpmn:startEvent>
    <bpmn:businessRuleTask id="rule" name="Xếp loại" camunda:decisionRef="grade">
      <bpmn:incoming>a</bpmn:incoming><bpmn:outgoing>b</bpmn:outgoing></bpmn:businessRuleTask>
    <bpmn:endEvent id="e"><bpmn:incoming>b</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="a" sourceRef="s" targetRef="rule" />
    <bpmn:sequenceFlow id="b" sourceRef="rule" targetRef="e" />
  </bpmn:process>
</bpmn:definitions>
"""


@pytest.fixture
def world(deploy, create_user, create_org_unit):
    create_org_unit("CITY", kind="city_peoples_committee")
    deploy(files={"grading.bpmn": PROCESS.encode(), "grade.dmn": TABLE.encode()})
    return {"padmin": create_user("padmin", "CITY", ["process_admin"]),
            "watcher": create_user("watcher", "CITY", ["auditor"])}


def test_first_hit_policy_reports_every_match_and_the_rule_applied(world, session):
    result = decision_trial.try_table(session, actor=world["watcher"], process_key="grading", version=1,
                                      filename="grade.dmn", inputs={"score": 65})
    assert result.matched_rule_ids == ["r_mid", "r_low"]
    assert result.applied_rule_ids == ["r_mid"]
    assert result.outputs == {"grade": "Đạt"}


def test_edited_table_is_tried_without_being_stored_then_deployed(world, session):
    edited = TABLE.replace("&gt;= 50", "&gt;= 70")
    result = decision_trial.try_table(session, actor=world["padmin"], process_key="grading", version=1,
                                      filename="grade.dmn", inputs={"score": 65}, xml=edited)
    assert result.applied_rule_ids == ["r_low"]
    deployed = decision_trial.try_table(session, actor=world["padmin"], process_key="grading", version=1,
                                        filename="grade.dmn", inputs={"score": 65})
    assert deployed.applied_rule_ids == ["r_mid"]
    with pytest.raises(PermissionDenied):
        decision_trial.deploy_table(session, actor=world["watcher"], process_key="grading", version=1,
                                    filename="grade.dmn", xml=edited)
    outcome = decision_trial.deploy_table(session, actor=world["padmin"], process_key="grading", version=1,
                                          filename="grade.dmn", xml=edited)
    session.commit()
    assert outcome.created and [v.version for v in outcome.deployment.processes] == [2]
    again = decision_trial.try_table(session, actor=world["padmin"], process_key="grading", version=2,
                                     filename="grade.dmn", inputs={"score": 65})
    assert again.applied_rule_ids == ["r_low"]


@pytest.mark.parametrize("inputs", [[1, 2], "score", {"other": 1}])
def test_bad_inputs_are_a_validation_error(world, session, inputs):
    with pytest.raises(ValidationFailed):
        decision_trial.try_table(session, actor=world["padmin"], process_key="grading", version=1,
                                 filename="grade.dmn", inputs=inputs)


def test_unreadable_edited_xml_is_a_validation_error(world, session):
    with pytest.raises(ValidationFailed):
        decision_trial.try_table(session, actor=world["padmin"], process_key="grading", version=1,
                                 filename="grade.dmn", inputs={"score": 1}, xml="<definitions")
