"""Form validation on completion (422), claim/unclaim (409), reassign (audited), parent-unit scope."""

from __future__ import annotations

import pytest


@pytest.fixture
def demo(create_org_unit, create_user, deploy):
    create_org_unit("CITY", kind="city_peoples_committee")
    create_org_unit("DEPT", parent_code="CITY")
    create_org_unit("DEPT2", parent_code="CITY")
    create_user("officer", "DEPT", ["unit_officer"])
    create_user("officer_b", "DEPT", ["unit_officer"])
    create_user("head", "DEPT", ["unit_head"])
    create_user("superior", "CITY", ["superior_head"])
    create_user("head2", "DEPT2", ["unit_head"])
    create_user("sysadmin", "CITY", ["system_admin"])
    deploy("demo_approval.bpmn", "demo_draft.form")


def start(client, login):
    response = client.post("/api/v1/process-instances", json={"process_key": "demo_approval"}, headers=login("officer"))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_form_js_validation_and_return_loop(client, demo, login):
    instance = start(client, login)
    [draft] = instance["tasks"]
    detail = client.get(f"/api/v1/tasks/{draft['id']}", headers=login("officer")).get_json()
    assert detail["form"]["type"] == "form-js" and detail["due_at"] is not None
    bad = client.post(f"/api/v1/tasks/{draft['id']}/complete",
                      json={"data": {"nominee_kind": "alien", "dx_index_score": 120}}, headers=login("officer"))
    assert bad.status_code == 422
    fields = bad.get_json()["error"]["details"]["fields"]
    assert {"nominee_name", "nominee_kind", "dx_index_score", "achievement_summary"} <= set(fields)
    good = {"nominee_name": "Sở Tài chính", "nominee_kind": "collective", "dx_index_score": 85.5,
            "achievement_summary": "Hoàn thành xuất sắc nhiệm vụ chuyển đổi số"}
    done = client.post(f"/api/v1/tasks/{draft['id']}/complete", json={"data": good}, headers=login("officer"))
    assert done.status_code == 200, done.get_json()
    [sign] = done.get_json()["instance"]["tasks"]
    form = client.get(f"/api/v1/tasks/{sign['id']}", headers=login("head")).get_json()["form"]
    assert form["type"] == "camunda-formdata"
    assert client.post(f"/api/v1/tasks/{sign['id']}/complete", json={"data": {"decision": "maybe"}},
                       headers=login("head")).status_code == 422
    returned = client.post(f"/api/v1/tasks/{sign['id']}/complete",
                           json={"data": {"decision": "return", "return_reason": "Bổ sung số liệu"}},
                           headers=login("head")).get_json()["instance"]
    [again] = returned["tasks"]
    assert again["element_id"] == "draft"
    assert returned["data"]["return_reason"] == "Bổ sung số liệu"


def test_claim_unclaim_and_conflicts(client, demo, login):
    [draft] = start(client, login)["tasks"]
    assert client.post(f"/api/v1/tasks/{draft['id']}/claim", headers=login("officer_b")).status_code == 200
    assert client.post(f"/api/v1/tasks/{draft['id']}/claim", headers=login("officer")).status_code == 409
    assert client.get("/api/v1/tasks", headers=login("officer")).get_json()["total"] == 0
    assert client.post(f"/api/v1/tasks/{draft['id']}/unclaim", headers=login("officer")).status_code == 409
    assert client.post(f"/api/v1/tasks/{draft['id']}/unclaim", headers=login("officer_b")).status_code == 200
    assert client.get("/api/v1/tasks", headers=login("officer")).get_json()["total"] == 1


def test_reassign_is_admin_only_and_audited(client, demo, login):
    instance = start(client, login)
    [draft] = instance["tasks"]
    assert client.post(f"/api/v1/tasks/{draft['id']}/reassign", json={"username": "officer_b"},
                       headers=login("officer")).status_code == 404
    moved = client.post(f"/api/v1/tasks/{draft['id']}/reassign", json={"username": "officer_b", "reason": "nghỉ phép"},
                        headers=login("sysadmin"))
    assert moved.status_code == 200 and moved.get_json()["assignee"] == "officer_b"
    # The administrator still may not complete it.
    assert client.post(f"/api/v1/tasks/{draft['id']}/complete", json={"data": {}},
                       headers=login("sysadmin")).status_code in (403, 409)
    history = client.get(f"/api/v1/process-instances/{instance['id']}/history", headers=login("sysadmin")).get_json()
    event = next(e for e in history["items"] if e["action"] == "task.reassigned")
    assert event["actor"] == "sysadmin" and event["details"]["to"] == "officer_b"


def test_parent_unit_scope(client, demo, login):
    [draft] = start(client, login)["tasks"]
    data = {"nominee_name": "A", "nominee_kind": "individual", "achievement_summary": "B"}
    [sign] = client.post(f"/api/v1/tasks/{draft['id']}/complete", json={"data": data},
                         headers=login("officer")).get_json()["instance"]["tasks"]
    # head2 holds unit_head but in another unit: not visible.
    assert client.get(f"/api/v1/tasks/{sign['id']}", headers=login("head2")).status_code == 404
    [confirm] = client.post(f"/api/v1/tasks/{sign['id']}/complete", json={"data": {"decision": "approve"}},
                            headers=login("head")).get_json()["instance"]["tasks"]
    # superior_head has scope parent_unit: CITY is DEPT's parent.
    inbox = client.get("/api/v1/tasks", headers=login("superior")).get_json()
    assert [t["id"] for t in inbox["items"]] == [confirm["id"]]
