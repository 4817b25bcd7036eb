"""Timer events through the service: duration, date and cycle; catch, boundary and start events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from service.db import make_session_factory
from service.models import Timer
from service.operations.timers import fire_instance_timers
from service.worker import run_due_timers
from tests.engine.test_elements_common import Api, build_org, fixture_names, only_task, task_ids, wait_past


@pytest.fixture
def api(client, login, create_org_unit, create_user) -> Api:
    build_org(create_org_unit, create_user)
    return Api(client, login)


def _fire(session, instance_id: int) -> bool:
    fired = fire_instance_timers(session, instance_id=instance_id)
    session.commit()
    return fired


def _timer_rows(session, instance_id: int) -> list[Timer]:
    session.expire_all()
    return list(session.scalars(select(Timer).where(Timer.instance_id == instance_id)))


def test_duration_catch_event_waits_then_continues(api, deploy, session):
    deploy(*fixture_names("timer_catch.bpmn"))
    started = api.start("el_timer_catch")
    assert started["status"] == "waiting" and started["tasks"] == []
    [row] = _timer_rows(session, started["id"])
    assert row.element_id == "pause"
    assert timedelta(0) < row.fire_at - datetime.now(UTC) <= timedelta(seconds=0.2)
    assert _fire(session, started["id"]) is False  # not due yet: nothing happens
    assert api.instance(started["id"])["status"] == "waiting"

    wait_past(0.25)
    assert _fire(session, started["id"]) is True
    instance = api.instance(started["id"])
    only_task(instance, "after")
    assert instance["status"] == "running" and _timer_rows(session, started["id"]) == []
    fired = [e for e in api.history(started["id"]) if e["action"] == "timer.fired"]
    assert [e["element_id"] for e in fired] == ["pause"]


def test_date_catch_event_spiff_dialect(api, deploy, session):
    deploy(*fixture_names("timer_date_spiff.bpmn"))
    future = api.start("el_timer_date", {"meeting_at": (datetime.now(UTC) + timedelta(days=3)).isoformat()})
    [row] = _timer_rows(session, future["id"])
    assert row.fire_at.date() == (datetime.now(UTC) + timedelta(days=3)).date()
    assert _fire(session, future["id"]) is False

    past = api.start("el_timer_date", {"meeting_at": "2020-01-01T08:00:00+07:00"})
    # A date already past fires within the start itself: no timer row is ever written for it.
    only_task(past, "after")
    assert _timer_rows(session, past["id"]) == []
    assert api.instance(future["id"])["status"] == "waiting"


def test_boundary_interrupting_timer_cancels_the_task(api, deploy, session, app):
    deploy(*fixture_names("timer_boundary.bpmn"))
    slow = api.start("el_timer_boundary", {"deadline": "PT0.2S"})
    quick = api.start("el_timer_boundary", {"deadline": "PT0.2S"})
    work = only_task(slow, "work")
    assert api.complete(only_task(quick)["id"])["status"] == "completed"  # done in time: no escalation
    assert _timer_rows(session, quick["id"]) == []

    wait_past(0.25)
    factory = make_session_factory(app.extensions["vinhdanh"].engine)
    assert run_due_timers(factory) == 1  # the background worker's pass picks the slow one only
    instance = api.instance(slow["id"])
    only_task(instance, "escalated")
    # the interrupted task is cancelled: completing it now is a conflict, not a second path
    api.complete(work["id"], status=409)
    assert api.complete(only_task(instance)["id"])["status"] == "completed"
    assert "timer.fired" in api.actions(slow["id"]) and "timer.fired" not in api.actions(quick["id"])


def test_boundary_non_interrupting_cycle_timer(api, deploy, session):
    deploy(*fixture_names("timer_reminder.bpmn"))
    started = api.start("el_timer_reminder")
    work = only_task(started, "work")
    [row] = _timer_rows(session, started["id"])
    assert row.element_id == "remind"

    reminders = []
    for _ in range(2):  # R2: two reminders, each opening a task while `work` stays open
        wait_past(0.25)
        assert _fire(session, started["id"]) is True
        instance = api.instance(started["id"])
        reminders = [t for t in instance["tasks"] if t["element_id"] == "note_reminder"]
        assert "work" in task_ids(instance)
    assert len(reminders) == 2
    wait_past(0.25)
    assert _fire(session, started["id"]) is False  # the cycle is exhausted
    assert _timer_rows(session, started["id"]) == []

    for reminder in reminders:
        api.complete(reminder["id"])
    instance = api.complete(work["id"], {"result": "xong"})
    assert instance["status"] == "completed"
    fired = [e for e in api.history(started["id"]) if e["action"] == "timer.fired"]
    assert len(fired) == 2


def test_timer_start_event_delays_an_api_started_instance(api, deploy, session):
    """A timer start event does not start instances by itself: nothing in the service schedules
    process starts. An instance started through the API waits at its start event until the timer is
    due, then runs on like any other timer."""
    deploy(*fixture_names("timer_start.bpmn"))
    started = api.start("el_timer_start")
    assert started["status"] == "waiting" and started["tasks"] == []
    [row] = _timer_rows(session, started["id"])
    assert row.element_id == "start"
    wait_past(0.25)
    assert _fire(session, started["id"]) is True
    only_task(api.instance(started["id"]), "first")
