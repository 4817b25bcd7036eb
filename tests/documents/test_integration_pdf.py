"""PDF conversion after commit (never in the request) and PAdES signing of the issued decision."""

from __future__ import annotations

import io
import subprocess
import time

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from sqlalchemy import select

from service.models import GeneratedDocument
from service.nomination import seed
from service.operations import admin
from service.pdf.service import ConversionService, process_pending
from service.pdf.signing import SigningKey, signing_key
from service.pdf.wakeup import install_after_commit
from tests.documents.integration_support import decision_inputs, generation_diagram, self_signed_pkcs12
from tests.documents.libreoffice_gate import require_libreoffice

PASSPHRASE = b"mat-khau-thu"
EXPECTED_LINES = ["QUYẾT ĐỊNH", "Số: 01/QĐ-UBND", "KT. CHỦ TỊCH", "Bà Nguyễn Thị Thu Hà", "Điều 2."]


@pytest.fixture
def pdf_world(session, create_user, deploy):
    admin.create_org_unit(session, actor=None, values={
        "code": "UBND_DN", "name": "Ủy ban nhân dân thành phố Đà Nẵng", "kind": "city_peoples_committee",
        "abbreviation": "UBND"})
    session.commit()
    seed.seed_parameters(session)
    session.commit()
    create_user("officer", "UBND_DN", ["unit_officer"])
    deploy(files={"doc_gen.bpmn": generation_diagram(), "doc_draft.bpmn": generation_diagram(
        "guidance", issuer=None).replace(b'id="doc_gen"', b'id="doc_draft"')})


@pytest.fixture(scope="module")
def certificate():
    return self_signed_pkcs12(PASSPHRASE)


def start(client, login, process_key: str = "doc_gen", data: dict | None = None) -> dict:
    response = client.post("/api/v1/process-instances", headers=login("officer"),
                           json={"process_key": process_key, "data": data or {"document": decision_inputs()}})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["status"] == "running", response.get_json().get("error")
    return response.get_json()


def only_document(client, login, instance_id: int) -> dict:
    items = client.get(f"/api/v1/process-instances/{instance_id}/documents", headers=login("officer")).get_json()
    assert len(items["items"]) == 1
    return items["items"][0]


def pdf_text(content: bytes) -> str:
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True)
    return result.stdout.decode()


def test_conversion_runs_after_commit_in_the_background(app, client, login, pdf_world, certificate):
    require_libreoffice()
    services = app.extensions["vinhdanh"]
    cert, bundle = certificate
    converter = ConversionService(services.session_factory, slots=1, signing=SigningKey(bundle, PASSPHRASE.decode()))
    install_after_commit(services.session_factory, converter.wake)
    try:
        started = time.monotonic()
        instance = start(client, login)
        answered = time.monotonic() - started
        document = only_document(client, login, instance["id"])
        # The request answered before LibreOffice finished: the PDF was not made inside it.
        assert document["pdf_status"] in ("generated", "converting"), (document, answered)
        refused = client.get(f"/api/v1/documents/{document['id']}/pdf", headers=login("officer"))
        assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "pdf_pending"
        assert converter.idle.wait(180), "the converter did not finish"
    finally:
        converter.stop()
    document = only_document(client, login, instance["id"])
    assert document["pdf_status"] == "converted" and document["signed"] is True

    signed = client.get(f"/api/v1/documents/{document['id']}/pdf", headers=login("officer"))
    assert signed.status_code == 200 and signed.mimetype == "application/pdf"
    assert signed.headers["Content-Disposition"] == 'attachment; filename="award_decision_01-QD-UBND_signed.pdf"'
    text = pdf_text(signed.data)
    for line in EXPECTED_LINES:
        assert line in text, line
    status = validate_pdf_signature(PdfFileReader(io.BytesIO(signed.data)).embedded_signatures[0],
                                    ValidationContext(trust_roots=[cert]))
    assert status.intact and status.valid and status.trusted

    unsigned = client.get(f"/api/v1/documents/{document['id']}/pdf?signed=false", headers=login("officer"))
    assert unsigned.status_code == 200 and unsigned.data.startswith(b"%PDF")
    assert PdfFileReader(io.BytesIO(unsigned.data)).embedded_signatures == []


