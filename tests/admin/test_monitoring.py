"""Monitoring: counts by process/version/status/unit, the heat map of a version, instances in error with retry
and terminate through the pages (audited, a reason required), read-only for auditors, 404 for others."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from service.models import AuditEvent, AwardRound, Dossier, HumanTask, Movement, OrgUnit, ProcessInstance
from service.operations import instances, monitoring, tasks
from service.operations.monitoring import InstanceFilters

from ..conftest import PASSWORD

FAILING = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="http://x">
  <bpmn:process id="failing" name="Luôn lỗi" isExecutable="true">
    <bpmn:startEvent id="s"><bpmn:outgoing>a</bpmn:outgoing></bpmn:startEvent>
    <bpmn:scriptTask id="boom" name="Tính" scriptFormat="python"><bpmn:incoming>a</bpmn:incoming>
      <bpmn:outgoing>b</bpmn:outgoing><bpmn:script>result = missing_value + 1</bpmn:script></bpmn:scriptTask>
    <bpmn:endEvent id="e"><bpmn:incoming>b</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="a" sourceRef="s" targetRef="boom" />
    <bpmn:sequenceFlow id="b" sourceRef="boom" targetRef="e" />
  </bpmn:process>
</bpmn:definitions>
""".encode()


@pytest.fixture
def world(deploy, create_user, create_org_unit, session):
    create_org_unit("CITY", kind="city_peoples_committee")
    create_org_unit("DEPT", parent_code="CITY")
    deploy("three_lanes.bpmn")
    deploy(files={"failing.bpmn": FAILING})
    users = {name: create_user(name, unit, roles) for name, unit, roles in (
        ("officer", "DEPT", ["unit_officer"]), ("padmin", "CITY", ["process_admin"]),
        ("watcher", "CITY", ["auditor"]))}
    started = [instances.start_instance(session, actor=users["officer"], process_key="three_lanes")
               for _ in range(3)]
    session.commit()
    first = session.scalar(select(HumanTask).where(HumanTask.instance_id == started[0].id))
    tasks.complete(session, actor=users["officer"], task_id=first.id, data={})
    broken = instances.start_instance(session, actor=users["officer"], process_key="failing")
    session.commit()
    return {"users": users, "started": started, "broken": broken}


def test_heat_map_counts_active_tokens_and_completions(world, session):
    counts = monitoring.heat_map(session, actor=world["users"]["padmin"], process_key="three_lanes", version=1)
    assert counts["t1"] == {"active": 2, "completed": 1}
    assert counts["t2"] == {"active": 1, "completed": 0}
    assert "t3" not in counts


def test_overview_groups_and_filters(world, session):
    result = monitoring.overview(session, actor=world["users"]["watcher"], filters=InstanceFilters())
    by_key = {(g["process_key"], g["status"]): g["count"] for g in result.groups}
    assert by_key[("failing", "error")] == 1
    assert sum(count for (key, _), count in by_key.items() if key == "three_lanes") == 3
    only = monitoring.overview(session, actor=world["users"]["watcher"],
                               filters=InstanceFilters(status="error", unit_code="DEPT"))
    assert [i.id for i in only.instances] == [world["broken"].id]
    nowhere = monitoring.overview(session, actor=world["users"]["watcher"], filters=InstanceFilters(unit_code="CITY"))
    assert nowhere.total == 0 and nowhere.instances == []


def _sign_in(client, username):
    token = re.search(rb'name="csrf_token" value="([^"]+)"', client.get("/login").data).group(1).decode()
    signed = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    assert signed.status_code == 302
    return re.search(rb'name="csrf-token" content="([^"]+)"', client.get("/inbox").data).group(1).decode()


def test_error_page_retry_and_terminate_with_reason(world, client, session):
    token = _sign_in(client, "padmin")
    broken = world["broken"].id
    page = client.get("/admin/monitoring/errors")
    assert page.status_code == 200 and b"missing_value" in page.data and "Thử lại".encode() in page.data
    retried = client.post(f"/admin/monitoring/instances/{broken}/retry", data={"csrf_token": token})
    assert retried.status_code == 302
    after = client.get("/admin/monitoring/errors").data.decode()
    assert "vẫn lỗi" in after, re.findall(r"class=\"flash[^>]*>([^<]*)", after)
    refused = client.post(f"/admin/monitoring/instances/{broken}/terminate", data={"csrf_token": token, "reason": " "})
    assert refused.status_code == 302
    session.expire_all()
    assert session.get(ProcessInstance, broken).status == "error"
    ended = client.post(f"/admin/monitoring/instances/{broken}/terminate",
                        data={"csrf_token": token, "reason": "Quy trình thử nghiệm"})
    assert ended.status_code == 302
    session.expire_all()
    assert session.get(ProcessInstance, broken).status == "terminated"
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "instance.terminated"))
    assert event.details["reason"] == "Quy trình thử nghiệm" and event.actor == "padmin"
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "instance.retried")) is not None


def test_auditor_reads_monitoring_but_cannot_act(world, client, session):
    token = _sign_in(client, "watcher")
    assert client.get("/admin/monitoring").status_code == 200
    heat = client.get("/admin/monitoring/three_lanes/1/heat-map")
    assert heat.status_code == 200 and b'data-element-id="t1"' in heat.data
    errors = client.get("/admin/monitoring/errors")
    assert errors.status_code == 200 and "Chấm dứt".encode() not in errors.data
    client.post(f"/admin/monitoring/instances/{world['broken'].id}/terminate",
                data={"csrf_token": token, "reason": "x"})
    session.expire_all()
    assert session.get(ProcessInstance, world["broken"].id).status == "error"


