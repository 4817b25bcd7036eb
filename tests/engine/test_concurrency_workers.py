"""Several workers at once: every due timer fires exactly once (row locks on PostgreSQL, versions everywhere)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import datetime

import pytest
from sqlalchemy import func, select

from service.db import make_engine, make_session_factory, utcnow
from service.models import AuditEvent, HumanTask, ProcessInstance, Timer
from service.operations import instances
from service.worker import run_due_timers

INSTANCES = 30
WORKERS = 4
DEADLINE = 60.0  # seconds; the firing itself takes well under that even on a busy machine


@pytest.fixture
def officer(create_org_unit, create_user, deploy):
    create_org_unit("DEPT")
    user = create_user("officer", "DEPT", ["unit_officer"])
    deploy("timers/intermediate_timer.bpmn")
    return user


def sleep_until(moment: datetime) -> None:
    remaining = (moment - utcnow()).total_seconds()
    if remaining > 0:
        time.sleep(remaining + 0.01)


def worker_thread(database_url: str, barrier: threading.Barrier, results: dict, errors: list) -> None:
    """One worker with its own engine (its own connections), looping until no timer is left."""
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    name = threading.current_thread().name
    try:
        barrier.wait(timeout=30)
        deadline = time.monotonic() + DEADLINE
        while time.monotonic() < deadline:
            results[name] += run_due_timers(factory)
            with factory() as session:
                if not session.scalar(select(func.count()).select_from(Timer)):
                    return
            time.sleep(0.005)
        errors.append(f"{name}: timers still stored after {DEADLINE}s")
    except Exception as exc:  # reported to the test's thread, which asserts there were none
        errors.append(f"{name}: {exc!r}")
    finally:
        engine.dispose()


def test_each_due_timer_fires_exactly_once_with_several_workers(session, officer, database_url):
    started = [instances.start_instance(session, actor=officer, process_key="intermediate_timer") for _ in
               range(INSTANCES)]
    session.commit()
    versions = {instance.id: instance.lock_version for instance in started}
    assert session.scalar(select(func.count()).select_from(Timer)) == INSTANCES
    sleep_until(session.scalar(select(func.max(Timer.fire_at))))  # all due before any worker starts

    barrier = threading.Barrier(WORKERS)
    results: Counter = Counter()
    errors: list[str] = []
    threads = [threading.Thread(target=worker_thread, name=f"worker-{n}", args=(database_url, barrier, results, errors))
               for n in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(DEADLINE + 30)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []

    assert sum(results.values()) == INSTANCES  # every instance advanced by exactly one worker
    session.expire_all()
    fired = Counter(session.scalars(
        select(AuditEvent.instance_id).where(AuditEvent.action == "timer.fired")))
    assert fired == Counter({instance_id: 1 for instance_id in versions})
    created = Counter(session.scalars(select(HumanTask.instance_id).where(HumanTask.element_id == "after")))
    assert created == Counter({instance_id: 1 for instance_id in versions})
    for instance in session.scalars(select(ProcessInstance)):
        assert instance.status == "running"
        assert instance.lock_version == versions[instance.id] + 1  # one step each, no overwrite
    assert session.scalar(select(func.count()).select_from(Timer)) == 0
