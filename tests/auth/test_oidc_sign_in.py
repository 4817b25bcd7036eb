"""Sign-in through an OpenID Connect provider (a real one on 127.0.0.1, tests/auth/oidc_provider.py): the ID
token is verified, the identity maps to an existing enabled user only, the sign-in is audited; without the
settings nothing changes."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import select

from service.app import create_app
from service.config import OidcSettings, Settings
from service.models import AuditEvent, User
from service.operations import admin

from ..conftest import app_for_tests
from .oidc_provider import CLIENT_ID, CLIENT_SECRET, start_provider


@pytest.fixture(scope="module")
def provider():
    provider = start_provider()
    yield provider
    provider.stop()


@pytest.fixture
def app(engine, provider):
    """The app with the provider configured (overrides the suite's `app` for this module)."""
    provider.identity, provider.tamper = {}, set()
    oidc = OidcSettings(issuer=provider.url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    yield from app_for_tests(engine, oidc=oidc)


@pytest.fixture
def world(create_org_unit, create_user):
    create_org_unit("CITY", kind="city_peoples_committee", name="UBND thành phố")
    create_user("clerk", "CITY", ["unit_officer"])
    create_user("sysadmin", "CITY", ["system_admin"])


def _round_trip(client, *, next_url: str | None = None):
    """Press the button, let the provider approve, come back: the callback's response."""
    started = client.get("/login/oidc" + (f"?next={next_url}" if next_url else ""))
    assert started.status_code == 302
    authorize = started.headers["Location"]
    query = parse_qs(urlsplit(authorize).query)
    assert query["nonce"][0] and query["state"][0]
    approved = requests.get(authorize, allow_redirects=False, timeout=10)
    assert approved.status_code == 302
    back = urlsplit(approved.headers["Location"])
    return client.get(f"{back.path}?{back.query}")


def _actions(session) -> list[str]:
    session.expire_all()
    return [event.action for event in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_the_sign_in_page_offers_the_provider(world, client):
    page = client.get("/login").data.decode()
    assert "data-oidc" in page and "Đăng nhập bằng tài khoản một cửa" in page
    assert 'name="password"' in page  # the password form stays beside it


def test_a_known_user_signs_in_and_it_is_audited(world, client, session, provider):
    provider.identity = {"sub": "cmnd-001", "preferred_username": "clerk"}
    done = _round_trip(client, next_url="/dossiers")
    assert done.status_code == 302 and done.headers["Location"].endswith("/dossiers")
    assert client.get("/inbox").status_code == 200
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "auth.external_sign_in"))
    assert event.actor == "clerk" and event.details == {"method": "oidc", "issuer": provider.url,
                                                         "subject": "cmnd-001"}


def test_a_pending_password_change_does_not_hold_a_provider_sign_in(world, client, session, provider):
    """The flag names the local password an administrator set; signing in through the provider used none."""
    sysadmin = session.scalar(select(User).where(User.username == "sysadmin"))
    admin.update_user(session, actor=sysadmin, username="clerk", values={"password": "tạm-thời-123456"})
    session.commit()
    provider.identity = {"sub": "cmnd-001", "preferred_username": "clerk"}
    assert _round_trip(client, next_url="/dossiers").headers["Location"].endswith("/dossiers")
    assert client.get("/inbox").status_code == 200
    page = client.get("/password").data.decode()
    assert "do quản trị viên đặt" not in page  # the page stays open to change it by choice
    # The same account signing in with the temporary password is held.
    other = client.application.test_client()
    token = re.search(rb'name="csrf_token" value="([^"]+)"', other.get("/login").data).group(1).decode()
    other.post("/login", data={"username": "clerk", "password": "tạm-thời-123456", "csrf_token": token})
    assert other.get("/inbox").headers["Location"] == "/password?next=/inbox"


def test_unknown_or_disabled_people_are_refused_and_nobody_is_created(world, client, session, provider):
    provider.identity = {"preferred_username": "stranger", "roles": ["system_admin"]}
    refused = _round_trip(client)
    assert refused.status_code == 401 and "chưa được cấp quyền" in refused.data.decode()
    assert client.get("/inbox").status_code == 302
    assert session.scalar(select(User).where(User.username == "stranger")) is None
    clerk = session.scalar(select(User).where(User.username == "clerk"))
    sysadmin = session.scalar(select(User).where(User.username == "sysadmin"))
    admin.update_user(session, actor=sysadmin, username="clerk", values={"active": False})
    session.commit()
    provider.identity = {"preferred_username": "clerk"}
    assert _round_trip(client).status_code == 401
    assert client.get("/inbox").status_code == 302
    assert _actions(session).count("auth.external_refused") == 2 and clerk.username == "clerk"


@pytest.mark.parametrize("tamper", ["key", "nonce", "audience"])
def test_an_id_token_that_does_not_verify_is_refused(world, client, session, provider, tamper):
    provider.identity, provider.tamper = {"preferred_username": "clerk"}, {tamper}
    refused = _round_trip(client)
    assert refused.status_code == 401 and "Không đăng nhập được qua tài khoản một cửa" in refused.data.decode()
    assert client.get("/inbox").status_code == 302
    assert "auth.external_sign_in" not in _actions(session)


def test_a_callback_with_another_state_is_refused(world, client, provider):
    provider.identity = {"preferred_username": "clerk"}
    started = client.get("/login/oidc")
    approved = requests.get(started.headers["Location"], allow_redirects=False, timeout=10)
    back = urlsplit(approved.headers["Location"])
    forged = re.sub(r"state=[^&]+", "state=forged", back.query)
    assert client.get(f"{back.path}?{forged}").status_code == 401
    # A code obtained by someone else's browser is useless here: this browser never started a sign-in.
    other = client.application.test_client()
    assert other.get(f"{back.path}?{back.query}").status_code == 401
    assert client.get("/inbox").status_code == 302


def test_matching_by_verified_email(engine, provider, create_org_unit, create_user, session):
    create_org_unit("CITY", kind="city_peoples_committee", name="UBND thành phố")
    create_user("clerk", "CITY", ["unit_officer"])
    clerk = session.scalar(select(User).where(User.username == "clerk"))
    clerk.email = "Clerk@DaNang.gov.vn"
    session.commit()
    settings = Settings(database_url=str(engine.url), secret_key="test-secret", token_max_age=3600,
                        oidc=OidcSettings(issuer=provider.url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                                          claim="email", match="email", button_label="Đăng nhập qua VNeID"))
    client = create_app(settings, engine=engine).test_client()
    assert "Đăng nhập qua VNeID" in client.get("/login").data.decode()
    provider.identity = {"email": "clerk@danang.gov.vn", "email_verified": False}
    assert _round_trip(client).status_code == 401
    provider.identity = {"email": "clerk@danang.gov.vn", "email_verified": True}
    assert _round_trip(client).status_code == 302
    assert client.get("/inbox").status_code == 200


def test_without_settings_nothing_changes(engine):
    settings = Settings(database_url=str(engine.url), secret_key="test-secret", token_max_age=3600)
    client = create_app(settings, engine=engine).test_client()
    assert "data-oidc" not in client.get("/login").data.decode()
    assert client.get("/login/oidc").status_code == 404
    assert client.get("/login/oidc/callback?code=x&state=y").status_code == 404


def test_an_unreachable_provider_leaves_the_password_form(engine):
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    settings = Settings(database_url=str(engine.url), secret_key="test-secret", token_max_age=3600,
                        oidc=OidcSettings(issuer=closed, client_id=CLIENT_ID, client_secret=CLIENT_SECRET))
    client = create_app(settings, engine=engine).test_client()
    answer = client.get("/login/oidc")
    assert answer.status_code == 503 and 'name="password"' in answer.data.decode()
    assert "Không đăng nhập được qua tài khoản một cửa" in answer.data.decode()
