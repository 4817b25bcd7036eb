"""Migrating running instances to another version: the preview says what moves and what cannot; a moved
instance continues on the new version's flows; one that cannot stays untouched; each move is audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from service.errors import InvalidState, PermissionDenied
from service.models import AuditEvent, HumanTask, ProcessInstance
from service.operations import instance_migration, instances, tasks

from ..conftest import read_fixture

KEY = "three_lanes"


def _v2() -> bytes:
    """t1 → t1b (new) → t2 → t3; t3 renamed."""
    xml = read_fixture("three_lanes.bpmn").decode()
    xml = xml.replace('<bpmn:sequenceFlow id="f2" sourceRef="t1" targetRef="t2" />',
                      '<bpmn:sequenceFlow id="f2" sourceRef="t1" targetRef="t1b" />'
                      '<bpmn:sequenceFlow id="f2b" sourceRef="t1b" targetRef="t2" />')
    xml = xml.replace('<bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>',
                      '<bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>'
                      '<bpmn:userTask id="t1b" name="Kiểm tra bổ sung"><bpmn:incoming>f2</bpmn:incoming>'
                      '<bpmn:outgoing>f2b</bpmn:outgoing></bpmn:userTask>', 1)
    xml = xml.replace('<bpmn:userTask id="t2" name="Thủ trưởng ký"><bpmn:incoming>f2</bpmn:incoming>',
                      '<bpmn:userTask id="t2" name="Thủ trưởng ký"><bpmn:incoming>f2b</bpmn:incoming>')
    xml = xml.replace("<bpmn:flowNodeRef>t1</bpmn:flowNodeRef>",
                      "<bpmn:flowNodeRef>t1</bpmn:flowNodeRef><bpmn:flowNodeRef>t1b</bpmn:flowNodeRef>")
    return xml.encode()


def _v3_without_t2() -> bytes:
    xml = read_fixture("three_lanes.bpmn").decode()
    xml = xml.replace('<bpmn:userTask id="t2" name="Thủ trưởng ký"><bpmn:incoming>f2</bpmn:incoming>'
                      '<bpmn:outgoing>f3</bpmn:outgoing></bpmn:userTask>', "")
    xml = xml.replace('<bpmn:sequenceFlow id="f2" sourceRef="t1" targetRef="t2" />', "")
    xml = xml.replace('<bpmn:sequenceFlow id="f3" sourceRef="t2" targetRef="t3" />',
                      '<bpmn:sequenceFlow id="f3" sourceRef="t1" targetRef="t3" />')
    xml = xml.replace("<bpmn:outgoing>f2</bpmn:outgoing>", "<bpmn:outgoing>f3</bpmn:outgoing>")
    return xml.replace("<bpmn:flowNodeRef>t2</bpmn:flowNodeRef>", "").encode()


@pytest.fixture
def world(deploy, create_user, create_org_unit, session):
    create_org_unit("CITY", kind="city_peoples_committee")
    create_org_unit("DEPT", parent_code="CITY")
    users = {name: create_user(name, unit, roles) for name, unit, roles in (
        ("officer", "DEPT", ["unit_officer"]), ("head", "DEPT", ["unit_head"]), ("padmin", "CITY", ["process_admin"]),
        ("watcher", "CITY", ["auditor"]))}
    deploy("three_lanes.bpmn")
    at_t1 = instances.start_instance(session, actor=users["officer"], process_key=KEY)
    at_t2 = instances.start_instance(session, actor=users["officer"], process_key=KEY)
    session.commit()
    tasks.complete(session, actor=users["officer"], task_id=_open(session, at_t2).id, data={})
    session.commit()
    deploy(files={"three_lanes.bpmn": _v2()})
    return {"users": users, "at_t1": at_t1, "at_t2": at_t2}


def _open(session, instance) -> HumanTask:
    return session.scalar(select(HumanTask).where(HumanTask.instance_id == instance.id, HumanTask.state == "open"))


def test_preview_then_migrate_and_continue_on_the_new_flow(world, session):
    padmin = world["users"]["padmin"]
    previews = {p.instance.id: p for p in instance_migration.preview(
        session, actor=padmin, process_key=KEY, from_version=1, to_version=2)}
    assert previews[world["at_t1"].id].possible and previews[world["at_t1"].id].moves == ["t1"]
    assert previews[world["at_t2"].id].moves == ["t2"]
    task_before = _open(session, world["at_t1"]).id
    instance_migration.migrate_instance(session, actor=padmin, instance_id=world["at_t1"].id, to_version=2)
    session.commit()
    instance = session.get(ProcessInstance, world["at_t1"].id)
    assert instance.version == 2
    assert _open(session, instance).id == task_before  # the open task carried over, not recreated
    tasks.complete(session, actor=world["users"]["officer"], task_id=task_before, data={})
    session.commit()
    assert _open(session, instance).element_id == "t1b"  # the step only version 2 has
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "instance.migrated"))
    assert event.details == {"from_version": 1, "to_version": 2, "moved": ["t1"]} and event.actor == "padmin"


def test_an_instance_that_cannot_move_stays_untouched(world, session, deploy):
    deploy(files={"three_lanes.bpmn": _v3_without_t2()})
    padmin = world["users"]["padmin"]
    previews = {p.instance.id: p for p in instance_migration.preview(
        session, actor=padmin, process_key=KEY, from_version=1, to_version=3)}
    blocked = previews[world["at_t2"].id]
    assert not blocked.possible and blocked.blockers[0][0] == "t2"
    state_before = dict(world["at_t2"].state)
    outcome = instance_migration.migrate_many(session, actor=padmin, to_version=3,
                                              instance_ids=[world["at_t1"].id, world["at_t2"].id])
    session.commit()
    assert outcome[world["at_t1"].id] is None
    assert "không còn" in str(outcome[world["at_t2"].id])
    untouched = session.get(ProcessInstance, world["at_t2"].id)
    assert untouched.version == 1 and untouched.state == state_before
    assert _open(session, untouched).element_id == "t2"


def test_only_process_admins_migrate(world, session):
    with pytest.raises(PermissionDenied):
        instance_migration.migrate_instance(session, actor=world["users"]["watcher"],
                                            instance_id=world["at_t1"].id, to_version=2)
    with pytest.raises(InvalidState):
        instance_migration.migrate_instance(session, actor=world["users"]["padmin"],
                                            instance_id=world["at_t1"].id, to_version=1)
