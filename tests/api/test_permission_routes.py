"""One rule, two renderings: the SQL offer filter (lists) and the predicate (the task acted on) agree;
and the cached principal of a token follows every change to its user at once."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from service.models import HumanTask, OrgUnit, TaskOffer, User
from service.operations import instances, tasks
from service.permissions import offer_filter, offer_routes

ROLES = ["unit_officer", "superior_head", "council_standing", "lead_reviewer", None]


@pytest.fixture
def tree(create_org_unit, create_user, deploy):
    create_org_unit("CITY", kind="city_peoples_committee")
    for code, parent in (("DEPT", "CITY"), ("DEPT2", "CITY"), ("SUB", "DEPT"), ("SUB2", "DEPT2")):
        create_org_unit(code, parent_code=parent)
    deploy("three_lanes.bpmn")
    return [
        create_user("officer", "DEPT", ["unit_officer"]),
        create_user("sub_officer", "SUB", ["unit_officer", "lead_reviewer"]),
        create_user("superior", "DEPT", ["superior_head"]),
        create_user("city_superior", "CITY", ["superior_head", "unit_officer"]),
        create_user("council", "DEPT2", ["council_standing"]),
        create_user("nobody", None, ["superior_head", "unit_officer"]),
        create_user("no_roles", "SUB2", []),
    ]


def test_sql_filter_and_predicate_agree_on_every_offer(session, tree):
    instance = instances.start_instance(session, actor=tree[0], process_key="three_lanes")
    task_id = session.scalar(select(HumanTask.id).where(HumanTask.instance_id == instance.id))
    units = {unit.id: unit.parent_id for unit in session.scalars(select(OrgUnit))}
    for role, unit_id, user in itertools.product(ROLES, [*units, None], [None, tree[0], tree[4]]):
        session.add(TaskOffer(task_id=task_id, role_key=role, org_unit_id=unit_id,
                              user_id=user.id if user else None, available=True, process_key="three_lanes"))
    session.flush()
    offers = session.scalars(select(TaskOffer).where(TaskOffer.task_id == task_id)).all()
    assert len(offers) > 80

    for user in session.scalars(select(User)).all():
        by_sql = set(session.scalars(select(TaskOffer.id).where(TaskOffer.task_id == task_id, offer_filter(user))))
        routes = offer_routes(user)
        by_predicate = {offer.id for offer in offers
                        if routes.reaches(offer.role_key, offer.org_unit_id, offer.user_id,
                                          units.get(offer.org_unit_id))}
        assert by_sql == by_predicate, user.username
        if user.username in ("nobody", "no_roles", "deployer"):  # no unit, no roles, or only process_admin
            assert by_sql == set(), user.username
        else:
            assert 0 < len(by_sql) < len(offers), user.username  # reached by some offers, not all


def test_a_token_follows_role_and_status_changes_at_once(client, tree, create_user, login):
    create_user("sysadmin", "CITY", ["system_admin"])
    started = client.post("/api/v1/process-instances", json={"process_key": "three_lanes"}, headers=login("officer"))
    assert started.status_code == 201
    officer = login("officer")
    assert client.get("/api/v1/tasks", headers=officer).get_json()["total"] == 1

    patched = client.patch("/api/v1/admin/users/officer", json={"roles": ["unit_head"]}, headers=login("sysadmin"))
    assert patched.status_code == 200
    assert client.get("/api/v1/tasks", headers=officer).get_json()["total"] == 0  # same token, new roles

    client.patch("/api/v1/admin/users/officer", json={"roles": ["unit_officer"]}, headers=login("sysadmin"))
    assert client.get("/api/v1/tasks", headers=officer).get_json()["total"] == 1

    client.patch("/api/v1/admin/users/officer", json={"org_unit_code": "DEPT2"}, headers=login("sysadmin"))
    assert client.get("/api/v1/tasks", headers=officer).get_json()["total"] == 0  # another unit's task

    client.patch("/api/v1/admin/users/officer", json={"active": False}, headers=login("sysadmin"))
    assert client.get("/api/v1/tasks", headers=officer).status_code == 401


def test_inbox_count_is_exact_when_tasks_reach_a_user_several_ways(session, tree):
    """Tasks with several offers (marked shared) that reach one user twice are counted once; the count
    agrees with the listed tasks for every user, with and without filters."""
    officer = tree[0]
    started = [instances.start_instance(session, actor=officer, process_key="three_lanes") for _ in range(6)]
    units = {unit.code: unit.id for unit in session.scalars(select(OrgUnit))}
    extra = [  # per instance: further offers of its first task, making its offers shared
        [],
        [("unit_officer", units["DEPT"], None)],  # the same route twice
        [(None, None, officer.id)],  # by name and by role
        [("superior_head", units["SUB"], None), ("council_standing", None, None)],
        [("lead_reviewer", units["SUB"], None)],
        [(None, None, tree[4].id), ("unit_officer", units["SUB"], None)],
    ]
    for instance, offers in zip(started, extra, strict=True):
        task = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)).one()
        for role, unit, user_id in offers:
            session.add(TaskOffer(task_id=task.id, role_key=role, org_unit_id=unit, user_id=user_id,
                                  available=True, created_at=task.created_at, process_key=task.process_key))
        if offers:
            for offer in session.scalars(select(TaskOffer).where(TaskOffer.task_id == task.id)):
                offer.shared = True
    session.flush()

    checked = 0
    for user in session.scalars(select(User)).all():
        for filters in ({}, {"process_key": "three_lanes"}, {"instance_id": started[3].id}):
            listed, total = tasks.list_tasks(session, actor=user, limit=500, **filters)
            reaching = {offer.task_id for offer in session.scalars(
                select(TaskOffer).where(TaskOffer.available.is_(True), offer_filter(user)))}
            if "instance_id" in filters:
                reaching &= set(session.scalars(
                    select(HumanTask.id).where(HumanTask.instance_id == filters["instance_id"])))
            assert total == len(listed) == len({task.id for task in listed}), (user.username, filters)
            assert {task.id for task in listed} == reaching, (user.username, filters)
            checked += total
    assert checked > 12
    officer_total = tasks.list_tasks(session, actor=officer)[1]
    assert officer_total == 6  # every first task once, though three of them reach the officer twice
