"""Suspend, resume and skip: a suspended instance accepts no completion (409 with the reason), fires no timer
and catches no message until resumed; skip marks the failed element done and runs on; each is audited with
its reason and only process administrators may do them."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from service.db import utcnow
from service.errors import Conflict, InvalidState, NotFound, PermissionDenied, ValidationFailed
from service.models import AuditEvent, HumanTask, ProcessInstance, Timer
from service.operations import instance_control, instances, messages, tasks
from service.worker import run_due_timers

from .test_monitoring import FAILING, _sign_in

PROCESSES = ("three_lanes.bpmn", "timers/intermediate_timer.bpmn", "elements/msg_plain.bpmn")


@pytest.fixture
def users(deploy, create_user, create_org_unit):
    create_org_unit("CITY", kind="city_peoples_committee")
    create_org_unit("DEPT", parent_code="CITY")
    deploy(*PROCESSES)
    deploy(files={"failing.bpmn": FAILING})
    return {name: create_user(name, unit, roles) for name, unit, roles in (
        ("officer", "DEPT", ["unit_officer"]), ("padmin", "CITY", ["process_admin"]),
        ("watcher", "CITY", ["auditor"]), ("bus", "CITY", ["integration"]))}


@pytest.fixture
def factory(app):
    return app.extensions["vinhdanh"].session_factory


def _start(session, users, key: str, data: dict | None = None) -> ProcessInstance:
    instance = instances.start_instance(session, actor=users["officer"], process_key=key, data=data or {})
    session.commit()
    return instance


def _open(session, instance) -> HumanTask:
    return session.scalar(select(HumanTask).where(HumanTask.instance_id == instance.id, HumanTask.state == "open"))


def _events(session, instance_id: int, action: str) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance_id,
                                                          AuditEvent.action == action)))


def test_a_suspended_instance_accepts_no_completion_until_resumed(users, session):
    instance = _start(session, users, "three_lanes")
    task = _open(session, instance)
    instance_control.suspend(session, actor=users["padmin"], instance_id=instance.id, reason="Chờ kết luận thanh tra")
    session.commit()
    assert instance.status == "suspended" and instance.suspension["resume_status"] == "running"
    with pytest.raises(Conflict) as refused:
        tasks.complete(session, actor=users["officer"], task_id=task.id, data={})
    assert refused.value.code == "instance_suspended" and "Chờ kết luận thanh tra" in str(refused.value.message)
    session.rollback()
    assert _open(session, instance).id == task.id  # nothing moved

    instance_control.resume(session, actor=users["padmin"], instance_id=instance.id, reason="Đã có kết luận")
    session.commit()
    assert instance.status == "running" and instance.suspension is None
    tasks.complete(session, actor=users["officer"], task_id=task.id, data={})
    session.commit()
    assert _open(session, instance).element_id == "t2"
    [suspended] = _events(session, instance.id, "instance.suspended")
    [resumed] = _events(session, instance.id, "instance.resumed")
    assert suspended.actor == "padmin" and suspended.details == {"reason": "Chờ kết luận thanh tra"}
    assert resumed.details == {"reason": "Đã có kết luận"}


def test_a_suspended_instance_fires_no_timer_until_resumed(users, session, factory):
    instance = _start(session, users, "intermediate_timer")
    instance_control.suspend(session, actor=users["padmin"], instance_id=instance.id, reason="Tạm dừng")
    session.commit()
    [timer] = session.scalars(select(Timer).where(Timer.instance_id == instance.id))
    time.sleep(max(0.0, (timer.fire_at - utcnow()).total_seconds()) + 0.05)
    assert run_due_timers(factory) == 0
    session.expire_all()
    assert session.get(ProcessInstance, instance.id).status == "suspended"
    assert session.scalars(select(Timer).where(Timer.instance_id == instance.id)).all()  # kept for the resume
    assert not _events(session, instance.id, "timer.fired")

    instance_control.resume(session, actor=users["padmin"], instance_id=instance.id, reason="Tiếp tục")
    session.commit()
    assert instance.status == "waiting"
    assert run_due_timers(factory) == 1  # came due while suspended: fires at the next pass
    session.expire_all()
    assert _open(session, instance).element_id == "after"


def test_a_suspended_instance_catches_no_message_until_resumed(users, session):
    instance = _start(session, users, "el_msg_plain", {"doc_no": "A1"})
    instance_control.suspend(session, actor=users["padmin"], instance_id=instance.id, reason="Tạm dừng")
    session.commit()
    with pytest.raises(NotFound):
        messages.send_message(session, actor=users["bus"], name="el_signed", correlation={"doc_no": "A1"},
                              payload={})
    session.rollback()
    instance_control.resume(session, actor=users["padmin"], instance_id=instance.id, reason="Tiếp tục")
    session.commit()
    assert messages.send_message(session, actor=users["bus"], name="el_signed", correlation={"doc_no": "A1"},
                                 payload={}) == [instance.id]


def test_skip_marks_the_failed_element_done_and_runs_on(users, session):
    broken = _start(session, users, "failing")
    assert broken.status == "error"
    with pytest.raises(ValidationFailed):
        instance_control.skip(session, actor=users["padmin"], instance_id=broken.id, reason="  ")
    instance_control.skip(session, actor=users["padmin"], instance_id=broken.id, reason="Đã tính tay")
    session.commit()
    assert broken.status == "completed"
    [skipped] = _events(session, broken.id, "element.skipped")
    assert (skipped.element_id, skipped.actor, skipped.details) == ("boom", "padmin", {"reason": "Đã tính tay"})
    assert not _events(session, broken.id, "element.completed")  # skipped, not run
    with pytest.raises(InvalidState):
        instance_control.skip(session, actor=users["padmin"], instance_id=broken.id, reason="Lần nữa")


def test_only_process_admins_and_only_in_the_right_status(users, session):
    instance = _start(session, users, "three_lanes")
    with pytest.raises(PermissionDenied):
        instance_control.suspend(session, actor=users["watcher"], instance_id=instance.id, reason="x")
    with pytest.raises(NotFound):
        instance_control.suspend(session, actor=users["officer"], instance_id=instance.id + 999, reason="x")
    with pytest.raises(InvalidState):
        instance_control.resume(session, actor=users["padmin"], instance_id=instance.id, reason="x")
    with pytest.raises(InvalidState):
        instance_control.skip(session, actor=users["padmin"], instance_id=instance.id, reason="x")
    instance_control.suspend(session, actor=users["padmin"], instance_id=instance.id, reason="x")
    with pytest.raises(InvalidState):
        instance_control.suspend(session, actor=users["padmin"], instance_id=instance.id, reason="x")


def test_api_suspend_refuses_completion_with_409_and_resume(users, session, client, login):
    instance = _start(session, users, "three_lanes")
    task_id = _open(session, instance).id
    base = f"/api/v1/process-instances/{instance.id}"
    assert client.post(f"{base}/suspend", json={}, headers=login("padmin")).status_code == 422
    assert client.post(f"{base}/suspend", json={"reason": "x"}, headers=login("watcher")).status_code == 403
    suspended = client.post(f"{base}/suspend", json={"reason": "Chờ xác minh"}, headers=login("padmin"))
    assert suspended.status_code == 200 and suspended.get_json()["status"] == "suspended"
    refused = client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": {}}, headers=login("officer"))
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "instance_suspended"
    assert "Chờ xác minh" in refused.get_json()["error"]["message"]
    resumed = client.post(f"{base}/resume", json={"reason": "Xong"}, headers=login("padmin"))
    assert resumed.status_code == 200 and resumed.get_json()["status"] == "running"
    assert client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": {}},
                       headers=login("officer")).status_code == 200
    broken = _start(session, users, "failing")
    skipped = client.post(f"/api/v1/process-instances/{broken.id}/skip", json={"reason": "Bỏ qua"},
                          headers=login("padmin"))
    assert skipped.status_code == 200 and skipped.get_json()["status"] == "completed"


def test_task_page_submission_says_the_instance_is_suspended(users, session, client):
    instance = _start(session, users, "three_lanes")
    task_id = _open(session, instance).id
    instance_control.suspend(session, actor=users["padmin"], instance_id=instance.id, reason="Chờ xác minh hồ sơ")
    session.commit()
    token = _sign_in(client, "officer")
    refused = client.post(f"/tasks/{task_id}", data={"csrf_token": token, "action": "submit"})
    assert refused.status_code == 409 and "Hồ sơ đang tạm dừng: Chờ xác minh hồ sơ" in refused.data.decode()
    session.expire_all()
    assert _open(session, instance).id == task_id
