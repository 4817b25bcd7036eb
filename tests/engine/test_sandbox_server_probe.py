"""The probes against a running server: a diagram attacks from a script task, a gateway condition or a
DMN entry; the instance stands in `error` with the sandbox's message, `/healthz` keeps answering
meanwhile and the server's resident memory stays within the budget plus a margin.

The server is the real application on a free port (werkzeug, threaded, in this process), so its memory
is this process's; the diagrams are deployed and started over HTTP.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from tests.conftest import PASSWORD
from tests.engine.test_elements_common import Api, build_org
from tests.engine.test_sandbox_single_operations import BUDGET, MARGIN, MB, _reset_peak, _status

HEALTHZ_LIMIT = 2.0  # seconds per /healthz answer; the stalls of issue 9 were 5-11 s (the GIL held in C)

_HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="probe_defs" targetNamespace="http://vinhdanh.vn/test">
  <bpmn:process id="{key}" name="Probe" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
"""
_FOOTER = """    <bpmn:endEvent id="end">{incoming}</bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
"""
_SCRIPT = """    <bpmn:scriptTask id="attack" name="Attack">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:script>{code}</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="attack"/>
    <bpmn:sequenceFlow id="f2" sourceRef="attack" targetRef="end"/>
"""
_GATEWAY = """    <bpmn:exclusiveGateway id="attack" default="f3"><bpmn:incoming>f1</bpmn:incoming>
      <bpmn:outgoing>f2</bpmn:outgoing><bpmn:outgoing>f3</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="attack"/>
    <bpmn:sequenceFlow id="f2" sourceRef="attack" targetRef="end">
      <bpmn:conditionExpression>{code}</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f3" sourceRef="attack" targetRef="end"/>
"""
_RULE_TASK = """    <bpmn:businessRuleTask id="attack" camunda:decisionRef="probe_decision">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:businessRuleTask>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="attack"/>
    <bpmn:sequenceFlow id="f2" sourceRef="attack" targetRef="end"/>
"""
_DMN = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="probe_dmn" name="Probe"
    namespace="http://vinhdanh.vn/test">
  <decision id="probe_decision" name="Probe decision">
    <decisionTable id="table" hitPolicy="UNIQUE">
      <input id="in_score" label="Score">
        <inputExpression id="in_score_expr" typeRef="number"><text>score</text></inputExpression>
      </input>
      <output id="out_level" label="Level" name="level" typeRef="string"/>
      <rule id="r1">
        <inputEntry id="r1_score"><text>{code}</text></inputEntry>
        <outputEntry id="r1_level"><text>'Bằng khen'</text></outputEntry>
      </rule>
    </decisionTable>
  </decision>
</definitions>
"""

SHARED_LISTS = "a = [1]\nb = [1]\nfor i in range(40):\n    a = [a, a]\n    b = [b, b]\nsame = a == b"
DOUBLINGS = "x = [0] * 1000\n" + "x[:0] = x\n" * 30
WALRUS = " and ".join(["(a := [1]) and (b := [1])"] + ["(a := [a, a]) and (b := [b, b])"] * 40 + ["a == b"])

# name: (element kind, code, part of the instance's error message)
PROBES = {
    "script_slice_doubling": ("script", DOUBLINGS, "slice assignment"),
    "script_percent_d_decimal": ("script", "s = '%d' % Decimal('1e600000')", "exponent 600000"),
    "script_format_f_decimal": ("script", "s = f\"{Decimal('1e500000000'):f}\"", "exponent 500000000"),
    "script_hex_int_division": ("script", "x = int('f' * 3000000, 16)\ny = x // 3", "integer of about"),
    "script_string_repetition": ("script", "s = 'ab' * 10**9", "repeated"),
    "script_shared_lists_compared": ("script", SHARED_LISTS, "in a single operation"),
    "gateway_percent_d_decimal": ("gateway", "'%d' % Decimal('1e600000') != ''", "exponent 600000"),
    "gateway_shared_lists_compared": ("gateway", WALRUS, "in a single operation"),
    "dmn_entry_percent_d_decimal": ("dmn", "'%d' % Decimal('1e600000') != ''", "exponent 600000"),
    "dmn_entry_big_integer": ("dmn", "int('1' * 10**7, 2) // 3 > 0", "integer of about"),
}


def _escape(code: str) -> str:
    return code.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _bundle(key: str, kind: str, code: str) -> dict[str, bytes]:
    incoming = "<bpmn:incoming>f2</bpmn:incoming>" + ("<bpmn:incoming>f3</bpmn:incoming>" if kind == "gateway" else "")
    footer = _FOOTER.format(incoming=incoming)
    if kind == "dmn":
        body = _HEADER.format(key=key) + _RULE_TASK + footer
        return {f"{key}.bpmn": body.encode(), f"{key}.dmn": _DMN.format(code=_escape(code)).encode()}
    element = _SCRIPT if kind == "script" else _GATEWAY
    body = _HEADER.format(key=key) + element.format(code=_escape(code)) + footer
    return {f"{key}.bpmn": body.encode()}


@pytest.fixture
def server(app, create_org_unit, create_user) -> Iterator[int]:
    build_org(create_org_unit, create_user)
    served = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=served.serve_forever, daemon=True)
    thread.start()
    yield served.server_port
    served.shutdown()
    thread.join(timeout=10)


def _request(port: int, method: str, path: str, body: dict | None = None, token: str | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = connection.getresponse()
    payload = response.read()
    connection.close()
    return response.status, json.loads(payload) if payload else None


def _probe_healthz(port: int, until: threading.Event) -> list[tuple[int, float]]:
    answers = []
    while not until.is_set():
        started = time.monotonic()
        status, _ = _request(port, "GET", "/healthz")
        answers.append((status, time.monotonic() - started))
        time.sleep(0.02)
    return answers


@pytest.mark.parametrize("name", PROBES.keys())
def test_an_attacking_diagram_errors_while_the_server_keeps_answering(server, client, login, name):
    kind, code, fragment = PROBES[name]
    key = f"probe_{name}"
    deployed = Api(client, login).upload(_bundle(key, kind, code))
    assert deployed.status_code == 201, deployed.get_json()
    _, token = _request(server, "POST", "/api/v1/auth/token", {"username": "officer", "password": PASSWORD})

    outcome: dict = {}
    done = threading.Event()

    def start() -> None:
        try:
            outcome["response"] = _request(
                server,
                "POST",
                "/api/v1/process-instances",
                {"process_key": key, "data": {"score": 95}},
                token["access_token"],
            )
        finally:
            done.set()

    before = _reset_peak()
    starter = threading.Thread(target=start)
    starter.start()
    answers = _probe_healthz(server, done)
    starter.join(timeout=60)
    grown = _status()["VmHWM"] - before

    status, instance = outcome["response"]
    assert status == 201, instance
    assert instance["status"] == "error", instance
    assert instance["error"]["element_id"] == "attack"
    assert fragment in instance["error"]["message"], instance["error"]
    assert answers and all(code == 200 for code, _ in answers)
    assert max(seconds for _, seconds in answers) < HEALTHZ_LIMIT, answers
    assert grown < BUDGET + MARGIN, f"the server grew by {grown / MB:.0f} MB"
