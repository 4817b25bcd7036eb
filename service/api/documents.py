"""Generated documents of an instance (list, .docx, PDF) and the versioned document templates."""

from __future__ import annotations

import re

from flask import Blueprint, Response, jsonify, request
from marshmallow import Schema, fields
from werkzeug.exceptions import BadRequest

from ..documents.format_checks import format_problems
from ..errors import InvalidState
from ..http import current_user, db
from ..i18n import msg
from ..operations import document_templates, documents
from ..pdf.states import CONVERTED, CONVERTING, GENERATED

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
    sha256 = fields.String(allow_none=True)
    pdf_status = fields.String()
    signed = fields.Function(lambda d: d.signed_at is not None)
    template_id = fields.Integer()
    template_version = fields.Function(lambda d: d.template.version)


class DocumentDetailOut(DocumentOut):
    instance_id = fields.Integer()
    pdf_error = fields.String(allow_none=True)
    pdf_attempts = fields.Integer()
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
    body["format_problems"] = format_problems(documents.docx_content(db(), document), kind=document.kind,
                                              numbered=document.symbol is not None)
    return jsonify(body)


@bp.get("/documents/<int:document_id>/content")
def document_content(document_id: int):
    """The .docx file."""
    document = documents.get_document(db(), actor=current_user(), document_id=document_id, with_content="content")
    return _attachment(documents.docx_content(db(), document),
                       safe_filename(document.filename, f"document-{document.id}.docx"), DOCX)


@bp.get("/documents/<int:document_id>/pdf")
def document_pdf(document_id: int):
    """The PDF once converted; the signed PDF when there is one (`?signed=false` for the unsigned one)."""
    session = db()
    document = documents.get_document(session, actor=current_user(), document_id=document_id)
    if document.pdf_status in (GENERATED, CONVERTING):
        raise InvalidState(msg("Bản PDF đang được tạo; hãy thử lại sau."),
                           code="pdf_pending")
    if document.pdf_status != CONVERTED:
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


class PlaceOut(Schema):
    part = fields.String()  # body, header_footer or properties
    text = fields.String()  # the paragraph's text, tags included


class FindingOut(Schema):
    name = fields.String()
    places = fields.List(fields.Nested(PlaceOut))


class TemplateCheckOut(Schema):
    template = fields.Nested(TemplateOut)
    activatable = fields.Boolean()
    unresolved = fields.List(fields.Nested(FindingOut))
    unsafe = fields.List(fields.Nested(FindingOut))
    error = fields.String(allow_none=True)
    format_problems = fields.List(fields.String())


@bp.get("/document-templates")
def list_templates():
    """Every stored template version (`?kind=`), oldest first per kind; process admins and auditors."""
    session, user = db(), current_user()
    rows = document_templates.kinds(session, actor=user)
    kind = documents.valid_kind(request.args["kind"]) if request.args.get("kind") else None
    items = [version for row in rows if kind in (None, row.kind) for version in row.versions]
    return jsonify({"items": TemplateOut(many=True).dump(items), "total": len(items)})


@bp.post("/document-templates")
def upload_template():
    """A new version of a kind's template (multipart: `kind`, `file`, `activate`). With `activate` (the default)
    it is activated at once, which is refused (and nothing stored) unless every placeholder resolves against
    the kind's sample data; `activate=false` stores it inactive, to check and activate later."""
    upload = request.files.get("file")
    kind = (request.form.get("kind") or "").strip()
    if upload is None or not kind:
        raise BadRequest(msg("Cần trường 'kind' và tệp 'file'."))
    activate = (request.form.get("activate") or "true").strip().lower() not in ("0", "false", "no")
    content = upload.stream.read(document_templates.MAX_TEMPLATE_BYTES + 1)
    session, user = db(), current_user()
    template = document_templates.upload_version(session, actor=user, kind=kind,
                                                 filename=safe_filename(upload.filename or "", "template.docx"),
                                                 content=content)
    if activate:
        template = document_templates.activate_version(session, actor=user, template_id=template.id)
    return jsonify(TemplateOut().dump(template)), 201


@bp.get("/document-templates/<int:template_id>/content")
def template_content(template_id: int):
    """A template version's .docx (to edit it and upload the next version)."""
    template = document_templates.version(db(), actor=current_user(), template_id=template_id)
    return _attachment(template.content, safe_filename(template.filename, f"template-{template.id}.docx"), DOCX)


@bp.get("/document-templates/<int:template_id>/check")
def check_template(template_id: int):
    """The version rendered with its kind's sample data: unresolved and unsafe names (with the paragraphs they
    appear in) and the format problems of the result; `activatable` when nothing is unresolved."""
    checked = document_templates.check_version(db(), actor=current_user(), template_id=template_id)
    result = checked.check
    return jsonify(TemplateCheckOut().dump({
        "template": checked.template, "activatable": checked.activatable, "unresolved": result.unresolved,
        "unsafe": result.unsafe, "error": result.error, "format_problems": checked.format_problems}))


@bp.get("/document-templates/<int:template_id>/preview")
def template_preview(template_id: int):
    """The version rendered with its kind's sample data, as .docx."""
    checked = document_templates.check_version(db(), actor=current_user(), template_id=template_id)
    if checked.check.content is None:
        raise InvalidState(msg("Mẫu chưa hiển thị được với dữ liệu mẫu."), code="template_not_rendered")
    return _attachment(checked.check.content, f"preview-{checked.template.kind}-v{checked.template.version}.docx",
                       DOCX)


@bp.post("/document-templates/<int:template_id>/activate")
def activate_template(template_id: int):
    """Make the version the one the next documents of its kind are generated with (documents already generated
    keep theirs); 422 while a placeholder does not resolve against the sample data."""
    template = document_templates.activate_version(db(), actor=current_user(), template_id=template_id)
    return jsonify(TemplateOut().dump(template))
