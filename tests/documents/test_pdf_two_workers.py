"""Two `vinhdanh worker` processes on PostgreSQL converting one backlog: every document once, none twice; both
wake on NOTIFY (no polling interval) and claim with SKIP LOCKED."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from service.models import GeneratedDocument
from service.pdf.states import CONVERTED
from tests.documents.libreoffice_gate import require_persistent_converter
from tests.documents.pdf_support import make_world, start_documents

BACKLOG = 24
ROOT = Path(__file__).resolve().parents[2]


def _descendants(pid: int) -> dict[int, str]:
    """A process's descendants: pid → command name."""
    names, pending = {}, [pid]
    while pending:
        parent = pending.pop()
        for children in Path(f"/proc/{parent}/task").glob("*/children"):
            try:
                kids = [int(kid) for kid in children.read_text().split()]
            except OSError:
                continue
            for kid in kids:
                try:
                    names[kid] = Path(f"/proc/{kid}/comm").read_text().strip()
                except OSError:
                    continue
                pending.append(kid)
    return names


def _start_worker(database_url: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "PDF_CONVERTERS": "1"}
    return subprocess.Popen([str(Path(sys.executable).parent / "vinhdanh"), "worker"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait_until(check, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def test_two_worker_processes_convert_one_backlog_each_document_once(
        app, client, login, session, create_user, deploy, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only: on SQLite one embedded process converts")
    require_persistent_converter()
    make_world(session, create_user, deploy)
    workers = [_start_worker(database_url) for _ in range(2)]
    try:
        # Both LibreOffices up before the backlog arrives, so the two really compete for it.
        _wait_until(lambda: all("soffice.bin" in _descendants(worker.pid).values() for worker in workers), 120,
                    "both workers' LibreOffice")
        time.sleep(1.0)
        start_documents(client, login("officer0"), BACKLOG)

        def all_converted() -> bool:
            session.rollback()
            return set(session.scalars(select(GeneratedDocument.pdf_status))) == {CONVERTED}

        _wait_until(all_converted, 240, "the backlog to convert")
    finally:
        offices = [pid for worker in workers for pid in _descendants(worker.pid)]
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(60)
    session.rollback()
    rows = session.execute(select(GeneratedDocument.id, GeneratedDocument.pdf_attempts,
                                  GeneratedDocument.pdf_worker, GeneratedDocument.pdf_content)).all()
    assert len(rows) == BACKLOG
    assert [row.pdf_attempts for row in rows] == [1] * BACKLOG  # claimed once each: none converted twice
    assert all(row.pdf_content.startswith(b"%PDF") for row in rows)
    by_process = Counter(row.pdf_worker.split(":")[1].split("/")[0] for row in rows)
    assert set(by_process) == {str(worker.pid) for worker in workers}, by_process  # both took part
    # A stopped worker leaves no LibreOffice behind.
    _wait_until(lambda: not any(Path(f"/proc/{pid}").exists() for pid in offices), 30, "LibreOffice to exit")
