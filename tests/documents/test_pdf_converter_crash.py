"""A persistent LibreOffice killed or frozen mid-document: the document converts exactly once afterwards and the
other slot keeps converting meanwhile (real LibreOffice through unoserver)."""

from __future__ import annotations

import os
import signal
import subprocess
import threading

import pytest
from sqlalchemy import select

from service.models import GeneratedDocument
from service.pdf import uno
from service.pdf.service import ConversionService
from service.pdf.states import CONVERTED
from service.pdf.wakeup import install_after_commit
from tests.documents.libreoffice_gate import require_persistent_converter
from tests.documents.pdf_support import large_decision, make_world, start_documents

DOCUMENTS = 6
SABOTAGE_AFTER = 0.1  # seconds into the first conversion: LibreOffice is busy with the document then


class Sabotaged(uno.UnoProcess):
    """A converter whose LibreOffice gets `signum` shortly after its first conversion starts."""

    def __init__(self, signum: int, **options):
        super().__init__(**options)
        self.signum, self.sabotaged_document = signum, None

    def convert(self, docx: bytes) -> bytes:
        if self.sabotaged_document is None:
            self.sabotaged_document = docx
            self.ensure_started()
            pids = self.office_pids()
            assert pids, "LibreOffice is not running"
            threading.Timer(SABOTAGE_AFTER, lambda: [os.kill(pid, self.signum) for pid in pids]).start()
        return super().convert(docx)


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGSTOP], ids=["killed", "hung"])
def test_a_converter_lost_mid_document_converts_it_exactly_once_and_holds_no_one_up(
        app, client, login, session, create_user, deploy, signum):
    require_persistent_converter()
    make_world(session, create_user, deploy)
    factory = app.extensions["vinhdanh"].session_factory
    sabotaged = Sabotaged(signum, timeout=4, name="sabotaged")
    backends = {0: sabotaged}
    converter = ConversionService(factory, slots=2, name="crash-test",
                                  backend_factory=lambda index: backends.get(index) or uno.UnoProcess(name="steady"))
    install_after_commit(factory, converter.wake)
    try:
        # Both LibreOffices ready (the slots rest on an empty queue) before the documents come.
        assert converter.start().idle.wait(180), "the converters did not start"
        start_documents(client, login("officer0"), DOCUMENTS, large_decision(40))
        assert converter.idle.wait(240), "the converters did not finish"
    finally:
        converter.stop()

    rows = session.execute(select(GeneratedDocument.id, GeneratedDocument.pdf_status, GeneratedDocument.pdf_attempts,
                                  GeneratedDocument.converted_at, GeneratedDocument.content)
                           .order_by(GeneratedDocument.id)).all()
    assert [row.pdf_status for row in rows] == [CONVERTED] * DOCUMENTS
    [victim] = [row for row in rows if row.pdf_attempts == 2]
    assert sorted(row.pdf_attempts for row in rows) == [1] * (DOCUMENTS - 1) + [2]
    assert sabotaged.starts == 2  # its LibreOffice was restarted at once, whoever converted the document then
    # Exactly once: one stored conversion per document, the lost one given back first.
    outcomes = list(converter.outcomes)
    assert sorted(document for document, outcome in outcomes if outcome == "converted") == [row.id for row in rows]
    assert [outcome for document, outcome in outcomes if document == victim.id] == ["given_back", "converted"]
    # Not held up: the other slot converted documents while the lost one waited for a new LibreOffice.
    assert any(row.converted_at < victim.converted_at for row in rows if row.id != victim.id)

    pdf = session.scalar(select(GeneratedDocument.pdf_content).where(GeneratedDocument.id == victim.id))
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "QUYẾT ĐỊNH" in text and "Nguyễn Văn Thứ 39" in text
    assert victim.content.startswith(b"PK")
    assert not sabotaged.office_pids() and sabotaged.process is None  # nothing left running
