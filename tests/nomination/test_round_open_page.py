"""Mở đợt on the round pages (Flask test client): the lead agency's reviewer opens a planned round with a
deadline typed dd/mm/yyyy and quotas per unit; a refused value comes back at its field with what was typed
kept and nothing changed; anyone else gets 404."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from service.models import AuditEvent, AwardRound
from service.nomination import config, processes
from tests.conftest import PASSWORD

from .domain_support import Domain, build_domain


@pytest.fixture
def domain(app, session) -> Domain:
    return build_domain(session)


def _sign_in(client, username: str) -> None:
    token = re.search(rb'name="csrf_token" value="([^"]+)"', client.get("/login").data).group(1).decode()
    assert client.post("/login", data={"username": username, "password": PASSWORD,
                                       "csrf_token": token}).status_code == 302


def _form_token(page: bytes) -> str:
    return re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()


def _opened_events(session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "round.opened"))


def test_a_negative_quota_is_refused_at_its_field_and_changes_nothing(client, session, domain):
    planned = domain.planned_round(2026)
    _sign_in(client, "reviewer")
    page = client.get(f"/rounds/{planned.id}/open")
    assert page.status_code == 200
    deadline = (config.today() + timedelta(days=20)).strftime("%d/%m/%Y")
    refused = client.post(f"/rounds/{planned.id}/open", data={
        "csrf_token": _form_token(page.data), "deadline": deadline, "total_quota": "3",
        "org_unit_code": ["STC", "SYT"], "quota": ["1", "-2"]})
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert 'id="quota-1-error"' in text and "Nhập một số nguyên không âm." in text
    assert f'value="{deadline}"' in text and 'value="-2"' in text and '<option value="SYT" selected>' in text
    session.expire_all()
    round_ = session.get(AwardRound, planned.id)
    assert round_.status == "planned" and round_.quotas == [] and round_.total_quota is None
    assert _opened_events(session) == 0


def test_the_reviewer_opens_the_round_and_others_get_not_found(client, session, domain):
    planned = domain.planned_round(2026)
    _sign_in(client, "officer_stc")
    assert client.get(f"/rounds/{planned.id}/open").status_code == 404
    client.post("/logout", data={"csrf_token": _form_token(client.get("/rounds").data)})

    _sign_in(client, "reviewer")
    page = client.get(f"/rounds/{planned.id}/open")
    day = config.today() + timedelta(days=20)
    opened = client.post(f"/rounds/{planned.id}/open", data={
        "csrf_token": _form_token(page.data), "deadline": day.strftime("%d/%m/%Y"), "total_quota": "3",
        "org_unit_code": ["STC", ""], "quota": ["1", ""]})
    assert opened.status_code == 302 and opened.headers["Location"].endswith(f"/rounds/{planned.id}")
    session.expire_all()
    round_ = session.get(AwardRound, planned.id)
    assert round_.status == "open" and round_.total_quota == 3
    assert [(quota.org_unit.code, quota.quota) for quota in round_.quotas] == [("STC", 1)]
    assert round_.deadline == processes.end_of_day(day)
    assert _opened_events(session) == 1
    assert client.get(f"/rounds/{planned.id}/open").status_code == 404


def test_a_deadline_before_the_opening_day_is_refused_and_changes_nothing(client, session, domain):
    planned = domain.planned_round(2026)
    _sign_in(client, "reviewer")
    page = client.get(f"/rounds/{planned.id}/open")
    yesterday = (config.today() - timedelta(days=1)).strftime("%d/%m/%Y")
    refused = client.post(f"/rounds/{planned.id}/open", data={
        "csrf_token": _form_token(page.data), "deadline": yesterday, "total_quota": "", "org_unit_code": [""],
        "quota": [""]})
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert 'id="deadline-error"' in text and "Hạn nộp hồ sơ không được trước ngày mở đợt." in text
    assert f'value="{yesterday}"' in text
    session.expire_all()
    assert session.get(AwardRound, planned.id).status == "planned"
    assert _opened_events(session) == 0
