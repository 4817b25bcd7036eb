"""Generated documents: render with the active template version, store, list and read within the instance's scope.

Templates are versioned rows seeded from document_templates/ (uploading, checking and activating versions:
document_templates.py); generation uses the active version, and each generated document keeps the template
version and the context it was rendered from, so any document can be reproduced exactly. Neither the .docx nor
the PDF is made in the step's transaction when a converter exists: the step stores the document's context
(`pdf_status = "generated"`) and a converter (`service.pdf`) renders and converts it after commit; until then
`docx_content` renders on demand.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload, undefer

from ..documents import DocumentKind
from ..documents.rendering import DEFAULT_TEMPLATE_DIR, TEMPLATE_FILES, document_filename
from ..errors import NotFound, ValidationFailed
from ..i18n import msg
from ..models import DocumentTemplate, GeneratedDocument, ProcessInstance, User
from ..pdf import queue
from ..pdf.docx import render_docx
from ..pdf.soffice import libreoffice_available
from ..pdf.states import GENERATED, UNAVAILABLE
from ..permissions import can_see_instance
from . import audit

DOCUMENT_NOT_FOUND = msg("Không tìm thấy văn bản.")


# --- templates -------------------------------------------------------------------------------------


def _kind(kind: str) -> DocumentKind:
    try:
        return DocumentKind(kind)
    except ValueError:
        allowed = ", ".join(k.value for k in DocumentKind)
        raise ValidationFailed(msg("Loại văn bản không hợp lệ: {kind!r}.", kind=kind, allowed=allowed),
                               details={"fields": {"kind": [msg("Một trong", allowed=allowed)]}}) from None


def _active(session: Session, kind: DocumentKind) -> DocumentTemplate | None:
    return session.scalar(
        select(DocumentTemplate).where(DocumentTemplate.kind == kind.value, DocumentTemplate.active.is_(True))
        .order_by(DocumentTemplate.version.desc()).limit(1)
    )


def _seed_kind(session: Session, kind: DocumentKind) -> DocumentTemplate:
    """Version 1 of a kind from the shipped file; a concurrent first use that seeded it already wins."""
    content = (DEFAULT_TEMPLATE_DIR / TEMPLATE_FILES[kind]).read_bytes()
    try:
        with session.begin_nested():
            template = DocumentTemplate(kind=kind.value, version=1, filename=TEMPLATE_FILES[kind], content=content,
                                        sha256=hashlib.sha256(content).hexdigest(), active=True)
            session.add(template)
    except IntegrityError:
        template = _active(session, kind)
        if template is None:  # pragma: no cover - version 1 exists but was deactivated by an upload
            raise
    return template


def ensure_templates(session: Session) -> list[str]:
    """Seed version 1 of every kind that has no template yet (bootstrap); returns the kinds seeded."""
    existing = set(session.scalars(select(DocumentTemplate.kind).distinct()))
    seeded = []
    for kind in DocumentKind:
        if kind.value not in existing:
            _seed_kind(session, kind)
            seeded.append(kind.value)
    return seeded


def active_template(session: Session, kind: DocumentKind | str) -> DocumentTemplate:
    """The template version the next document of `kind` is rendered with (seeded on first use)."""
    kind = _kind(str(kind))
    exists = session.scalar(select(func.count()).select_from(DocumentTemplate)
                            .where(DocumentTemplate.kind == kind.value))
    template = _active(session, kind)
    if template is None and not exists:
        template = _seed_kind(session, kind)
    if template is None:  # pragma: no cover - uploads always leave one version active
        raise NotFound(msg("Chưa có mẫu văn bản đang dùng."))
    return template


def valid_kind(kind: str) -> str:
    """`kind` when it names a document kind; ValidationFailed otherwise."""
    return _kind(kind).value


def get_template(session: Session, *, template_id: int) -> DocumentTemplate:
    template = session.scalar(select(DocumentTemplate).where(DocumentTemplate.id == template_id)
                              .options(undefer(DocumentTemplate.content)))
    if template is None:
        raise NotFound(msg("Không tìm thấy mẫu văn bản."))
    return template


# --- generation ------------------------------------------------------------------------------------


def json_safe(value: Any) -> Any:
    """The context as stored: dates as ISO strings, decimals as strings, tuples as lists."""
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(item) for item in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def generate(session: Session, *, actor: User | None, instance_id: int, kind: DocumentKind | str,
             context: dict[str, Any], element_id: str | None = None, task_id: str | None = None,
             subject: str = "", number: int | None = None, symbol: str | None = None,
             registered_document_id: int | None = None, sign: bool = False) -> GeneratedDocument:
    """Render `kind` with the active template and store it as the next version for (instance, kind, subject).

    `context` is the template context (from the builders in service.documents); it is stored as rendered.
    `number`/`symbol` are the register's (None for a draft or an unnumbered kind).
    `sign` asks for the PDF to be signed once converted (issued decisions), when a key is configured.
    """
    kind = _kind(str(kind))
    template = active_template(session, kind)
    stored_context = json_safe(context)
    # Rendering takes tens of milliseconds: with a converter it happens there, not while this transaction
    # holds the database. Without LibreOffice nothing will come by later, so the step renders it.
    converts = libreoffice_available()
    content = None if converts else render_docx(template.content, stored_context)
    latest = session.scalar(
        select(func.max(GeneratedDocument.version)).where(
            GeneratedDocument.instance_id == instance_id, GeneratedDocument.kind == kind.value,
            GeneratedDocument.subject == subject)
    ) or 0
    document = GeneratedDocument(
        instance_id=instance_id, element_id=element_id, task_id=task_id, kind=kind.value, subject=subject,
        version=latest + 1, filename=document_filename(kind, symbol or ""),
        content=content, sha256=hashlib.sha256(content).hexdigest() if content else None, template_id=template.id,
        context=stored_context, number=number, symbol=symbol,
        registered_document_id=registered_document_id,
        pdf_status=GENERATED if converts else UNAVAILABLE, sign_pdf=sign,
        created_by_id=actor.id if actor else None,
    )
    session.add(document)
    session.flush()
    if converts:
        queue.announce(session)
    audit.record(session, action="document.generated", actor=actor.username if actor else None,
                 instance_id=instance_id, element_id=element_id,
                 details={"document_id": document.id, "kind": kind.value, "version": document.version,
                          "template_version": template.version, "symbol": document.symbol})
    return document


def docx_content(session: Session, document: GeneratedDocument) -> bytes:
    """The document's .docx: as stored, or rendered now from its stored context while a converter has yet to."""
    if document.content is not None:
        return document.content
    template = session.scalar(select(DocumentTemplate.content).where(DocumentTemplate.id == document.template_id))
    return render_docx(template, document.context)


