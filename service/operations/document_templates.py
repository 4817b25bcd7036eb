"""Document template versions: upload a .docx as a new (inactive) version, check it against the kind's sample
data, preview it, activate it.

An uploaded version is stored whatever its placeholders, so that an administrator can see what is wrong with
it; only a version whose every placeholder resolves against the sample data (and that reaches no Python
internals) can be activated. Generation always uses the active version; documents already generated keep the
version they were rendered with (GeneratedDocument.template_id). Process administrators change; auditors and
system administrators read; anyone else finds nothing. Every change is audited.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass

from docxtpl import DocxTemplate
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from ..documents import DocumentKind
from ..documents.format_checks import format_problems
from ..documents.template_check import TemplateCheck, check_template, internal_names
from ..documents.template_samples import sample_context
from ..errors import InvalidState, NotFound, PermissionDenied, ValidationFailed
from ..i18n import msg
from ..models import DocumentTemplate, User
from ..pdf.soffice import PdfConversionError, convert_to_pdf, libreoffice_available
from ..permissions import can_read_everything, is_process_admin
from ..zip_limits import ArchiveRefused, check_zip
from . import audit
from .documents import _kind, active_template, ensure_templates, get_template, json_safe

MAX_TEMPLATE_BYTES = 10 * 1024 * 1024


def can_view_templates(user: User) -> bool:
    """Process admins change templates; auditors and system admins read them."""
    return is_process_admin(user) or can_read_everything(user)


def can_edit_templates(user: User) -> bool:
    return is_process_admin(user)


def _require_view(actor: User) -> None:
    if not can_view_templates(actor):
        raise NotFound(msg("Không tìm thấy trang."))


def _require_edit(actor: User) -> None:
    if not can_edit_templates(actor):
        raise PermissionDenied(msg("Chỉ quản trị quy trình được thay mẫu văn bản."))


@dataclass(frozen=True)
class KindVersions:
    """A document kind with its versions, oldest first, and the one generation uses."""

    kind: str
    versions: list[DocumentTemplate]

    @property
    def active(self) -> DocumentTemplate | None:
        return next((version for version in self.versions if version.active), None)


@dataclass(frozen=True)
class VersionCheck:
    """A version checked against its kind's sample data: placeholders, the rendered sample, its format."""

    template: DocumentTemplate
    check: TemplateCheck
    format_problems: list[str]

    @property
    def activatable(self) -> bool:
        return self.check.passed


def kinds(session: Session, *, actor: User) -> list[KindVersions]:
    """Every document kind with its stored versions (the shipped version 1 is seeded on first sight)."""
    _require_view(actor)
    ensure_templates(session)
    rows = session.scalars(select(DocumentTemplate).options(selectinload(DocumentTemplate.uploaded_by))
                           .order_by(DocumentTemplate.kind, DocumentTemplate.version))
    by_kind: dict[str, list[DocumentTemplate]] = {kind.value: [] for kind in DocumentKind}
    for row in rows:
        by_kind.setdefault(row.kind, []).append(row)
    return [KindVersions(kind, versions) for kind, versions in by_kind.items()]


def version(session: Session, *, actor: User, template_id: int) -> DocumentTemplate:
    """One stored version with its bytes (NotFound for anyone who may not see templates)."""
    _require_view(actor)
    return get_template(session, template_id=template_id)


def _refusal(content: bytes) -> object | None:
    """Why `content` cannot be a template version at all (None: it is a .docx whose tags parse)."""
    if not content:
        return msg("Tệp rỗng.")
    if len(content) > MAX_TEMPLATE_BYTES:
        return msg("Tệp quá lớn (tối đa 10 MB).")
    if not zipfile.is_zipfile(io.BytesIO(content)):  # reads only the end of the file
        return msg("Không phải tệp .docx.")
    try:
        check_zip(content)  # before docxtpl inflates anything: a zip bomb stops here
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if "word/document.xml" not in archive.namelist():
                return msg("Không phải tệp .docx.")
    except ArchiveRefused as refused:
        return refused.args[0] if refused.args else str(refused)
    except zipfile.BadZipFile:
        return msg("Không phải tệp .docx.")
    try:
        DocxTemplate(io.BytesIO(content)).get_undeclared_template_variables()
    except Exception as exc:  # docxtpl raises Jinja's, lxml's and python-docx's errors as they come
        return msg("Mẫu có thẻ không hợp lệ", exc=exc)
    internal = internal_names(content)
    if internal:
        return msg("Mẫu truy cập thành phần nội bộ của Python ({names}); không được phép.",
                   names=", ".join(internal))
    return None


