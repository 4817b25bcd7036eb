"""Permissions under attack: the right to start (diagram roles, unit scope, no auditor), reading an
instance follows the domain rule (a city-wide role reads only its own tasks' instances), and
reassignment only to someone the task could be offered to."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import func, select

from service.engine.bundle.validation import validate_bundle
from service.engine.start_rules import extract_starter_roles
from service.models import Deployment

from ..conftest import read_fixture

ROOT = Path(__file__).resolve().parents[2]
STARTERS = ('<bpmn:extensionElements><camunda:properties><camunda:property name="starter_roles" '
            'value="{}" /></camunda:properties></bpmn:extensionElements>')


def three_lanes(*, process_roles: str | None = None, lane_roles: str | None = None) -> bytes:
    """The three-lane fixture, its starters declared on the process or on the start event's lane."""
    xml = read_fixture("three_lanes.bpmn").decode()
    if process_roles is not None:
        xml = xml.replace('isExecutable="true">', 'isExecutable="true">' + STARTERS.format(process_roles), 1)
    if lane_roles is not None:
        xml = xml.replace('name="unit_officer">', 'name="unit_officer">' + STARTERS.format(lane_roles), 1)
    return xml.encode()


@pytest.fixture
def org(create_org_unit, create_user):
    create_org_unit("CITY", kind="city_peoples_committee")
    create_org_unit("DEPT", parent_code="CITY")
    create_org_unit("DEPT2", parent_code="CITY")
    create_user("officer", "DEPT", ["unit_officer"])
    create_user("officer2", "DEPT2", ["unit_officer"])
    create_user("head", "DEPT", ["unit_head"])
    create_user("superior", "CITY", ["superior_head"])
    create_user("auditor", "CITY", ["auditor", "unit_officer"])
    create_user("integration", "CITY", ["integration"])
    create_user("council", "CITY", ["council_standing"])
    create_user("sysadmin", "CITY", ["system_admin"])


def start(client, login, username: str, unit: str | None = None, key: str = "three_lanes"):
    body = {"process_key": key, **({"org_unit_code": unit} if unit else {})}
    return client.post("/api/v1/process-instances", json=body, headers=login(username))


def test_starter_roles_on_the_process_and_the_units_their_scope_reaches(client, org, login, deploy):
    deploy(files={"three_lanes.bpmn": three_lanes(process_roles="unit_officer, superior_head, system_admin")})
    assert start(client, login, "officer").status_code == 201
    assert start(client, login, "officer", "DEPT").status_code == 201
    denied = start(client, login, "officer", "DEPT2")  # another unit: a unit-scoped role does not reach it
    assert denied.status_code == 403 and denied.get_json()["error"]["code"] == "forbidden"
    assert start(client, login, "head").status_code == 403  # unit_head is not a starter role here
    assert start(client, login, "superior", "DEPT2").status_code == 201  # parent_unit reaches a child unit
    assert start(client, login, "sysadmin", "DEPT").status_code == 201  # scope "any"
    assert start(client, login, "auditor").status_code == 403  # listed role held, but the auditor starts nothing
    assert start(client, login, "auditor", "DEPT").status_code == 403
    listed = client.get("/api/v1/process-instances", headers=login("auditor")).get_json()
    assert listed["total"] == 4  # nothing was started by the refused calls


def test_starter_roles_on_the_start_events_lane(client, org, login, deploy):
    deploy(files={"three_lanes.bpmn": three_lanes(lane_roles="unit_head")})
    assert start(client, login, "officer").status_code == 403
    assert start(client, login, "head").status_code == 201


def test_default_rule_when_the_diagram_says_nothing(client, org, login, deploy):
    deploy("three_lanes.bpmn")
    assert start(client, login, "officer").status_code == 201
    assert start(client, login, "officer", "DEPT2").status_code == 403
    assert start(client, login, "auditor").status_code == 403
    assert start(client, login, "integration").status_code == 403


def test_shipped_diagrams_name_their_starters():
    roles = {}
    for path in sorted((ROOT / "workflows").glob("*.bpmn")):
        roles.update(extract_starter_roles(etree.fromstring(path.read_bytes())))
    assert roles["unit_nomination"] == ["unit_officer"]
    assert roles["emulation_registration"] == ["unit_officer"]
    assert roles["award_round"] == ["lead_reviewer", "lead_head", "system_admin"]
    assert roles["demo_approval"] == ["unit_officer"]  # declared on the start event's lane
    assert all(value for value in roles.values()), roles