def test_only_the_issued_decision_is_signed_and_only_when_a_key_is_configured(
        app, client, login, pdf_world, certificate):
    require_libreoffice()
    factory = app.extensions["vinhdanh"].session_factory
    _cert, bundle = certificate
    guidance = start(client, login, "doc_draft", {"document": guidance_inputs()})
    unsigned_decision = start(client, login)
    assert process_pending(factory, signing=None) == 2
    signed_decision = start(client, login)
    assert process_pending(factory, signing=SigningKey(bundle, PASSPHRASE.decode())) == 1
    states = {}
    for instance in (guidance, unsigned_decision, signed_decision):
        document = only_document(client, login, instance["id"])
        states[document["kind"], document["number"]] = (document["pdf_status"], document["signed"])
    assert states == {("guidance", None): ("converted", False), ("award_decision", 1): ("converted", False),
                      ("award_decision", 2): ("converted", True)}
    guidance_pdf = client.get(f"/api/v1/documents/{only_document(client, login, guidance['id'])['id']}/pdf",
                              headers=login("officer"))
    assert "HƯỚNG DẪN" in pdf_text(guidance_pdf.data)


def test_signing_without_libreoffice_uses_the_converted_pdf(app, client, login, pdf_world, certificate):
    """The signing step itself, with a stand-in converter: runs on machines without LibreOffice too."""
    from tests.documents.test_pdf_signing import blank_pdf

    factory = app.extensions["vinhdanh"].session_factory
    cert, bundle = certificate
    instance = start(client, login)
    with factory() as session:  # queue it even where LibreOffice is missing
        row = session.scalar(select(GeneratedDocument).where(GeneratedDocument.instance_id == instance["id"]))
        row.pdf_status = "generated"
        session.commit()
    assert process_pending(factory, signing=SigningKey(bundle, PASSPHRASE.decode()),
                           convert=lambda _docx: blank_pdf()) == 1
    document = only_document(client, login, instance["id"])
    assert document["pdf_status"] == "converted" and document["signed"] is True
    signed = client.get(f"/api/v1/documents/{document['id']}/pdf", headers=login("officer")).data
    status = validate_pdf_signature(PdfFileReader(io.BytesIO(signed)).embedded_signatures[0],
                                    ValidationContext(trust_roots=[cert]))
    assert status.intact and status.valid


def test_a_failed_conversion_is_recorded_and_a_wrong_passphrase_leaves_the_pdf_unsigned(
        app, client, login, pdf_world, certificate, tmp_path):
    from service.pdf.soffice import PdfConversionError
    from tests.documents.test_pdf_signing import blank_pdf

    factory = app.extensions["vinhdanh"].session_factory
    _cert, bundle = certificate
    first, second = start(client, login), start(client, login)
    with factory() as session:
        for row in session.scalars(select(GeneratedDocument)):
            row.pdf_status = "generated"
        session.commit()

    def broken(_docx: bytes) -> bytes:
        raise PdfConversionError("LibreOffice crashed")

    assert process_pending(factory, convert=broken, limit=1) == 1
    key_file = tmp_path / "key.p12"
    key_file.write_bytes(bundle)
    wrong = signing_key(str(key_file), "not-the-passphrase")
    assert process_pending(factory, signing=wrong, convert=lambda _docx: blank_pdf()) == 1
    failed, unsigned = only_document(client, login, first["id"]), only_document(client, login, second["id"])
    assert failed["pdf_status"] == "failed" and failed["signed"] is False
    detail = client.get(f"/api/v1/documents/{failed['id']}", headers=login("officer")).get_json()
    assert "LibreOffice crashed" in detail["pdf_error"]
    assert unsigned["pdf_status"] == "converted" and unsigned["signed"] is False
    refused = client.get(f"/api/v1/documents/{failed['id']}/pdf", headers=login("officer"))
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "pdf_unavailable"
    assert signing_key(None, None) is None


def guidance_inputs() -> dict:
    inputs = decision_inputs()
    return {
        "meta": {**inputs["meta"], "issuer": {"name": "Sở Khoa học và Công nghệ", "abbreviation": "SKHCN",
                                              "parent_name": "Ủy ban nhân dân thành phố Đà Nẵng"},
                 "signer": {"title": "Giám đốc", "name": "Nguyễn Văn Hùng"}},
        "subject": "Xét khen thưởng phong trào thi đua chuyển đổi số năm 2025",
        "legal_bases": inputs["legal_bases"],
        "intro": "Sở Khoa học và Công nghệ hướng dẫn như sau:",
        "sections": [{"title": "I. ĐỐI TƯỢNG", "paragraphs": ["Các đơn vị có chỉ số từ 80 điểm."]}],
        "deadline": "2026-12-10",
        "quotas": [{"unit": "Ủy ban nhân dân phường Hải Châu", "quota": 3}],
        "closing": "Đề nghị các đơn vị thực hiện./.",
    }