def upload_version(session: Session, *, actor: User, kind: str, filename: str, content: bytes) -> DocumentTemplate:
    """Store `content` as the next version of `kind`, not yet active; refused (nothing stored) unless it is a
    .docx within the size and zip limits whose tags parse and reach no Python internals."""
    _require_edit(actor)
    kind_value = _kind(kind)
    problem = _refusal(content)
    if problem is not None:
        raise ValidationFailed(problem, details={"fields": {"file": [problem]}})
    active_template(session, kind_value)  # the shipped version 1 comes first, so uploads start at 2
    latest = session.scalar(select(func.max(DocumentTemplate.version))
                            .where(DocumentTemplate.kind == kind_value.value)) or 0
    template = DocumentTemplate(kind=kind_value.value, version=latest + 1, filename=filename[:255] or "template.docx",
                                content=content, sha256=hashlib.sha256(content).hexdigest(), active=False,
                                uploaded_by_id=actor.id)
    session.add(template)
    session.flush()
    audit.record(session, action="document_template.uploaded", actor=actor.username, instance_id=None,
                 details={"kind": kind_value.value, "version": template.version, "sha256": template.sha256})
    return template


def _checked(template: DocumentTemplate) -> VersionCheck:
    context = json_safe(sample_context(template.kind))  # as generation stores and renders it
    result = check_template(template.content, context)
    problems = (format_problems(result.content, kind=template.kind, numbered=bool(context.get("document_symbol")))
                if result.content is not None else [])
    return VersionCheck(template, result, problems)


def check_version(session: Session, *, actor: User, template_id: int) -> VersionCheck:
    """Render the version with its kind's sample data: unresolved and unsafe names, the format problems."""
    return _checked(version(session, actor=actor, template_id=template_id))


def preview_pdf(session: Session, *, actor: User, template_id: int) -> bytes:
    """The sample rendering as PDF (LibreOffice); InvalidState when there is no converter or it fails."""
    checked = check_version(session, actor=actor, template_id=template_id)
    if checked.check.content is None:
        raise InvalidState(msg("Mẫu chưa hiển thị được với dữ liệu mẫu."), code="template_not_rendered")
    if not libreoffice_available():
        raise InvalidState(msg("Máy chủ chưa có bộ chuyển đổi PDF."), code="pdf_unavailable")
    try:
        return convert_to_pdf(checked.check.content)
    except PdfConversionError as exc:
        raise InvalidState(msg("Không tạo được bản PDF xem trước.", error=str(exc)), code="pdf_failed") from None


def activate_version(session: Session, *, actor: User, template_id: int) -> DocumentTemplate:
    """Make the version the one generation uses from now on; refused while a placeholder does not resolve."""
    _require_edit(actor)
    checked = _checked(get_template(session, template_id=template_id))
    template = checked.template
    if not checked.activatable:
        names = [finding.name for finding in checked.check.unresolved + checked.check.unsafe]
        raise ValidationFailed(
            msg("Chưa thể dùng mẫu: còn {count} chỗ chưa có dữ liệu hoặc không được phép ({names}).",
                count=len(names), names=", ".join(names)) if names
            else msg("Chưa thể dùng mẫu: mẫu không hiển thị được với dữ liệu mẫu."),
            details={"unresolved": [f.name for f in checked.check.unresolved],
                     "unsafe": [f.name for f in checked.check.unsafe], "error": checked.check.error})
    previous = session.scalar(select(DocumentTemplate.version).where(
        DocumentTemplate.kind == template.kind, DocumentTemplate.active.is_(True)))
    if previous == template.version:
        return template
    session.execute(update(DocumentTemplate).where(DocumentTemplate.kind == template.kind).values(active=False))
    session.execute(update(DocumentTemplate).where(DocumentTemplate.id == template.id).values(active=True))
    session.refresh(template)
    audit.record(session, action="document_template.activated", actor=actor.username, instance_id=None,
                 details={"kind": template.kind, "version": template.version, "previous_version": previous,
                          "sha256": template.sha256})
    return template

