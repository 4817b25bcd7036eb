"""Generated documents of an instance (list, .docx, PDF) and the versioned document templates."""

from __future__ import annotations

import re

from flask import Blueprint, Response, jsonify, request
from marshmallow import Schema, fields
from werkzeug.exceptions import BadRequest

from ..documents.format_checks import format_problems
from ..errors import InvalidState, NotFound
from ..http import current_user, db
from ..i18n import msg
from ..operations import documents
from ..permissions import can_read_everything, is_process_admin

bp = Blueprint("documents", __name__, url_prefix="/api/v1")

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"


class DocumentOut(Schema):
    id = fields.Integer()
    kind = fields.String()
    filename = fields.String()
    version = fields.Integer()
    created_at = fields.DateTime()
    task_id = fields.String(attribute="element_id", allow_none=True)
    engine_task_id = fields.String(attribute="task_id", allow_none=True)
    subject = fields.String()
    number = fields.Integer(allow_none=True)
    symbol = fields.String(allow_none=True)
    sha256 = fields.String()
    pdf_status = fields.String()
    signed = fields.Function(lambda d: d.signed_at is not None)
    template_id = fields.Integer()
    template_version = fields.Function(lambda d: d.template.version)


class DocumentDetailOut(DocumentOut):
    instance_id = fields.Integer()
    pdf_error = fields.String(allow_none=True)
    converted_at = fields.DateTime(allow_none=True)
    signed_at = fields.DateTime(allow_none=True)
    context = fields.Dict()
    format_problems = fields.List(fields.String(), dump_only=True)


class TemplateOut(Schema):
    id = fields.Integer()
    kind = fields.String()
    version = fields.Integer()
    filename = fields.String()
    sha256 = fields.String()
    active = fields.Boolean()
    uploaded_by = fields.Function(lambda t: t.uploaded_by.username if t.uploaded_by else None)
    created_at = fields.DateTime()


def safe_filename(name: str, default: str) -> str:
    """ASCII letters, digits, dot, dash and underscore only: nothing a header or a file system misreads."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or default
    return cleaned[:150]


def _attachment(content: bytes, filename: str, mimetype: str) -> Response:
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/process-instances/<int:instance_id>/documents")
def list_documents(instance_id: int):
    """The documents generated in an instance (404 outside the caller's scope)."""
    items = documents.list_documents(db(), actor=current_user(), instance_id=instance_id)
    return jsonify({"items": DocumentOut(many=True).dump(items), "total": len(items)})


@bp.get("/documents/<int:document_id>")
def get_document(document_id: int):
    """One document's record: template version, hash, PDF status, the data it came from, its format problems."""
    document = documents.get_document(db(), actor=current_user(), document_id=document_id,
                                      with_content=("context", "content"))
    body = DocumentDetailOut().dump(document)
    body["format_problems"] = format_problems(document.content, kind=document.kind,
                                              numbered=document.symbol is not None)
    return jsonify(body)


@bp.get("/documents/<int:document_id>/content")
def document_content(document_id: int):
    """The .docx file."""
    document = documents.get_document(db(), actor=current_user(), document_id=document_id, with_content="content")
    return _attachment(document.content, safe_filename(document.filename, f"document-{document.id}.docx"), DOCX)


@bp.get("/documents/<int:document_id>/pdf")
def document_pdf(document_id: int):
    """The PDF once converted; the signed PDF when there is one (`?signed=false` for the unsigned one)."""
    session = db()
    document = documents.get_document(session, actor=current_user(), document_id=document_id)
    if document.pdf_status in ("pending", "converting"):
        raise InvalidState(msg("Bản PDF đang được tạo; hãy thử lại sau."),
                           code="pdf_pending")
    if document.pdf_status != "done":
        raise InvalidState(msg("Không có bản PDF của văn bản này."), code="pdf_unavailable",
                           details={"pdf_status": document.pdf_status, "reason": document.pdf_error})
    want_signed = request.args.get("signed", "true").lower() not in ("0", "false", "no")
    stem = safe_filename(document.filename.rsplit(".", 1)[0], f"document-{document.id}")
    if want_signed and document.signed_at is not None:
        content = documents.get_document(session, actor=current_user(), document_id=document_id,
                                         with_content="signed_pdf_content").signed_pdf_content
        return _attachment(content, f"{stem}_signed.pdf", PDF)
    content = documents.get_document(session, actor=current_user(), document_id=document_id,
                                     with_content="pdf_content").pdf_content
    return _attachment(content, f"{stem}.pdf", PDF)


def _require_template_reader() -> None:
    user = current_user()
    if not (is_process_admin(user) or can_read_everything(user)):
        raise NotFound(msg("Không tìm thấy."))


@bp.get("/document-templates")
def list_templates():
    """Every stored template version (`?kind=`), oldest first per kind; process admins and auditors."""
    _require_template_reader()
    session = db()
    documents.ensure_templates(session)
    items = documents.list_templates(session, kind=request.args.get("kind"))
    return jsonify({"items": TemplateOut(many=True).dump(items), "total": len(items)})


@bp.post("/document-templates")
def upload_template():
    """A new version of a kind's template (multipart: `kind`, `file`); the next generation uses it."""
    upload = request.files.get("file")
    kind = (request.form.get("kind") or "").strip()
    if upload is None or not kind:
        raise BadRequest(msg("Cần trường 'kind' và tệp 'file'."))
    content = upload.stream.read(documents.MAX_TEMPLATE_BYTES + 1)
    template = documents.upload_template(db(), actor=current_user(), kind=kind,
                                         filename=safe_filename(upload.filename or "", "template.docx"),
                                         content=content)
    return jsonify(TemplateOut().dump(template)), 201


@bp.get("/document-templates/<int:template_id>/content")
def template_content(template_id: int):
    """A template version's .docx (to edit it and upload the next version)."""
    _require_template_reader()
    template = documents.get_template(db(), template_id=template_id)
    return _attachment(template.content, safe_filename(template.filename, f"template-{template.id}.docx"), DOCX)
