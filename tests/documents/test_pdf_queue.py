"""The conversion queue with stand-in converters (runs without LibreOffice): claims, fencing, give-back after a
crash, failures, an administrator's retry, and a round's progress counts."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update

from service.db import utcnow
from service.models import AwardRound, Dossier, GeneratedDocument, Movement, OrgUnit
from service.pdf import queue
from service.pdf.service import ConversionService, FunctionBackend, Templates, convert_claimed, process_pending
from service.pdf.states import CONVERTED, CONVERTING, FAILED, GENERATED, UNAVAILABLE
from service.pdf.uno import ConverterCrashed
from service.pdf.wakeup import install_after_commit
from tests.documents.pdf_support import make_world, start_documents, states
from tests.documents.test_pdf_signing import blank_pdf


@pytest.fixture
def world(session, create_user, deploy, login):
    make_world(session, create_user, deploy)
    create_user("sysadmin", "UBND_DN", ["system_admin"])
    return login("officer0")


def queue_all(factory) -> None:
    """Queue every document, also where LibreOffice is missing (there the step marks them unavailable)."""
    with factory() as session:
        session.execute(update(GeneratedDocument).where(GeneratedDocument.pdf_status == UNAVAILABLE)
                        .values(pdf_status=GENERATED))
        session.commit()


def test_a_claim_takes_each_document_once_and_a_lost_claim_stores_nothing(app, client, world):
    factory = app.extensions["vinhdanh"].session_factory
    start_documents(client, world, 2)
    queue_all(factory)
    first, second = queue.claim(factory, worker="a"), queue.claim(factory, worker="b")
    assert {first.document_id, second.document_id} == set(states(factory))
    assert queue.claim(factory, worker="c") is None  # nothing else waits
    assert first.docx is None or first.docx.startswith(b"PK")

    # The first converter hangs past STALE_CLAIM: another one takes the document over and stores it.
    with factory() as session:
        session.execute(update(GeneratedDocument).where(GeneratedDocument.id == first.document_id)
                        .values(pdf_claimed_at=utcnow() - queue.STALE_CLAIM - timedelta(seconds=1)))
        session.commit()
    assert queue.next_takeover(factory) == 1.0  # already stale: take it over now
    takeover = queue.claim(factory, worker="c")
    assert takeover.document_id == first.document_id and takeover.attempt == 2
    assert queue.store(factory, takeover, docx=b"PK docx", pdf=blank_pdf(), seconds=0.1)
    # The hung converter comes back: its result is refused, so the document is stored exactly once.
    assert not queue.store(factory, first, docx=b"PK other", pdf=b"%PDF other", seconds=9.0)
    with factory() as session:
        row = session.get(GeneratedDocument, first.document_id)
        assert (row.pdf_status, row.content, row.pdf_worker) == (CONVERTED, b"PK docx", "c")


def test_a_crashed_converter_gives_the_document_back_until_it_converts(app, client, world):
    factory = app.extensions["vinhdanh"].session_factory
    start_documents(client, world, 1)
    queue_all(factory)
    crashes = iter([True, False])

    def flaky(_docx: bytes) -> bytes:
        if next(crashes):
            raise ConverterCrashed("LibreOffice killed")
        return blank_pdf()

    backend, templates = FunctionBackend(flaky), Templates(factory)
    claim = queue.claim(factory, worker="w")
    assert convert_claimed(factory, claim, backend, signing=None, templates=templates) == "given_back"
    [(state, attempts)] = states(factory).values()
    assert (state, attempts) == (GENERATED, 1)
    claim = queue.claim(factory, worker="w")
    assert convert_claimed(factory, claim, backend, signing=None, templates=templates) == "converted"
    [(state, attempts)] = states(factory).values()
    assert (state, attempts) == (CONVERTED, 2)
    with factory() as session:  # the .docx the converter rendered is stored with the PDF
        row = session.get(GeneratedDocument, claim.document_id)
        assert row.content.startswith(b"PK") and row.sha256 and row.pdf_content.startswith(b"%PDF")


def test_a_document_that_keeps_crashing_the_converter_fails_with_its_error(app, client, world):
    factory = app.extensions["vinhdanh"].session_factory
    start_documents(client, world, 1)
    queue_all(factory)

    def crash(_docx: bytes) -> bytes:
        raise ConverterCrashed("LibreOffice killed")

    backend, templates = FunctionBackend(crash), Templates(factory)
    outcomes = []
    while (claim := queue.claim(factory, worker="w")) is not None:
        outcomes.append(convert_claimed(factory, claim, backend, signing=None, templates=templates))
    assert outcomes == ["given_back"] * queue.MAX_ATTEMPTS  # the last give-back marks it failed
    [(state, attempts)] = states(factory).values()
    assert (state, attempts) == (FAILED, queue.MAX_ATTEMPTS)


def test_an_administrator_retries_a_failed_conversion(app, client, world, login):
    factory = app.extensions["vinhdanh"].session_factory
    [instance_id] = start_documents(client, world, 1)
    queue_all(factory)

    def refuse(_docx: bytes) -> bytes:
        from service.pdf.soffice import PdfConversionError
        raise PdfConversionError("LibreOffice refused the file")

    assert process_pending(factory, convert=refuse) == 1
    document = client.get(f"/api/v1/process-instances/{instance_id}/documents", headers=world).get_json()["items"][0]
    detail = client.get(f"/api/v1/documents/{document['id']}", headers=world).get_json()
    assert detail["pdf_status"] == FAILED and "refused the file" in detail["pdf_error"]

    refused = client.post(f"/api/v1/documents/{document['id']}/pdf/retry", headers=world)
    assert refused.status_code == 403
    retried = client.post(f"/api/v1/documents/{document['id']}/pdf/retry", headers=login("sysadmin"))
    assert retried.status_code == 202 and retried.get_json()["pdf_status"] == GENERATED
    assert retried.get_json()["pdf_error"] is None and retried.get_json()["pdf_attempts"] == 0
    again = client.post(f"/api/v1/documents/{document['id']}/pdf/retry", headers=login("sysadmin"))
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "pdf_not_failed"
    assert process_pending(factory, convert=lambda _docx: blank_pdf()) == 1
    pdf = client.get(f"/api/v1/documents/{document['id']}/pdf", headers=world)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_the_service_wakes_on_commit_and_converts_the_backlog_once(app, client, world):
    services = app.extensions["vinhdanh"]
    factory = services.session_factory
    converted: list[bytes] = []
    lock = threading.Lock()

    def convert(docx: bytes) -> bytes:
        with lock:
            converted.append(docx)
        return blank_pdf()

    converter = ConversionService(factory, slots=3, backend_factory=lambda _index: FunctionBackend(convert))
    install_after_commit(factory, converter.wake)
    try:
        start_documents(client, world, 6)
        queue_all(factory)  # where LibreOffice is missing the steps marked them unavailable
        converter.wake()
        assert converter.idle.wait(60)
    finally:
        converter.stop()
    assert {state for state, _ in states(factory).values()} == {CONVERTED}
    assert [attempts for _, attempts in states(factory).values()] == [1] * 6
    ids = [document_id for document_id, outcome in converter.outcomes if outcome == "converted"]
    assert sorted(ids) == sorted(states(factory)) and len(converted) == 6


def test_a_rounds_progress_counts_match_its_documents(app, client, world, session):
    factory = app.extensions["vinhdanh"].session_factory
    round_instance, dossier_instance, _outside = start_documents(client, world, 3)
    unit = session.scalar(select(OrgUnit).where(OrgUnit.code == "UBND_DN"))
    movement = Movement(code="CDS", name="Phong trào chuyển đổi số", decision_number="3970/QĐ-UBND",
                        decision_date=date(2021, 1, 1), start_year=2021, end_year=2030)
    session.add(movement)
    session.flush()
    round_ = AwardRound(code="CDS_2026", movement_id=movement.id, year=2026, kind="annual", name="Đợt 2026",
                        opens_on=date(2026, 1, 1), instance_id=round_instance)
    session.add(round_)
    session.flush()
    session.add(Dossier(round_id=round_.id, org_unit_id=unit.id, unit_name=unit.name, unit_kind=unit.kind,
                        instance_id=dossier_instance))
    session.commit()
    # A second document in the dossier, then: one converted, one failed, one still waiting, one converting.
    task = client.get(f"/api/v1/tasks?instance_id={dossier_instance}", headers=world).get_json()["items"][0]
    assert client.post(f"/api/v1/tasks/{task['id']}/complete", headers=world,
                       json={"data": {"again": True}}).status_code == 200
    queue_all(factory)
    ids = sorted(states(factory))
    with factory() as writer:
        for document_id, state in zip(ids, (CONVERTED, FAILED, GENERATED, CONVERTING, CONVERTED), strict=False):
            writer.execute(update(GeneratedDocument).where(GeneratedDocument.id == document_id)
                           .values(pdf_status=state, pdf_error="hỏng" if state == FAILED else None))
        writer.commit()

    body = client.get(f"/api/v1/rounds/{round_.id}/documents/progress", headers=world).get_json()
    in_round = select(GeneratedDocument.pdf_status, func.count()).where(
        GeneratedDocument.instance_id.in_([round_instance, dossier_instance])).group_by(GeneratedDocument.pdf_status)
    expected = dict(session.execute(in_round).all())
    assert sum(expected.values()) == 3  # the third instance is not the round's
    assert {state: count for state, count in body["states"].items() if count} == expected
    assert body["total"] == 3 and body["converted"] == expected.get(CONVERTED, 0)
    assert body["label"] == f"{body['converted']} / 3 PDF"
    assert [item["error"] for item in body["failed"]] == ["hỏng"] * expected.get(FAILED, 0)
    assert client.get("/api/v1/rounds/999999/documents/progress", headers=world).status_code == 404
