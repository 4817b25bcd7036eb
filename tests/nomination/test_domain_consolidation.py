"""Consolidation: ranking by the configured key, quotas per unit and in total, no duplicates."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from service.models import Nominee
from service.nomination import awards, consolidation, dossiers, rounds
from service.nomination.consolidation import Candidate, consolidate

from .domain_support import Domain, build_domain, collective, individual


@pytest.fixture
def domain(app, session) -> Domain:
    return build_domain(session)

RANKING = [{"field": "dx_index_score", "order": "desc"}, {"field": "vote_share", "order": "desc"},
           {"field": "submitted_at", "order": "asc"}]


def at(hour: int) -> datetime:
    return datetime(2026, 11, 1, hour, tzinfo=UTC)


def cand(nominee_id: int, unit: int, score: float | None, share: float | None = 1.0, hour: int = 8,
         identity: str | None = None, achievement: str = "A") -> Candidate:
    return Candidate(nominee_id=nominee_id, org_unit_id=unit, identity_key=identity or f"id{nominee_id}",
                     achievement_key=achievement, dx_index_score=score, vote_share=share, submitted_at=at(hour))


def placed(placements) -> list[tuple[int, str, int | None]]:
    return [(p.nominee_id, p.outcome, p.rank) for p in placements]


def test_ranking_orders_by_merit_and_equal_merit_shares_its_rank():
    result, ties = consolidate([
        cand(1, 10, 85.0, 0.8, hour=9),
        cand(2, 11, 92.0, 0.6),
        cand(3, 12, 85.0, 0.9, hour=10),  # same score as 1: the higher vote share wins
        cand(4, 13, 85.0, 0.9, hour=8),  # same merit as 3: listed first (earlier), but ranked equal
        cand(5, 14, None, 1.0),  # no score ranks last
    ], ranking=RANKING, unit_quotas={}, total_quota=None, awarded={})
    assert placed(result) == [(2, "proposed_to_city", 1), (4, "proposed_to_city", 2), (3, "proposed_to_city", 2),
                              (1, "proposed_to_city", 4), (5, "proposed_to_city", 5)]
    assert ties == []  # no quota: equal merit decides nothing


def test_quotas_per_unit_and_in_total_cut_the_ranked_list():
    result, _ties = consolidate([
        cand(1, 10, 95.0), cand(2, 10, 94.0), cand(3, 10, 93.0),  # unit 10 may propose 2
        cand(4, 11, 90.0), cand(5, 12, 89.0), cand(6, 12, 70.0),
    ], ranking=RANKING, unit_quotas={10: 2}, total_quota=4, awarded={})
    assert placed(result) == [(1, "proposed_to_city", 1), (2, "proposed_to_city", 2), (3, "cut_by_quota", 3),
                              (4, "proposed_to_city", 4), (5, "proposed_to_city", 5), (6, "cut_by_quota", 6)]
    assert "chỉ tiêu của đơn vị" in result[2].reason and "tổng chỉ tiêu" in result[5].reason


def test_duplicates_in_the_round_and_against_the_register():
    result, ties = consolidate([
        cand(1, 10, 90.0, identity="individual:nguyễn văn a|1980-01-01"),
        cand(2, 11, 95.0, identity="individual:nguyễn văn a|1980-01-01"),  # same person, another dossier
        cand(3, 12, 99.0, identity="unit:STC", achievement="CDS:annual:2026"),  # already awarded
    ], ranking=RANKING, unit_quotas={}, total_quota=1,
        awarded={("unit:STC", "CDS:annual:2026"): "05/QĐ-UBND"})
    assert placed(result) == [(3, "duplicate", None), (2, "proposed_to_city", 1), (1, "duplicate", None)]
    assert "05/QĐ-UBND" in result[0].reason
    assert consolidation.summary(result, ties) == {"ranked": 1, "proposed_to_city": 1, "cut_by_quota": 0,
                                                   "duplicate": 2, "tied_at_quota": 0, "ties": []}


def test_a_tie_at_the_total_quota_is_left_to_the_reviewer_never_broken_by_arrival():
    result, ties = consolidate([
        cand(1, 10, 95.0),
        cand(2, 11, 88.0, 0.9, hour=8), cand(3, 12, 88.0, 0.9, hour=9), cand(4, 13, 88.0, 0.9, hour=10),
        cand(5, 14, 70.0),
    ], ranking=RANKING, unit_quotas={}, total_quota=3, awarded={})
    assert placed(result) == [(1, "proposed_to_city", 1), (2, "tied_at_quota", 2), (3, "tied_at_quota", 2),
                              (4, "tied_at_quota", 2), (5, "cut_by_quota", 5)]
    assert [t.as_json() for t in ties] == [{"nominee_ids": [2, 3, 4], "names": ["", "", ""],
                                            "criteria": ["dx_index_score", "vote_share"], "places": 2,
                                            "quota": "total"}]
    assert "chỉ số chuyển đổi số, tỷ lệ phiếu đồng ý" in result[1].reason and "2 suất cho 3" in result[1].reason


def test_a_tie_at_a_units_quota_keeps_its_places_and_others_go_on():
    result, ties = consolidate([
        cand(1, 10, 90.0, 0.8), cand(2, 10, 90.0, 0.8),  # unit 10 may propose 1: a tie inside the unit
        cand(3, 11, 85.0),
    ], ranking=RANKING, unit_quotas={10: 1}, total_quota=None, awarded={})
    assert placed(result) == [(1, "tied_at_quota", 1), (2, "tied_at_quota", 1), (3, "proposed_to_city", 3)]
    assert ties[0].quota == "unit" and ties[0].places == 1


def test_equal_merit_that_fits_the_quota_is_no_tie():
    result, ties = consolidate([cand(1, 10, 90.0), cand(2, 11, 90.0), cand(3, 12, 80.0)],
                               ranking=RANKING, unit_quotas={}, total_quota=2, awarded={})
    assert placed(result) == [(1, "proposed_to_city", 1), (2, "proposed_to_city", 1), (3, "cut_by_quota", 3)]
    assert ties == []


def test_consolidate_round_persists_placements(domain):
    session = domain.session
    round_ = domain.open_round(total_quota=2, quotas={"STC": 1})
    stc = domain.dossier(round_, "officer_stc", [
        collective("Sở Tài chính", dx_index_score=88, subject_org_unit_code="STC"),
        individual("Nguyễn Văn A", date(1980, 1, 1), dx_index_score=99),
    ])
    syt = domain.dossier(round_, "officer_syt", [
        individual("Nguyễn  văn a", date(1980, 1, 1)),  # the same person, proposed again
        collective("Sở Y tế", dx_index_score=81, subject_org_unit_code="SYT"),
    ])
    hc = domain.dossier(round_, "officer_hc", [collective("Phường Hải Châu", dx_index_score=85)])
    for dossier in (stc, syt, hc):
        domain.submit(dossier)
        for nominee in dossier.nominees:
            nominee.outcome, nominee.eligible = "eligible", True
        dossiers.accept_dossier(session, actor=None, dossier_id=dossier.id)
    rounds.close_round(session, actor=None, round_id=round_.id)
    summary = consolidation.consolidate_round(session, round_id=round_.id)
    session.commit()
    outcomes = {n.name: (n.outcome, n.rank) for n in session.scalars(select(Nominee).order_by(Nominee.id))}
    assert outcomes["Nguyễn Văn A"] == ("proposed_to_city", 1)  # 99: first; STC's one quota is used
    assert outcomes["Sở Tài chính"] == ("cut_by_quota", 2)
    assert outcomes["Nguyễn  văn a"] == ("duplicate", None)
    assert outcomes["Phường Hải Châu"] == ("proposed_to_city", 3)
    assert outcomes["Sở Y tế"] == ("cut_by_quota", 4)  # the total quota of 2 is used up
    assert summary == {"ranked": 4, "proposed_to_city": 2, "cut_by_quota": 2, "duplicate": 1, "tied_at_quota": 0,
                       "ties": []}
    assert [n.name for n in consolidation.ranked_list(session, round_)] == [
        "Nguyễn Văn A", "Sở Tài chính", "Phường Hải Châu", "Sở Y tế", "Nguyễn  văn a"]

    # Chairman approves, the decision is numbered, the register refuses the achievement a second time.
    awards.record_appraisal(session, round_id=round_.id, decision="approve")
    awards.record_chairman_decision(session, round_id=round_.id, decision="approve_all")
    issued = awards.issue_decision(session, round_id=round_.id, issued_on=date(2026, 12, 20))
    assert issued["decision_number"] == "01/QĐ-UBND"
    assert awards.update_awards_register(session, round_id=round_.id) == {"added": 2, "duplicates": 0}
    session.commit()
    records, total = awards.list_awards(session, year=2026)
    assert total == 2 and {r.decision_number for r in records} == {"01/QĐ-UBND"}
    hai_chau = session.scalar(select(Nominee).where(Nominee.name == "Phường Hải Châu"))
    assert hai_chau.outcome == "awarded" and hai_chau.decision_number == "01/QĐ-UBND"
    key = (hai_chau.identity_key, "CDS_2021_2030:annual:2026")
    assert consolidation.awarded_index(session, [key]) == {key: "01/QĐ-UBND"}
