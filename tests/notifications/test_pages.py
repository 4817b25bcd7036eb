"""The bell, the list and marking read in the pages; the security headers on every response."""

from __future__ import annotations

import re

from sqlalchemy import select

from service.models import Notification, NotificationPreference, User
from tests.conftest import PASSWORD
from tests.http.test_web_floor import _csrf, _sign_in

from .test_events import _start, org  # noqa: F401  (the fixture)


def _bell(page: bytes) -> str:
    match = re.search(rb'class="bell"[^>]*>(.*?)</a>', page, re.S)
    assert match, "the layout shows the bell"
    count = re.search(rb'<span class="count">([^<]*)</span>', match.group(1))
    return count.group(1).decode() if count else ""


def test_the_bell_counts_unread_and_the_list_marks_them_read(client, login, org, session):  # noqa: F811
    api = client.application.test_client()
    instance = _start(api, login)
    [task] = instance["tasks"]
    _sign_in(client, "officer", PASSWORD)
    home = client.get("/notifications")
    assert home.status_code == 200
    assert _bell(home.data) == "1"
    text = home.data.decode()
    assert "Việc mới: Soạn hồ sơ" in text and f'value="/tasks/{task["id"]}"' in text

    [note_id] = session.scalars(select(Notification.id).join(User, User.id == Notification.user_id)
                                .where(User.username == "officer")).all()
    opened = client.post(f"/notifications/{note_id}/read",
                         data={"csrf_token": _csrf(home.data), "next": f"/tasks/{task['id']}"})
    assert opened.status_code == 302 and opened.headers["Location"] == f"/tasks/{task['id']}"
    assert _bell(client.get("/notifications").data) == ""
    # Someone else's notification cannot be marked through the officer's session.
    officer2 = session.scalar(select(Notification.id).join(User, User.id == Notification.user_id)
                              .where(User.username == "officer2"))
    client.post(f"/notifications/{officer2}/read", data={"csrf_token": _csrf(home.data)})
    session.expire_all()
    assert session.get(Notification, officer2).read_at is None
    # An outside `next` is not followed.
    away = client.post(f"/notifications/{note_id}/read",
                       data={"csrf_token": _csrf(home.data), "next": "//evil.example/x"})
    assert away.headers["Location"] == "/notifications"


def test_the_e_mail_preference_is_saved(client, org, session):  # noqa: F811
    _sign_in(client, "officer", PASSWORD)
    page = client.get("/notifications")
    saved = client.post("/notifications/preference",
                        data={"csrf_token": _csrf(page.data), "email_mode": "digest", "locale": "en"})
    assert saved.status_code == 302
    user_id = session.scalar(select(User.id).where(User.username == "officer"))
    stored = session.get(NotificationPreference, user_id)
    assert (stored.email_mode, stored.locale) == ("digest", "en")
    bad = client.post("/notifications/preference",
                      data={"csrf_token": _csrf(page.data), "email_mode": "hourly", "locale": "en"})
    assert bad.status_code == 422


def test_every_response_is_served_with_nosniff_and_a_strict_policy(client, org):  # noqa: F811
    for response in (client.get("/login"), client.get("/notifications"), client.get("/api/v1/tasks"),
                     client.get("/no-such-page")):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "object-src 'none'" in policy and "unsafe-eval" not in policy


def test_the_inbox_exports_as_xlsx_with_vietnamese_headers(client, login, org, session):  # noqa: F811
    import io

    import openpyxl

    _start(client.application.test_client(), login)
    _sign_in(client, "officer", PASSWORD)
    response = client.get("/inbox/export.xlsx?tab=group")
    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Công việc", "Nội dung", "Quy trình")
    assert [row[0] for row in rows[1:]] == ["Soạn hồ sơ"]
