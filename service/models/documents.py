"""Document templates (versioned) and the documents generated from them at workflow steps (DOMAIN.md A5)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from ..db import Base, UTCDateTime, utcnow
from ..pdf.states import GENERATED, PDF_STATES

PDF_STATUSES = PDF_STATES  # generated → converting → converted | failed; unavailable (service/pdf/states.py)


class DocumentTemplate(Base):
    """One version of a document kind's .docx template; replacing a template adds a version, never edits one."""

    __tablename__ = "document_templates"
    __table_args__ = (UniqueConstraint("kind", "version", name="uq_document_templates_kind_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(255))
    # Deferred: listing versions must not pull every template's bytes.
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    sha256: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    uploaded_by = relationship("User")


class GeneratedDocument(Base):
    """A document a step produced: its .docx, the template version and the data it came from, its PDF."""

    __tablename__ = "generated_documents"
    __table_args__ = (
        # Regenerating the same document (same instance, kind and subject) makes the next version.
        UniqueConstraint("instance_id", "kind", "subject", "version",
                         name="uq_generated_documents_instance_kind_subject_version"),
        Index("ix_generated_documents_pdf_status", "pdf_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id", ondelete="CASCADE"), index=True)
    # The service task's element id (and the engine task id) that produced it.
    element_id: Mapped[str | None] = mapped_column(String(255))
    task_id: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(64))
    # What the document is about when a step produces several of one kind (e.g. "nominee:12"); "" otherwise.
    subject: Mapped[str] = mapped_column(String(128), default="")
    version: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(255))
    # Rendered with the PDF, outside the step's transaction: None until then (read through
    # `operations.documents.docx_content`, which renders it from the stored context meanwhile).
    content: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    sha256: Mapped[str | None] = mapped_column(String(64))
    template_id: Mapped[int] = mapped_column(ForeignKey("document_templates.id"))
    context: Mapped[dict] = deferred(mapped_column(JSON, nullable=False))
    number: Mapped[int | None] = mapped_column(Integer)
    symbol: Mapped[str | None] = mapped_column(String(64))
    registered_document_id: Mapped[int | None] = mapped_column(ForeignKey("document_register.id"))
    pdf_status: Mapped[str] = mapped_column(String(16), default=GENERATED)
    pdf_content: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    pdf_error: Mapped[str | None] = mapped_column(String(1000))
    # Sign the PDF after conversion (an issued decision) when a signing key is configured.
    sign_pdf: Mapped[bool] = mapped_column(Boolean, default=False)
    signed_pdf_content: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pdf_claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Claims so far (a converter that died mid-document gives it back); also the claim's fencing token.
    pdf_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    pdf_worker: Mapped[str | None] = mapped_column(String(64))  # the converter holding or last holding it
    pdf_seconds: Mapped[float | None] = mapped_column(Float)  # render + convert + sign, as the converter timed it
    converted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    template: Mapped[DocumentTemplate] = relationship()
