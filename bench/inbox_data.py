"""A city's worth of open tasks, bulk-inserted: what the inbox query reads.

226 org units (the city, 25 departments, 8 sub-units each), 100,000 open tasks (one per instance)
plus one completed task per instance as history, offered by role the way assignment.resolve
offers them: unit roles to the instance's unit, superior_head to the sub-unit (seen from its
parent), lead_reviewer to a department, ec_officer to the Home Affairs department, council_standing
with no unit. One task in ten is claimed by someone. The people measured are created with the
service's admin operation; everything else is inserted with SQL (Core executemany, in chunks).
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select, text

from service.models import HumanTask, ProcessInstance, ProcessVersion, TaskOffer, User
from service.operations import admin

from .seeding import PASSWORD

DEPARTMENTS = 25
SUBUNITS = 8
OTHER_CLAIMERS = 20
CHUNK = 5_000
# role -> share of open tasks (the rest of the spread comes from the units)
ROLE_SHARES = (("unit_officer", 0.35), ("unit_head", 0.25), ("superior_head", 0.20),
               ("lead_reviewer", 0.10), ("ec_officer", 0.05), ("council_standing", 0.05))


@dataclass
class Population:
    """The users whose inbox is measured, by what they are."""

    users: dict[str, str] = field(default_factory=dict)  # label -> username
    open_tasks: int = 0
    history_tasks: int = 0


def populate(session, open_tasks: int, *, seed: int = 7) -> Population:
    """Org units under CITY (made by bench.seeding), the measured users and `open_tasks` open tasks
    (+ as many completed) in `session`."""
    rng = random.Random(seed)
    departments, subunits = [], []
    for d in range(DEPARTMENTS):
        dept = admin.create_org_unit(session, actor=None, values={
            "code": f"D{d:02d}", "name": f"Sở số {d}", "kind": "department", "parent_code": "CITY"})
        departments.append(dept.id)
        for s in range(SUBUNITS):
            unit = admin.create_org_unit(session, actor=None, values={
                "code": f"D{d:02d}S{s}", "name": f"Phòng {s} thuộc Sở {d}", "kind": "division",
                "parent_code": f"D{d:02d}"})
            subunits.append(unit.id)
    population = Population()
    measured = (("officer", "D00S0", "unit_officer"), ("head", "D00S0", "unit_head"),
                ("superior", "D00", "superior_head"), ("lead_reviewer", "D01", "lead_reviewer"),
                ("ec_officer", "D02", "ec_officer"), ("council", "CITY", "council_standing"))
    for label, unit, role in measured:
        _user(session, f"inbox_{label}", unit, role)
        population.users[label] = f"inbox_{label}"
    claimers = _claimers(session)
    version = session.scalar(select(ProcessVersion).where(ProcessVersion.process_key == "three_lanes"))
    session.flush()
    _bulk_tasks(session, rng, open_tasks, version, departments, subunits, claimers)
    population.open_tasks = open_tasks
    population.history_tasks = open_tasks
    return population


def _user(session, username: str, unit: str, role: str):
    return admin.create_user(session, actor=None, values={
        "username": username, "password": PASSWORD, "full_name": f"Cán bộ {username}",
        "org_unit_code": unit, "roles": [role]})


def _claimers(session) -> list[int]:
    """People who hold claimed tasks; they never log in, so no password hash is computed for them."""
    connection = session.connection()
    connection.execute(insert(User.__table__), [
        {"username": f"claimer{n}", "password_hash": "!", "full_name": f"Cán bộ {n}", "active": True,
         "token_generation": 0, "created_at": datetime.now(UTC)} for n in range(OTHER_CLAIMERS)])
    return list(session.scalars(select(User.id).where(User.username.like("claimer%"))))


def _pick_role(rng: random.Random) -> str:
    roll, total = rng.random(), 0.0
    for role, share in ROLE_SHARES:
        total += share
        if roll < total:
            return role
    return ROLE_SHARES[-1][0]


def _offer_unit(role: str, instance_unit: int, rng: random.Random, departments: list[int]) -> int | None:
    if role in ("unit_officer", "unit_head", "superior_head"):
        return instance_unit
    if role == "lead_reviewer":
        return rng.choice(departments)
    if role == "ec_officer":
        return departments[2]  # the Home Affairs department (D02) handles every dossier
    return None  # council_standing: scope "any"


def _bulk_tasks(session, rng, count, version, departments, subunits, claimers) -> None:
    now = datetime.now(UTC)
    instances, tasks, offers = [], [], []
    next_instance = (session.scalar(select(ProcessInstance.id).order_by(ProcessInstance.id.desc()).limit(1)) or 0) + 1
    connection = session.connection()
    for n in range(count):
        instance_id = next_instance + n
        unit = rng.choice(subunits)
        created = now - timedelta(minutes=rng.randrange(90 * 24 * 60))
        instances.append({
            "id": instance_id, "process_version_id": version.id, "process_key": version.process_key,
            "version": version.version, "status": "running", "org_unit_id": unit, "started_by_id": None,
            "state": {}, "data": {}, "error": None, "lock_version": 1, "created_at": created,
            "updated_at": created, "completed_at": None})
        for state in ("completed", "open"):
            role = "unit_officer" if state == "completed" else _pick_role(rng)
            task_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            claimed = state == "open" and rng.random() < 0.10
            offer_unit = _offer_unit(role, unit, rng, departments)
            tasks.append({
                "id": task_id, "instance_id": instance_id, "process_key": version.process_key,
                "element_id": "t2" if state == "open" else "t1", "name": "Bước xử lý", "lane": role,
                "role_key": role, "org_unit_id": offer_unit,
                "assignee_id": rng.choice(claimers) if claimed else None, "claimed": claimed, "state": state,
                "created_at": created, "due_at": created + timedelta(days=5),
                "completed_at": created if state == "completed" else None, "completed_by_id": None})
            offers.append({"task_id": task_id, "role_key": role, "org_unit_id": offer_unit, "user_id": None,
                           "available": state == "open" and not claimed, "created_at": created,
                           "process_key": version.process_key})
        if len(instances) >= CHUNK:
            _flush(connection, instances, tasks, offers)
    _flush(connection, instances, tasks, offers)
    if connection.dialect.name == "postgresql":  # ids were given explicitly: move the sequence past them
        connection.execute(text("SELECT setval(pg_get_serial_sequence('process_instances', 'id'),"
                                " (SELECT max(id) FROM process_instances))"))


def _flush(connection, instances: list, tasks: list, offers: list) -> None:
    for table, rows in ((ProcessInstance.__table__, instances), (HumanTask.__table__, tasks),
                        (TaskOffer.__table__, offers)):
        if rows:
            connection.execute(insert(table), rows)
            rows.clear()
