"""Error and escalation events, and an unhandled script error repaired through the retry endpoint."""

from __future__ import annotations

import pytest

from tests.engine.test_elements_common import Api, build_org, fixture_names, only_task, task_ids


@pytest.fixture
def api(client, login, create_org_unit, create_user) -> Api:
    build_org(create_org_unit, create_user)
    return Api(client, login)


def test_boundary_error_catches_error_end_event_of_subprocess(api, deploy):
    deploy(*fixture_names("error_boundary.bpmn"))
    fine = api.start("el_error_boundary")
    approve = only_task(api.complete(only_task(fine, "inspect")["id"], {"missing": []}), "approve")
    assert api.complete(approve["id"])["status"] == "completed"

    broken = api.start("el_error_boundary")
    caught = api.complete(only_task(broken, "inspect")["id"], {"missing": ["bản sao quyết định"]})
    fix = only_task(caught, "fix_docs")  # the boundary path, not the normal one
    assert caught["status"] == "running" and caught["error"] is None
    done = api.complete(fix["id"], {"missing": []})
    assert done["status"] == "completed"
    assert "instance.error" not in api.actions(broken["id"])  # a modelled error is not an incident


def test_escalation_non_interrupting_boundary(api, deploy):
    deploy(*fixture_names("escalation.bpmn"))
    started = api.start("el_escalation")
    after_gather = api.complete(only_task(started, "gather")["id"], {"progress": 40})
    # the escalation opens the head's notification while the subprocess continues
    assert task_ids(after_gather) == ["finish_gather", "notify_head"]
    tasks = {t["element_id"]: t for t in after_gather["tasks"]}
    api.complete(tasks["notify_head"]["id"])
    assert api.complete(tasks["finish_gather"]["id"])["status"] == "completed"


def test_unhandled_script_error_then_retry_with_fixed_data(api, deploy):
    deploy(*fixture_names("script_error.bpmn"))
    started = api.start("el_script_error")
    failed = api.complete(only_task(started, "enter")["id"], {"total": 10, "count": 0})
    assert failed["status"] == "error" and failed["tasks"] == []
    assert failed["error"]["element_id"] == "compute"
    assert "division by zero" in failed["error"]["message"]
    [event] = [e for e in api.history(started["id"]) if e["action"] == "instance.error"]
    assert event["element_id"] == "compute" and "division by zero" in event["details"]["message"]

    api.retry(started["id"], user="other_officer", status=404)  # not theirs to see
    assert api.retry(started["id"], {"count": 0})["status"] == "error"  # still broken: stays in error
    repaired = api.retry(started["id"], {"count": 4})
    assert repaired["status"] == "running" and repaired["error"] is None
    after = only_task(repaired, "after")
    assert repaired["data"]["ratio"] == 2.5
    assert api.complete(after["id"])["status"] == "completed"
    actions = api.actions(started["id"])
    assert actions.count("instance.retried") == 2 and actions[-1] == "instance.completed"
    api.retry(started["id"], status=409)  # only an instance in error can be retried
