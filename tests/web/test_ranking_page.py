"""The round's ranking page in Chromium, on a round of its own beside the demo data (consolidated by the
domain's own function), at both layouts."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from service.db import utcnow
from service.models import AwardRecord, AwardRound, Dossier, Nominee, OrgUnit, User
from service.nomination import consolidation
from service.nomination.nominees import identity_key

from .browser import axe_check, screenshot

REVIEWER = "reviewer_skhcn"
CODE = "CDS_2021_2030_RANKING_PAGE"
PEOPLE = [  # (unit index, kind, name, identifier, score)
    (0, "collective", "Ủy ban nhân dân phường Thanh Khê", None, 95.5),
    (1, "collective", "Ủy ban nhân dân phường Hải Châu", None, 88.25),
    (2, "collective", "Sở Tài chính", None, 88.25),
    (0, "individual", "Nguyễn Văn An", "048085001234", 70),
    (1, "individual", "Nguyễn Văn An", "048085001234", 70),
    (2, "individual", "Trần Thị Mai", "048190009999", 65),
]


def _consolidated_round(live_server) -> int:
    with live_server.session() as session:
        existing = session.scalar(select(AwardRound.id).where(AwardRound.code == CODE))
        if existing is not None:
            return existing
        demo = session.scalar(select(AwardRound).where(AwardRound.code == "CDS_2021_2030_2026"))
        lead = session.scalar(select(User.org_unit_id).where(User.username == REVIEWER))
        # The movement's first year has no annual round of the seed's: this one takes no demo round's place.
        round_ = AwardRound(code=CODE, movement_id=demo.movement_id, year=demo.movement.start_year, kind="annual",
                            name="Đợt thử bảng xếp hạng", opens_on=demo.opens_on, status="closed", total_quota=2,
                            lead_org_unit_id=lead)
        session.add(round_)
        units = list(session.scalars(select(OrgUnit).where(OrgUnit.kind.in_(("department", "commune")))
                                     .order_by(OrgUnit.code).limit(3)))
        dossiers = [Dossier(round=round_, org_unit_id=unit.id, unit_name=unit.name, unit_kind=unit.kind,
                            status="accepted", submitted_at=utcnow()) for unit in units]
        session.add_all(dossiers)
        session.flush()
        for unit, kind, name, identifier, score in PEOPLE:
            session.add(Nominee(
                dossier_id=dossiers[unit].id, round_id=round_.id, kind=kind, name=name, identifier=identifier,
                identity_key=identity_key(kind, name=name, identifier=identifier, unit_name=units[unit].name),
                achievement_key=f"RANKING-PAGE-{name}-{unit}", award_form="city_chairman_certificate_of_merit",
                dx_index_score=score, votes_for=7, votes_present=8, outcome="accepted", submitted_at=utcnow()))
        session.add(AwardRecord(
            subject_key="individual:id:048190009999", subject_kind="individual", subject_name="Trần Thị Mai",
            unit_name=units[2].name, award_form="city_chairman_certificate_of_merit",
            achievement_key="RANKING-PAGE-Trần Thị Mai-2", year=2025, decision_number="15/QĐ-UBND",
            decision_date=date(2025, 12, 20), issuer_name="Ủy ban nhân dân thành phố Đà Nẵng"))
        session.flush()
        consolidation.consolidate_round(session, round_id=round_.id)
        session.commit()
        return round_.id


def test_the_ranking_page_at_both_layouts(page_as, live_server):
    round_id = _consolidated_round(live_server)
    page = page_as(REVIEWER)
    page.goto(f"{live_server.url}/rounds/{round_id}/ranking")
    rows = page.locator("[data-testid=ranking] tbody tr")
    assert rows.count() == len(PEOPLE)
    assert page.locator("tr[data-position=tied]").count() == 2
    assert page.locator(".same-person-flag").count() == 2 and page.locator(".prior-award-flag").count() == 1
    assert axe_check(page) == []
    screenshot(page, "round-ranking", full_page=True)
