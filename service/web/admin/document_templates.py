"""Mẫu văn bản: each document kind with its template versions; upload a .docx as a new version, check its
placeholders against the kind's sample data, preview it rendered (PDF in the page when LibreOffice is there,
the .docx always), activate it. Process admins change; auditors and system admins read; anyone else gets
"not found". The operations (service/operations/document_templates.py) are the API's and audit every change."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, request, url_for

from ...api.documents import safe_filename
from ...documents import DocumentKind
from ...errors import ValidationFailed
from ...http import current_user, db
from ...http.locale import request_locale
from ...i18n import msg, translate
from ...operations import document_templates
from ...pdf.soffice import libreoffice_available
from ..access import login_required
from ..messages import notify

bp = Blueprint("admin_document_templates", __name__, template_folder="templates",
               url_prefix="/admin/document-templates")

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
KIND_LABELS = {
    DocumentKind.GUIDANCE: msg("Hướng dẫn xét khen thưởng"),
    DocumentKind.UNIT_SUBMISSION: msg("Tờ trình của đơn vị đề nghị"),
    DocumentKind.COUNCIL_MINUTES: msg("Biên bản họp Hội đồng Thi đua - Khen thưởng"),
    DocumentKind.COLLECTIVE_REPORT: msg("Báo cáo thành tích tập thể"),
    DocumentKind.INDIVIDUAL_REPORT: msg("Báo cáo thành tích cá nhân"),
    DocumentKind.CONSOLIDATED_SUBMISSION: msg("Tờ trình của cơ quan chủ trì"),
    DocumentKind.HOME_AFFAIRS_SUBMISSION: msg("Tờ trình của Sở Nội vụ"),
    DocumentKind.AWARD_DECISION: msg("Quyết định khen thưởng"),
    DocumentKind.STATE_SUBMISSION: msg("Tờ trình đề nghị khen thưởng cấp Nhà nước"),
}


def _labels() -> dict[str, str]:
    locale = request_locale()
    return {kind.value: translate(label, locale) for kind, label in KIND_LABELS.items()}


def _file(content: bytes, filename: str, mimetype: str, *, inline: bool = False) -> Response:
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _index(errors: list[str] | None = None, chosen: str = "", status: int = 200):
    session, user = db(), current_user()
    rows = document_templates.kinds(session, actor=user)
    return render_template("admin/document_templates.html", rows=rows, labels=_labels(), errors=errors or [],
                           chosen=chosen, can_edit=document_templates.can_edit_templates(user)), status


@bp.get("")
@login_required
def index():
    """Every document kind with its versions: who uploaded each, when, and which one generation uses."""
    return _index()


@bp.post("")
@login_required
def upload():
    """Store the uploaded .docx as the next version of its kind, not yet active; then show its check."""
    session, user = db(), current_user()
    kind = request.form.get("kind", "").strip()
    upload_file = request.files.get("file")
    content = upload_file.stream.read(document_templates.MAX_TEMPLATE_BYTES + 1) if upload_file else b""
    try:
        template = document_templates.upload_version(session, actor=user, kind=kind,
                                                     filename=_safe_name(upload_file.filename if upload_file else ""),
                                                     content=content)
    except ValidationFailed as exc:
        session.rollback()
        locale = request_locale()
        fields = exc.details.get("fields") or {}
        problems = [translate(problem, locale) for values in fields.values() for problem in values] \
            or [translate(exc.message, locale)]
        return _index(problems, kind, 422)
    notify(msg("Đã tải lên phiên bản {version}. Hãy xem kết quả kiểm tra rồi mới dùng.", version=template.version))
    return redirect(url_for("admin_document_templates.show", template_id=template.id))


def _safe_name(name: str) -> str:
    return safe_filename(name, "template.docx")  # one rule for stored file names, pages and API alike


def _show(template_id: int, errors: list[str] | None = None, status: int = 200):
    session, user = db(), current_user()
    checked = document_templates.check_version(session, actor=user, template_id=template_id)
    return render_template("admin/document_template.html", checked=checked, template=checked.template,
                           label=_labels().get(checked.template.kind, checked.template.kind),
                           pdf_available=libreoffice_available(), errors=errors or [],
                           can_edit=document_templates.can_edit_templates(user)), status


@bp.get("/<int:template_id>")
@login_required
def show(template_id: int):
    """One version: the placeholder check, the format check of the sample rendering, the preview."""
    return _show(template_id)


@bp.get("/<int:template_id>/file")
@login_required
def file(template_id: int):
    """The version's own .docx."""
    template = document_templates.version(db(), actor=current_user(), template_id=template_id)
    return _file(template.content, _safe_name(template.filename), DOCX)


@bp.get("/<int:template_id>/preview.docx")
@login_required
def preview_docx(template_id: int):
    """The version rendered with the sample data, as .docx."""
    checked = document_templates.check_version(db(), actor=current_user(), template_id=template_id)
    if checked.check.content is None:
        return _show(template_id, [translate(msg("Mẫu chưa hiển thị được với dữ liệu mẫu."), request_locale())],
                     409)
    name = f"preview-{checked.template.kind}-v{checked.template.version}.docx"
    return _file(checked.check.content, name, DOCX)


@bp.get("/<int:template_id>/preview.pdf")
@login_required
def preview_pdf(template_id: int):
    """The version rendered with the sample data, as PDF (shown in the page)."""
    template = document_templates.version(db(), actor=current_user(), template_id=template_id)
    content = document_templates.preview_pdf(db(), actor=current_user(), template_id=template_id)
    return _file(content, f"preview-{template.kind}-v{template.version}.pdf", "application/pdf", inline=True)


@bp.post("/<int:template_id>/activate")
@login_required
def activate(template_id: int):
    """Generation uses this version from now on; refused while a placeholder does not resolve."""
    session = db()
    try:
        template = document_templates.activate_version(session, actor=current_user(), template_id=template_id)
    except ValidationFailed as exc:
        session.rollback()
        return _show(template_id, [translate(exc.message, request_locale())], 422)
    notify(msg("Từ nay văn bản «{kind}» được tạo theo phiên bản {version}.",
               kind=translate(KIND_LABELS[DocumentKind(template.kind)], request_locale()), version=template.version))
    return redirect(url_for("admin_document_templates.index"))
