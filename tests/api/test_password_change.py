"""POST /api/v1/auth/password: the page's change of one's own password through the API. Open to a user held by
`password_change_required` (their way out without the pages); answers a new token, since the change ends every
earlier one; a wrong current password changes nothing and counts towards the sign-in throttle."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from service.db import utcnow
from service.models import AuditEvent, SignInThrottle, User
from service.operations import auth as auth_ops

from ..conftest import OWN_PASSWORD as OWN
from ..conftest import PASSWORD
from ..conftest import TEMPORARY_PASSWORD as TEMPORARY

CHANGE = "/api/v1/auth/password"


def _token(client, username: str, password: str) -> dict:
    issued = client.post("/api/v1/auth/token", json={"username": username, "password": password})
    assert issued.status_code == 200, issued.get_json()
    return {"Authorization": f"Bearer {issued.get_json()['access_token']}"}


def _clerk(session) -> User:
    session.expire_all()
    return session.scalar(select(User).where(User.username == "clerk"))


def _changes(session) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == "user.password_changed")))


def test_a_held_user_changes_the_password_through_the_api(held, client, session):
    bearer = _token(client, "clerk", TEMPORARY)
    refused = client.get("/api/v1/tasks", headers=bearer)
    assert refused.status_code == 403
    error = refused.get_json()["error"]
    assert error["code"] == "password_change_required" and "POST /api/v1/auth/password" in error["message"]
    english = client.get("/api/v1/tasks", headers={**bearer, "Accept-Language": "en"}).get_json()["error"]
    assert "POST /api/v1/auth/password" in english["message"] and "set by an administrator" in english["message"]
    before = _clerk(session)
    hash_before, generation = before.password_hash, before.token_generation

    wrong = client.post(CHANGE, json={"current_password": "không-đúng-123", "new_password": OWN}, headers=bearer)
    assert wrong.status_code == 422
    error = wrong.get_json()["error"]
    assert error["code"] == "validation_failed" and error["message"] == "Chưa đổi được mật khẩu."
    assert error["details"]["fields"] == {"current_password": ["Mật khẩu hiện tại không đúng."]}
    clerk = _clerk(session)  # nothing changed but the count of failures
    assert (clerk.password_hash, clerk.token_generation, clerk.password_must_change) == (hash_before, generation, True)
    assert _changes(session) == [] and session.get(SignInThrottle, "clerk").failures == 1
    assert client.get("/api/v1/tasks", headers=bearer).status_code == 403  # still held, the token still valid

    changed = client.post(CHANGE, json={"current_password": TEMPORARY, "new_password": OWN}, headers=bearer)
    assert changed.status_code == 200, changed.get_json()
    body = changed.get_json()
    assert set(body) == {"access_token", "token_type", "expires_in", "password_must_change"}
    assert body["token_type"] == "Bearer" and body["password_must_change"] is False and body["expires_in"] > 0
    fresh = {"Authorization": f"Bearer {body['access_token']}"}
    assert client.get("/api/v1/tasks", headers=fresh).status_code == 200
    old = client.get("/api/v1/tasks", headers=bearer)
    assert old.status_code == 401 and old.get_json()["error"]["code"] == "unauthorized"
    clerk = _clerk(session)
    assert clerk.password_must_change is False and clerk.token_generation == generation + 1
    assert auth_ops.verify_password(clerk.password_hash, OWN)
    assert session.get(SignInThrottle, "clerk") is None  # the right current password forgives earlier failures
    [event] = _changes(session)
    assert event.actor == "clerk" and event.details == {"username": "clerk", "replaced_temporary": True}
    assert client.post("/api/v1/auth/token", json={"username": "clerk", "password": TEMPORARY}).status_code == 401
    assert _token(client, "clerk", OWN)


def test_a_user_who_is_not_held_may_change_it_too(held, client, session, login):
    bearer = login("sysadmin")
    changed = client.post(CHANGE, json={"current_password": PASSWORD, "new_password": OWN}, headers=bearer)
    assert changed.status_code == 200 and changed.get_json()["password_must_change"] is False
    assert client.get("/api/v1/tasks", headers=bearer).status_code == 401
    fresh = {"Authorization": f"Bearer {changed.get_json()['access_token']}"}
    assert client.get("/api/v1/admin/users", headers=fresh).status_code == 200
    [event] = _changes(session)
    assert event.actor == "sysadmin" and event.details == {"username": "sysadmin"}


def test_the_operations_rules_answer_per_field_and_change_nothing(held, client, session, login):
    bearer = login("sysadmin")
    before = session.scalar(select(User.password_hash).where(User.username == "sysadmin"))
    short = client.post(CHANGE, json={"current_password": PASSWORD, "new_password": "ngắn"}, headers=bearer)
    assert short.status_code == 422
    assert short.get_json()["error"]["details"]["fields"] == {
        "new_password": ["Mật khẩu mới phải có ít nhất 10 ký tự."]}
    same = client.post(CHANGE, json={"current_password": PASSWORD, "new_password": PASSWORD},
                       headers={**bearer, "Accept-Language": "en"})
    assert same.status_code == 422 and list(same.get_json()["error"]["details"]["fields"]) == ["new_password"]
    missing = client.post(CHANGE, json={"new_password": OWN}, headers=bearer)
    assert missing.status_code == 422 and "current_password" in missing.get_json()["error"]["details"]["fields"]
    too_long = client.post(CHANGE, json={"current_password": PASSWORD, "new_password": "x" * 257}, headers=bearer)
    assert too_long.status_code == 422 and "new_password" in too_long.get_json()["error"]["details"]["fields"]
    session.expire_all()
    assert session.scalar(select(User.password_hash).where(User.username == "sysadmin")) == before
    assert _changes(session) == [] and session.get(SignInThrottle, "sysadmin") is None  # the right current password
    assert client.get("/api/v1/tasks", headers=bearer).status_code == 200


def test_it_needs_a_bearer_token_and_no_csrf_token(held, client, session):
    anonymous = client.post(CHANGE, json={"current_password": TEMPORARY, "new_password": OWN})
    assert anonymous.status_code == 401 and anonymous.get_json()["error"]["code"] == "unauthorized"
    assert anonymous.headers["WWW-Authenticate"].startswith("Bearer")
    forged = client.post(CHANGE, json={"current_password": TEMPORARY, "new_password": OWN},
                         headers={"Authorization": "Bearer not-a-token"})
    assert forged.status_code == 401
    # A page session's cookie is no credential under /api: a forged cross-site post riding on it gets nowhere.
    login_page = client.get("/login").data
    csrf = re.search(rb'name="csrf_token" value="([^"]+)"', login_page).group(1).decode()
    assert client.post("/login", data={"username": "clerk", "password": TEMPORARY,
                                       "csrf_token": csrf}).status_code == 302
    riding = client.post(CHANGE, json={"current_password": TEMPORARY, "new_password": OWN})
    assert riding.status_code == 401
    assert _clerk(session).password_must_change is True
    # The bearer call itself carries no CSRF token and needs none: CSRF is checked on the pages only.
    assert client.application.config["WTF_CSRF_CHECK_DEFAULT"] is False
    changed = client.post(CHANGE, json={"current_password": TEMPORARY, "new_password": OWN},
                          headers=_token(client, "clerk", TEMPORARY))
    assert changed.status_code == 200


def test_wrong_current_passwords_are_throttled_like_sign_ins(held, client, session, monkeypatch):
    clock = {"now": utcnow()}
    monkeypatch.setattr(auth_ops, "utcnow", lambda: clock["now"])
    bearer = _token(client, "clerk", TEMPORARY)
    wrong = {"current_password": "không-đúng-123", "new_password": OWN}
    for _ in range(auth_ops.FREE_FAILURES + 1):
        assert client.post(CHANGE, json=wrong, headers=bearer).status_code == 422
    waiting = client.post(CHANGE, json={"current_password": TEMPORARY, "new_password": OWN}, headers=bearer)
    assert waiting.status_code == 429 and int(waiting.headers["Retry-After"]) >= 1  # even the right one waits
    assert waiting.get_json()["error"]["code"] == "too_many_requests"
    assert "Nhập sai mật khẩu nhiều lần" in waiting.get_json()["error"]["message"]
    # One throttle per username: sign-in waits as well.
    assert client.post("/api/v1/auth/token", json={"username": "clerk", "password": TEMPORARY}).status_code == 429
    assert _clerk(session).password_must_change is True
    clock["now"] += timedelta(seconds=auth_ops.MAX_WAIT_SECONDS + 1)
    changed = client.post(CHANGE, json={"current_password": TEMPORARY, "new_password": OWN}, headers=bearer)
    assert changed.status_code == 200
    assert session.get(SignInThrottle, "clerk") is None


def test_the_openapi_document_lists_it(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"][CHANGE]["post"]
    assert operation["operationId"] == "auth.change_password" and operation["security"] == [{"bearer": []}]
    body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert set(spec["components"]["schemas"][body]["required"]) == {"current_password", "new_password"}
    assert {"200", "401", "422", "429"} <= set(operation["responses"])
    assert CHANGE in spec["paths"]["/api/v1/tasks"]["get"]["responses"]["403"]["description"]