# --- reading ---------------------------------------------------------------------------------------


def list_documents(session: Session, *, actor: User, instance_id: int) -> list[GeneratedDocument]:
    """The instance's documents, oldest first; NotFound when the instance is outside the actor's scope."""
    instance = session.get(ProcessInstance, instance_id)
    if instance is None or not can_see_instance(session, actor, instance):
        raise NotFound(msg("Không tìm thấy hồ sơ quy trình."))
    return list(session.scalars(
        select(GeneratedDocument).where(GeneratedDocument.instance_id == instance_id)
        .options(selectinload(GeneratedDocument.template))
        .order_by(GeneratedDocument.created_at, GeneratedDocument.id)
    ))


def get_document(session: Session, *, actor: User, document_id: int, with_content: str | tuple[str, ...] = ()
                 ) -> GeneratedDocument:
    """One document if its instance is within the actor's scope (else NotFound); `with_content` loads blobs."""
    query = select(GeneratedDocument).where(GeneratedDocument.id == document_id)
    for column in (with_content,) if isinstance(with_content, str) else with_content:
        query = query.options(undefer(getattr(GeneratedDocument, column)))
    document = session.scalar(query)
    if document is None:
        raise NotFound(DOCUMENT_NOT_FOUND)
    instance = session.get(ProcessInstance, document.instance_id)
    if instance is None or not can_see_instance(session, actor, instance):
        raise NotFound(DOCUMENT_NOT_FOUND)
    return document
