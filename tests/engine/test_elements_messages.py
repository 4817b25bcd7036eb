"""Messages between instances and from outside, with and without correlation properties."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES
from tests.engine.test_elements_common import Api, build_org, fixture_names, only_task


@pytest.fixture
def api(client, login, create_org_unit, create_user) -> Api:
    build_org(create_org_unit, create_user)
    return Api(client, login)


def _waiting(api: Api, instance_id: int) -> bool:
    instance = api.instance(instance_id)
    return instance["status"] == "waiting" and instance["tasks"] == []


def test_spiff_throw_reaches_only_the_correlated_receiver(api, deploy):
    deploy(*fixture_names("msg_spiff.bpmn"))
    receivers = {key: api.start("el_msg_receiver_spiff", {"nomination_id": key})["id"] for key in (7, 8)}
    assert all(_waiting(api, rid) for rid in receivers.values())

    sender = api.start("el_msg_sender_spiff", {"nomination_id": 8})
    after_decide = api.complete(only_task(sender, "decide")["id"], {"decision": "đạt"})
    only_task(after_decide, "archive")  # an intermediate throw event does not wait

    matched = api.instance(receivers[8])
    act = only_task(matched, "act")
    # spiffworkflow:messagePayload on the sender, spiffworkflow:messageVariable on the receiver
    assert matched["data"]["review"] == {"nomination_id": 8, "decision": "đạt"}
    assert _waiting(api, receivers[7])  # a different key: untouched
    assert "message.received" not in api.actions(receivers[7])

    # The receiver moves on to a receive task; the sender's message end event reaches it there.
    waiting_closed = api.complete(act["id"])
    assert waiting_closed["status"] == "waiting"
    finished = api.complete(only_task(after_decide)["id"])
    assert finished["status"] == "completed"
    receiver = api.instance(receivers[8])
    assert receiver["status"] == "completed"
    assert receiver["data"]["closing"] == {"nomination_id": 8, "closed_by": "thẩm định"}

    sent = [e for e in api.history(sender["id"]) if e["action"] == "message.sent"]
    assert [(e["details"]["name"], e["details"]["correlation"]) for e in sent] == [
        ("el_review_result", {"nomination_id": 8}), ("el_review_closed", {"nomination_id": 8})]
    received = [e["details"]["name"] for e in api.history(receivers[8]) if e["action"] == "message.received"]
    assert received == ["el_review_result", "el_review_closed"]


def test_undelivered_message_is_audited_and_can_be_posted_later(api, deploy):
    deploy(*fixture_names("msg_spiff.bpmn"))
    receiver = api.start("el_msg_receiver_spiff", {"nomination_id": 3})["id"]
    sender = api.start("el_msg_sender_spiff", {"nomination_id": 3})
    archive = only_task(api.complete(only_task(sender)["id"], {"decision": "đạt"}), "archive")
    # The sender ends while the receiver still works on `act`: nobody waits for the closing message.
    api.complete(archive["id"])
    undelivered = [e for e in api.history(sender["id"]) if e["action"] == "message.undelivered"]
    assert [e["details"]["name"] for e in undelivered] == ["el_review_closed"]

    act = only_task(api.instance(receiver), "act")
    assert api.complete(act["id"])["status"] == "waiting"  # now in the receive task
    # An integration posts it with the correlation property's id as the key.
    api.message("el_review_closed", {"nomination_id": 4}, {"closed_by": "x"}, status=404)
    delivered = api.message("el_review_closed", {"nomination_id": 3}, {"closed_by": "tích hợp"})
    assert delivered["delivered_to"] == [receiver]
    done = api.instance(receiver)
    assert done["status"] == "completed"
    # the correlation value is put where the diagram's retrieval expression reads it
    assert done["data"]["closing"] == {"closed_by": "tích hợp", "nomination_id": 3}


def test_camunda_send_task_and_message_end_event(api, deploy):
    deploy(*fixture_names("msg_camunda.bpmn"))
    receivers = {key: api.start("el_msg_receiver_camunda", {"nomination_id": key})["id"] for key in (1, 2)}
    sender = api.start("el_msg_sender_camunda", {"nomination_id": 2})
    # The send task and the message end event both throw in the step that completes `decide`.
    finished = api.complete(only_task(sender)["id"], {"decision": "không đạt"})
    assert finished["status"] == "completed"

    matched = api.instance(receivers[2])
    act = only_task(matched, "act")
    # a plain BPMN receive task merges the payload (the sender's data for a send task) into the data
    assert matched["data"]["decision"] == "không đạt"
    assert _waiting(api, receivers[1])
    # The end event's message came while the receiver was busy in `act`: undelivered, audited.
    undelivered = [e["details"] for e in api.history(sender["id"]) if e["action"] == "message.undelivered"]
    assert undelivered == [{"name": "el_c_done", "correlation": {"c_nomination": 2}}]

    api.complete(act["id"])
    delivered = api.message("el_c_done", {"c_nomination": 2}, {"closed": True})
    assert delivered["delivered_to"] == [receivers[2]]
    done = api.instance(receivers[2])
    assert done["status"] == "completed"
    assert done["data"]["done_info"] == {"closed": True}  # camunda:resultVariable holds the payload


def test_correlation_properties_on_a_posted_message(api, deploy):
    deploy(*fixture_names("msg_spiff.bpmn"))
    first = api.start("el_msg_receiver_spiff", {"nomination_id": 11})["id"]
    second = api.start("el_msg_receiver_spiff", {"nomination_id": 12})["id"]
    delivered = api.message("el_review_result", {"nomination_id": 12}, {"decision": "đạt"})
    assert delivered["delivered_to"] == [second]
    assert api.instance(second)["data"]["review"] == {"decision": "đạt", "nomination_id": 12}
    assert _waiting(api, first)
    api.message("el_review_result", {"nomination_id": 99}, status=404)


def test_without_correlation_properties_keys_match_process_variables(api, deploy):
    deploy(*fixture_names("msg_plain.bpmn"))
    a1 = api.start("el_msg_plain", {"doc_no": "A1", "unit": "DEPT"})["id"]
    b2 = api.start("el_msg_plain", {"doc_no": "B2", "unit": "DEPT"})["id"]

    api.message("el_signed", {"doc_no": "C3"}, status=404)  # no variable matches
    api.message("el_signed", {"doc_no": "B2", "unit": "OTHER"}, status=404)  # every key must match
    api.message("el_signed", {"no_such_variable": 1}, status=404)
    delivered = api.message("el_signed", {"doc_no": "B2", "unit": "DEPT"}, {"signed_file": "qd-12.pdf"})
    assert delivered["delivered_to"] == [b2]
    signed = api.instance(b2)
    only_task(signed, "after")
    assert signed["data"]["signed_file"] == "qd-12.pdf"
    assert _waiting(api, a1)
    # no correlation at all: every instance waiting for the name receives it
    assert api.message("el_signed", {}, {"signed_file": "x"})["delivered_to"] == [a1]
    history = api.history(b2)
    assert [e["details"] for e in history if e["action"] == "message.received"] == [
        {"name": "el_signed", "correlation": {"doc_no": "B2", "unit": "DEPT"}}]


def test_message_nobody_waits_for_is_404_and_needs_the_integration_role(api, deploy):
    deploy(*fixture_names("msg_plain.bpmn"))
    api.message("el_nobody_listens", {"x": 1}, status=404)
    api.start("el_msg_plain", {"doc_no": "A1"})
    api.message("el_signed", {"doc_no": "A1"}, user="officer", status=403)
    assert api.message("el_signed", {"doc_no": "A1"})["delivered_to"]
    api.message("el_signed", {"doc_no": "A1"}, status=404)  # delivered once: nobody waits any more


def test_deprecated_spiff_payload_placement_still_deploys(api, deploy):
    """spiffworkflow:messagePayload / messageVariable on bpmn:message (older Spiff modeler files) are
    deprecated but supported by SpiffWorkflow 3.2.0; the deploy must not depend on warning filters."""
    xml = (FIXTURES / "elements" / "msg_spiff.bpmn").read_text(encoding="utf-8")
    variable = "<bpmn:extensionElements><spiffworkflow:messageVariable>review</spiffworkflow:messageVariable>" \
               "</bpmn:extensionElements>"
    assert variable in xml
    old_style = xml.replace(variable, "").replace(
        '<bpmn:message id="msg_result" name="el_review_result" />',
        f'<bpmn:message id="msg_result" name="el_review_result">{variable}</bpmn:message>')
    deploy(files={"msg_old_style.bpmn": old_style.encode()})
    receiver = api.start("el_msg_receiver_spiff", {"nomination_id": 5})["id"]
    api.message("el_review_result", {"nomination_id": 5}, {"decision": "đạt"})
    assert api.instance(receiver)["data"]["review"] == {"decision": "đạt", "nomination_id": 5}


def test_camunda_throw_event_without_payload_expression_is_refused(api):
    """SpiffWorkflow's Camunda message throw evaluates camunda:expression as the payload; without
    one, every firing would fail at run time, so the deploy says so up front."""
    xml = (FIXTURES / "elements" / "msg_camunda.bpmn").read_bytes()
    expression = b" camunda:expression=\"{'nomination_id': nomination_id, 'closed': True}\""
    assert expression in xml
    response = api.upload({"msg_no_payload.bpmn": xml.replace(expression, b"")})
    assert response.status_code == 422
    [problem] = response.get_json()["error"]["details"]["problems"]
    assert problem["element_id"] == "end_done" and "camunda:expression" in problem["message"]
