"""The public notice and comments without login: listing, input limits, rate limit, the flag for Home Affairs."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from service.db import utcnow
from service.models import LegalParameter, Nominee, RateLimitEvent
from service.nomination import config, parameters, public_notice, rounds, throttle

from .domain_support import Domain, build_domain, collective, individual


@pytest.fixture
def domain(app, session) -> Domain:
    return build_domain(session)


def listed_round(domain):
    session = domain.session
    round_ = domain.open_round()
    dossier = domain.submit(domain.dossier(round_, "officer_stc", [
        collective("Sở Tài chính"), individual("Ngô Thị E", date(1988, 8, 8))]))
    for nominee in dossier.nominees:
        nominee.outcome = "proposed_to_city"
    dossier.nominees[0].rank, dossier.nominees[1].rank = 1, 2
    rounds.close_round(session, actor=None, round_id=round_.id)
    notice = public_notice.open_notice(session, round_id=round_.id)
    session.commit()
    return round_, dossier, notice


def test_open_notice_lists_the_proposed_nominees_without_login(client, domain):
    round_, _dossier, notice = listed_round(domain)
    # 5 working days (the parameter) after today, to the end of that day.
    calendar = config.calendar(domain.session)
    assert calendar.working_days_between(notice.opened_at, notice.closes_at) == 5
    response = client.get("/api/v1/public/notices")
    assert response.status_code == 200
    [item] = response.get_json()["items"]
    assert item["id"] == notice.id and [n["name"] for n in item["nominees"]] == ["Sở Tài chính", "Ngô Thị E"]
    assert "date_of_birth" not in item["nominees"][1]  # no personal data on the public page
    assert client.get(f"/api/v1/public/notices/{notice.id}").status_code == 200
    assert public_notice.open_notice(domain.session, round_id=round_.id).id == notice.id  # once per round


def test_comment_flags_the_nominee_and_is_rate_limited(client, domain):
    _round, dossier, notice = listed_round(domain)
    session = domain.session
    parameters.add_parameter(session, actor=domain.user("sysadmin"), values={
        "key": "public_comment.rate_limit", "value": {"max_requests": 2, "window_seconds": 3600},
        "valid_from": date(2025, 1, 1), "source": "Cấu hình kiểm thử"})
    session.commit()
    target = dossier.nominees[1]
    url = f"/api/v1/public/notices/{notice.id}/comments"
    body = {"nominee_id": target.id, "author_name": "Người dân", "content": "Cá nhân này đang bị khiếu nại."}
    first = client.post(url, json=body, environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert first.status_code == 201, first.get_json()
    session.expire_all()
    assert session.get(Nominee, target.id).public_comment_flag is True
    assert client.post(url, json=body, environ_base={"REMOTE_ADDR": "203.0.113.7"}).status_code == 201
    limited = client.post(url, json=body, environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert limited.status_code == 429 and limited.get_json()["error"]["code"] == "too_many_requests"
    assert limited.headers["Retry-After"] == "3600"
    # Another client address has its own window; the address itself is not stored.
    assert client.post(url, json=body, environ_base={"REMOTE_ADDR": "198.51.100.9"}).status_code == 201
    keys = set(session.scalars(select(RateLimitEvent.client_key)))
    assert len(keys) == 2 and all("203.0.113.7" not in key for key in keys)
    flagged = public_notice.close_notice(session, round_id=notice.round_id)
    assert flagged == [{"nominee_id": target.id, "name": "Ngô Thị E", "comment_count": 3,
                        "excerpt": "Cá nhân này đang bị khiếu nại."}]


def test_comment_input_limits(client, domain):
    _round, dossier, notice = listed_round(domain)
    url = f"/api/v1/public/notices/{notice.id}/comments"
    too_long = {"nominee_id": dossier.nominees[0].id, "author_name": "A", "content": "x" * 2001}
    response = client.post(url, json=too_long)
    assert response.status_code == 422 and "content" in response.get_json()["error"]["details"]["fields"]
    assert client.post(url, json={"nominee_id": dossier.nominees[0].id, "author_name": "", "content": "x"}
                       ).status_code == 422
    assert client.post(url, json={"nominee_id": "1; DROP", "author_name": "A", "content": "x"}).status_code == 422
    assert client.post(url, json={"nominee_id": 999999, "author_name": "A", "content": "x"}).status_code == 422
    assert client.post(url, data="not json", content_type="application/json").status_code == 400
    assert client.post("/api/v1/public/notices/999/comments", json={
        "nominee_id": dossier.nominees[0].id, "author_name": "A", "content": "x"}).status_code == 404


def test_sliding_window_counts_only_recent_requests(domain):
    session = domain.session
    now = utcnow()
    for minutes in (50, 40):
        throttle.hit(session, bucket="b", client="c", max_requests=2, window_seconds=3600,
                     now=now - timedelta(minutes=minutes))
    try:
        throttle.hit(session, bucket="b", client="c", max_requests=2, window_seconds=3600, now=now)
        raise AssertionError("a third request inside the window must be refused")
    except throttle.RateLimited:
        pass
    # Eleven minutes later the first request left the window.
    throttle.hit(session, bucket="b", client="c", max_requests=2, window_seconds=3600,
                 now=now + timedelta(minutes=11))


def test_closed_notice_takes_no_comments(client, domain):
    _round, dossier, notice = listed_round(domain)
    notice.closes_at = utcnow() - timedelta(seconds=1)
    domain.session.commit()
    assert client.get("/api/v1/public/notices").get_json()["total"] == 0
    response = client.post(f"/api/v1/public/notices/{notice.id}/comments",
                           json={"nominee_id": dossier.nominees[0].id, "author_name": "A", "content": "x"})
    assert response.status_code == 404


def test_a_dated_duration_replaces_the_working_day_window(domain):
    session = domain.session
    session.add(LegalParameter(key="public_notice.duration", value="PT2S", valid_from=date(2024, 1, 1),
                               source="Cấu hình diễn tập"))
    session.commit()
    _round, _dossier, notice = listed_round(domain)
    assert notice.closes_at - notice.opened_at == timedelta(seconds=2)
