"""Bearer tokens: a checked token is remembered (its HMAC is not checked again on every request), yet it still
expires on time, a forged one never passes, and a change to the user or their roles counts at once."""

from __future__ import annotations

import pytest

from service.operations import auth
from service.operations.admin import update_user


@pytest.fixture
def officer(create_org_unit, create_user):
    create_org_unit("DEPT")
    return create_user("officer", "DEPT", ["unit_officer"])


class _Clock:
    def __init__(self, now: float):
        self.now = now

    def time(self) -> float:
        return self.now


def _inbox(client, headers):
    return client.get("/api/v1/tasks", headers=headers)


def test_a_remembered_token_still_expires_on_time(client, officer, login, monkeypatch, app):
    import time

    headers = login("officer")
    assert _inbox(client, headers).status_code == 200  # checked once, now remembered
    signer = app.extensions["vinhdanh"].token_signer
    token = headers["Authorization"].split()[1]
    assert token in signer._verified
    clock = _Clock(time.time() + signer.max_age + 5)
    monkeypatch.setattr(auth, "time", clock)
    monkeypatch.setattr("itsdangerous.timed.time", clock)  # the full check must refuse it too
    expired = _inbox(client, headers)
    assert expired.status_code == 401
    assert expired.get_json()["error"]["message"] == "Phiên đăng nhập đã hết hạn."
    assert token not in signer._verified


def test_a_token_from_the_future_is_refused_even_when_remembered(client, officer, login, monkeypatch, app):
    import time

    headers = login("officer")
    assert _inbox(client, headers).status_code == 200
    monkeypatch.setattr(auth, "time", _Clock(time.time() - 3600))  # the clock went back an hour
    monkeypatch.setattr("itsdangerous.timed.time", _Clock(time.time() - 3600))
    assert _inbox(client, headers).status_code == 401


def test_a_forged_token_never_passes_and_is_not_remembered(client, officer, login, app):
    headers = login("officer")
    token = headers["Authorization"].split()[1]
    payload, _, signature = token.rpartition(".")
    forged = f"{payload}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"
    signer = app.extensions["vinhdanh"].token_signer
    for _ in range(2):
        refused = _inbox(client, {"Authorization": f"Bearer {forged}"})
        assert refused.status_code == 401
        assert refused.get_json()["error"]["message"] == "Mã truy cập không hợp lệ."
    assert forged not in signer._verified


def test_a_remembered_token_stops_working_when_the_user_changes(client, session, officer, create_user, login):
    root = create_user("root", "DEPT", ["system_admin"])
    headers = login("officer")
    assert _inbox(client, headers).status_code == 200
    update_user(session, actor=root, username="officer", values={"active": False})
    session.commit()
    assert _inbox(client, headers).status_code == 401