def test_officer_gets_not_found(world, client):
    _sign_in(client, "officer")
    for path in ("/admin/monitoring", "/admin/monitoring/errors", "/admin/monitoring/three_lanes/1/heat-map"):
        assert client.get(path).status_code == 404, path


def test_reassign_to_an_eligible_person_with_a_reason(world, client, session, create_user):
    create_user("officer2", "DEPT", ["unit_officer"])
    create_user("stranger", "CITY", ["unit_officer"])  # the role, but in another unit: not eligible
    token = _sign_in(client, "padmin")
    instance = world["started"][1]
    task = session.scalar(select(HumanTask).where(HumanTask.instance_id == instance.id, HumanTask.state == "open"))
    page = client.get(f"/admin/monitoring/instances/{instance.id}").data.decode()
    assert 'value="officer2"' in page and 'value="stranger"' not in page
    refused = client.post(f"/admin/monitoring/tasks/{task.id}/reassign",
                          data={"csrf_token": token, "username": "stranger", "reason": "Nghỉ phép"})
    assert refused.status_code == 422
    assert "Vui lòng nhập lý do" not in refused.data.decode()
    missing = client.post(f"/admin/monitoring/tasks/{task.id}/reassign",
                          data={"csrf_token": token, "username": "officer2", "reason": " "})
    assert missing.status_code == 422 and "Vui lòng nhập lý do chuyển xử lý" in missing.data.decode()
    done = client.post(f"/admin/monitoring/tasks/{task.id}/reassign",
                       data={"csrf_token": token, "username": "officer2", "reason": "Nghỉ phép"})
    assert done.status_code == 302
    session.expire_all()
    assert session.get(HumanTask, task.id).assignee.username == "officer2"
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "task.reassigned"))
    assert event.details["reason"] == "Nghỉ phép" and event.details["to"] == "officer2"


def test_round_filter_finds_the_rounds_own_instance_and_its_dossiers(world, session):
    dept = session.scalar(select(OrgUnit).where(OrgUnit.code == "DEPT"))
    movement = Movement(code="PT-2026", name="Phong trào thi đua", decision_number="12/QĐ-UBND",
                        decision_date=date(2026, 1, 5), start_year=2026, end_year=2026)
    session.add(movement)
    session.flush()
    rounds = [AwardRound(code=code, movement_id=movement.id, year=2026, kind=kind, name=f"Đợt {code}",
                         opens_on=date(2026, 1, 10)) for code, kind in (("D1", "annual"), ("D2", "interim"))]
    session.add_all(rounds)
    session.flush()
    rounds[0].instance_id = world["started"][0].id
    session.add(Dossier(round_id=rounds[0].id, org_unit_id=dept.id, unit_name="Sở", unit_kind="department",
                        instance_id=world["started"][2].id))
    session.commit()
    watcher = world["users"]["watcher"]
    found = monitoring.overview(session, actor=watcher, filters=InstanceFilters(round_code="D1"))
    assert sorted(i.id for i in found.instances) == sorted([world["started"][0].id, world["started"][2].id])
    assert found.total == 2
    assert monitoring.overview(session, actor=watcher, filters=InstanceFilters(round_code="D2")).total == 0
    assert monitoring.overview(session, actor=watcher, filters=InstanceFilters(round_code="none")).total == 0
    assert [code for code, _ in monitoring.rounds(session, actor=watcher)] == ["D2", "D1"]


def test_suspend_resume_and_skip_through_the_pages(world, client, session):
    token = _sign_in(client, "padmin")
    instance = world["started"][1]
    path = f"/admin/monitoring/instances/{instance.id}"
    missing = client.post(f"{path}/suspend", data={"csrf_token": token, "reason": " "})
    assert missing.status_code == 302
    page = client.get(path).data.decode()
    assert "Vui lòng nhập lý do" in page and 'data-instance-status="running"' in page
    client.post(f"{path}/suspend", data={"csrf_token": token, "reason": "Chờ thanh tra"})
    page = client.get(path).data.decode()
    assert 'data-instance-status="suspended"' in page and "Chờ thanh tra" in page and "Cho chạy tiếp" in page
    listed = client.get("/admin/monitoring?status=suspended").data.decode()
    assert f">{instance.id}</a>" in listed
    client.post(f"{path}/resume", data={"csrf_token": token, "reason": "Đã xong"})
    session.expire_all()
    assert session.get(ProcessInstance, instance.id).status == "running"
    trail = select(AuditEvent).where(AuditEvent.instance_id == instance.id, AuditEvent.action.like("instance.%"))
    assert [e.action for e in session.scalars(trail.order_by(AuditEvent.seq))][-2:] == [
        "instance.suspended", "instance.resumed"]

    broken = world["broken"].id
    skipped = client.post(f"/admin/monitoring/instances/{broken}/skip",
                          data={"csrf_token": token, "reason": "Đã tính tay", "back": "errors"})
    assert skipped.location.endswith("/admin/monitoring/errors")
    assert "Đã bỏ qua bước lỗi" in client.get("/admin/monitoring/errors").data.decode()
    session.expire_all()
    assert session.get(ProcessInstance, broken).status == "completed"


def test_auditor_cannot_suspend(world, client, session):
    token = _sign_in(client, "watcher")
    instance = world["started"][1]
    page = client.get(f"/admin/monitoring/instances/{instance.id}").data.decode()
    assert "Tạm dừng hồ sơ" not in page
    client.post(f"/admin/monitoring/instances/{instance.id}/suspend", data={"csrf_token": token, "reason": "x"})
    session.expire_all()
    assert session.get(ProcessInstance, instance.id).status == "running"
