"""Shared fixtures: one migrated database per test run, emptied after each test; factory fixtures."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from service import migrate
from service.app import create_app
from service.bootstrap import ensure_roles
from service.config import Settings
from service.db import Base, make_engine, make_session_factory
from service.operations import admin, deployments
from service.operations import auth as auth_operations
from service.operations.versions import version_cache

TESTS_DIR = Path(__file__).resolve().parent
FIXTURES = TESTS_DIR / "fixtures"
PASSWORD = "correct-horse-battery"


def _test_database_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tempfile.mkdtemp(prefix='vinhdanh-test-')}/test.db"


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing():
    """Argon2 with production cost takes ~0.5 s a hash here; tests create hundreds of users.

    The hash format records its own cost, so verification still runs the real algorithm.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(auth_operations, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
        yield


@pytest.fixture(scope="session")
def database_url() -> str:
    url = _test_database_url()
    if url.startswith("postgresql"):
        engine = make_engine(url)
        with engine.begin() as connection:  # start from nothing: the migrations build everything
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    migrate.upgrade(url)
    return url


@pytest.fixture(scope="session")
def engine(database_url):
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def _empty_tables(engine) -> None:
    version_cache.clear()  # row ids restart with the emptied tables: cached versions would be stale
    tables = [table.name for table in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                connection.execute(text(f"DELETE FROM {name}"))


def app_for_tests(engine, **settings: Any) -> Iterator[Flask]:
    """The app on the test database with its roles, the tables emptied afterwards; `settings` add to the test
    settings (a module's own `app` fixture yields from it, e.g. with an OIDC provider)."""
    app = create_app(Settings(database_url=str(engine.url), secret_key="test-secret", token_max_age=3600,
                              **settings), engine=engine)
    app.config["TESTING"] = True
    with app.extensions["vinhdanh"].session_factory() as session:
        ensure_roles(session)
        session.commit()
    yield app
    _empty_tables(engine)


@pytest.fixture
def app(engine):
    yield from app_for_tests(engine)


@pytest.fixture
def session(app) -> Iterator[Session]:
    factory = make_session_factory(app.extensions["vinhdanh"].engine)
    with factory() as session:
        yield session


@pytest.fixture
def client(app) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def create_org_unit(session) -> Callable:
    def create(code: str, parent_code: str | None = None, kind: str = "department", name: str | None = None,
               abbreviation: str | None = None):
        unit = admin.create_org_unit(session, actor=None, values={
            "code": code, "name": name or f"Đơn vị {code}", "parent_code": parent_code, "kind": kind,
            "abbreviation": abbreviation or code})
        session.commit()
        return unit

    return create


@pytest.fixture
def create_user(session) -> Callable:
    def create(username: str, org_unit_code: str | None = None, roles: list[str] | None = None):
        user = admin.create_user(session, actor=None, values={
            "username": username, "password": PASSWORD, "full_name": f"Người dùng {username}",
            "org_unit_code": org_unit_code, "roles": roles or []})
        session.commit()
        return user

    return create


@pytest.fixture
def login(client) -> Callable[[str], dict]:
    """Returns the Authorization header of a user, by username."""
    cache: dict[str, dict] = {}

    def headers(username: str) -> dict:
        if username not in cache:
            response = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
            assert response.status_code == 200, response.get_json()
            cache[username] = {"Authorization": f"Bearer {response.get_json()['access_token']}"}
        return cache[username]

    return headers


def read_fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.fixture
def deploy(session, create_user) -> Callable:
    """Deploy fixture files (names under tests/fixtures/) as a process admin; returns the deployment."""
    state = {}

    def do(*names: str, files: dict[str, bytes] | None = None):
        if "admin" not in state:
            state["admin"] = create_user("deployer", roles=["process_admin"])
        bundle = dict(files or {})
        for name in names:
            bundle[Path(name).name] = read_fixture(name)
        outcome = deployments.deploy(session, actor=state["admin"], files=bundle)
        session.commit()
        return outcome.deployment

    return do


# A password an administrator set, and the one its user then chooses (tests of temporary passwords).
TEMPORARY_PASSWORD = "tạm-thời-123456"
OWN_PASSWORD = "mật-khẩu-riêng-2026"


@pytest.fixture
def held(create_org_unit, create_user, session):
    """`clerk`, whose password the system administrator has just reset to TEMPORARY_PASSWORD: held until
    they choose their own."""
    from service.operations import admin

    create_org_unit("CITY", kind="city_peoples_committee", name="UBND thành phố")
    sysadmin = create_user("sysadmin", "CITY", ["system_admin"])
    create_user("clerk", "CITY", ["unit_officer"])
    admin.update_user(session, actor=sysadmin, username="clerk", values={"password": TEMPORARY_PASSWORD})
    session.commit()
