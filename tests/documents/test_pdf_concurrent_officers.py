"""Eight officers completing steps that generate documents at once, while the converter stores PDFs: no request
answers 409 (on SQLite a writer waits for the lock; no one else changed these instances), every document
converts."""

from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy import func, select

from service.models import GeneratedDocument
from service.pdf.service import ConversionService
from service.pdf.states import CONVERTED
from service.pdf.wakeup import install_after_commit
from tests.documents.integration_support import decision_inputs
from tests.documents.libreoffice_gate import require_persistent_converter
from tests.documents.pdf_support import OFFICERS, make_world

ROUNDS = 5  # regenerations per officer, each a completion that renders and numbers a new document


def _officer(app, headers: dict, statuses: Counter, lock: threading.Lock, start: threading.Barrier) -> None:
    client = app.test_client()

    def record(response) -> dict:
        with lock:
            statuses[response.status_code] += 1
        return response.get_json()

    start.wait()
    instance = record(client.post("/api/v1/process-instances", headers=headers,
                                  json={"process_key": "doc_gen", "data": {"document": decision_inputs()}}))
    for round_ in range(ROUNDS + 1):
        tasks = record(client.get(f"/api/v1/tasks?instance_id={instance['id']}", headers=headers))["items"]
        record(client.post(f"/api/v1/tasks/{tasks[0]['id']}/complete", headers=headers,
                           json={"data": {"again": round_ < ROUNDS}}))


def test_eight_officers_generating_documents_while_pdfs_convert_see_no_conflict(
        app, login, session, create_user, deploy):
    require_persistent_converter()
    names = make_world(session, create_user, deploy, officers=OFFICERS)
    headers = [login(name) for name in names]
    factory = app.extensions["vinhdanh"].session_factory
    converter = ConversionService(factory, slots=2)
    install_after_commit(factory, converter.wake)
    statuses: Counter = Counter()
    lock, start = threading.Lock(), threading.Barrier(OFFICERS)
    try:
        converter.start()
        threads = [threading.Thread(target=_officer, args=(app, header, statuses, lock, start))
                   for header in headers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(300)
        assert converter.idle.wait(300), "the converter did not finish"
    finally:
        converter.stop()

    requests = OFFICERS * (1 + 2 * (ROUNDS + 1))
    assert statuses[409] == 0, statuses
    assert sum(statuses.values()) == requests and set(statuses) <= {200, 201}, statuses
    counts = dict(session.execute(select(GeneratedDocument.pdf_status, func.count())
                                  .group_by(GeneratedDocument.pdf_status)).all())
    assert counts == {CONVERTED: OFFICERS * (ROUNDS + 1)}
    numbers = session.scalars(select(GeneratedDocument.number)).all()
    assert sorted(numbers) == list(range(1, OFFICERS * (ROUNDS + 1) + 1))  # one register, no gap, no repeat
