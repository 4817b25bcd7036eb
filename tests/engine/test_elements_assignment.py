"""Who is offered each task (lanes, roles, org_unit_from, Camunda assignment attributes), due dates,
forms (form-js, Camunda formData, none) and data objects."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.engine.test_elements_common import Api, build_org, fixture_names, only_task


@pytest.fixture
def api(client, login, create_org_unit, create_user) -> Api:
    build_org(create_org_unit, create_user)
    return Api(client, login)


def _inbox_ids(api: Api, user: str, instance_id: int) -> set[str]:
    return {t["element_id"] for t in api.inbox(user=user, instance_id=instance_id)}


def test_offers_and_due_dates(api, deploy):
    deploy(*fixture_names("assignment.bpmn"))
    deadline = "2031-05-06T08:00:00+07:00"
    started = api.start("el_assignment", {"target_unit": "OTHER", "second_user": "head", "deadline": deadline})
    instance_id = started["id"]
    tasks = {t["element_id"]: t for t in started["tasks"]}
    assert len(tasks) == 9

    assert tasks["lane_task"]["role"] == "unit_head" and tasks["lane_task"]["lane"] == "unit_head"
    assert tasks["role_task"]["role"] == "unit_officer" and tasks["role_task"]["lane"] == "Cán bộ thi đua"
    # org_unit_from: the unit named in the data, not the starter's
    assert tasks["target_task"]["org_unit_code"] == "OTHER" and started["org_unit_code"] == "DEPT"
    assert tasks["assigned_task"]["assignee"] == "head"
    assert tasks["group_task"]["assignee"] is None and tasks["users_task"]["assignee"] is None

    assert _inbox_ids(api, "head", instance_id) == {"lane_task", "assigned_task", "group_task", "users_task"}
    assert _inbox_ids(api, "officer", instance_id) == {
        "role_task", "due_date_task", "due_duration_task", "due_variable_task"}
    assert _inbox_ids(api, "officer2", instance_id) == {"role_task", "users_task"}
    assert _inbox_ids(api, "other_officer", instance_id) == {"target_task"}
    assert _inbox_ids(api, "other_head", instance_id) == set()

    # due dates: ISO date-time, ISO duration from now, and a ${variable} holding one
    due = {key: datetime.fromisoformat(tasks[key]["due_at"]) for key in
           ("due_date_task", "due_duration_task", "due_variable_task")}
    assert due["due_date_task"] == datetime(2030, 1, 2, 3, 0, tzinfo=UTC)
    assert abs(due["due_duration_task"] - (datetime.now(UTC) + timedelta(days=3))) < timedelta(minutes=1)
    assert due["due_variable_task"] == datetime.fromisoformat(deadline)
    assert tasks["lane_task"]["due_at"] is None

    # who may act: the offered ones; nobody else, whatever their role elsewhere
    api.complete(tasks["target_task"]["id"], user="officer", status=404)
    api.complete(tasks["group_task"]["id"], user="officer", status=404)
    api.complete(tasks["assigned_task"]["id"], user="other_head", status=404)
    by_user = {"lane_task": "head", "role_task": "officer2", "target_task": "other_officer",
               "assigned_task": "head", "group_task": "head", "users_task": "officer2",
               "due_date_task": "officer", "due_duration_task": "officer", "due_variable_task": "officer"}
    instance = started
    for element_id, user in by_user.items():
        instance = api.complete(tasks[element_id]["id"], {f"by_{element_id}": user}, user=user)
    assert instance["status"] == "completed"
    completed_by = {e["element_id"]: e["actor"] for e in api.history(instance_id) if e["action"] == "task.completed"}
    assert completed_by == by_user


def test_org_unit_from_with_unknown_code_is_an_incident_repaired_by_retry(api, deploy):
    deploy(*fixture_names("assignment.bpmn"))
    started = api.start("el_assignment", {"target_unit": "NO_SUCH_UNIT", "second_user": "head"})
    # The task cannot be offered to anyone: the instance is in error, the other tasks stay open.
    assert started["status"] == "error"
    assert started["error"]["element_id"] == "target_task" and "NO_SUCH_UNIT" in started["error"]["message"]
    assert "target_task" not in {t["element_id"] for t in started["tasks"]} and len(started["tasks"]) == 8
    [event] = [e for e in api.history(started["id"]) if e["action"] == "instance.error"]
    assert event["element_id"] == "target_task"

    repaired = api.retry(started["id"], {"target_unit": "OTHER"})
    assert repaired["status"] == "running" and repaired["error"] is None
    target = next(t for t in repaired["tasks"] if t["element_id"] == "target_task")
    assert target["org_unit_code"] == "OTHER"
    assert _inbox_ids(api, "other_officer", started["id"]) == {"target_task"}


def test_forms_of_each_kind(api, deploy):
    deploy(*fixture_names("forms.bpmn", "el_nomination.form"))
    started = api.start("el_forms", {"score": 5})
    fill = only_task(started, "fill")
    detail = api.task(fill["id"])
    assert detail["form"]["type"] == "form-js"
    assert [c["key"] for c in detail["form"]["schema"]["components"]] == ["nominee_name", "score"]
    assert detail["data"]["score"] == 5  # the values the form starts with

    invalid = api.complete(fill["id"], {"score": 150}, status=422)
    fields = invalid["error"]["details"]["fields"]
    assert set(fields) == {"nominee_name", "score"}
    assert api.instance(started["id"])["tasks"][0]["id"] == fill["id"]  # nothing moved

    decide = only_task(api.complete(fill["id"], {"nominee_name": "Nguyễn Văn A", "score": 95}), "decide")
    detail = api.task(decide["id"])
    assert detail["form"]["type"] == "camunda-formdata"
    assert detail["form"]["schema"][0]["id"] == "decision"
    bad = api.complete(decide["id"], {"decision": "maybe"}, status=422)
    assert "decision" in bad["error"]["details"]["fields"]
    plain = only_task(api.complete(decide["id"], {"decision": "approve"}), "plain")
    assert api.task(plain["id"])["form"] == {"type": "none", "schema": None}
    done = api.complete(plain["id"], {"anything": "goes"})
    assert done["status"] == "completed"
    assert done["data"]["nominee_name"] == "Nguyễn Văn A" and done["data"]["decision"] == "approve"


def test_data_objects(api, deploy):
    deploy(*fixture_names("data_objects_spiff.bpmn"))
    started = api.start("el_data_objects", {"count": 3})
    busy = only_task(started, "busy")
    # the script's output went to the data object, not into the task data
    assert "decision_doc" not in started["data"]
    read = only_task(api.complete(busy["id"]), "read")
    instance = api.instance(started["id"])
    assert instance["data"]["summary"] == "12/QĐ-UBND / 3"  # read back through an input association
    done = api.complete(read["id"])
    assert done["status"] == "completed"
    assert done["data"]["data_objects"] == {"decision_doc": {"number": "12/QĐ-UBND", "count": 3}}
