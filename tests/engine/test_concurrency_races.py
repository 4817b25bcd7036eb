"""Races on one instance: a lost race is a 409 (or a retry for the worker), never a silent overwrite."""

from __future__ import annotations

import threading
import time
from datetime import datetime
from functools import partial

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from service.db import make_engine, make_session_factory, utcnow
from service.errors import Conflict, InvalidState
from service.models import AuditEvent, HumanTask, ProcessInstance, Timer
from service.operations import instances, tasks
from service.operations import timers as timer_operations
from service.worker import run_due_timers

ROUNDS = 4
# What the slower of two steps on one instance meets, depending on when it read what (all are 409s):
# the task already done, the instance already ended, a failed version check, a taken audit number.
LOST_RACE = (Conflict, InvalidState, StaleDataError, IntegrityError)


@pytest.fixture
def officer(create_org_unit, create_user, deploy):
    create_org_unit("DEPT")
    user = create_user("officer", "DEPT", ["unit_officer"])
    deploy("timers/boundary_timer.bpmn")
    return user


@pytest.fixture
def other_factory(database_url):
    """A second "process": its own engine and connections."""
    engine = make_engine(database_url)
    yield make_session_factory(engine)
    engine.dispose()


def start(session, user, timeout: str) -> ProcessInstance:
    instance = instances.start_instance(session, actor=user, process_key="boundary_timer", data={"timeout": timeout})
    session.commit()
    return instance


def review_task_id(session, instance_id: int) -> str:
    return session.scalar(select(HumanTask.id).where(HumanTask.instance_id == instance_id,
                                                     HumanTask.element_id == "review"))


def count_events(session, instance_id: int, action: str) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent)
                          .where(AuditEvent.instance_id == instance_id, AuditEvent.action == action))


def post_complete(client, task_id: str, headers: dict):
    return client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": {}}, headers=headers)


def sleep_until(moment: datetime) -> None:
    remaining = (moment - utcnow()).total_seconds()
    if remaining > 0:
        time.sleep(remaining + 0.01)


