"""Files attached to an instance from its tasks ("Đính kèm tệp").

Only allow-listed types are kept, recognised by their content (the name's extension must agree);
each file is at most 20 MB. Anyone who may see the instance may download them, always as a
download; only those who may act on an open task attach, and only the uploader removes (the row
stays for the history and the submission diff).
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, undefer

from ..db import utcnow
from ..errors import Conflict, NotFound, ValidationFailed
from ..i18n import Message, msg
from ..models import Attachment, ProcessInstance, User
from ..permissions import can_act_on_task, can_see_instance
from . import audit, tasks

MAX_BYTES = 20 * 1024 * 1024
NOT_FOUND = msg("Không tìm thấy tệp đính kèm.")


@dataclass(frozen=True)
class FileType:
    content_type: str
    extensions: tuple[str, ...]


PDF = FileType("application/pdf", (".pdf",))
DOCX = FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",))
XLSX = FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",))
ODT = FileType("application/vnd.oasis.opendocument.text", (".odt",))
ODS = FileType("application/vnd.oasis.opendocument.spreadsheet", (".ods",))
PNG = FileType("image/png", (".png",))
JPEG = FileType("image/jpeg", (".jpg", ".jpeg"))
_OOXML = {"word/": DOCX, "xl/": XLSX}
_ODF = {b"application/vnd.oasis.opendocument.text": ODT, b"application/vnd.oasis.opendocument.spreadsheet": ODS}


def _zip_type(content: bytes) -> FileType | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                return _ODF.get(archive.read("mimetype").strip())
            if "[Content_Types].xml" in names:
                return next((kind for prefix, kind in _OOXML.items() if any(n.startswith(prefix) for n in names)), None)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return None
    return None


def detect_type(content: bytes) -> FileType | None:
    """The allow-listed type the bytes are, by their content; None for anything else."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"PK\x03\x04"):
        return _zip_type(content)
    return None


def clean_filename(name: str) -> str:
    """A safe display and download name: the last path segment, no control characters, ≤ 255 chars."""
    name = unicodedata.normalize("NFC", (name or "").replace("\\", "/").rsplit("/", 1)[-1])
    name = re.sub(r"[\x00-\x1f\x7f\"<>:|?*]", "", name).strip(" .")
    if len(name) > 255:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 250 - len(ext)] + dot + ext) if dot else name[:255]
    return name or "tep_dinh_kem"


def _refuse(message: Message, code: str) -> ValidationFailed:
    return ValidationFailed(message, details={"fields": {"file": [message]}, "reason": code})


def check_file(filename: str, content: bytes) -> tuple[str, FileType]:
    """The safe name and the allow-listed type of an uploaded file; ValidationFailed (field `file`) when it
    is empty, over 20 MB, or not what its content and extension both say."""
    if not content:
        raise _refuse(msg("Tệp rỗng."), "empty")
    if len(content) > MAX_BYTES:
        raise _refuse(msg("Tệp vượt quá 20 MB."), "too_large")
    name = clean_filename(filename)
    kind = detect_type(content)
    if kind is None or not name.lower().endswith(kind.extensions):
        raise _refuse(msg("Chỉ nhận tệp PDF, DOCX, XLSX, ODT, ODS, PNG hoặc JPEG đúng định dạng."), "type")
    return name, kind


def add_attachment(session: Session, *, actor: User, task_id: str, filename: str, content: bytes) -> Attachment:
    """Attach a file to a task's instance (the task must be open and the actor able to act on it)."""
    task = tasks.get_task(session, actor=actor, task_id=task_id)
    if task.state != "open" or not can_act_on_task(session, actor, task):
        raise Conflict(msg("Công việc đã được xử lý; không đính kèm được."),
                       code="task_not_open")
    name, kind = check_file(filename, content)
    attachment = Attachment(instance_id=task.instance_id, task_id=task.id, element_id=task.element_id,
                            filename=name, content_type=kind.content_type, size=len(content),
                            sha256=hashlib.sha256(content).hexdigest(), content=content, uploaded_by_id=actor.id,
                            created_at=utcnow())
    session.add(attachment)
    session.flush()
    audit.record(session, action="attachment.added", actor=actor.username, instance_id=task.instance_id,
                 element_id=task.element_id, task_name=task.name,
                 details={"attachment_id": attachment.id, "filename": name, "size": len(content),
                          "sha256": attachment.sha256, "task_id": task.id})
    return attachment


def _visible(session: Session, actor: User, attachment_id: int, *, with_content: bool = False) -> Attachment:
    query = select(Attachment).where(Attachment.id == attachment_id)
    if with_content:
        query = query.options(undefer(Attachment.content))
    attachment = session.scalar(query)
    instance = session.get(ProcessInstance, attachment.instance_id) if attachment is not None else None
    if instance is None or not can_see_instance(session, actor, instance):
        raise NotFound(NOT_FOUND)
    return attachment


def get_for_download(session: Session, *, actor: User, attachment_id: int) -> Attachment:
    """An attachment with its bytes, if the actor may see its instance (removed ones stay readable
    for the history); NotFound otherwise."""
    return _visible(session, actor, attachment_id, with_content=True)


def remove_attachment(session: Session, *, actor: User, task_id: str, attachment_id: int) -> Attachment:
    """The uploader takes a file back from an open task of its instance they may act on (a file
    attached on an earlier pass too); the row stays, marked removed."""
    task = tasks.get_task(session, actor=actor, task_id=task_id)
    attachment = _visible(session, actor, attachment_id)
    if attachment.instance_id != task.instance_id:
        raise NotFound(NOT_FOUND)
    if attachment.removed_at is not None:
        return attachment
    if attachment.uploaded_by_id != actor.id or task.state != "open" or not can_act_on_task(session, actor, task):
        raise Conflict(msg("Chỉ người đính kèm được gỡ tệp khi công việc còn mở."), code="not_removable")
    attachment.removed_at, attachment.removed_by_id = utcnow(), actor.id
    audit.record(session, action="attachment.removed", actor=actor.username, instance_id=attachment.instance_id,
                 element_id=task.element_id, task_name=task.name,
                 details={"attachment_id": attachment.id, "filename": attachment.filename, "task_id": task.id})
    return attachment


def list_attachments(session: Session, *, instance_id: int, include_removed: bool = False) -> list[Attachment]:
    """An instance's files with their uploaders, oldest first (callers check the instance's visibility)."""
    query = (select(Attachment).where(Attachment.instance_id == instance_id)
             .options(joinedload(Attachment.uploaded_by)).order_by(Attachment.created_at, Attachment.id))
    if not include_removed:
        query = query.where(Attachment.removed_at.is_(None))
    return list(session.scalars(query))
