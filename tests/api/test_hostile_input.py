"""Hostile input gets a clear 4xx and changes nothing (issue 9 §2): ids beyond the column's range,
NUL characters, deep JSON, lone surrogates, NaN, over-long strings, unknown content types, TRACE,
over-long URLs and headers, bodies over the limit."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from service.models import AuditEvent, ProcessInstance

BIG_IDS = (2**31, 2**63, 10**30)


@pytest.fixture
def org(create_org_unit, create_user, deploy):
    create_org_unit("CITY", kind="city_peoples_committee")
    create_org_unit("DEPT", parent_code="CITY")
    create_user("officer", "DEPT", ["unit_officer"])
    create_user("sysadmin", "CITY", ["system_admin"])
    deploy("three_lanes.bpmn")


def counts(session) -> tuple[int, int]:
    session.expire_all()
    return (session.scalar(select(func.count()).select_from(ProcessInstance)),
            session.scalar(select(func.count()).select_from(AuditEvent)))


def assert_error(response, *statuses: int) -> dict:
    assert response.status_code in statuses, (response.status_code, response.get_data(as_text=True)[:300])
    assert response.is_json, response.get_data(as_text=True)[:300]
    body = response.get_json()
    assert set(body["error"]) == {"code", "message", "details"}
    return body


@pytest.mark.parametrize("big", BIG_IDS)
def test_ids_beyond_the_columns_range_are_not_found(client, org, login, big):
    headers = login("sysadmin")
    for url in (f"/api/v1/process-instances/{big}", f"/api/v1/process-instances/{big}/history",
                f"/api/v1/process-instances/{big}/documents", f"/api/v1/documents/{big}",
                f"/api/v1/dossiers/{big}", f"/api/v1/rounds/{big}", f"/api/v1/registrations/{big}",
                f"/api/v1/document-templates/{big}/content"):
        assert_error(client.get(url, headers=headers), 404)
    assert_error(client.get(f"/api/v1/public/notices/{big}"), 404)  # no sign-in
    assert_error(client.post(f"/api/v1/public/notices/{big}/comments",
                             json={"nominee_id": big, "author_name": "A", "content": "x"}), 404)


@pytest.mark.parametrize("big", BIG_IDS)
def test_integers_beyond_range_in_bodies_and_queries(client, org, login, session, big):
    headers = login("officer")
    before = counts(session)
    assert_error(client.post("/api/v1/process-instances", json={"process_key": "three_lanes", "version": big},
                             headers=headers), 404, 422)
    for query in (f"instance_id={big}", f"offset={big}", f"limit={big}"):
        assert_error(client.get(f"/api/v1/tasks?{query}", headers=headers), 400, 422)
    assert_error(client.get(f"/api/v1/dossiers?round_id={big}", headers=headers), 400, 422)
    assert counts(session) == before


def test_nul_characters(client, org, login, session):
    before = counts(session)
    assert_error(client.post("/api/v1/auth/token", json={"username": "off\x00icer", "password": "x"}), 400, 401)
    headers = login("officer")
    assert_error(client.get("/api/v1/process-instances?process_key=a%00b", headers=headers), 400)
    assert_error(client.get("/api/v1/tasks/a%00b", headers=headers), 400, 404)
    assert_error(client.get("/api/v1/movements/a%00b", headers=headers), 400, 404)
    assert_error(client.post("/api/v1/process-instances", json={"process_key": "three\x00lanes"},
                             headers=headers), 400, 422)
    assert_error(client.post("/api/v1/process-instances", json={"process_key": "three_lanes",
                                                                "data": {"note": "a\x00b"}}, headers=headers), 400, 422)
    assert counts(session) == before


def test_deep_json_surrogates_and_nan(client, org, login, session):
    headers = {**login("officer"), "Content-Type": "application/json"}
    before = counts(session)
    deep = '{"process_key": "three_lanes", "data": {"x": ' + "[" * 1000 + "]" * 1000 + "}}"
    assert_error(client.post("/api/v1/process-instances", data=deep, headers=headers), 400, 422)
    deeper = "[" * 100000 + "]" * 100000
    assert_error(client.post("/api/v1/process-instances", data=deeper, headers=headers), 400, 422)
    surrogate = '{"process_key": "three_lanes", "data": {"x": "\\ud800"}}'
    assert_error(client.post("/api/v1/process-instances", data=surrogate, headers=headers), 400, 422)
    for constant in ("NaN", "Infinity", "-Infinity"):
        body = '{"process_key": "three_lanes", "data": {"x": ' + constant + '}}'
        assert_error(client.post("/api/v1/process-instances", data=body, headers=headers), 400, 422)
    assert counts(session) == before


def test_strings_longer_than_their_column(client, org, login, session):
    headers = login("sysadmin")
    before = counts(session)
    long = "a" * 5000
    body = {"username": "u1", "password": "p" * 12, "full_name": "N", "email": long + "@x.vn"}
    assert_error(client.post("/api/v1/admin/users", json=body, headers=headers), 422)
    assert_error(client.post("/api/v1/admin/users", json={**body, "email": None, "username": long},
                             headers=headers), 422)
    assert_error(client.post("/api/v1/admin/org-units", json={"code": long, "name": "x", "kind": "department"},
                             headers=headers), 422)
    assert_error(client.post("/api/v1/process-instances", json={"process_key": long}, headers=login("officer")),
                 404, 422)
    assert_error(client.patch("/api/v1/admin/users/officer", json={"full_name": long}, headers=headers), 422)
    assert counts(session) == before


def test_content_types(client, org, login, session):
    headers = login("officer")
    before = counts(session)
    body = '{"process_key": "three_lanes"}'
    for content_type in ("text/plain", None, "application/x-www-form-urlencoded"):
        extra = {"Content-Type": content_type} if content_type else {}
        response = client.post("/api/v1/process-instances", data=body, headers={**headers, **extra})
        assert_error(response, 415)
    assert counts(session) == before
    ok = client.post("/api/v1/process-instances", data=body,
                     headers={**headers, "Content-Type": "application/json; charset=utf-8"})
    assert ok.status_code == 201


def test_trace_and_unknown_methods_answer_405_with_allow(client, org, login):
    for method in ("TRACE", "PUT", "DELETE"):
        response = client.open("/api/v1/process-instances", method=method, headers=login("officer"))
        assert_error(response, 405)
        assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}


def test_over_long_urls_and_headers_answer_the_json_error(client, org, login):
    assert_error(client.get("/api/v1/process-instances?process_key=" + "a" * 20000, headers=login("officer")),
                 414)
    assert_error(client.get("/api/v1/tasks", headers={**login("officer"), "X-Padding": "a" * 40000}), 431)


def test_bodies_over_the_limit_are_413_even_chunked(app, client, org, login):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    body = b'{"process_key": "three_lanes", "data": {"x": "' + b"a" * 5000 + b'"}}'
    headers = {**login("officer"), "Content-Type": "application/json"}
    assert_error(client.post("/api/v1/process-instances", data=body, headers=headers), 413)

    # As the server hands a chunked body over: no Content-Length, a stream the server terminates.
    chunked = client.post("/api/v1/process-instances", input_stream=io.BytesIO(body),
                          headers={**headers, "Transfer-Encoding": "chunked"},
                          environ_overrides={"wsgi.input_terminated": True})
    assert_error(chunked, 413)


def test_a_comments_nominee_id_beyond_range_is_refused_without_sign_in(client, org):
    response = client.post("/api/v1/public/notices/1/comments",
                           json={"nominee_id": 2**63, "author_name": "Nguyễn Văn A", "content": "Ý kiến"})
    assert set(assert_error(response, 422)["error"]["details"]["fields"]) == {"nominee_id"}


SCRIPT_THEN_FAIL = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="http://vinhdanh.vn/test">
  <bpmn:process id="script_then_fail" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:scriptTask id="compute" name="Compute"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:script>when = date(2026, 1, 2)
ratio = 1 / 0</bpmn:script></bpmn:scriptTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="compute" />
    <bpmn:sequenceFlow id="f2" sourceRef="compute" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>"""


def test_a_script_that_leaves_a_non_json_value_then_fails_puts_the_instance_in_error(client, org, login, deploy):
    deploy(files={"script_then_fail.bpmn": SCRIPT_THEN_FAIL})
    response = client.post("/api/v1/process-instances", json={"process_key": "script_then_fail"},
                           headers=login("officer"))
    assert response.status_code == 201, response.get_data(as_text=True)[:500]
    instance = response.get_json()
    assert instance["status"] == "error"
    assert "division" in instance["error"]["message"]
    history = client.get(f"/api/v1/process-instances/{instance['id']}/history", headers=login("officer")).get_json()
    assert "instance.error" in [event["action"] for event in history["items"]]
