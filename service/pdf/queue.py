"""The conversion queue: generated documents, claimed one at a time by any number of converters.

A claim is one short transaction: a single UPDATE takes the oldest waiting document (PostgreSQL skips rows
another converter is claiming: `FOR UPDATE SKIP LOCKED`, as the timers do; SQLite has one writer) and bumps
`pdf_attempts`, which is also the claim's fencing token: the result is stored only while the row is still
`converting` under that same attempt, so a converter whose claim was taken over (it hung past
`STALE_CLAIM`) can never store a second PDF. Rendering and conversion happen between transactions.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from ..db import utcnow
from ..i18n import msg
from ..models import DocumentTemplate, GeneratedDocument
from .states import CONVERTED, CONVERTING, FAILED, GENERATED

CHANNEL = "vinhdanh_documents"  # PostgreSQL NOTIFY channel: "a document waits"
# Set on a session whose transaction queued a document; the after-commit hook wakes this process's converter.
PENDING_FLAG = "vinhdanh_pdf_pending"
# A claim older than this belongs to a converter that died with its host: another one takes the document.
STALE_CLAIM = timedelta(minutes=5)
# A document whose converter crashed this many times is a document problem, not a converter problem.
MAX_ATTEMPTS = 3
ERROR_LENGTH = 1000

Document = GeneratedDocument


@dataclass(frozen=True)
class Claim:
    """A document taken for conversion: its stored .docx, or what renders it."""

    document_id: int
    attempt: int
    template_id: int
    docx: bytes | None
    context: dict
    sign: bool


def announce(session: Session) -> None:
    """Mark the session's transaction as having queued a document: converters wake when it commits."""
    session.info[PENDING_FLAG] = True
    if session.get_bind().dialect.name == "postgresql":
        # Delivered at commit (and not at all on rollback); repeated notices in one transaction fold into one.
        session.execute(select(func.pg_notify(CHANNEL, "")))


def _waiting(now: datetime):
    return or_(Document.pdf_status == GENERATED,
               and_(Document.pdf_status == CONVERTING, Document.pdf_claimed_at < now - STALE_CLAIM))


def claim(session_factory: sessionmaker, *, worker: str) -> Claim | None:
    """Take the oldest waiting document (or an abandoned claim); None when nothing waits."""
    now = utcnow()
    with session_factory() as session:
        oldest = (select(Document.id).where(_waiting(now)).order_by(Document.id).limit(1)
                  .with_for_update(skip_locked=True).scalar_subquery())
        taken = session.execute(
            update(Document).where(Document.id == oldest, _waiting(now))
            .values(pdf_status=CONVERTING, pdf_claimed_at=now, pdf_attempts=Document.pdf_attempts + 1,
                    pdf_worker=worker[:64])
            .returning(Document.id, Document.pdf_attempts)
            .execution_options(synchronize_session=False)).first()
        if taken is None:
            session.rollback()
            return None
        row = session.execute(select(Document.template_id, Document.content, Document.context, Document.sign_pdf)
                              .where(Document.id == taken.id)).one()
        session.commit()
    return Claim(document_id=taken.id, attempt=taken.pdf_attempts, template_id=row.template_id, docx=row.content,
                 context=row.context, sign=bool(row.sign_pdf))


def template_content(session_factory: sessionmaker, template_id: int) -> bytes:
    """A template version's bytes (versions are never edited, so callers may keep them)."""
    with session_factory() as session:
        content = session.scalar(select(DocumentTemplate.content).where(DocumentTemplate.id == template_id))
        session.rollback()
    return content


def _finish(session_factory: sessionmaker, claim: Claim, **values) -> bool:
    """Apply `values` if the claim still holds; True when it did."""
    with session_factory() as session:
        held = session.execute(
            update(Document).where(Document.id == claim.document_id, Document.pdf_status == CONVERTING,
                                   Document.pdf_attempts == claim.attempt)
            .values(**values).execution_options(synchronize_session=False)).rowcount
        if values.get("pdf_status") == GENERATED and held:
            announce(session)  # given back: any converter may take it now
        session.commit()
    return bool(held)


def store(session_factory: sessionmaker, claim: Claim, *, docx: bytes, pdf: bytes, seconds: float,
          signed: bytes | None = None, error: str | None = None) -> bool:
    """Store the converted document; False when the claim was lost meanwhile (nothing is written then)."""
    values: dict = {"pdf_status": CONVERTED, "pdf_content": pdf, "pdf_error": _clip(error), "converted_at": utcnow(),
                    "pdf_seconds": seconds}
    if claim.docx is None:
        values.update(content=docx, sha256=hashlib.sha256(docx).hexdigest())
    if signed is not None:
        values.update(signed_pdf_content=signed, signed_at=utcnow())
    return _finish(session_factory, claim, **values)


def fail(session_factory: sessionmaker, claim: Claim, error: str, *, seconds: float | None = None) -> bool:
    """The document itself cannot be converted: failed with its error, until an administrator retries it."""
    return _finish(session_factory, claim, pdf_status=FAILED, pdf_error=_clip(error), converted_at=utcnow(),
                   pdf_seconds=seconds)


def give_back(session_factory: sessionmaker, claim: Claim, error: str) -> bool:
    """The converter died or hung: the document waits again (failed after MAX_ATTEMPTS crashes)."""
    if claim.attempt >= MAX_ATTEMPTS:
        return fail(session_factory, claim, msg("Bộ chuyển đổi dừng {attempt} lần với văn bản này",
                                                attempt=claim.attempt, error=error))
    return _finish(session_factory, claim, pdf_status=GENERATED, pdf_error=_clip(error))


def next_takeover(session_factory: sessionmaker) -> float | None:
    """Seconds until the oldest claim held elsewhere goes stale (None: no claim is held)."""
    with session_factory() as session:
        oldest = session.scalar(select(func.min(Document.pdf_claimed_at)).where(Document.pdf_status == CONVERTING))
        session.rollback()
    if oldest is None:
        return None
    return max(1.0, (oldest + STALE_CLAIM - utcnow()) / timedelta(seconds=1))


def _clip(text: str | None) -> str | None:
    return text[:ERROR_LENGTH] if text else None
