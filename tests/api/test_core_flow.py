"""The core contract end to end: auth, deploy, start, inbox, complete through three lanes."""

from __future__ import annotations

import io

import pytest

from tests.conftest import read_fixture


@pytest.fixture
def org(create_org_unit, create_user):
    create_org_unit("CITY", kind="city_peoples_committee")
    create_org_unit("DEPT", parent_code="CITY")
    create_org_unit("OTHER", parent_code="CITY")
    create_user("officer", "DEPT", ["unit_officer"])
    create_user("head", "DEPT", ["unit_head"])
    create_user("superior", "CITY", ["superior_head"])
    create_user("other_officer", "OTHER", ["unit_officer"])
    create_user("padmin", "CITY", ["process_admin"])
    create_user("sysadmin", "CITY", ["system_admin"])


def upload(client, headers, *names, query=""):
    data = {"files": [(io.BytesIO(read_fixture(n)), n) for n in names]}
    return client.post(f"/api/v1/process-definitions{query}", data=data, headers=headers,
                       content_type="multipart/form-data")


def test_token_errors_are_the_same_whether_user_exists_or_not(client, org):
    unknown = client.post("/api/v1/auth/token", json={"username": "nobody", "password": "x" * 10})
    wrong = client.post("/api/v1/auth/token", json={"username": "officer", "password": "x" * 10})
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.get_json()["error"]["message"] == wrong.get_json()["error"]["message"]
    assert client.get("/api/v1/tasks").status_code == 401
    assert client.get("/api/v1/tasks", headers={"Authorization": "Bearer forged"}).status_code == 401


def test_three_lanes_walkthrough(client, org, login):
    deployed = upload(client, login("padmin"), "three_lanes.bpmn")
    assert deployed.status_code == 201, deployed.get_json()
    assert deployed.get_json()["key"] == "three_lanes" and deployed.get_json()["version"] == 1
    again = upload(client, login("padmin"), "three_lanes.bpmn")
    assert again.status_code == 200 and again.get_json()["version"] == 1

    started = client.post("/api/v1/process-instances", json={"process_key": "three_lanes", "data": {"x": 1}},
                          headers=login("officer"))
    assert started.status_code == 201, started.get_json()
    instance = started.get_json()
    assert instance["status"] == "running" and instance["org_unit_code"] == "DEPT"
    [task] = instance["tasks"]
    assert task["element_id"] == "t1" and task["role"] == "unit_officer"

    # Another unit's officer neither sees it in the inbox nor can open it.
    assert client.get("/api/v1/tasks", headers=login("other_officer")).get_json()["total"] == 0
    assert client.get(f"/api/v1/tasks/{task['id']}", headers=login("other_officer")).status_code == 404
    assert client.get(f"/api/v1/process-instances/{instance['id']}", headers=login("other_officer")).status_code == 404

    inbox = client.get("/api/v1/tasks", headers=login("officer")).get_json()
    assert [t["id"] for t in inbox["items"]] == [task["id"]]
    done = client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {"note": "xong"}},
                       headers=login("officer"))
    assert done.status_code == 200, done.get_json()
    [task2] = done.get_json()["instance"]["tasks"]
    assert task2["element_id"] == "t2" and task2["role"] == "unit_head"  # lane name matched case-insensitively

    # Completing twice is a conflict, not a second completion.
    twice = client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {}}, headers=login("officer"))
    assert twice.status_code == 409

    # The officer may see the task of the head's lane? No: not offered to them.
    refused = client.post(f"/api/v1/tasks/{task2['id']}/complete", json={}, headers=login("officer"))
    assert refused.status_code in (403, 404)
    done2 = client.post(f"/api/v1/tasks/{task2['id']}/complete", json={"data": {}}, headers=login("head"))
    [task3] = done2.get_json()["instance"]["tasks"]
    assert task3["role"] == "superior_head"  # explicit role property on the lane

    # Administrators may not complete someone else's task.
    refused = client.post(f"/api/v1/tasks/{task3['id']}/complete", json={}, headers=login("sysadmin"))
    assert refused.status_code in (403, 404)
    final = client.post(f"/api/v1/tasks/{task3['id']}/complete", json={"data": {}}, headers=login("superior"))
    assert final.status_code == 200
    assert final.get_json()["instance"]["status"] == "completed"
    assert final.get_json()["instance"]["data"]["note"] == "xong"

    history = client.get(f"/api/v1/process-instances/{instance['id']}/history", headers=login("officer")).get_json()
    actions = [event["action"] for event in history["items"]]
    assert actions[0] == "instance.started"
    assert actions.count("task.completed") == 3 and actions[-1] == "instance.completed"


def test_bad_input_gets_contract_errors(client, org, login):
    headers = login("officer")
    malformed = client.post("/api/v1/process-instances", data="{nope", headers={**headers,
                            "Content-Type": "application/json"})
    assert malformed.status_code == 400 and malformed.get_json()["error"]["code"] == "bad_request"
    wrong_type = client.post("/api/v1/process-instances", json={"process_key": 5}, headers=headers)
    assert wrong_type.status_code == 422 and "process_key" in wrong_type.get_json()["error"]["details"]["fields"]
    unknown = client.post("/api/v1/process-instances", json={"process_key": "nope"}, headers=headers)
    assert unknown.status_code == 404
    assert client.get("/api/v1/tasks/does-not-exist", headers=headers).status_code == 404
    assert client.get("/api/v1/tasks?limit=9999", headers=headers).status_code == 400


def test_body_over_limit_is_413(app, client, org, login):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/api/v1/process-instances", data="x" * 5000,
                           headers={**login("officer"), "Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"


def test_healthz_and_openapi(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/tasks/{task_id}/complete" in spec["paths"]
