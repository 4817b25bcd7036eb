"""A password an administrator set (a new account, a reset) must be changed at the next sign-in: the flag is set
by the administrator's operations, not by the system's own seeding nor by an administrator's change of their own
password, cleared by the user's own change, and audited without any password text."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from service.errors import ValidationFailed
from service.models import AuditEvent, User
from service.operations import admin
from service.operations import auth as auth_ops
from service.permissions import must_change_password

from ..conftest import PASSWORD

TEMPORARY = "tạm-thời-123456"


@pytest.fixture
def sysadmin(create_org_unit, create_user):
    create_org_unit("CITY", kind="city_peoples_committee", name="UBND thành phố")
    return create_user("sysadmin", "CITY", ["system_admin"])


def _events(session, action: str) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def _no_password_text(event: AuditEvent) -> None:
    text = repr(event.details)
    assert TEMPORARY not in text and PASSWORD not in text and "$argon2" not in text


def test_seeded_accounts_are_not_held(sysadmin, session):
    """Fixtures, the demo, the benchmarks and the first admin (actor None) sign in straight away."""
    assert sysadmin.password_must_change is False and not must_change_password(sysadmin)
    assert _events(session, "user.created")[0].details["password_must_change"] is False


def test_an_account_an_admin_creates_is_held_and_audited(sysadmin, session):
    clerk = admin.create_user(session, actor=sysadmin, values={
        "username": "clerk", "password": TEMPORARY, "full_name": "Nguyễn Văn An", "org_unit_code": "CITY",
        "roles": []})
    session.commit()
    assert clerk.password_must_change is True and must_change_password(clerk)
    event = _events(session, "user.created")[-1]
    assert event.actor == "sysadmin" and event.details["password_must_change"] is True
    _no_password_text(event)


def test_a_reset_by_an_admin_holds_the_user(sysadmin, session, create_user):
    clerk = create_user("clerk", "CITY", ["unit_officer"])
    generation = clerk.token_generation
    admin.update_user(session, actor=sysadmin, username="clerk", values={"password": TEMPORARY})
    session.commit()
    assert clerk.password_must_change is True and clerk.token_generation == generation + 1
    event = _events(session, "user.updated")[-1]
    assert event.details["changed"] == ["password"] and event.details["password_must_change"] is True
    _no_password_text(event)
    # Other changes leave the flag alone (and say nothing about it).
    admin.update_user(session, actor=sysadmin, username="clerk", values={"full_name": "Nguyễn Văn Bình"})
    session.commit()
    assert clerk.password_must_change is True
    assert "password_must_change" not in _events(session, "user.updated")[-1].details


def test_an_admin_setting_their_own_password_is_not_held(sysadmin, session):
    admin.update_user(session, actor=sysadmin, username="sysadmin", values={"password": TEMPORARY})
    session.commit()
    assert sysadmin.password_must_change is False
    assert _events(session, "user.updated")[-1].details["password_must_change"] is False


def test_the_users_own_change_clears_the_flag(sysadmin, session, create_user):
    create_user("clerk", "CITY", ["unit_officer"])
    admin.update_user(session, actor=sysadmin, username="clerk", values={"password": TEMPORARY})
    session.commit()
    clerk = session.scalar(select(User).where(User.username == "clerk"))
    with pytest.raises(ValidationFailed):  # a refused change leaves the hold in place
        auth_ops.change_password(session, actor=clerk, current="sai-mật-khẩu", new="mật-khẩu-riêng-1",
                                 confirm="mật-khẩu-riêng-1")
    assert clerk.password_must_change is True
    auth_ops.change_password(session, actor=clerk, current=TEMPORARY, new="mật-khẩu-riêng-1",
                             confirm="mật-khẩu-riêng-1")
    session.commit()
    session.expire_all()
    clerk = session.scalar(select(User).where(User.username == "clerk"))
    assert clerk.password_must_change is False and not must_change_password(clerk)
    event = _events(session, "user.password_changed")[-1]
    assert event.actor == "clerk" and event.details == {"username": "clerk", "replaced_temporary": True}


def test_an_identity_provider_session_is_not_held(sysadmin, session, create_user):
    clerk = create_user("clerk", "CITY", ["unit_officer"])
    admin.update_user(session, actor=sysadmin, username="clerk", values={"password": TEMPORARY})
    assert must_change_password(clerk) and not must_change_password(clerk, external_sign_in=True)
