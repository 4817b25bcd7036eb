"""The round's ranking page: every consolidated nominee in the domain's order, where each stands against the
quota (within, tied at the boundary with a link to the tie, over), flagged when the same person is nominated
twice in the round or the register already awards the same achievement; filters; 404 outside the lead agency."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from service.models import AwardRecord, OrgUnit
from tests.conftest import PASSWORD
from tests.http.test_web_floor import _sign_in

from .conftest import FPT, HAICHAU, STC, SYT, collective, individual, submit_and_review
from .test_paths_round import close_and_consolidate

ROW = re.compile(r'<tr data-nominee="(\d+)" data-position="(\w+)">(.*?)</tr>', re.S)


def _rows(client, url: str) -> list[tuple[int, str, str]]:
    page = client.get(url)
    assert page.status_code == 200
    return [(int(nominee), position, body) for nominee, position, body in ROW.findall(page.data.decode())]


def test_the_ranking_page_lists_the_domain_order_with_quota_positions_and_flags(world):
    world.open_round(total_quota=2)
    twin = {"identifier": "048085001234", "date_of_birth": "1985-03-02", "sex": "male"}
    awarded = individual("Trần Thị Mai", key="CDS-2026-TTM") | {"identifier": "048190009999"}
    submit_and_review(world, HAICHAU, [collective("Ủy ban nhân dân phường Hải Châu", subject="P_HAICHAU", dx=95.5)])
    submit_and_review(world, STC, [collective("Sở Tài chính", subject="STC", dx=88.25),
                                   individual("Nguyễn Văn An", key="CDS-2026-A") | twin])
    submit_and_review(world, SYT, [collective("Sở Y tế", subject="SYT", dx=88.25),
                                   individual("Nguyễn  văn AN", key="CDS-2026-B") | twin, awarded])
    submit_and_review(world, FPT, [collective("Công ty Cổ phần FPT", dx=12.35)])
    world.session.add(AwardRecord(
        subject_key="individual:id:048190009999", subject_kind="individual", subject_name="Trần Thị Mai",
        unit_name="Sở Y tế", award_form="city_chairman_certificate_of_merit", achievement_key="CDS-2026-TTM",
        year=2026, decision_number="15/QĐ-UBND", decision_date=date(2026, 1, 20),
        issuer_name="Ủy ban nhân dân thành phố Đà Nẵng"))
    world.session.commit()
    close_and_consolidate(world)

    client = world.client.application.test_client()
    _sign_in(client, "lead_reviewer", PASSWORD)
    url = f"/rounds/{world.round_id}/ranking"
    assert url in client.get(f"/rounds/{world.round_id}").data.decode()
    rows = _rows(client, url)
    # The page keeps the domain's order (the API's ranking, from the same consolidation).
    api = world.get("lead_reviewer", f"/api/v1/rounds/{world.round_id}/ranking")["items"]
    assert [nominee for nominee, _, _ in rows] == [item["nominee_id"] for item in api]
    ranking = world.ranking()
    position = {nominee: place for nominee, place, _ in rows}
    body = {nominee: text for nominee, _, text in rows}
    assert position[ranking["Ủy ban nhân dân phường Hải Châu"]["nominee_id"]] == "within"
    assert rows[0][0] == ranking["Ủy ban nhân dân phường Hải Châu"]["nominee_id"]
    for tied in ("Sở Tài chính", "Sở Y tế"):
        nominee = ranking[tied]["nominee_id"]
        assert position[nominee] == "tied" and f'href="/rounds/{world.round_id}#ties"' in body[nominee]
    assert position[ranking["Công ty Cổ phần FPT"]["nominee_id"]] == "over"
    assert "12,35" in body[ranking["Công ty Cổ phần FPT"]["nominee_id"]]  # 1.234,56-style decimals
    assert "95,50" in body[rows[0][0]]
    # Both of the twins are flagged (the one ranked and the one the consolidation set aside), each naming
    # the other dossier's unit; nobody else is.
    twins = {ranking["Nguyễn Văn An"]["nominee_id"]: "Sở Y tế", ranking["Nguyễn  văn AN"]["nominee_id"]: "Sở Tài chính"}
    flagged = {nominee for nominee, _, text in rows if "same-person-flag" in text}
    assert flagged == set(twins)
    assert all(unit in body[nominee].split("same-person-flag")[1] for nominee, unit in twins.items())
    mai = ranking["Trần Thị Mai"]["nominee_id"]
    assert {nominee for nominee, _, text in rows if "prior-award-flag" in text} == {mai}
    assert "15/QĐ-UBND" in body[mai] and "20/01/2026" in body[mai] and position[mai] == "unranked"

    # Filters: one unit's nominees, in the same order; an award form nobody is proposed for lists nobody.
    syt = world.session.scalar(select(OrgUnit.id).where(OrgUnit.code == "SYT"))
    only = _rows(client, f"{url}?unit={syt}")
    of_syt = {ranking[name]["nominee_id"] for name in ("Sở Y tế", "Nguyễn  văn AN", "Trần Thị Mai")}
    assert [nominee for nominee, _, _ in only] == [nominee for nominee, _, _ in rows if nominee in of_syt]
    assert _rows(client, f"{url}?award_form=pm_certificate_of_merit") == []

    for outsider in (HAICHAU.officer, "stc_officer"):
        other = world.client.application.test_client()
        _sign_in(other, outsider, PASSWORD)
        assert other.get(url).status_code == 404


def test_a_long_ranking_is_paged_in_order_and_keeps_its_filters(world, monkeypatch):
    from service.web.rounds import views

    world.open_round(total_quota=10)
    submit_and_review(world, STC, [collective("Sở Tài chính", subject="STC", dx=90.0),
                                   individual("Nguyễn Văn An", key="K-A"), individual("Lê Văn Bình", key="K-B")])
    submit_and_review(world, SYT, [collective("Sở Y tế", subject="SYT", dx=80.0)])
    close_and_consolidate(world)
    monkeypatch.setattr(views, "RANKING_PER_PAGE", 2)
    client = world.client.application.test_client()
    _sign_in(client, "lead_reviewer", PASSWORD)
    url = f"/rounds/{world.round_id}/ranking"
    pages = [[nominee for nominee, _, _ in _rows(client, f"{url}?page={number}")] for number in (1, 2)]
    api = world.get("lead_reviewer", f"/api/v1/rounds/{world.round_id}/ranking")["items"]
    assert pages[0] + pages[1] == [item["nominee_id"] for item in api] and len(pages[0]) == 2
    stc = world.session.scalar(select(OrgUnit.id).where(OrgUnit.code == "STC"))
    first = client.get(f"{url}?unit={stc}").data.decode()
    assert f'href="/rounds/{world.round_id}/ranking?page=2&amp;unit={stc}"' in first
    assert len(_rows(client, f"{url}?unit={stc}&page=2")) == 1
