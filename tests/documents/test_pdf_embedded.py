"""`make run`'s embedded converter: wired by create_app, started by `start_embedded_converter`, converting each
document as soon as the step that generated it commits."""

from __future__ import annotations

from service.app import create_app
from service.config import Settings
from service.pdf.service import start_embedded_converter
from service.pdf.states import CONVERTED
from tests.documents.libreoffice_gate import require_persistent_converter
from tests.documents.pdf_support import make_world, start_documents, states


def test_the_embedded_converter_converts_what_a_request_committed(engine, app, login, session, create_user, deploy):
    require_persistent_converter()
    make_world(session, create_user, deploy)
    served = create_app(Settings(database_url=str(engine.url), secret_key="test-secret", pdf_background=True,
                                 pdf_converters=1), engine=engine)
    converter = start_embedded_converter(served)
    try:
        assert start_embedded_converter(served) is converter  # idempotent: `make run` may call it again
        headers = login("officer0")  # tokens are signed with the same secret: valid on both apps
        start_documents(served.test_client(), headers, 2)
        assert converter.idle.wait(180), "the embedded converter did not finish"
    finally:
        converter.stop()
    assert [state for state, _ in states(served.extensions["vinhdanh"].session_factory).values()] == [CONVERTED] * 2
    assert [outcome for _, outcome in converter.outcomes] == ["converted"] * 2
