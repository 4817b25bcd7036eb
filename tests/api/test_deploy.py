"""Deployment through the API: validation first, 422 with problems, versions, permissions."""

from __future__ import annotations

import io

import pytest

BROKEN = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <bpmn:process id="broken" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="missing_task" />
  </bpmn:process>
</bpmn:definitions>
"""


@pytest.fixture
def admins(create_org_unit, create_user):
    create_org_unit("CITY", kind="city_peoples_committee")
    create_user("padmin", "CITY", ["process_admin"])
    create_user("officer", "CITY", ["unit_officer"])


def post(client, headers, files: dict[str, bytes], query: str = ""):
    data = {"files": [(io.BytesIO(content), name) for name, content in files.items()]}
    return client.post(f"/api/v1/process-definitions{query}", data=data, headers=headers,
                       content_type="multipart/form-data")


def fixture(name: str) -> bytes:
    from tests.conftest import read_fixture

    return read_fixture(name)


def test_invalid_bundle_is_422_with_located_problems_and_deploys_nothing(client, admins, login):
    response = post(client, login("padmin"), {"broken.bpmn": BROKEN, "three_lanes.bpmn": fixture("three_lanes.bpmn")})
    assert response.status_code == 422
    problems = response.get_json()["error"]["details"]["problems"]
    assert any(p["file"] == "broken.bpmn" and p["element_id"] == "f1" and p["line"] == 5 for p in problems), problems
    assert {p["level"] for p in problems} == {"error"}
    listed = client.get("/api/v1/process-definitions", headers=login("padmin")).get_json()
    assert listed["total"] == 0  # the valid file in the same bundle was not deployed either


def test_entity_expansion_is_refused(client, admins, login):
    bomb = b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&lol2;</bpmn:definitions>"""
    response = post(client, login("padmin"), {"bomb.bpmn": bomb})
    assert response.status_code == 422
    assert response.get_json()["error"]["details"]["problems"][0]["file"] == "bomb.bpmn"


def test_versions_and_xml(client, admins, login):
    h = login("padmin")
    first = post(client, h, {"three_lanes.bpmn": fixture("three_lanes.bpmn")})
    assert (first.status_code, first.get_json()["version"]) == (201, 1)
    changed = fixture("three_lanes.bpmn").replace("Soạn hồ sơ".encode(), "Soạn hồ sơ mới".encode())
    second = post(client, h, {"three_lanes.bpmn": changed})
    assert (second.status_code, second.get_json()["version"]) == (201, 2)
    same = post(client, h, {"three_lanes.bpmn": changed})
    assert (same.status_code, same.get_json()["version"]) == (200, 2)
    listed = client.get("/api/v1/process-definitions", headers=h).get_json()["items"]
    assert [(d["key"], d["version"]) for d in listed] == [("three_lanes", 2)]
    xml = client.get("/api/v1/process-definitions/three_lanes/versions/1/bpmn", headers=h)
    assert xml.status_code == 200 and "Soạn hồ sơ mới" not in xml.get_data(as_text=True)


def test_multiple_processes_and_key_choice(client, admins, login):
    response = post(client, login("padmin"), {"demo_approval.bpmn": fixture("demo_approval.bpmn"),
                                              "demo_draft.form": fixture("demo_draft.form"),
                                              "three_lanes.bpmn": fixture("three_lanes.bpmn")}, "?key=three_lanes")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["key"] == "three_lanes" and sorted(body["processes"]) == ["demo_approval", "three_lanes"]


def test_missing_form_reference_is_a_warning(client, admins, login):
    response = post(client, login("padmin"), {"demo_approval.bpmn": fixture("demo_approval.bpmn")})
    assert response.status_code == 201, response.get_json()
    warnings = response.get_json()["warnings"]
    assert any(w["element_id"] == "draft" and w["level"] == "warning" and "biểu mẫu" in w["message"]
               for w in warnings), warnings


def test_only_process_admins_deploy(client, admins, login):
    assert post(client, login("officer"), {"three_lanes.bpmn": fixture("three_lanes.bpmn")}).status_code == 403


def test_deploy_response_and_openapi_document_warnings_and_lane_roles(client, admins, login):
    response = post(client, login("padmin"), {"demo_approval.bpmn": fixture("demo_approval.bpmn")})
    body = response.get_json()
    assert set(body) == {"key", "version", "name", "processes", "warnings", "unmapped_lanes"}
    assert all(set(w) == {"file", "element_id", "line", "message", "level", "code"} for w in body["warnings"])
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/process-definitions/{key}/versions/{version}/lane-roles" in spec["paths"]
    assert {"DeployResultOut", "LaneRoleOut"} <= set(spec["components"]["schemas"])


JAVA_DELEGATE = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="t">
  <bpmn:process id="java_delegate" isExecutable="true">
    <bpmn:startEvent id="s" /><bpmn:serviceTask id="charge" camunda:class="org.example.Charge" />
    <bpmn:endEvent id="e" />
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="charge" />
    <bpmn:sequenceFlow id="f2" sourceRef="charge" targetRef="e" />
  </bpmn:process>
</bpmn:definitions>
"""


def test_a_java_delegate_is_refused_naming_the_java_code(client, admins, login):
    response = post(client, login("padmin"), {"java_delegate.bpmn": JAVA_DELEGATE})
    assert response.status_code == 422
    [problem] = response.get_json()["error"]["details"]["problems"]
    assert problem["element_id"] == "charge" and "org.example.Charge" in problem["message"]
    assert "mã Java" in problem["message"]


def test_warnings_are_kept_with_the_version(client, admins, login, session):
    from service.models import Deployment

    first = post(client, login("padmin"), {"demo_approval.bpmn": fixture("demo_approval.bpmn")})
    again = post(client, login("padmin"), {"demo_approval.bpmn": fixture("demo_approval.bpmn")})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["warnings"] == first.get_json()["warnings"] != []
    stored = session.query(Deployment).one().warnings
    assert [w["element_id"] for w in stored] == [w["element_id"] for w in first.get_json()["warnings"]]
