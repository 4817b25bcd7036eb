"""Administration endpoints: org units, roles, users; who may call them; tokens revoked on disable."""

from __future__ import annotations

import pytest


@pytest.fixture
def sysadmin(create_org_unit, create_user):
    create_org_unit("CITY", kind="city_peoples_committee")
    create_user("root", "CITY", ["system_admin"])
    create_user("officer", "CITY", ["unit_officer"])


def test_org_units_roles_users_roundtrip(client, sysadmin, login):
    h = login("root")
    created = client.post("/api/v1/admin/org-units", json={"code": "PX_HOA_CUONG", "name": "Phường Hòa Cường",
                                                           "parent_code": "CITY", "kind": "commune_peoples_committee"},
                          headers=h)
    assert created.status_code == 201, created.get_json()
    tree = client.get("/api/v1/admin/org-units", headers=h).get_json()["items"]
    assert {"code": "PX_HOA_CUONG", "parent_code": "CITY"}.items() <= next(
        u for u in tree if u["code"] == "PX_HOA_CUONG").items()
    assert next(u for u in tree if u["code"] == "PX_HOA_CUONG")["name"] == "Phường Hòa Cường"

    role = client.post("/api/v1/admin/roles", json={"key": "ward_clerk", "name": "Văn thư", "scope": "unit"}, headers=h)
    assert role.status_code == 201
    bad_scope = client.post("/api/v1/admin/roles", json={"key": "x_role", "name": "X", "scope": "galaxy"}, headers=h)
    assert bad_scope.status_code == 422 and "scope" in bad_scope.get_json()["error"]["details"]["fields"]

    user = client.post("/api/v1/admin/users", json={"username": "clerk1", "password": "mật-khẩu-dài-1",
                                                    "full_name": "Nguyễn Văn Á", "org_unit_code": "PX_HOA_CUONG",
                                                    "roles": ["ward_clerk"]}, headers=h)
    assert user.status_code == 201, user.get_json()
    assert user.get_json()["roles"] == ["ward_clerk"] and "password" not in user.get_json()
    dup = client.post("/api/v1/admin/users", json={"username": "clerk1", "password": "another-pass-1",
                                                   "full_name": "B", "roles": []}, headers=h)
    assert dup.status_code == 409
    unknown_role = client.post("/api/v1/admin/users", json={"username": "clerk2", "password": "another-pass-1",
                                                            "full_name": "B", "roles": ["nope"]}, headers=h)
    assert unknown_role.status_code == 422
    unknown_parent = client.post("/api/v1/admin/org-units", json={"code": "X1", "name": "X", "parent_code": "NOPE",
                                                                  "kind": "department"}, headers=h)
    assert unknown_parent.status_code == 422


def test_only_system_admins_administer(client, sysadmin, login):
    response = client.post("/api/v1/admin/roles", json={"key": "r1", "name": "R", "scope": "unit"},
                           headers=login("officer"))
    assert response.status_code == 403


def test_password_is_argon2_and_disable_revokes_tokens(client, session, sysadmin, login):
    from service.models import User

    stored = session.query(User).filter_by(username="officer").one()
    assert stored.password_hash.startswith("$argon2")
    officer = login("officer")
    assert client.get("/api/v1/tasks", headers=officer).status_code == 200
    disabled = client.patch("/api/v1/admin/users/officer", json={"active": False}, headers=login("root"))
    assert disabled.status_code == 200 and disabled.get_json()["active"] is False
    assert client.get("/api/v1/tasks", headers=officer).status_code == 401
    relogin = client.post("/api/v1/auth/token", json={"username": "officer", "password": "correct-horse-battery"})
    assert relogin.status_code == 401


def test_admin_changes_are_audited(client, session, sysadmin, login):
    from service.models import AuditEvent
    from service.operations.audit import verify_stream

    client.post("/api/v1/admin/roles", json={"key": "r2", "name": "R", "scope": "any"}, headers=login("root"))
    actions = [e.action for e in session.query(AuditEvent).filter_by(stream="system").order_by(AuditEvent.seq)]
    assert "role.created" in actions
    assert verify_stream(session, "system") == []
