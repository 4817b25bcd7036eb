"""PDF conversion (and signing) of generated documents, after commit and outside any request.

A generated document is stored with `pdf_status = "pending"`. A converter claims one row at a time
(pending → converting, a conditional UPDATE so two workers never convert the same row), converts it with
LibreOffice while holding no transaction, and stores the result in a new transaction. An issued decision's
PDF is then signed (PAdES) when a signing key is configured. A claim older than `STALE_CLAIM` (its worker
died mid-conversion) is taken over.

`PdfConverter` is the per-process background thread: the app wakes it after a commit that queued a
document (`install_after_commit`), and it also polls now and then for rows queued by other processes.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import event, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from .db import utcnow
from .documents import PdfConversionError, PdfSigningError, convert_to_pdf, sign_pdf
from .i18n import msg
from .models import GeneratedDocument
from .operations.documents import PDF_PENDING_FLAG

log = logging.getLogger(__name__)

STALE_CLAIM = timedelta(minutes=10)
POLL_SECONDS = 60.0
Converter = Callable[[bytes], bytes]


@dataclass(frozen=True)
class SigningKey:
    """A PKCS#12 key and certificate for PAdES signatures, and the reason and place printed in them."""

    pkcs12: bytes
    passphrase: str | None
    reason: str = "Ký ban hành quyết định khen thưởng"
    location: str = "Đà Nẵng"


def signing_key(path: str | None, passphrase: str | None) -> SigningKey | None:
    """The configured key (SIGNING_PKCS12_PATH / SIGNING_PASSPHRASE), or None when signing is not configured."""
    if not path:
        return None
    return SigningKey(pkcs12=Path(path).read_bytes(), passphrase=passphrase)


def _claim(session_factory: sessionmaker) -> tuple[int, bytes, bool] | None:
    """Take one pending (or abandoned) row: (id, docx bytes, sign?) — or None when the queue is empty."""
    stale_before = utcnow() - STALE_CLAIM
    waiting = or_(GeneratedDocument.pdf_status == "pending",
                  (GeneratedDocument.pdf_status == "converting") & (GeneratedDocument.pdf_claimed_at < stale_before))
    with session_factory() as session:
        for document_id in session.scalars(select(GeneratedDocument.id).where(waiting)
                                           .order_by(GeneratedDocument.id).limit(5)):
            claimed = session.execute(
                update(GeneratedDocument).where(GeneratedDocument.id == document_id, waiting)
                .values(pdf_status="converting", pdf_claimed_at=utcnow())
                .execution_options(synchronize_session=False)
            ).rowcount
            if not claimed:
                continue  # another converter took it between the select and the update
            content, sign = session.execute(
                select(GeneratedDocument.content, GeneratedDocument.sign_pdf)
                .where(GeneratedDocument.id == document_id)).one()
            session.commit()
            return document_id, content, bool(sign)
        session.rollback()
    return None


def _store(session_factory: sessionmaker, document_id: int, **values) -> None:
    with session_factory() as session:
        session.execute(update(GeneratedDocument).where(GeneratedDocument.id == document_id)
                        .values(**values).execution_options(synchronize_session=False))
        session.commit()


def convert_one(session_factory: sessionmaker, *, signing: SigningKey | None = None,
                convert: Converter = convert_to_pdf) -> int | None:
    """Convert (and sign) the next queued document; returns its id, or None when nothing waits."""
    claimed = _claim(session_factory)
    if claimed is None:
        return None
    document_id, content, sign = claimed
    try:
        pdf = convert(content)
    except PdfConversionError as exc:
        log.warning("PDF conversion of document %s failed: %s", document_id, exc)
        _store(session_factory, document_id, pdf_status="failed", pdf_error=str(exc)[:1000], converted_at=utcnow())
        return document_id
    values: dict = {"pdf_status": "done", "pdf_content": pdf, "pdf_error": None, "converted_at": utcnow()}
    if sign and signing is not None:
        try:
            values["signed_pdf_content"] = sign_pdf(pdf, pkcs12_bytes=signing.pkcs12, passphrase=signing.passphrase,
                                                    reason=signing.reason, location=signing.location)
            values["signed_at"] = utcnow()
        except PdfSigningError as exc:
            log.warning("signing document %s failed: %s", document_id, exc)
            values["pdf_error"] = msg("Ký số thất bại", exc=exc)[:1000]
    _store(session_factory, document_id, **values)
    return document_id


def process_pending(session_factory: sessionmaker, *, signing: SigningKey | None = None, limit: int = 50,
                    convert: Converter = convert_to_pdf) -> int:
    """Convert up to `limit` queued documents; returns how many were handled."""
    handled = 0
    while handled < limit and convert_one(session_factory, signing=signing, convert=convert) is not None:
        handled += 1
    return handled


class PdfConverter(threading.Thread):
    """The process's background converter: wakes on `wake()` or every `poll` seconds."""

    def __init__(self, session_factory: sessionmaker, *, signing: SigningKey | None = None,
                 poll: float = POLL_SECONDS):
        super().__init__(name="vinhdanh-pdf", daemon=True)
        self.session_factory = session_factory
        self.signing = signing
        self.poll = poll
        self._wake = threading.Event()
        self._stop_event = threading.Event()
        self.idle = threading.Event()  # set while the queue is known empty (tests wait on it)
        self._starting = threading.Lock()

    def wake(self) -> None:
        """Start the thread on first use, then have it look at the queue now."""
        self.idle.clear()
        with self._starting:
            if not self.is_alive() and not self._stop_event.is_set():
                self.start()
        self._wake.set()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self._wake.clear()
            try:
                process_pending(self.session_factory, signing=self.signing)
            except Exception:  # the thread must survive a database hiccup
                log.exception("PDF conversion pass failed")
            if not self._wake.is_set():
                self.idle.set()
            self._wake.wait(self.poll)

    def stop(self, timeout: float | None = 10.0) -> None:
        self._stop_event.set()
        self._wake.set()
        if self.is_alive() and threading.current_thread() is not self:
            self.join(timeout)


def install_after_commit(session_factory: sessionmaker, converter: PdfConverter) -> None:
    """Wake `converter` after each commit of `session_factory`'s sessions that queued a document."""

    # Both events also fire when a savepoint ends; only the outermost transaction's end counts.
    @event.listens_for(session_factory, "after_commit")
    def _queued(session: Session) -> None:
        if not session.in_nested_transaction() and session.info.pop(PDF_PENDING_FLAG, False):
            converter.wake()

    @event.listens_for(session_factory, "after_rollback")
    def _dropped(session: Session) -> None:
        if not session.in_nested_transaction():
            session.info.pop(PDF_PENDING_FLAG, None)
