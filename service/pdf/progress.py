"""What people see of the conversions: a round's documents by state, and an administrator's retry."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from ..documents.amounts import format_vnd
from ..errors import InvalidState, PermissionDenied
from ..i18n import msg
from ..models import Dossier, GeneratedDocument, RegisteredDocument, User
from ..nomination import rounds
from ..operations import audit, documents
from ..permissions import is_process_admin, is_system_admin
from . import queue
from .states import CONVERTED, FAILED, GENERATED, PDF_STATES, RETRYABLE

FAILED_LISTED = 50


def _of_round(round_id: int, round_instance_id: int | None):
    """A round's documents: its own instance's, its dossiers', and any numbered in its register rows."""
    dossier_instances = select(Dossier.instance_id).where(Dossier.round_id == round_id,
                                                           Dossier.instance_id.is_not(None))
    registered = select(RegisteredDocument.id).where(RegisteredDocument.round_id == round_id)
    return or_(GeneratedDocument.instance_id == round_instance_id,
               GeneratedDocument.instance_id.in_(dossier_instances),
               GeneratedDocument.registered_document_id.in_(registered))


def round_progress(session: Session, *, actor: User, round_id: int) -> dict[str, Any]:
    """Counts of the round's documents by PDF state, "1.204 / 1.940 PDF", and the failed ones with their error."""
    round_ = rounds.get_round(session, round_id)
    of_round = _of_round(round_.id, round_.instance_id)
    counts = dict.fromkeys(PDF_STATES, 0)
    for state, count in session.execute(select(GeneratedDocument.pdf_status, func.count())
                                        .where(of_round).group_by(GeneratedDocument.pdf_status)):
        counts[state] = count
    total, converted = sum(counts.values()), counts[CONVERTED]
    failed = session.execute(
        select(GeneratedDocument.id, GeneratedDocument.kind, GeneratedDocument.symbol, GeneratedDocument.pdf_error)
        .where(of_round, GeneratedDocument.pdf_status == FAILED).order_by(GeneratedDocument.id)
        .limit(FAILED_LISTED)).all()
    return {
        "round_id": round_.id,
        "total": total,
        "converted": converted,
        "states": counts,
        "percent": round(100 * converted / total, 1) if total else 100.0,
        "label": f"{format_vnd(converted)} / {format_vnd(total)} PDF",
        "failed": [{"id": row.id, "kind": row.kind, "symbol": row.symbol, "error": row.pdf_error} for row in failed],
    }


def retry_conversion(session: Session, *, actor: User, document_id: int) -> GeneratedDocument:
    """Send a failed (or never converted) document back to the converters; administrators only."""
    document = documents.get_document(session, actor=actor, document_id=document_id)
    if not (is_system_admin(actor) or is_process_admin(actor)):
        raise PermissionDenied(msg("Chỉ quản trị viên được chuyển đổi lại."))
    if document.pdf_status not in RETRYABLE:
        raise InvalidState(msg("Văn bản không ở trạng thái lỗi chuyển đổi."),
                           code="pdf_not_failed", details={"pdf_status": document.pdf_status})
    previous_error = document.pdf_error
    session.execute(update(GeneratedDocument).where(GeneratedDocument.id == document.id,
                                                    GeneratedDocument.pdf_status == document.pdf_status)
                    .values(pdf_status=GENERATED, pdf_attempts=0, pdf_error=None, converted_at=None)
                    .execution_options(synchronize_session=False))
    session.refresh(document)
    queue.announce(session)
    audit.record(session, action="document.pdf_retried", actor=actor.username, instance_id=document.instance_id,
                 details={"document_id": document.id, "previous_error": previous_error})
    return document
