"""Migrating running instances to another version: the preview says what moves and what cannot; a moved
instance continues on the new version's flows; one that cannot stays untouched; each move is audited."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from service.errors import InvalidState, PermissionDenied
from service.models import AuditEvent, HumanTask, MigrationJobItem, ProcessInstance
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


def test_an_instance_that_cannot_move_stays_untouched(world, session, deploy, app):
    deploy(files={"three_lanes.bpmn": _v3_without_t2()})
    padmin = world["users"]["padmin"]
    previews = {p.instance.id: p for p in instance_migration.preview(
        session, actor=padmin, process_key=KEY, from_version=1, to_version=3)}
    blocked = previews[world["at_t2"].id]
    assert not blocked.possible and blocked.blockers[0][0] == "t2"
    state_before = dict(world["at_t2"].state)
    job = instance_migration.start_job(session, actor=padmin, process_key=KEY, from_version=1, to_version=3)
    session.commit()
    waiting = instance_migration.job_progress(session, actor=padmin, job_id=job.id)
    assert (waiting.pending, waiting.moved, waiting.failed, waiting.finished) == (2, 0, 0, False)

    assert instance_migration.run_pending(_factory(app)) is False  # the worker's slice: everything done
    session.expire_all()
    progress = instance_migration.job_progress(session, actor=padmin, job_id=job.id)
    assert (progress.pending, progress.moved, progress.failed, progress.finished) == (0, 1, 1, True)
    assert progress.job.finished_at is not None
    [(failed_id, reason)] = progress.failures
    assert failed_id == world["at_t2"].id and "không còn" in reason
    untouched = session.get(ProcessInstance, world["at_t2"].id)
    assert untouched.version == 1 and untouched.state == state_before
    assert _open(session, untouched).element_id == "t2"
    assert session.get(ProcessInstance, world["at_t1"].id).version == 3
    moved_events = session.scalars(select(AuditEvent).where(AuditEvent.action == "instance.migrated")).all()
    assert [event.instance_id for event in moved_events] == [world["at_t1"].id]
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "migration.requested")).details["all"]

    # Re-running the failed ones: the cause remains, so it fails again; the moved one is not moved twice.
    assert instance_migration.rerun_failed(session, actor=padmin, job_id=job.id) == 1
    session.commit()
    instance_migration.run_pending(_factory(app))
    session.expire_all()
    again = instance_migration.job_progress(session, actor=padmin, job_id=job.id)
    assert (again.pending, again.moved, again.failed, again.job.finished_at is not None) == (0, 1, 1, True)
    assert session.scalar(select(func.count()).select_from(AuditEvent)
                          .where(AuditEvent.action == "instance.migrated")) == 1
    with pytest.raises(PermissionDenied):
        instance_migration.rerun_failed(session, actor=world["users"]["watcher"], job_id=job.id)


def test_rerunning_a_job_is_idempotent(world, session, app):
    padmin = world["users"]["padmin"]
    ids = [world["at_t1"].id, world["at_t2"].id]
    first = instance_migration.start_job(session, actor=padmin, process_key=KEY, from_version=1, to_version=2,
                                         instance_ids=ids)
    second = instance_migration.start_job(session, actor=padmin, process_key=KEY, from_version=1, to_version=2,
                                          instance_ids=ids)
    session.commit()
    instance_migration.run_pending(_factory(app))
    session.expire_all()
    for job in (first, second):
        progress = instance_migration.job_progress(session, actor=padmin, job_id=job.id)
        assert (progress.moved, progress.failed, progress.pending) == (2, 0, 0)
    # Each instance moved once, whichever job reached it first; the other found it there already.
    assert session.scalar(select(func.count()).select_from(AuditEvent)
                          .where(AuditEvent.action == "instance.migrated")) == 2
    assert {instance.version for instance in session.scalars(select(ProcessInstance))} == {2}


def test_an_instance_written_under_the_migration_is_retried_not_overwritten(world, session, app, monkeypatch):
    """Another step writes the instance between the migration's read and its write (simulated by moving
    the row's version, as a completion's versioned UPDATE does): the migration's versioned write loses,
    nothing of it is kept, and the item stays pending until a later batch moves it."""
    padmin = world["users"]["padmin"]
    instance_id = world["at_t1"].id
    job = instance_migration.start_job(session, actor=padmin, process_key=KEY, from_version=1, to_version=2,
                                       instance_ids=[instance_id])
    session.commit()
    state_before = dict(world["at_t1"].state)
    real_migrate = instance_migration.engine_migration.migrate
    raced = []

    def migrate_while_another_step_writes(*args, **kwargs):
        if not raced:
            raced.append(True)
            context = step_context_session()
            context.execute(update(ProcessInstance).where(ProcessInstance.id == instance_id)
                            .values(lock_version=ProcessInstance.lock_version + 1))
        return real_migrate(*args, **kwargs)

    monkeypatch.setattr(instance_migration.engine_migration, "migrate", migrate_while_another_step_writes)
    factory = _factory(app)
    with factory() as worker_session:
        def step_context_session():
            return worker_session.connection()

        assert instance_migration.run_batch(worker_session) == 1
        worker_session.commit()
    session.expire_all()
    item = session.get(MigrationJobItem, (job.id, instance_id))
    assert item.state == "pending" and item.attempts == 1
    instance = session.get(ProcessInstance, instance_id)
    assert instance.version == 1 and instance.state == state_before
    assert instance_migration.run_pending(factory) is False
    session.expire_all()
    assert session.get(ProcessInstance, instance_id).version == 2
    assert session.get(MigrationJobItem, (job.id, instance_id)).state == "moved"


def test_an_instance_a_request_holds_is_left_for_later(world, session, app):
    """PostgreSQL: a completion holding the instance's task row makes the worker pass it by (NOWAIT), not wait."""
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite serializes writers")
    padmin, officer = world["users"]["padmin"], world["users"]["officer"]
    instance_id = world["at_t1"].id
    job = instance_migration.start_job(session, actor=padmin, process_key=KEY, from_version=1, to_version=2,
                                       instance_ids=[instance_id, world["at_t2"].id])
    session.commit()
    factory = _factory(app)
    with factory() as request:
        task = request.scalar(select(HumanTask).where(HumanTask.instance_id == instance_id, HumanTask.state == "open")
                              .with_for_update())
        assert instance_migration.run_pending(factory) is False
        tasks.complete(request, actor=officer, task_id=task.id, data={})
        request.commit()
    session.expire_all()
    assert session.get(MigrationJobItem, (job.id, world["at_t2"].id)).state == "moved"
    assert session.get(MigrationJobItem, (job.id, instance_id)).state == "pending"
    instance_migration.run_pending(factory)
    session.expire_all()
    instance = session.get(ProcessInstance, instance_id)
    assert instance.version == 2 and _open(session, instance).element_id == "t2"


def test_a_job_whose_last_items_ended_elsewhere_is_finished_by_the_next_pass(world, session, app):
    """Two workers ending a job's last batches together each see the other's items still pending; the next
    pass, which finds nothing to claim, writes the job's end."""
    job = instance_migration.start_job(session, actor=world["users"]["padmin"], process_key=KEY, from_version=1,
                                       to_version=2)
    session.commit()
    session.execute(update(MigrationJobItem).values(state="moved"))  # as if both workers committed
    session.commit()
    with _factory(app)() as worker_session:
        assert instance_migration.run_batch(worker_session) == 0
        worker_session.commit()
    session.expire_all()
    assert instance_migration.job_progress(session, actor=world["users"]["padmin"],
                                           job_id=job.id).job.finished_at is not None


def _factory(app):
    return app.extensions["vinhdanh"].session_factory


def test_only_process_admins_migrate(world, session):
    with pytest.raises(PermissionDenied):
        instance_migration.migrate_instance(session, actor=world["users"]["watcher"],
                                            instance_id=world["at_t1"].id, to_version=2)
    with pytest.raises(InvalidState):
        instance_migration.migrate_instance(session, actor=world["users"]["padmin"],
                                            instance_id=world["at_t1"].id, to_version=1)
