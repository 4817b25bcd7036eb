"""The audit trail of a timed instance is a hash chain: intact after real steps, broken by any edit."""

from __future__ import annotations

import time
from itertools import pairwise

import pytest
from sqlalchemy import JSON, bindparam, select, text

from service.db import utcnow
from service.models import AuditEvent, HumanTask, Timer
from service.operations import audit, instances, tasks
from service.worker import run_due_timers


@pytest.fixture
def timed_instance(app, session, create_org_unit, create_user, deploy):
    """An instance taken through start, a deadline firing and a completion: a few steps of history."""
    create_org_unit("DEPT")
    officer = create_user("officer", "DEPT", ["unit_officer"])
    deploy("timers/boundary_timer.bpmn")
    instance = instances.start_instance(session, actor=officer, process_key="boundary_timer",
                                        data={"timeout": "PT0.2S"})
    session.commit()
    fire_at = session.scalar(select(Timer.fire_at).where(Timer.instance_id == instance.id))
    time.sleep(max(0.0, (fire_at - utcnow()).total_seconds()) + 0.01)
    assert run_due_timers(app.extensions["vinhdanh"].session_factory) == 1
    session.expire_all()  # the worker stepped the instance in its own session: forget what this one held
    escalated = session.scalar(select(HumanTask.id).where(HumanTask.instance_id == instance.id,
                                                          HumanTask.state == "open"))
    tasks.complete(session, actor=officer, task_id=escalated, data={"note": "đã xử lý"})
    session.commit()
    return instance


def events(session, instance_id: int) -> list[AuditEvent]:
    session.expire_all()
    return list(session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance_id)
                                .order_by(AuditEvent.seq)))


def test_chain_is_intact_after_real_steps(session, timed_instance):
    stream = f"instance:{timed_instance.id}"
    history = events(session, timed_instance.id)
    assert [event.action for event in history] == [
        "instance.started", "task.created", "timer.fired", "task.created", "task.completed", "instance.completed"]
    assert [event.seq for event in history] == list(range(1, len(history) + 1))
    assert all(later.prev_hash == earlier.hash for earlier, later in pairwise(history))
    assert audit.verify_stream(session, stream) == []


def test_editing_an_event_is_detected(session, timed_instance):
    stream = f"instance:{timed_instance.id}"
    completed = next(event for event in events(session, timed_instance.id) if event.action == "task.completed")
    tampered = {**completed.details, "data": {"note": "sửa lén"}}
    session.execute(text("UPDATE audit_events SET details = :details WHERE id = :id")
                    .bindparams(bindparam("details", type_=JSON)), {"details": tampered, "id": completed.id})
    session.commit()
    session.expire_all()
    assert audit.verify_stream(session, stream) == [completed.id]


def test_removing_an_event_is_detected(session, timed_instance):
    stream = f"instance:{timed_instance.id}"
    history = events(session, timed_instance.id)
    fired = next(index for index, event in enumerate(history) if event.action == "timer.fired")
    session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": history[fired].id})
    session.commit()
    assert audit.verify_stream(session, stream) == [history[fired + 1].id]  # its successor no longer links
