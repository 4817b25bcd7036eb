"""Fresh benchmark databases: migrate, seed roles, org units and users, deploy the fixtures.

Everything goes through the service's own operations (admin, deployments), as `run.py` would,
so the server under test sees exactly what a real installation holds.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from service import migrate
from service.bootstrap import ensure_roles
from service.db import make_engine, make_session_factory
from service.operations import admin, deployments

ROOT = Path(__file__).resolve().parent.parent
THREE_LANES = ROOT / "tests" / "fixtures" / "three_lanes.bpmn"
DEMO_BPMN = ROOT / "workflows" / "demo_approval.bpmn"
DEMO_FORM = ROOT / "forms" / "demo_draft.form"
PASSWORD = "bench-password-1"
PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@dataclass
class Cast:
    """Who works in the benchmark: per unit an officer and a head; one superior over all units."""

    units: list[str] = field(default_factory=list)
    officers: list[str] = field(default_factory=list)
    heads: list[str] = field(default_factory=list)
    superior: str = "superior"


def seed(url: str, *, units: int = 1) -> Cast:
    """Migrate `url`, create the standard roles, `units` departments under CITY with their people,
    and deploy three_lanes and demo_approval (with its form)."""
    migrate.upgrade(url)
    engine = make_engine(url)
    cast = Cast()
    try:
        with make_session_factory(engine)() as session:
            ensure_roles(session)
            admin.create_org_unit(session, actor=None, values={"code": "CITY", "name": "UBND thành phố",
                                                               "kind": "city_peoples_committee"})
            for index in range(units):
                code = f"DEPT{index}"
                admin.create_org_unit(session, actor=None, values={"code": code, "name": f"Sở số {index}",
                                                                   "kind": "department", "parent_code": "CITY"})
                cast.units.append(code)
                for role, names in (("unit_officer", cast.officers), ("unit_head", cast.heads)):
                    username = f"{role.split('_')[1]}{index}"
                    _user(session, username, code, role)
                    names.append(username)
            _user(session, cast.superior, "CITY", "superior_head")
            deployer = _user(session, "deployer", "CITY", "process_admin")
            deployments.deploy(session, actor=deployer, files={THREE_LANES.name: THREE_LANES.read_bytes()})
            deployments.deploy(session, actor=deployer, files={DEMO_BPMN.name: DEMO_BPMN.read_bytes(),
                                                               DEMO_FORM.name: DEMO_FORM.read_bytes()})
            session.commit()
    finally:
        engine.dispose()
    return cast


def _user(session, username: str, unit: str, role: str):
    return admin.create_user(session, actor=None, values={
        "username": username, "password": PASSWORD, "full_name": f"Cán bộ {username}",
        "org_unit_code": unit, "roles": [role]})


@contextmanager
def sqlite_database(prefix: str = "vinhdanh-bench-") -> Iterator[str]:
    """A SQLite URL in a temporary directory that is removed afterwards."""
    with tempfile.TemporaryDirectory(prefix=prefix) as directory:
        yield f"sqlite:///{directory}/bench.db"


@contextmanager
def postgres_database(name: str) -> Iterator[str]:
    """A freshly created PostgreSQL database on 127.0.0.1, dropped afterwards."""
    admin_engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin_engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin_engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin_engine.dispose()


def postgres_available() -> bool:
    engine = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:
        return False
    finally:
        engine.dispose()
