"""The worker keeps going: a broken instance rests instead of blocking the rest, a held row is skipped
rather than waited for, the loop paces itself, and the worker process stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from service.db import utcnow
from service.models import AuditEvent, HumanTask, ProcessInstance, Timer
from service.operations import instances
from service.operations import timers as timer_operations
from service.worker import FailureBackoff, next_wait, run_due_timers

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def officer(create_org_unit, create_user, deploy):
    create_org_unit("DEPT")
    user = create_user("officer", "DEPT", ["unit_officer"])
    deploy("timers/intermediate_timer.bpmn", "timers/boundary_timer.bpmn")
    return user


@pytest.fixture
def factory(app):
    return app.extensions["vinhdanh"].session_factory


def start(session, user, key: str = "intermediate_timer", data: dict | None = None) -> ProcessInstance:
    instance = instances.start_instance(session, actor=user, process_key=key, data=data or {})
    session.commit()
    return instance


def fire_at_of(session, instance_id: int) -> datetime:
    return session.scalar(select(Timer.fire_at).where(Timer.instance_id == instance_id))


def sleep_until(moment: datetime) -> None:
    remaining = (moment - utcnow()).total_seconds()
    if remaining > 0:
        time.sleep(remaining + 0.01)


def fired_count(session, instance_id: int) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(AuditEvent)
                          .where(AuditEvent.instance_id == instance_id, AuditEvent.action == "timer.fired"))


def test_a_failing_instance_rests_and_does_not_block_the_others(session, factory, officer, monkeypatch, caplog):
    broken, healthy = start(session, officer), start(session, officer)
    broken_version = broken.lock_version
    sleep_until(max(fire_at_of(session, broken.id), fire_at_of(session, healthy.id)))
    real_fire_timers = timer_operations.runtime.fire_timers
    calls: list[str] = []

    def fire_timers(state, spec, subs, *args, **kwargs):
        calls.append("broken" if state == broken.state else "healthy")
        if state == broken.state:
            raise RuntimeError("simulated bug")
        return real_fire_timers(state, spec, subs, *args, **kwargs)

    monkeypatch.setattr(timer_operations.runtime, "fire_timers", fire_timers)
    backoff = FailureBackoff(first=60.0)
    assert run_due_timers(factory, backoff=backoff) == 1  # the healthy one fired despite the broken one
    assert sorted(calls) == ["broken", "healthy"]
    assert "timer firing failed for instance" in caplog.text
    assert backoff.resting() == {broken.id}

    calls.clear()
    assert run_due_timers(factory, backoff=backoff) == 0
    assert calls == []  # resting: not even tried
    session.expire_all()
    assert session.get(ProcessInstance, broken.id).lock_version == broken_version  # nothing half-written
    assert fire_at_of(session, broken.id) is not None  # its timer is kept for a later try
    assert fired_count(session, healthy.id) == 1 and fired_count(session, broken.id) == 0

    monkeypatch.setattr(timer_operations.runtime, "fire_timers", real_fire_timers)  # "fixed"
    backoff.succeeded(broken.id)
    assert run_due_timers(factory, backoff=backoff) == 1
    assert fired_count(session, broken.id) == 1


def test_the_loop_waits_until_the_next_timer_or_the_interval(session, factory, officer):
    assert next_wait(factory, 2.0, pass_started=utcnow(), fired=0) == 2.0  # nothing stored
    instance = start(session, officer)
    fire_at = fire_at_of(session, instance.id)
    wait = next_wait(factory, 2.0, pass_started=utcnow(), fired=0)
    assert 0 < wait <= (fire_at - utcnow()).total_seconds() + 0.01  # wakes up when it is due, not later
    sleep_until(fire_at)
    # Due before the pass began and not fired by it: someone holds it; poll at the normal pace.
    assert next_wait(factory, 2.0, pass_started=utcnow(), fired=0) == 2.0
    # Became due while the pass ran: go again at once.
    assert next_wait(factory, 2.0, pass_started=fire_at - (utcnow() - fire_at), fired=0) < 0.1


def test_a_task_row_held_by_a_request_is_skipped_not_waited_for(session, factory, officer, engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("row locks exist on PostgreSQL only; SQLite relies on the version column (tested elsewhere)")
    instance = start(session, officer, "boundary_timer", {"timeout": "PT0.2S"})
    task_id = session.scalar(select(HumanTask.id).where(HumanTask.instance_id == instance.id))
    sleep_until(fire_at_of(session, instance.id))
    with engine.connect() as request:  # a request in the middle of completing the task
        request.execute(text("SELECT id FROM human_tasks WHERE id = :id FOR UPDATE"), {"id": task_id})
        started = time.monotonic()
        assert run_due_timers(factory) == 0
        assert time.monotonic() - started < 5.0  # skipped at once (NOWAIT), no lock wait, no deadlock
        request.rollback()
    assert run_due_timers(factory) == 1  # released: the next pass fires it
    assert fired_count(session, instance.id) == 1


def test_worker_process_fires_and_stops_on_sigterm(session, officer, database_url):
    instance = start(session, officer)
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret"}
    worker = subprocess.Popen([sys.executable, "-m", "service.cli", "worker", "--interval", "0.2"],
                              cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while fired_count(session, instance.id) == 0 and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.05)
        assert fired_count(session, instance.id) == 1
    finally:
        worker.send_signal(signal.SIGTERM)
        _, stderr = worker.communicate(timeout=30)
    assert worker.returncode == 0, stderr
    assert "worker stopped" in stderr
    assert fired_count(session, instance.id) == 1
