"""Call activities (other files, other dialect), embedded and event subprocesses, multi-instance."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES
from tests.engine.test_elements_common import Api, build_org, fixture_names, only_task, task_ids


@pytest.fixture
def api(client, login, create_org_unit, create_user) -> Api:
    build_org(create_org_unit, create_user)
    return Api(client, login)


def test_call_activities_across_files_and_dialects(api, deploy):
    deployment = deploy(*fixture_names("call_parent.bpmn", "call_child_camunda.bpmn", "call_child_spiff.bpmn"))
    assert sorted(p.process_key for p in deployment.processes) == [
        "el_call_parent", "el_callee_camunda", "el_callee_spiff"]

    started = api.start("el_call_parent", {"x": 5})
    child = only_task(started, "child_task")
    assert child["process_key"] == "el_call_parent" and child["role"] == "unit_head"  # the callee's lane
    api.complete(child["id"], user="officer", status=404)  # not offered to an officer: not visible
    in_spiff = api.complete(child["id"], {"y": 1}, user="head")
    spiff_task = only_task(in_spiff, "spiff_child_task")  # a Spiff-dialect callee called from a Camunda caller
    assert spiff_task["assignee"] == "officer"
    final = api.complete(spiff_task["id"], {"z": 2})
    only_task(final, "final")
    assert final["data"]["child_result"] == "ok-5"  # the callee's script result comes back to the caller
    assert final["data"]["y"] == 1 and final["data"]["z"] == 2
    history = api.history(started["id"])
    calls = [e["element_id"] for e in history if e["action"] == "element.completed"
             and e["details"]["kind"] == "CallActivity"]
    assert calls == ["call_camunda", "call_spiff"]


def test_embedded_subprocess_runs_inline(api, deploy):
    deploy(*fixture_names("subprocess_events.bpmn"))
    started = api.start("el_subprocess", {"case_no": "HS-1"})
    draft = only_task(started, "draft")
    review = only_task(api.complete(draft["id"], {"sections": ["a", "b", "c"]}), "review")
    instance = api.complete(review["id"], {"decision": "ok"})
    assert instance["status"] == "completed"
    assert instance["data"]["pages"] == 6  # the subprocess's script result is visible after it


def test_non_executable_callee_is_refused_at_deploy(api):
    """SpiffWorkflow 3.2.0 builds no spec for a process with isExecutable="false" (ProcessParser.
    create_spec raises), not even as a callee: the bundle is refused with that reason (as Camunda 7,
    which does not deploy non-executable processes either)."""
    callee = (FIXTURES / "elements" / "call_child_camunda.bpmn").read_bytes().replace(
        b'isExecutable="true"', b'isExecutable="false"')
    response = api.upload({"call_parent.bpmn": (FIXTURES / "elements" / "call_parent.bpmn").read_bytes(),
                           "call_child_camunda.bpmn": callee,
                           "call_child_spiff.bpmn": (FIXTURES / "elements" / "call_child_spiff.bpmn").read_bytes()})
    assert response.status_code == 422
    problems = response.get_json()["error"]["details"]["problems"]
    assert any("el_callee_camunda" in (p["element_id"] or "") and "not executable" in p["message"]
               for p in problems), problems


def test_error_triggered_event_subprocess_is_refused_at_deploy(api):
    """SpiffWorkflow 3.2.0's StartEventParser reads only message, signal, timer and conditional start
    events: an error start event would silently become a plain start (the event subprocess would run
    at once). Deploy validation refuses it with a clear message instead."""
    xml = (FIXTURES / "elements" / "subprocess_events.bpmn").read_text(encoding="utf-8")
    xml = xml.replace('<bpmn:message id="msg_note" name="el_add_note" />',
                      '<bpmn:message id="msg_note" name="el_add_note" />'
                      '<bpmn:error id="err_reject" name="Trả lại" errorCode="REJECTED" />')
    xml = xml.replace('<bpmn:messageEventDefinition id="w_def" messageRef="msg_note" />',
                      '<bpmn:errorEventDefinition id="w_def" errorRef="err_reject" />')
    assert "err_reject" in xml and "msg_note\" />" not in xml
    response = api.upload({"error_event_subprocess.bpmn": xml.encode()})
    assert response.status_code == 422
    [problem] = response.get_json()["error"]["details"]["problems"]
    assert problem["element_id"] == "w_start" and "errorEventDefinition" in problem["message"]


def test_message_event_subprocess_runs_beside_the_flow(api, deploy):
    deploy(*fixture_names("subprocess_events.bpmn"))
    other = api.start("el_subprocess", {"case_no": "HS-3"})
    started = api.start("el_subprocess", {"case_no": "HS-4"})
    draft = only_task(started, "draft")
    # the event subprocess's message start event listens while the instance runs
    delivered = api.message("el_add_note", {"case_no": "HS-4"}, {"note": "bổ sung bản sao"})
    assert delivered["delivered_to"] == [started["id"]]
    instance = api.instance(started["id"])
    assert instance["status"] == "running" and instance["data"]["notes_received"] is True
    assert instance["data"]["w_start_Response"] == {"note": "bổ sung bản sao"}  # Camunda result variable
    assert only_task(instance)["id"] == draft["id"]  # non-interrupting: the main flow goes on
    assert "message.received" not in api.actions(other["id"])
    review = only_task(api.complete(draft["id"], {"sections": ["a"]}), "review")
    assert api.complete(review["id"])["status"] == "completed"
    api.message("el_add_note", {"case_no": "HS-4"}, status=404)  # an ended instance listens no more


def test_interrupting_event_subprocess_deploys_with_a_warning(api):
    """SpiffWorkflow 3.2.0 never reads isInterrupting (an event subprocess always runs beside the main
    flow), so an interrupting one, the BPMN default, deploys with a warning saying exactly that."""
    xml = (FIXTURES / "elements" / "subprocess_events.bpmn").read_bytes()
    assert b'isInterrupting="false"' in xml
    response = api.upload({"interrupting.bpmn": xml.replace(b' isInterrupting="false"', b"")})
    assert response.status_code == 201, response.get_json()
    [warning] = [w for w in response.get_json()["warnings"] if w["code"] == "interrupting_event_subprocess"]
    assert warning["element_id"] == "w_start" and warning["level"] == "warning"
    assert "không hủy luồng chính" in warning["message"]


def test_parallel_multi_instance_opens_all_tasks_at_once(api, deploy):
    deploy(*fixture_names("mi_parallel_camunda.bpmn"))
    started = api.start("el_mi_parallel", {"reviewers": ["officer", "officer2", "head"]})
    assert task_ids(started) == ["opinion"] * 3
    assignees = sorted(t["assignee"] for t in started["tasks"])
    assert assignees == ["head", "officer", "officer2"]  # camunda:assignee="${reviewer}" per instance
    by_user = {t["assignee"]: t for t in started["tasks"]}
    api.complete(by_user["officer2"]["id"], user="officer", status=404)  # someone else's: not even visible
    for user in ("officer2", "head"):
        instance = api.complete(by_user[user]["id"], {"comment": user}, user=user)
        assert "after" not in task_ids(instance)
    instance = api.complete(by_user["officer"]["id"], {"comment": "officer"})
    only_task(instance, "after")
    # Camunda collection semantics in SpiffWorkflow: the collection is also the output, item by item
    assert instance["data"]["reviewers"] == ["officer", "officer2", "head"]


def test_parallel_multi_instance_spiff_collects_outputs(api, deploy):
    deploy(*fixture_names("mi_parallel_spiff.bpmn"))
    started = api.start("el_mi_parallel_spiff", {"members": ["An", "Bình"]})
    assert task_ids(started) == ["opinion", "opinion"]
    instance = started
    for task in started["tasks"]:
        instance = api.complete(task["id"], {"opinion_item": f"ý kiến {task['id'][:4]}"})
    only_task(instance, "after")
    assert len(instance["data"]["opinions"]) == 2


def test_sequential_multi_instance_one_after_another(api, deploy):
    deploy(*fixture_names("mi_sequential_spiff.bpmn"))
    started = api.start("el_mi_sequential", {"members": ["An", "Bình", "Chi"]})
    instance = started
    seen = []
    for _ in range(3):
        task = only_task(instance, "opinion")  # never more than one open
        detail = api.task(task["id"])
        seen.append(detail["data"].get("member"))
        instance = api.complete(task["id"], {"opinion_item": f"đồng ý ({len(seen)})"})
    only_task(instance, "after")
    assert instance["data"]["opinions"] == ["đồng ý (1)", "đồng ý (2)", "đồng ý (3)"]
