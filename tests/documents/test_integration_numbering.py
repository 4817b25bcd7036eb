"""Numbers of generated documents come from the issuer's yearly register: from 01, per issuer and year, no gaps
and no duplicates when several steps issue at the same moment (run on SQLite and PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from service.models import GeneratedDocument, RegisteredDocument, User
from service.nomination import seed
from service.operations import admin, instances
from tests.documents.integration_support import decision_inputs, generation_diagram

# What a concurrent writer may meet and retry, as the worker does (SQLite: a busy snapshot).
CONTENDED = (OperationalError, IntegrityError, StaleDataError)
ISSUERS = 6


@pytest.fixture
def registers_world(session, create_user, deploy):
    for code, name, abbreviation in (("UBND_DN", "Ủy ban nhân dân thành phố Đà Nẵng", "UBND"),
                                     ("SNV", "Sở Nội vụ", "SNV")):
        admin.create_org_unit(session, actor=None, values={
            "code": code, "name": name, "kind": "city_peoples_committee" if code == "UBND_DN" else "department",
            "parent_code": None if code == "UBND_DN" else "UBND_DN", "abbreviation": abbreviation})
        session.commit()
    seed.seed_parameters(session)
    session.commit()
    create_user("officer", "UBND_DN", ["unit_officer"])
    diagram_snv = generation_diagram(issuer="SNV").replace(b'id="doc_gen"', b'id="doc_gen_snv"')
    deploy(files={"doc_gen.bpmn": generation_diagram(), "doc_gen_snv.bpmn": diagram_snv})


def issue(factory, *, process_key: str = "doc_gen", issued_on: str = "2026-03-02", attempts: int = 50) -> int:
    """Start an instance whose first step issues a decision; retried when it loses a race. Returns its id."""
    for _ in range(attempts):
        with factory() as session:
            actor = session.scalar(select(User).where(User.username == "officer"))
            try:
                instance = instances.start_instance(session, actor=actor, process_key=process_key,
                                                    data={"document": decision_inputs(issued_on)})
                assert instance.status == "running", instance.error
                session.commit()
                return instance.id
            except CONTENDED:
                session.rollback()
    raise AssertionError("could not issue after retries")


def numbers(session, issuer_code: str, year: int) -> list[int]:
    rows = session.execute(
        select(GeneratedDocument.number, GeneratedDocument.symbol, RegisteredDocument.year)
        .join(RegisteredDocument, RegisteredDocument.id == GeneratedDocument.registered_document_id)
        .join(RegisteredDocument.issuer)
        .where(RegisteredDocument.issuer.has(code=issuer_code), RegisteredDocument.year == year)
    ).all()
    return sorted(number for number, _symbol, _year in rows)


def test_concurrent_generation_has_no_gaps_and_no_duplicates(app, registers_world, session):
    factory = app.extensions["vinhdanh"].session_factory
    errors: list[BaseException] = []
    barrier = threading.Barrier(ISSUERS)

    def worker() -> None:
        try:
            barrier.wait(timeout=30)
            issue(factory)
        except BaseException as exc:  # reported below, with the numbers
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(ISSUERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    session.expire_all()
    assert numbers(session, "UBND_DN", 2026) == list(range(1, ISSUERS + 1))
    symbols = session.scalars(select(GeneratedDocument.symbol).order_by(GeneratedDocument.number)).all()
    assert symbols == [f"{n:02d}/QĐ-UBND" for n in range(1, ISSUERS + 1)]
    registered = session.scalars(select(RegisteredDocument.number).order_by(RegisteredDocument.number)).all()
    assert registered == list(range(1, ISSUERS + 1)), "every number taken belongs to a stored document"


def test_numbers_run_per_issuer_and_restart_at_01_each_year(app, registers_world, session):
    factory = app.extensions["vinhdanh"].session_factory
    issue(factory, issued_on="2026-12-31")
    issue(factory, issued_on="2026-12-31")
    issue(factory, process_key="doc_gen_snv", issued_on="2026-12-31")
    issue(factory, issued_on="2027-01-01")
    session.expire_all()
    assert numbers(session, "UBND_DN", 2026) == [1, 2]
    assert numbers(session, "SNV", 2026) == [1]
    assert numbers(session, "UBND_DN", 2027) == [1]
    symbols = set(session.scalars(select(GeneratedDocument.symbol)))
    assert symbols == {"01/QĐ-UBND", "02/QĐ-UBND", "01/QĐ-SNV"}
