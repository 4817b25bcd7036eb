"""How a step is written: Core statements, nothing left for the unit of work, audit after the version check."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select, update
from sqlalchemy.orm.exc import StaleDataError

from service.db import utcnow
from service.models import AuditEvent, HumanTask, Notification, ProcessInstance, TaskOffer, User
from service.operations import audit, instances, lane_roles, step_writes, tasks


@pytest.fixture
def people(create_org_unit, create_user, deploy):
    create_org_unit("CITY", kind="city_peoples_committee")
    create_org_unit("DEPT", parent_code="CITY")
    deploy("three_lanes.bpmn")
    return {
        "officer": create_user("officer", "DEPT", ["unit_officer"]),
        "head": create_user("head", "DEPT", ["unit_head"]),
    }


@pytest.fixture
def statements(session):
    sent: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        sent.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    yield sent
    event.remove(engine, "before_cursor_execute", count)


def _open_task(session, instance_id: int) -> HumanTask:
    return session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                   HumanTask.state == "open")).one()


def test_a_completion_leaves_nothing_for_the_unit_of_work(session, people, statements):
    instance = instances.start_instance(session, actor=people["officer"], process_key="three_lanes")
    session.commit()
    first = _open_task(session, instance.id)
    version = instance.lock_version

    statements.clear()
    tasks.complete(session, actor=people["officer"], task_id=first.id, data={"lane": 0})
    sent_by_step = len(statements)
    assert instance not in session.dirty and not session.new
    session.flush()
    assert len(statements) == sent_by_step, statements[sent_by_step:]  # the flush had nothing to write
    session.commit()

    # The objects the session holds agree with the rows.
    assert instance.lock_version == version + 1 and first.state == "completed"
    assert first.completed_by_id == people["officer"].id and first.completed_at is not None
    session.expire_all()
    stored = session.get(ProcessInstance, instance.id)
    assert stored.lock_version == version + 1
    assert session.get(HumanTask, first.id).state == "completed"
    assert session.scalars(select(TaskOffer.available).where(TaskOffer.task_id == first.id)).all() == [False]
    second = _open_task(session, instance.id)
    assert second.element_id != first.element_id and second.role_key == "unit_head"
    assert session.scalars(select(TaskOffer.available).where(TaskOffer.task_id == second.id)).all() == [True]
    # The offer carries its task's process: inboxes filtered by process read the offer indexes alone.
    assert session.scalars(select(TaskOffer.process_key).where(TaskOffer.task_id == second.id)).all() == [
        "three_lanes"]
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.instance_id == instance.id)
                              .order_by(AuditEvent.seq)).all()
    assert actions[-2:] == ["task.completed", "task.created"]
    assert stored.audit_seq == len(actions)
    assert audit.verify_stream(session, f"instance:{instance.id}") == []


def test_events_of_a_rolled_back_savepoint_are_not_written(session, people):
    instance = instances.start_instance(session, actor=people["officer"], process_key="three_lanes")
    session.commit()
    before = instance.audit_seq
    audit.record(session, action="note.kept", actor="officer", instance_id=instance.id)
    with pytest.raises(RuntimeError), session.begin_nested():
        audit.record(session, action="note.dropped", actor="officer", instance_id=instance.id)
        raise RuntimeError("the savepoint's work is undone")
    audit.record(session, action="note.after", actor="officer", instance_id=instance.id)
    session.commit()

    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.instance_id == instance.id)
                              .order_by(AuditEvent.seq)).all()
    assert actions[before:] == ["note.kept", "note.after"]
    assert session.get(ProcessInstance, instance.id).audit_seq == before + 2
    assert audit.verify_stream(session, f"instance:{instance.id}") == []


def test_events_recorded_outside_a_step_are_written_with_their_instance(session, people):
    instance = instances.start_instance(session, actor=people["officer"], process_key="three_lanes")
    session.commit()
    task = _open_task(session, instance.id)
    tasks.claim(session, actor=people["officer"], task_id=task.id)
    # Read back in the same transaction: the claim's event is there, after the head it moved.
    claimed = session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance.id,
                                                       AuditEvent.action == "task.claimed")).one()
    assert claimed.seq == instance.audit_seq
    session.rollback()
    assert session.scalars(select(AuditEvent).where(AuditEvent.action == "task.claimed")).all() == []
    assert audit.verify_stream(session, f"instance:{instance.id}") == []


@pytest.mark.parametrize("events", [1, 3])
def test_a_lost_race_writes_neither_the_step_nor_its_events(session, people, events):
    instance = instances.start_instance(session, actor=people["officer"], process_key="three_lanes")
    session.commit()
    version = instance.lock_version
    with session.get_bind().connect() as other:  # another writer moved the instance meanwhile
        other.execute(update(ProcessInstance).where(ProcessInstance.id == instance.id)
                      .values(lock_version=version + 1))
        other.commit()
    for number in range(events):
        audit.record(session, action=f"note.lost{number}", actor="officer", instance_id=instance.id)
    with pytest.raises(StaleDataError):
        step_writes.update_instance(session, instance, {"status": "completed", "updated_at": utcnow()})
    # In the same transaction (plain reads: the failed step's object changes are never flushed): nothing
    # of the step reached the tables.
    connection = session.connection()
    lost = select(AuditEvent.id).where(AuditEvent.instance_id == instance.id, AuditEvent.action.like("note.lost%"))
    assert connection.execute(lost).all() == []
    assert connection.scalar(select(ProcessInstance.status).where(ProcessInstance.id == instance.id)) == "running"
    session.rollback()


def test_the_usual_step_in_one_statement_stops_at_a_lost_race(session, people):
    """PostgreSQL writes the usual step (the instance and its events, the closed task, the new task with
    its offer and notifications) in one statement: when the version check fails it raises, and the
    rolled-back transaction keeps none of it. Elsewhere it declines without writing or taking anything."""
    instance = instances.start_instance(session, actor=people["officer"], process_key="three_lanes")
    session.commit()
    first = _open_task(session, instance.id)
    with session.get_bind().connect() as other:  # another writer moved the instance meanwhile
        other.execute(update(ProcessInstance).where(ProcessInstance.id == instance.id)
                      .values(lock_version=instance.lock_version + 1))
        other.commit()
    audit.record(session, action="note.lost", actor="officer", instance_id=instance.id)
    now = utcnow()
    new_task = {"id": "lost-race-task", "instance_id": instance.id, "process_key": "three_lanes",
                "element_id": "t2", "name": "t2", "lane": None, "role_key": "unit_head",
                "org_unit_id": first.org_unit_id, "assignee_id": None, "claimed": False, "state": "open",
                "created_at": now, "due_at": None, "completed_at": None, "completed_by_id": None}
    offer = {"task_id": "lost-race-task", "role_key": "unit_head", "org_unit_id": first.org_unit_id,
             "user_id": None, "available": True, "created_at": now, "shared": False, "process_key": "three_lanes"}
    arguments = (session, instance, {"status": "completed", "updated_at": now},
                 [(first.id, "completed", people["officer"].id)], [new_task], [offer], now)
    if session.get_bind().dialect.name != "postgresql":
        assert step_writes.write_usual_step(*arguments) is False
        assert audit.has_pending(session)  # left for the statements written in parts
        session.rollback()
        return
    with pytest.raises(StaleDataError):
        step_writes.write_usual_step(*arguments)
    session.rollback()
    assert session.get(HumanTask, "lost-race-task") is None
    assert _open_task(session, instance.id).id == first.id
    assert session.scalar(select(TaskOffer.available).where(TaskOffer.task_id == first.id)) is True
    assert session.scalars(select(Notification).where(Notification.task_id == "lost-race-task")).all() == []
    assert session.scalars(select(AuditEvent).where(AuditEvent.action == "note.lost")).all() == []
    assert session.get(ProcessInstance, instance.id).status == "running"


def test_a_step_s_events_are_written_with_its_update(session, people):
    instance = instances.start_instance(session, actor=people["officer"], process_key="three_lanes")
    session.commit()
    first = _open_task(session, instance.id)
    tasks.complete(session, actor=people["officer"], task_id=first.id, data={"lane": 0})
    session.commit()
    second = _open_task(session, instance.id)
    tasks.complete(session, actor=people["head"], task_id=second.id, data={"lane": 1})
    session.commit()
    rows = session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance.id)
                           .order_by(AuditEvent.seq)).all()
    assert [row.seq for row in rows] == list(range(1, len(rows) + 1))
    assert [row.action for row in rows].count("task.completed") == 2
    assert rows[-1].details["task_id"] != first.id and isinstance(rows[-1].details, dict)
    assert rows[-1].at.tzinfo is not None
    assert audit.verify_stream(session, f"instance:{instance.id}") == []


def test_a_lane_mapping_edited_elsewhere_counts_for_the_next_step(app, session, people, create_user):
    admin = create_user("padmin", roles=["process_admin"])
    session.commit()
    first = instances.start_instance(session, actor=people["officer"], process_key="three_lanes")
    session.commit()
    tasks.complete(session, actor=people["officer"], task_id=_open_task(session, first.id).id, data={"lane": 0})
    session.commit()  # this process now holds the version's mapping: Unit_Head -> unit_head
    assert _open_task(session, first.id).role_key == "unit_head"

    # Another worker's request (its own session and transaction) points the lane at another role.
    with app.extensions["vinhdanh"].session_factory() as other:
        lane_roles.update_mappings(other, actor=other.get(User, admin.id), process_key="three_lanes", version=1,
                                   values=[{"kind": "lane", "name": "Unit_Head", "role_key": "superior_head"}])
        other.commit()

    second = instances.start_instance(session, actor=people["officer"], process_key="three_lanes")
    session.commit()
    tasks.complete(session, actor=people["officer"], task_id=_open_task(session, second.id).id, data={"lane": 0})
    session.commit()
    assert _open_task(session, second.id).role_key == "superior_head"


def _count_requests(client, headers: dict, statements) -> dict[str, list[str]]:
    """Statements of one start and of its first completion through the API."""
    sent = {}
    for _ in range(2):  # the second round runs on warm caches, as a server does
        statements.clear()
        reply = client.post("/api/v1/process-instances", json={"process_key": "three_lanes"}, headers=headers)
        assert reply.status_code == 201, reply.get_json()
        sent["start"] = list(statements)
        task_id = reply.get_json()["tasks"][0]["id"]
        statements.clear()
        reply = client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": {"lane": 0}}, headers=headers)
        assert reply.status_code == 200, reply.get_json()
        sent["complete"] = list(statements)
    return sent


def test_statements_per_start_and_completion_are_pinned(client, login, session, people, statements):
    """Issue 15: each statement costs CPU on both sides; one more on the hot path must be a decision.

    SQLite: BEGIN IMMEDIATE, the user, (start: the version, the unit, the instance INSERT | completion:
    the task with its instance, one read), the versioned UPDATE, the audit rows, (completion: the task
    closed, its offers withdrawn), the new task, its offer, its notifications. PostgreSQL writes the
    usual step in one statement (step_writes.write_usual_step): the UPDATE with its audit rows, the
    closed task with its offers, the new task with its offer and notifications.
    """
    sent = _count_requests(client, login("officer"), statements)
    expected = {"sqlite": {"start": 10, "complete": 10}, "postgresql": {"start": 5, "complete": 3}}
    dialect = session.get_bind().dialect.name
    assert {name: len(found) for name, found in sent.items()} == expected[dialect], sent
    assert not any("lane_role_mappings" in statement for found in sent.values() for statement in found)