def run_together(*targets) -> list:
    """Run the callables in threads released at the same instant; their results (or exceptions) in order."""
    barrier = threading.Barrier(len(targets))
    outcomes: list = [None] * len(targets)

    def runner(index, target):
        barrier.wait(timeout=30)
        try:
            outcomes[index] = target()
        except Exception as exc:  # the outcome under test
            outcomes[index] = exc

    threads = [threading.Thread(target=runner, args=(n, target)) for n, target in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def test_two_http_completions_of_one_task_one_wins_one_gets_409(app, session, officer, login):
    headers = login("officer")
    for _ in range(ROUNDS):
        instance = start(session, officer, "PT1H")
        version = instance.lock_version
        task_id = review_task_id(session, instance.id)

        first, second = app.test_client(), app.test_client()
        responses = run_together(partial(post_complete, first, task_id, headers),
                                 partial(post_complete, second, task_id, headers))
        assert sorted(response.status_code for response in responses) == [200, 409], \
            [response.get_json() for response in responses]
        loser = next(response for response in responses if response.status_code == 409)
        assert loser.get_json()["error"]["code"] in ("task_not_open", "conflict", "invalid_state")

        session.expire_all()
        assert session.get(HumanTask, task_id).state == "completed"
        assert count_events(session, instance.id, "task.completed") == 1
        refreshed = session.get(ProcessInstance, instance.id)
        assert refreshed.status == "completed" and refreshed.lock_version == version + 1


def test_two_completions_through_the_operations_one_conflicts(app, session, officer, other_factory):
    factory = app.extensions["vinhdanh"].session_factory
    for _ in range(ROUNDS):
        instance = start(session, officer, "PT1H")
        version = instance.lock_version
        task_id = review_task_id(session, instance.id)

        def complete(session_factory, task_id):
            with session_factory() as own:
                actor = own.merge(officer, load=True)
                tasks.complete(own, actor=actor, task_id=task_id, data={})
                own.commit()
                return "completed"

        outcomes = run_together(partial(complete, factory, task_id), partial(complete, other_factory, task_id))
        assert outcomes.count("completed") == 1, outcomes
        [lost] = [outcome for outcome in outcomes if outcome != "completed"]
        assert isinstance(lost, LOST_RACE), repr(lost)

        session.expire_all()
        assert session.get(HumanTask, task_id).state == "completed"
        assert count_events(session, instance.id, "task.completed") == 1
        assert session.get(ProcessInstance, instance.id).lock_version == version + 1


def test_user_completion_racing_the_timer_one_step_wins(app, session, officer, other_factory, login):
    """Either the user completes the review or the deadline cancels it, never both and never half."""
    headers = login("officer")
    client = app.test_client()
    for _ in range(ROUNDS):
        instance = start(session, officer, "PT0.2S")
        version = instance.lock_version
        task_id = review_task_id(session, instance.id)
        sleep_until(session.scalar(select(Timer.fire_at).where(Timer.instance_id == instance.id)))

        fired, response = run_together(
            partial(run_due_timers, other_factory),
            partial(post_complete, client, task_id, headers),
        )
        assert fired in (0, 1) and response.status_code in (200, 409), (fired, response.get_json())
        # The loser retries: the worker's next pass, the user's second click.
        retried_worker = run_due_timers(other_factory)
        retried_user = post_complete(client, task_id, headers)
        assert retried_user.status_code == 409

        session.expire_all()
        refreshed = session.get(ProcessInstance, instance.id)
        states = dict(session.execute(select(HumanTask.element_id, HumanTask.state)
                                      .where(HumanTask.instance_id == instance.id)).all())
        timer_won = count_events(session, instance.id, "timer.fired")
        user_won = count_events(session, instance.id, "task.completed")
        assert timer_won + user_won == 1
        assert refreshed.lock_version == version + 1  # exactly one successful step
        if user_won:
            assert response.status_code == 200 and fired + retried_worker == 0
            assert refreshed.status == "completed" and states == {"review": "completed"}
        else:
            assert response.status_code == 409 and fired + retried_worker == 1
            assert refreshed.status == "running" and states == {"review": "cancelled", "escalated": "open"}
        assert session.scalar(select(func.count()).select_from(Timer).where(Timer.instance_id == instance.id)) == 0


def test_user_commits_while_the_worker_computes(app, session, officer, other_factory, monkeypatch):
    """Forced interleaving: the user's completion arrives while the worker is mid-step on the instance.

    SQLite has no row locks: the user commits first and the worker's write fails its version check.
    PostgreSQL: the worker holds the rows, so the user waits, then finds the task already cancelled.
    """
    factory = app.extensions["vinhdanh"].session_factory
    instance = start(session, officer, "PT0.2S")
    version = instance.lock_version
    task_id = review_task_id(session, instance.id)
    sleep_until(session.scalar(select(Timer.fire_at).where(Timer.instance_id == instance.id)))
    postgres = session.get_bind().dialect.name == "postgresql"
    user_outcome: list = []

    def user_completes():
        try:
            with other_factory() as own:
                tasks.complete(own, actor=own.merge(officer, load=True), task_id=task_id, data={})
                own.commit()
                user_outcome.append("completed")
        except Exception as exc:
            user_outcome.append(exc)

    user = threading.Thread(target=user_completes)
    real_fire_timers = timer_operations.runtime.fire_timers

    def fire_timers_meanwhile(*args, **kwargs):
        result = real_fire_timers(*args, **kwargs)
        user.start()
        if postgres:
            wait_until_a_backend_waits_for_a_lock(session)
        else:
            user.join(30)
        return result

    monkeypatch.setattr(timer_operations.runtime, "fire_timers", fire_timers_meanwhile)
    fired = run_due_timers(factory)
    user.join(30)
    assert not user.is_alive()

    session.expire_all()
    refreshed = session.get(ProcessInstance, instance.id)
    assert refreshed.lock_version == version + 1
    if postgres:
        assert fired == 1
        [lost] = user_outcome
        assert isinstance(lost, Conflict) and lost.code == "task_not_open"
        assert refreshed.status == "running" and count_events(session, instance.id, "timer.fired") == 1
        assert session.get(HumanTask, task_id).state == "cancelled"
    else:
        assert fired == 0 and user_outcome == ["completed"]
        assert refreshed.status == "completed" and count_events(session, instance.id, "timer.fired") == 0
        assert session.get(HumanTask, task_id).state == "completed"
        assert run_due_timers(factory) == 0  # the user's step removed the timer: nothing left to retry


def wait_until_a_backend_waits_for_a_lock(session, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        waiting = session.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                      "AND datname = current_database()"))
        session.rollback()
        if waiting:
            return
        time.sleep(0.02)
    raise AssertionError("the user's request never waited for the worker's row locks")


def test_a_stale_step_is_refused_not_written(session, officer, other_factory):
    """A step computed from a state another step has since replaced fails; the newer state stays."""
    instance = start(session, officer, "PT0.2S")
    version = instance.lock_version
    task_id = review_task_id(session, instance.id)
    held = session.get(HumanTask, task_id)  # this session now holds the task and instance as they were
    assert held.state == "open" and held.instance is instance
    sleep_until(session.scalar(select(Timer.fire_at).where(Timer.instance_id == instance.id)))
    assert run_due_timers(other_factory) == 1  # meanwhile the deadline fires elsewhere

    with pytest.raises(StaleDataError):
        tasks.complete(session, actor=officer, task_id=task_id, data={})
    session.rollback()

    session.expire_all()
    refreshed = session.get(ProcessInstance, instance.id)
    assert refreshed.lock_version == version + 1 and refreshed.status == "running"
    assert session.get(HumanTask, task_id).state == "cancelled"
    assert count_events(session, instance.id, "task.completed") == 0
