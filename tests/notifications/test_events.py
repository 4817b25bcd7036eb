"""Notifications are written with the event: a task offered (to the assignee or every user its offers
reach, nobody else), due soon and overdue once (per task, per day), in the reader's preference."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from service.db import utcnow
from service.models import HumanTask, Notification, NotificationPreference, User
from service.notifications import events
from tests.api.test_core_flow import upload
from tests.engine.test_elements_common import USERS, Api, build_org, fixture_names


@pytest.fixture
def org(create_org_unit, create_user, session):
    create_org_unit("CITY", kind="city_peoples_committee")
    create_org_unit("DEPT", parent_code="CITY")
    create_org_unit("OTHER", parent_code="CITY")
    create_user("officer", "DEPT", ["unit_officer"])
    create_user("officer2", "DEPT", ["unit_officer"])
    create_user("head", "DEPT", ["unit_head"])
    create_user("superior", "CITY", ["superior_head"])
    create_user("other_officer", "OTHER", ["unit_officer"])
    create_user("padmin", "CITY", ["process_admin"])
    session.execute(update(User).values(email=User.username + "@example.vn"))
    session.execute(update(User).where(User.username == "officer2").values(email=None))
    session.commit()


def _rows(session, kind=None):
    query = select(User.username, Notification.kind, Notification.email_state, Notification.task_id).join(
        User, User.id == Notification.user_id).order_by(User.username, Notification.id)
    if kind:
        query = query.where(Notification.kind == kind)
    session.expire_all()
    return [tuple(row) for row in session.execute(query)]


def _start(client, login):
    assert upload(client, login("padmin"), "three_lanes.bpmn").status_code in (200, 201)
    started = client.post("/api/v1/process-instances", json={"process_key": "three_lanes", "data": {}},
                          headers=login("officer"))
    assert started.status_code == 201, started.get_json()
    return started.get_json()


def test_a_new_task_reaches_exactly_the_users_it_is_offered_to(client, login, org, session):
    session.add(NotificationPreference(user_id=session.scalar(select(User.id).where(User.username == "head")),
                                       email_mode="digest", locale="en"))
    session.commit()
    instance = _start(client, login)
    [task] = instance["tasks"]
    # Both officers of the unit (by role in their unit); officer2 has no address, so no e-mail.
    assert _rows(session) == [("officer", "task_offered", "pending", task["id"]),
                              ("officer2", "task_offered", "none", task["id"])]
    done = client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {}}, headers=login("officer"))
    [task2] = done.get_json()["instance"]["tasks"]
    assert _rows(session) == [("head", "task_offered", "digest", task2["id"]),
                              ("officer", "task_offered", "pending", task["id"]),
                              ("officer2", "task_offered", "none", task["id"])]
    done = client.post(f"/api/v1/tasks/{task2['id']}/complete", json={"data": {}}, headers=login("head"))
    [task3] = done.get_json()["instance"]["tasks"]
    # The superior reaches the department's task through a parent_unit role; the other unit never.
    assert ("superior", "task_offered", "pending", task3["id"]) in _rows(session)
    assert not [row for row in _rows(session) if row[0] == "other_officer"]


def test_the_sweep_tells_due_soon_once_and_overdue_once_a_day(client, login, org, session):
    instance = _start(client, login)
    [task] = instance["tasks"]
    now = utcnow()
    session.execute(update(HumanTask).where(HumanTask.id == task["id"]).values(due_at=now + timedelta(days=1)))
    session.commit()
    cutoff = events.due_soon_cutoff(session, now)
    assert cutoff > now + timedelta(days=1)  # the default: three working days
    day = now.date()
    assert events.sweep_deadlines(session, now=now, cutoff=cutoff, day=day) == {"due_soon": 2, "overdue": 0}
    assert events.sweep_deadlines(session, now=now, cutoff=cutoff, day=day) == {"due_soon": 0, "overdue": 0}
    later = now + timedelta(days=2)
    assert events.sweep_deadlines(session, now=later, cutoff=later, day=day) == {"due_soon": 0, "overdue": 2}
    assert events.sweep_deadlines(session, now=later, cutoff=later, day=day) == {"due_soon": 0, "overdue": 0}
    next_day = day + timedelta(days=1)
    assert events.sweep_deadlines(session, now=later, cutoff=later, day=next_day) == {"due_soon": 0, "overdue": 2}
    session.commit()
    assert [row[:2] for row in _rows(session, "task_overdue")] == [("officer", "task_overdue")] * 2 + \
        [("officer2", "task_overdue")] * 2
    # A completed task is not swept any more.
    client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {}}, headers=login("officer"))
    session.expire_all()
    third = day + timedelta(days=2)
    assert events.sweep_deadlines(session, now=later, cutoff=later, day=third) == {"due_soon": 0, "overdue": 0}


def test_a_step_opening_many_tasks_notifies_exactly_their_inboxes(client, login, create_org_unit, create_user,
                                                                   deploy, session):
    # One step opens nine tasks (lanes, roles, org_unit_from, assignee, candidate groups and users):
    # their notifications are written by one statement, which must reach whom each inbox reaches.
    build_org(create_org_unit, create_user)
    api = Api(client, login)
    deploy(*fixture_names("assignment.bpmn"))
    started = api.start("el_assignment", {"target_unit": "OTHER", "second_user": "head",
                                          "deadline": "2031-05-06T08:00:00+07:00"})
    element_of = {task["id"]: task["element_id"] for task in started["tasks"]}
    notified: dict[str, set[str]] = {}
    for username, _kind, _state, task_id in _rows(session, "task_offered"):
        notified.setdefault(username, set()).add(element_of[task_id])
    for username in USERS:
        inbox = {task["element_id"] for task in api.inbox(user=username, instance_id=started["id"])}
        assert notified.get(username, set()) == inbox, username
    assert len(_rows(session, "task_offered")) == sum(map(len, notified.values()))  # once per task and user
