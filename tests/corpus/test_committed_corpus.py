"""The committed corpus (own diagrams reproducing what Camunda Modeler and SpiffArena write): each one
deploys through the API with the warnings it should have, and is driven to its end."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from service.models import AuditEvent
from tests.conftest import PASSWORD
from tests.corpus.driver import RUNNER, Driver

HERE = Path(__file__).parent


@pytest.fixture
def driver(client, login, session, create_org_unit, create_user) -> Driver:
    create_org_unit("CITY", kind="city_peoples_committee")
    create_user(RUNNER, "CITY", ["process_admin", "system_admin"])
    return Driver(client, login, session)


def bundle(*names: str) -> dict[str, bytes]:
    return {name: (HERE / name).read_bytes() for name in names}


def codes(outcome) -> list[tuple[str, str | None]]:
    return sorted((w["code"], w["element_id"]) for w in outcome.warnings)


def add_role(driver: Driver, key: str, name: str) -> None:
    response = driver.client.post("/api/v1/admin/roles", json={"key": key, "name": name, "scope": "any"},
                                  headers=driver.login(RUNNER))
    assert response.status_code in (201, 409), response.get_json()  # 409: a standard role, already there
    driver.made_roles.add(key)
    response = driver.client.patch(f"/api/v1/admin/users/{RUNNER}", json={"roles": driver._runner_roles()},
                                   headers=driver.login(RUNNER))
    assert response.status_code == 200, response.get_json()


def _task_page(client, task_id: str) -> str:
    login = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', login).group(1)
    client.post("/login", data={"username": RUNNER, "password": PASSWORD, "csrf_token": token})
    page = client.get(f"/tasks/{task_id}")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def test_camunda_modeler_tour(driver):
    # A one-letter role key, and a role found by its Vietnamese name (spaces and case differ).
    add_role(driver, "a", "Văn thư")
    add_role(driver, "tdkt", "Phòng thi đua – khen thưởng")
    outcome = driver.deploy("camunda_modeler_tour.bpmn", bundle("camunda_modeler_tour.bpmn"))
    assert outcome.status == 201, outcome.problems
    assert codes(outcome) == [
        ("async_ignored", "draft"), ("external_task", "notify"), ("form_unknown", "draft"),
        ("implicit_end", "log"), ("implicit_end", "rework"), ("input_output_ignored", "notify"),
        ("listener_ignored", "review"), ("listener_ignored", "start"),
    ]
    assert all(w["level"] == "warning" and w["line"] and w["file"] for w in outcome.warnings)
    rows = driver.client.get("/api/v1/process-definitions/corpus_camunda/versions/1/lane-roles",
                             headers=driver.login(RUNNER)).get_json()["items"]
    assert {(r["kind"], r["name"], r["role_key"]) for r in rows} == {
        ("lane", "A", "a"), ("lane", "Phòng Thi đua –  Khen thưởng", "tdkt"),
        ("group", "Phòng Thi đua – Khen thưởng", "tdkt")}
    seen = {}

    pages = {}

    def record(element_id, detail):
        seen[element_id] = detail["form"]
        if element_id == "draft":  # the task page says the form is missing and shows the generic one
            pages[element_id] = _task_page(driver.client, detail["id"])

    driver.run(outcome, record)
    assert "Biểu mẫu forms/to-trinh.html của bước này chưa có trong bản triển khai" in pages["draft"]
    assert outcome.processes == {"corpus_camunda": "completed"}, outcome.processes
    # The implicit split ran the unconditional branch beside the conditional one; the default did not run.
    assert outcome.data["corpus_camunda"]["logged"] is True, outcome.data
    # The missing form key: a generic form from the formData fields, saying which key was missing.
    assert seen["draft"]["type"] == "camunda-formdata" and seen["draft"]["generic"] is True
    assert seen["draft"]["missing_form_key"] == "forms/to-trinh.html"
    assert "generic" not in seen["review"]


def test_spiffarena_tour(driver):
    # "Unit Head" finds the role unit_head by its key (spaces for underscores); the council lane names
    # its role in a property and needs no mapping.
    add_role(driver, "unit_head", "Thủ trưởng đơn vị")  # a standard role
    add_role(driver, "council", "Hội đồng thi đua")
    outcome = driver.deploy("spiffarena_tour.bpmn",
                            bundle("spiffarena_tour.bpmn", "sang_kien.form", "corpus_grade.dmn"))
    assert outcome.status == 201, outcome.problems
    assert codes(outcome) == [("implicit_end", "a_stamp")]
    rows = driver.client.get("/api/v1/process-definitions/corpus_spiff/versions/1/lane-roles",
                             headers=driver.login(RUNNER)).get_json()["items"]
    assert [(r["kind"], r["name"], r["role_key"], r["auto"]) for r in rows] == [
        ("lane", "Unit Head", "unit_head", True)]
    driver.run(outcome)
    assert outcome.processes == {"corpus_spiff": "completed", "corpus_spiff_archive": "completed"}
    data = outcome.data["corpus_spiff"]
    assert (data["grade"], data["announced"], data["archived"], data.get("title")) == (
        "A", True, True, "Sáng kiến A"), data


def test_lane_roles_are_edited_by_process_admins_only_and_audited(driver, create_user):
    outcome = driver.deploy("camunda_modeler_tour.bpmn", bundle("camunda_modeler_tour.bpmn"))
    assert outcome.deployed
    path = "/api/v1/process-definitions/corpus_camunda/versions/1/lane-roles"
    create_user("clerk", "CITY", ["unit_officer"])
    assert driver.client.get(path, headers=driver.login("clerk")).status_code == 404
    change = {"mappings": [{"kind": "lane", "name": "A", "role_key": "unit_officer"}]}
    assert driver.client.put(path, json=change, headers=driver.login("clerk")).status_code == 404
    unknown = {"mappings": [{"kind": "lane", "name": "A", "role_key": "no_such_role"}]}
    assert driver.client.put(path, json=unknown, headers=driver.login(RUNNER)).status_code == 422
    response = driver.client.put(path, json=change, headers=driver.login(RUNNER))
    assert response.status_code == 200, response.get_json()
    assert ("lane", "A", "unit_officer", False) in {
        (r["kind"], r["name"], r["role_key"], r["auto"]) for r in response.get_json()["items"]}
    events = driver.session.scalars(select(AuditEvent).where(AuditEvent.action == "definition.lane_roles_changed")
                                    .order_by(AuditEvent.id)).all()
    # The driver mapped lane A to a role of its own at deploy; the admin's change is the last event.
    assert events[-1].details["changes"] == [{"kind": "lane", "name": "A", "from": "lane_a", "to": "unit_officer"}]
    assert events[-1].actor == RUNNER
    # The clerk (unit_officer) is now offered the lane-A task of a new instance.
    started = driver.client.post("/api/v1/process-instances", json={"process_key": "corpus_camunda"},
                                 headers=driver.login(RUNNER)).get_json()
    inbox = driver.client.get("/api/v1/tasks", query_string={"instance_id": started["id"]},
                              headers=driver.login("clerk")).get_json()["items"]
    assert [task["element_id"] for task in inbox] == ["draft"]
    # A new version keeps the administrator's choice.
    changed = bundle("camunda_modeler_tour.bpmn")["camunda_modeler_tour.bpmn"].replace(b"Ghi s", b"Ghi vao s")
    again = driver.deploy("v2", {"camunda_modeler_tour.bpmn": changed})
    assert again.status == 201
    rows = driver.client.get(path.replace("/1/", "/2/"), headers=driver.login(RUNNER)).get_json()["items"]
    assert ("lane", "A", "unit_officer", False) in {(r["kind"], r["name"], r["role_key"], r["auto"]) for r in rows}


def test_interchange_events(driver):
    outcome = driver.deploy("interchange_events.bpmn", bundle("interchange_events.bpmn"))
    assert outcome.status == 201, outcome.problems
    assert codes(outcome) == [
        ("compensation_ignored", "compensate"), ("compensation_ignored", "undo_check"),
        ("implicit_end", "file"),
    ]
    driver.run(outcome)
    # A bare ISO 8601 timer (PT0.2S), an error end caught on the sub-process's boundary, a user task, a
    # receive task waiting for its message, a compensation throw passing through, an implicit end.
    assert outcome.processes == {"corpus_events": "completed"}, outcome.processes
    assert outcome.data["corpus_events"]["complete"] is False


def test_implicit_start_links_and_signal_end(driver):
    outcome = driver.deploy("implicit_flow.bpmn", bundle("implicit_flow.bpmn"))
    assert outcome.status == 201, outcome.problems
    assert codes(outcome) == [("implicit_end", "finish")]
    driver.run(outcome)
    # Both unconnected nodes started with the process; the signal end event woke the catch; the link
    # throw continued at its catch.
    assert outcome.processes == {"corpus_implicit": "completed"}, outcome.processes
    assert outcome.data["corpus_implicit"]["dossiers"] == 1
