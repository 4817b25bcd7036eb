"""Gateways through the service: exclusive with a default flow, parallel, inclusive, event-based races."""

from __future__ import annotations

import pytest

from service.operations.timers import fire_instance_timers
from tests.engine.test_elements_common import Api, build_org, fixture_names, only_task, task_ids, wait_past


@pytest.fixture
def api(client, login, create_org_unit, create_user) -> Api:
    build_org(create_org_unit, create_user)
    return Api(client, login)


@pytest.mark.parametrize(("fixture", "key"), [("gw_exclusive.bpmn", "el_gw_exclusive"),
                                              ("gw_exclusive_spiff.bpmn", "el_gw_exclusive_spiff")])
def test_exclusive_gateway_takes_first_true_condition_or_default(api, deploy, fixture, key):
    deploy(*fixture_names(fixture))
    outcomes = {}
    for amount in (5000, 500, 5):
        started = api.start(key)
        enter = only_task(started, "enter")
        assert enter["assignee"] == "officer"
        after = api.complete(enter["id"], {"amount": amount})
        outcomes[amount] = only_task(after)["element_id"]
        done = api.complete(only_task(after)["id"])
        assert done["status"] == "completed" and done["data"]["amount"] == amount
    assert outcomes == {5000: "big", 500: "medium", 5: "small"}  # 5 matches no condition: the default flow


def test_parallel_gateway_opens_both_branches_and_joins(api, deploy):
    deploy(*fixture_names("gw_parallel.bpmn"))
    started = api.start("el_gw_parallel")
    assert task_ids(started) == ["a", "b"]
    by_id = {task["element_id"]: task for task in started["tasks"]}
    assert by_id["a"]["role"] == "unit_officer" and by_id["b"]["role"] == "unit_head"
    assert [t["element_id"] for t in api.inbox(user="head")] == ["b"]

    after_b = api.complete(by_id["b"]["id"], {"head_note": "ok"}, user="head")
    assert task_ids(after_b) == ["a"]  # the join waits for the other branch
    after_a = api.complete(by_id["a"]["id"], {"officer_note": "ok"})
    final = only_task(after_a, "after")
    assert after_a["data"]["head_note"] == "ok" and after_a["data"]["officer_note"] == "ok"  # both branches merged
    assert api.complete(final["id"])["status"] == "completed"


@pytest.mark.parametrize(
    ("counts", "expected"),
    [({"collectives": 1, "individuals": 2, "enterprises": 0}, ["x", "y"]),
     ({"collectives": 1, "individuals": 1, "enterprises": 1}, ["x", "y", "z"]),
     ({"collectives": 0, "individuals": 0, "enterprises": 3}, ["z"])],
)
def test_inclusive_gateway_opens_every_true_branch_and_waits_for_them(api, deploy, counts, expected):
    deploy(*fixture_names("gw_inclusive.bpmn"))
    instance = api.start("el_gw_inclusive", counts)
    assert task_ids(instance) == expected
    for element_id in expected:
        assert "after" not in task_ids(instance)  # the merge waits for every branch that was taken
        task = next(t for t in instance["tasks"] if t["element_id"] == element_id)
        instance = api.complete(task["id"], {f"done_{element_id}": True})
    only_task(instance, "after")
    assert all(instance["data"][f"done_{e}"] for e in expected)


def test_inclusive_gateway_default_when_nothing_is_true(api, deploy):
    deploy(*fixture_names("gw_inclusive.bpmn"))
    instance = api.start("el_gw_inclusive", {"collectives": 0, "individuals": 0, "enterprises": 0})
    only_task(instance, "after")
    assert instance["data"]["nobody"] is True


def test_event_based_gateway_message_wins(api, deploy, session):
    deploy(*fixture_names("gw_event_based.bpmn"))
    started = api.start("el_gw_event", {"wait": "PT1H"})
    assert started["status"] == "waiting" and started["tasks"] == []
    delivered = api.message("el_reply", payload={"answer": "đồng ý"})
    assert delivered["delivered_to"] == [started["id"]]
    instance = api.instance(started["id"])
    only_task(instance, "handle_reply")
    # SpiffWorkflow's Camunda catch keeps the payload in camunda:resultVariable, by default
    # `<element id>_Response`; in an event-based gateway the catching element is the gateway.
    assert instance["data"]["race_Response"] == {"answer": "đồng ý"}
    # the losing timer is gone: nothing fires for this instance any more
    assert fire_instance_timers(session, instance_id=started["id"]) is False
    assert "message.received" in api.actions(started["id"])


def test_event_based_gateway_timer_wins(api, deploy, session):
    deploy(*fixture_names("gw_event_based.bpmn"))
    started = api.start("el_gw_event", {"wait": "PT0.2S"})
    assert started["status"] == "waiting"
    wait_past(0.3)
    assert fire_instance_timers(session, instance_id=started["id"]) is True
    session.commit()
    instance = api.instance(started["id"])
    only_task(instance, "handle_late")
    # the losing message catch no longer waits: a late reply reaches nobody
    api.message("el_reply", payload={"answer": "muộn"}, status=404)
    actions = api.actions(started["id"])
    assert "timer.fired" in actions and "message.received" not in actions
