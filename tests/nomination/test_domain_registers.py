"""The issuer's yearly register under concurrency, and the awards register refusing a second award."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from service.db import make_session_factory
from service.errors import InvalidState
from service.models import AwardRecord, OrgUnit, RegisteredDocument
from service.nomination import awards, registers

from .domain_support import Domain, build_domain


@pytest.fixture
def domain(app, session) -> Domain:
    return build_domain(session)

THREADS = 6
PER_THREAD = 8


def _unit(session, code: str) -> OrgUnit:
    return session.scalar(select(OrgUnit).where(OrgUnit.code == code))


def test_numbers_run_from_01_per_issuer_and_year(domain):
    session = domain.session
    city, home_affairs = _unit(session, "UBND_DN"), _unit(session, "SNV")
    first = registers.register_document(session, issuer=city, document_type="decision", kind="award_decision",
                                        issued_on=date(2026, 3, 2), subject="Khen thưởng")
    second = registers.register_document(session, issuer=city, document_type="submission", kind="TTr_state",
                                         issued_on=date(2026, 3, 3))
    other = registers.register_document(session, issuer=home_affairs, document_type="submission",
                                        kind="TTr_home_affairs", issued_on=date(2026, 3, 3))
    next_year = registers.register_document(session, issuer=city, document_type="decision", kind="award_decision",
                                            issued_on=date(2027, 1, 4))
    council = registers.register_document(session, issuer=city, document_type="minutes", kind="BB",
                                          issued_on=date(2026, 3, 3), series="council")
    session.commit()
    assert (first.number, first.symbol) == (1, "01/QĐ-UBND")
    assert (second.number, second.symbol) == (2, "02/TTr-UBND")  # one register for every type of the issuer
    assert (other.number, other.symbol) == (1, "01/TTr-SNV")
    assert (next_year.number, next_year.symbol) == (1, "01/QĐ-UBND")  # from 01 again each 1 January
    assert council.number == 1  # an advisory council keeps its own series
    listed, total = registers.list_register(session, issuer_code="UBND_DN", year=2026, document_type="QĐ")
    assert total == 1 and listed[0].subject == "Khen thưởng"


def test_concurrent_issuing_has_no_gaps_and_no_duplicates(domain, engine):
    """Threads, each with its own connection and transactions, take numbers from one register."""
    issuer_id = _unit(domain.session, "SKHCN").id
    domain.session.commit()
    factory = make_session_factory(engine)
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def issue() -> None:
        try:
            start.wait()
            for _ in range(PER_THREAD):
                with factory() as session:
                    issuer = session.get(OrgUnit, issuer_id)
                    registers.register_document(session, issuer=issuer, document_type="submission",
                                                kind="TTr_lead", issued_on=date(2026, 5, 4))
                    session.commit()
        except BaseException as exc:  # reported below; a thread must not die silently
            errors.append(exc)

    threads = [threading.Thread(target=issue) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    numbers = sorted(domain.session.scalars(select(RegisteredDocument.number).where(
        RegisteredDocument.issuer_org_unit_id == issuer_id, RegisteredDocument.year == 2026)))
    assert numbers == list(range(1, THREADS * PER_THREAD + 1))


def test_a_rolled_back_issue_leaves_no_gap(domain):
    session = domain.session
    city = _unit(session, "UBND_DN")
    registers.register_document(session, issuer=city, document_type="decision", kind="x", issued_on=date(2026, 1, 5))
    session.commit()
    registers.register_document(session, issuer=city, document_type="decision", kind="x", issued_on=date(2026, 1, 5))
    session.rollback()  # e.g. the step failed after taking the number
    again = registers.register_document(session, issuer=city, document_type="decision", kind="x",
                                        issued_on=date(2026, 1, 6))
    session.commit()
    assert again.number == 2


def test_awards_register_refuses_the_same_achievement_twice(domain):
    session = domain.session
    values = {"subject_key": "unit:STC", "subject_kind": "collective", "subject_name": "Sở Tài chính",
              "award_form": "city_chairman_certificate_of_merit", "achievement_key": "CDS_2021_2030:annual:2025",
              "year": 2025, "decision_number": "12/QĐ-UBND", "decision_date": date(2026, 2, 3),
              "issuer_name": "UBND thành phố Đà Nẵng"}
    awards.register_award(session, values=values)
    session.commit()
    with pytest.raises(InvalidState) as refused:
        awards.register_award(session, values={**values, "award_form": "pm_certificate_of_merit",
                                               "decision_number": "99/QĐ-TTg"})
    assert refused.value.code == "already_awarded" and "12/QĐ-UBND" in refused.value.message
    session.rollback()
    # Another year's achievement of the same unit is a different achievement.
    awards.register_award(session, values={**values, "achievement_key": "CDS_2021_2030:annual:2026", "year": 2026})
    session.commit()
    assert session.scalar(select(func.count()).select_from(AwardRecord)) == 2