def test_a_city_wide_role_reads_only_the_instances_of_its_tasks(client, org, login, deploy):
    deploy("three_lanes.bpmn")
    instance = start(client, login, "officer").get_json()
    url = f"/api/v1/process-instances/{instance['id']}"
    for reader in ("integration", "council", "officer2"):  # scope "any" alone no longer reads everything
        for suffix in ("", "/history", "/documents"):
            assert client.get(url + suffix, headers=login(reader)).status_code == 404, (reader, suffix)
        assert client.get("/api/v1/process-instances", headers=login(reader)).get_json()["total"] == 0
    for reader in ("officer", "head", "auditor", "sysadmin"):  # own unit, unit role, read-all roles
        assert client.get(url, headers=login(reader)).status_code == 200, reader


def test_reassign_only_to_someone_the_task_could_be_offered_to(client, org, login, deploy, create_user):
    deploy("three_lanes.bpmn")
    create_user("officer_b", "DEPT", ["unit_officer"])
    [task] = start(client, login, "officer").get_json()["tasks"]
    url = f"/api/v1/tasks/{task['id']}"
    for target in ("sysadmin", "officer2", "head"):  # itself; another unit with the role; no such role
        refused = client.post(url + "/reassign", json={"username": target}, headers=login("sysadmin"))
        assert refused.status_code == 422, (target, refused.get_json())
        assert "username" in refused.get_json()["error"]["details"]["fields"]
    assert client.get(url, headers=login("officer")).get_json()["assignee"] is None  # nothing changed
    moved = client.post(url + "/reassign", json={"username": "officer_b"}, headers=login("sysadmin"))
    assert moved.status_code == 200 and moved.get_json()["assignee"] == "officer_b"
    # Held by someone else: the administrator still cannot complete it.
    assert client.post(url + "/complete", json={"data": {}}, headers=login("sysadmin")).status_code == 409
    assert client.post(url + "/complete", json={"data": {}}, headers=login("officer_b")).status_code == 200


def deploy_files(client, login, files: dict[str, bytes]):
    data = {"files": [(io.BytesIO(content), name) for name, content in files.items()]}
    return client.post("/api/v1/process-definitions", data=data, headers=login("padmin"),
                       content_type="multipart/form-data")


@pytest.mark.parametrize(("declared", "element"), [({"process_roles": "unit_officer, chu_tich_xa"}, "three_lanes"),
                                                   ({"lane_roles": "chu_tich_xa"}, "l1")])
def test_an_unknown_starter_role_refuses_the_deployment_naming_element_property_and_role(
        client, session, org, login, create_user, declared, element):
    create_user("padmin", "CITY", ["process_admin"])
    response = deploy_files(client, login, {"three_lanes.bpmn": three_lanes(**declared)})
    assert response.status_code == 422, response.get_json()
    problems = response.get_json()["error"]["details"]["problems"]
    assert [(p["file"], p["element_id"], p["level"]) for p in problems] == [("three_lanes.bpmn", element, "error")]
    assert problems[0]["message"] == (f"Thuộc tính 'starter_roles' của '{element}' nêu vai trò 'chu_tich_xa' "
                                      "không tồn tại trong hệ thống.")
    assert session.scalar(select(func.count()).select_from(Deployment)) == 0
    # The same diagram deploys once the role exists.
    assert client.post("/api/v1/admin/roles", json={"key": "chu_tich_xa", "name": "Chủ tịch xã", "scope": "unit"},
                       headers=login("sysadmin")).status_code == 201
    assert deploy_files(client, login, {"three_lanes.bpmn": three_lanes(**declared)}).status_code == 201


def test_a_bundle_checked_without_the_role_list_leaves_starter_roles_alone():
    # An editor that has no database still validates the rest of the diagram.
    files = {"three_lanes.bpmn": three_lanes(process_roles="chu_tich_xa")}
    assert validate_bundle(files) == []
    assert [p.code for p in validate_bundle(files, known_role_keys={"unit_officer"})] == ["unknown_starter_role"]
