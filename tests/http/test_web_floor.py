"""The floor every front end stands on: one principal from a bearer token or the session cookie, one
transaction per request, CSRF on the pages, errors as JSON under /api and as pages elsewhere, messages in
the request's language, and the sign-in throttle shared by the API and the pages."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from service.db import utcnow
from service.models import AuditEvent, SignInThrottle
from service.operations import auth as auth_operations
from tests.conftest import PASSWORD


def _csrf(page: bytes) -> str:
    match = re.search(rb'name="csrf_token" value="([^"]+)"', page)
    assert match, "the page carries a CSRF token"
    return match.group(1).decode()


def _sign_in(client, username: str, password: str = PASSWORD):
    token = _csrf(client.get("/login").data)
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


@pytest.fixture
def officer(create_org_unit, create_user):
    create_org_unit("U1")
    return create_user("officer_u1", org_unit_code="U1", roles=["unit_officer"])


def test_root_sends_a_visitor_to_the_sign_in_page_in_vietnamese(client):
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    page = client.get("/login")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'lang="vi"' in text and "Đăng nhập" in text and "Tên đăng nhập" in text and "Mật khẩu" in text
    assert '<label for="username">' in text and '<label for="password">' in text


def test_sign_in_sets_a_hardened_cookie_and_the_same_user_reaches_the_pages(client, officer):
    response = _sign_in(client, "officer_u1")
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie  # plain http here
    home = client.get("/", follow_redirects=True)  # the signed-in home is the inbox
    assert home.status_code == 200 and "Người dùng officer_u1" in home.get_data(as_text=True)


def test_session_cookie_is_secure_over_https(client, officer):
    token = _csrf(client.get("/login", base_url="https://localhost").data)
    # Over HTTPS the CSRF check also wants the request to come from this site (as a browser says it does).
    response = client.post("/login", base_url="https://localhost", headers={"Referer": "https://localhost/login"},
                           data={"username": "officer_u1", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302 and "Secure" in response.headers["Set-Cookie"]


def test_wrong_password_keeps_the_username_and_says_why(client, officer):
    response = _sign_in(client, "officer_u1", "wrong-password")
    text = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in text and 'value="officer_u1"' in text


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(client, officer, session):
    response = client.post("/login", data={"username": "officer_u1", "password": PASSWORD})
    assert response.status_code == 400
    assert "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ" in response.get_data(as_text=True)
    assert client.get("/inbox").status_code == 302  # still signed out
    _sign_in(client, "officer_u1")
    refused = client.post("/logout")  # a forged sign-out from another site
    assert refused.status_code == 400 and client.get("/inbox").status_code == 200


def test_the_api_needs_no_csrf_token_but_a_bearer_token(client, officer, login):
    assert client.get("/api/v1/tasks").status_code == 401
    assert client.post("/api/v1/process-instances", json={"process_key": "x"}).status_code == 401
    response = client.get("/api/v1/tasks", headers=login("officer_u1"))
    assert response.status_code == 200


def test_a_page_session_does_not_authenticate_the_api(client, officer):
    _sign_in(client, "officer_u1")
    assert client.get("/api/v1/tasks").status_code == 401  # the cookie is no bearer token (no CSRF hole)


def test_sign_out_ends_the_session(client, officer):
    _sign_in(client, "officer_u1")
    token = _csrf(client.get("/inbox").data)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/inbox").status_code == 302


def test_changing_the_password_ends_other_sessions_and_tokens(app, client, officer, login):
    headers = login("officer_u1")
    other = app.test_client()
    _sign_in(other, "officer_u1")
    _sign_in(client, "officer_u1")
    page = client.get("/password")
    token = _csrf(page.data)
    bad = client.post("/password", data={"csrf_token": token, "current_password": PASSWORD,
                                         "new_password": "short", "confirm_password": "short"})
    assert bad.status_code == 422 and "Mật khẩu mới phải có ít nhất 10 ký tự." in bad.get_data(as_text=True)
    good = client.post("/password", data={"csrf_token": token, "current_password": PASSWORD,
                                          "new_password": "a-new-long-password", "confirm_password":
                                          "a-new-long-password"})
    assert good.status_code == 302
    assert client.get("/inbox").status_code == 200  # this session goes on
    assert other.get("/inbox").status_code == 302  # the other one ended
    assert app.test_client().get("/api/v1/tasks", headers=headers).status_code == 401


def test_wrong_current_passwords_on_the_password_page_count_towards_the_throttle(client, officer, session,
                                                                                 monkeypatch):
    """A stolen session is no way to guess the password: the page shares the sign-in throttle (as the API's
    POST /api/v1/auth/password does)."""
    clock = {"now": utcnow()}
    monkeypatch.setattr(auth_operations, "utcnow", lambda: clock["now"])
    _sign_in(client, "officer_u1")
    token = _csrf(client.get("/password").data)
    wrong = {"csrf_token": token, "current_password": "wrong-password", "new_password": "a-new-long-password",
             "confirm_password": "a-new-long-password"}
    for _ in range(auth_operations.FREE_FAILURES + 1):
        assert client.post("/password", data=wrong).status_code == 422
    session.expire_all()
    assert session.get(SignInThrottle, "officer_u1").failures == auth_operations.FREE_FAILURES + 1
    waiting = client.post("/password", data={**wrong, "current_password": PASSWORD})
    text = waiting.get_data(as_text=True)
    assert waiting.status_code == 429 and "Nhập sai mật khẩu nhiều lần; vui lòng thử lại sau" in text
    assert 'id="current_password-error"' in text
    clock["now"] += timedelta(seconds=auth_operations.MAX_WAIT_SECONDS + 1)
    assert client.post("/password", data={**wrong, "current_password": PASSWORD}).status_code == 302
    session.expire_all()
    assert session.get(SignInThrottle, "officer_u1") is None


def test_failed_sign_ins_slow_down_then_lock_and_are_audited(client, officer, session, monkeypatch):
    clock = {"now": utcnow()}
    monkeypatch.setattr(auth_operations, "utcnow", lambda: clock["now"])
    for _ in range(auth_operations.FREE_FAILURES):
        assert _sign_in(client, "officer_u1", "wrong").status_code == 401
    assert _sign_in(client, "officer_u1", "wrong").status_code == 401  # the 4th failure sets a wait
    waiting = _sign_in(client, "officer_u1")  # even the right password must wait
    assert waiting.status_code == 429 and "vui lòng thử lại sau" in waiting.get_data(as_text=True)
    api = client.post("/api/v1/auth/token", json={"username": "officer_u1", "password": PASSWORD})
    assert api.status_code == 429 and int(api.headers["Retry-After"]) >= 1  # one throttle for both
    for _ in range(auth_operations.LOCK_AFTER_FAILURES):
        clock["now"] += timedelta(seconds=auth_operations.MAX_WAIT_SECONDS + 1)
        _sign_in(client, "officer_u1", "wrong")
    clock["now"] += timedelta(seconds=auth_operations.MAX_WAIT_SECONDS + 1)
    assert _sign_in(client, "officer_u1").status_code == 429  # locked for a while
    session.expire_all()
    assert session.get(SignInThrottle, "officer_u1").failures >= auth_operations.LOCK_AFTER_FAILURES
    assert session.query(AuditEvent).filter_by(action="auth.locked").count() >= 1
    clock["now"] += timedelta(seconds=auth_operations.LOCK_SECONDS + 1)
    assert _sign_in(client, "officer_u1").status_code == 302
    session.expire_all()
    assert session.get(SignInThrottle, "officer_u1") is None  # a success forgets the failures


def test_unknown_usernames_are_throttled_alike(client):
    for _ in range(auth_operations.FREE_FAILURES + 1):
        assert _sign_in(client, "nobody", "x").status_code == 401
    assert _sign_in(client, "nobody", "x").status_code == 429


def test_the_next_parameter_never_leaves_the_site(client, officer):
    token = _csrf(client.get("/login?next=//evil.example/x").data)
    response = client.post("/login", data={"username": "officer_u1", "password": PASSWORD, "csrf_token": token,
                                           "next": "//evil.example/x"})
    assert response.status_code == 302 and "evil" not in response.headers["Location"]


def test_errors_are_pages_on_the_web_and_json_under_the_api(client, officer, login):
    page = client.get("/no-such-page")
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert "Không tìm thấy trang" in page.get_data(as_text=True)
    api = client.get("/api/v1/no-such-thing", headers=login("officer_u1"))
    assert api.status_code == 404 and api.get_json()["error"]["code"] == "not_found"


def test_api_messages_follow_accept_language_vietnamese_by_default(client, officer, login):
    headers = login("officer_u1")
    vi = client.get("/api/v1/tasks/nope", headers=headers)
    en = client.get("/api/v1/tasks/nope", headers={**headers, "Accept-Language": "en-GB,en;q=0.8"})
    assert vi.get_json()["error"]["message"] == "Không tìm thấy công việc."
    assert en.get_json()["error"]["message"] == "Task not found."
    assert " / " not in vi.get_json()["error"]["message"]
    # Each header keeps its own answer (the parsed header is remembered per value), in any order.
    for header, expected in (("en", "Task not found."), ("vi", "Không tìm thấy công việc."),
                             ("fr, en;q=0.5", "Task not found."), ("fr", "Không tìm thấy công việc."),
                             ("en", "Task not found."), ("", "Không tìm thấy công việc.")):
        reply = client.get("/api/v1/tasks/nope", headers={**headers, "Accept-Language": header})
        assert reply.get_json()["error"]["message"] == expected, header


def test_the_language_switch_translates_the_page(client, officer):
    token = _csrf(client.get("/login").data)
    response = client.post("/language", data={"locale": "en", "csrf_token": token, "next": "/login"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    text = client.get("/login").get_data(as_text=True)
    assert 'lang="en"' in text and "Sign in" in text and "Username" in text and "Đăng nhập" not in text
    wrong = _sign_in(client, "officer_u1", "wrong").get_data(as_text=True)
    assert "Invalid username or password." in wrong
