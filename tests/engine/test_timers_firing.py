"""Timers: stored with their fire time, fired once due by the worker, the in-process loop or the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from service.app import create_app
from service.config import Settings
from service.db import make_engine, utcnow
from service.models import AuditEvent, HumanTask, ProcessInstance, Timer
from service.operations import instances, tasks
from service.worker import TimerLoop, run_due_timers

PROJECT_ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ("timers/intermediate_timer.bpmn", "timers/boundary_timer.bpmn", "timers/cycle_timer.bpmn",
          "timers/parallel_timer.bpmn")


@pytest.fixture
def officer(create_org_unit, create_user, deploy):
    create_org_unit("DEPT")
    user = create_user("officer", "DEPT", ["unit_officer"])
    deploy(*BUNDLE)
    return user


@pytest.fixture
def factory(app):
    return app.extensions["vinhdanh"].session_factory


def start(session, user, key: str, data: dict | None = None) -> ProcessInstance:
    instance = instances.start_instance(session, actor=user, process_key=key, data=data or {})
    session.commit()
    return instance


def timer_rows(session, instance_id: int) -> list[Timer]:
    session.expire_all()
    return list(session.scalars(select(Timer).where(Timer.instance_id == instance_id).order_by(Timer.id)))


def actions(session, instance_id: int) -> list[tuple[str, str | None]]:
    session.expire_all()
    events = session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance_id).order_by(AuditEvent.seq))
    return [(event.action, event.element_id) for event in events]


def task_states(session, instance_id: int) -> dict[str, str]:
    session.expire_all()
    rows = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id))
    return {row.element_id: row.state for row in rows}


def sleep_until(moment: datetime) -> None:
    """Wait for a known instant (a timer's fire time), not for a guessed duration."""
    remaining = (moment - utcnow()).total_seconds()
    if remaining > 0:
        time.sleep(remaining + 0.01)


def wait_for(predicate, timeout: float = 5.0, step: float = 0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"condition not met within {timeout}s")


def test_intermediate_timer_is_stored_and_fires_only_once_due(session, factory, officer):
    before = utcnow()
    instance = start(session, officer, "intermediate_timer")
    assert instance.status == "waiting"
    [row] = timer_rows(session, instance.id)
    assert row.element_id == "wait"
    assert before + timedelta(seconds=0.3) <= row.fire_at <= utcnow() + timedelta(seconds=0.3)
    version = instance.lock_version

    assert run_due_timers(factory) == 0  # not due yet: nothing happens, nothing is written
    session.refresh(instance)
    assert instance.lock_version == version and instance.status == "waiting"
    assert ("timer.fired", "wait") not in actions(session, instance.id)

    sleep_until(row.fire_at)
    assert run_due_timers(factory) == 1
    session.refresh(instance)
    assert instance.status == "running" and instance.lock_version == version + 1
    assert timer_rows(session, instance.id) == []
    assert task_states(session, instance.id) == {"after": "open"}
    assert actions(session, instance.id)[-2:] == [("timer.fired", "wait"), ("task.created", "after")]
    assert run_due_timers(factory) == 0  # gone from the table: it cannot fire again


def test_boundary_timer_cancels_the_task_and_escalates(session, factory, officer):
    instance = start(session, officer, "boundary_timer", {"timeout": "PT0.3S"})
    assert task_states(session, instance.id) == {"review": "open"}
    [row] = timer_rows(session, instance.id)
    assert row.element_id == "deadline" and row.fire_at > instance.created_at

    assert run_due_timers(factory) == 0
    sleep_until(row.fire_at)
    assert run_due_timers(factory) == 1
    assert task_states(session, instance.id) == {"review": "cancelled", "escalated": "open"}
    assert timer_rows(session, instance.id) == []
    history = actions(session, instance.id)
    assert history.count(("timer.fired", "deadline")) == 1
    assert history.index(("timer.fired", "deadline")) < history.index(("task.created", "escalated"))


def test_completing_the_task_in_time_removes_its_boundary_timer(session, factory, officer):
    instance = start(session, officer, "boundary_timer", {"timeout": "PT0.3S"})
    [row] = timer_rows(session, instance.id)
    task_id = session.scalar(select(HumanTask.id).where(HumanTask.instance_id == instance.id))
    tasks.complete(session, actor=officer, task_id=task_id, data={})
    session.commit()
    assert timer_rows(session, instance.id) == []
    sleep_until(row.fire_at)
    assert run_due_timers(factory) == 0
    session.refresh(instance)
    assert instance.status == "completed"
    assert "timer.fired" not in [action for action, _ in actions(session, instance.id)]


def test_cycle_timer_moves_to_its_next_cycle_then_ends(session, factory, officer):
    instance = start(session, officer, "cycle_timer")
    [first] = timer_rows(session, instance.id)
    assert first.element_id == "remind"
    first_at = first.fire_at

    sleep_until(first_at)
    assert run_due_timers(factory) == 1
    fired = actions(session, instance.id).count(("timer.fired", "remind"))
    assert 1 <= fired <= 3  # a slow machine may have let more than one period pass
    if fired < 3:
        [moved] = timer_rows(session, instance.id)
        # The same row's next cycle: exactly one period later per firing, not "now + period".
        assert moved.fire_at - first_at == timedelta(seconds=0.2) * fired

    def all_cycles_fired():
        run_due_timers(factory)
        return actions(session, instance.id).count(("timer.fired", "remind")) >= 3

    wait_for(all_cycles_fired)
    history = actions(session, instance.id)
    assert history.count(("timer.fired", "remind")) == 3  # R3: three firings, never a fourth
    assert history.count(("element.completed", "count")) == 3
    assert timer_rows(session, instance.id) == []
    assert task_states(session, instance.id) == {"review": "open"}  # non-interrupting


def test_a_due_timer_fired_by_a_user_step_is_audited_too(session, factory, officer):
    """Every engine step refreshes timers: a user's step that finds one due records timer.fired too."""
    instance = start(session, officer, "parallel_timer")
    [row] = timer_rows(session, instance.id)
    sleep_until(row.fire_at)
    task_id = session.scalar(select(HumanTask.id).where(HumanTask.instance_id == instance.id))
    tasks.complete(session, actor=officer, task_id=task_id, data={})
    session.commit()
    session.refresh(instance)
    assert instance.status == "completed"
    history = actions(session, instance.id)
    assert history.count(("timer.fired", "wait")) == 1
    assert timer_rows(session, instance.id) == []
    assert run_due_timers(factory) == 0


def test_timers_survive_a_restart(app, engine, session, officer, database_url):
    instance_id = start(session, officer, "intermediate_timer").id
    [row] = timer_rows(session, instance_id)
    session.close()
    engine.dispose()  # every pooled connection of the "old process" is gone

    new_engine = make_engine(database_url)
    try:
        restarted = create_app(Settings(database_url=database_url, secret_key="test-secret"), engine=new_engine)
        new_factory = restarted.extensions["vinhdanh"].session_factory
        sleep_until(row.fire_at)
        assert run_due_timers(new_factory) == 1
        with new_factory() as fresh:
            assert fresh.get(ProcessInstance, instance_id).status == "running"
            assert fresh.scalar(select(func.count()).select_from(Timer)) == 0
    finally:
        new_engine.dispose()
    assert ("timer.fired", "wait") in actions(session, instance_id)


def test_in_process_loop_fires_a_due_timer_and_stops_cleanly(session, factory, officer):
    instance = start(session, officer, "intermediate_timer")
    loop = TimerLoop(factory, interval=0.5)
    loop.start()
    try:
        wait_for(lambda: ("timer.fired", "wait") in actions(session, instance.id), timeout=3.0)
    finally:
        loop.stop(timeout=5.0)
    assert not loop.is_alive()
    assert actions(session, instance.id).count(("timer.fired", "wait")) == 1
    assert task_states(session, instance.id) == {"after": "open"}


def test_loop_stop_wakes_a_sleeping_loop_at_once(factory):
    loop = TimerLoop(factory, interval=30.0)  # nothing stored: it would sleep the whole interval
    loop.start()
    time.sleep(0.05)
    started = time.monotonic()
    loop.stop(timeout=5.0)
    assert not loop.is_alive() and time.monotonic() - started < 2.0


def worker_command(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret"}
    return subprocess.run([sys.executable, "-m", "service.cli", "worker", *args], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


def test_worker_command_help_and_once(session, officer, database_url):
    shown = worker_command(database_url, "--help")
    assert shown.returncode == 0 and "--once" in shown.stdout

    instance = start(session, officer, "intermediate_timer")
    [row] = timer_rows(session, instance.id)
    sleep_until(row.fire_at)
    done = worker_command(database_url, "--once")
    assert done.returncode == 0, done.stderr
    assert "1 hồ sơ" in done.stdout
    again = worker_command(database_url, "--once")  # a fresh process: the timer is gone, not re-fired
    assert again.returncode == 0 and "0 hồ sơ" in again.stdout
    assert actions(session, instance.id).count(("timer.fired", "wait")) == 1
    session.refresh(instance)
    assert instance.status == "running"
    assert task_states(session, instance.id) == {"after": "open"}
