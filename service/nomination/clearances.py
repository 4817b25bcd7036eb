"""Enterprise clearances (DOMAIN A3.2): the tax office's, social insurance's and, where the enterprise's
sector needs them, the environment and food-safety confirmations, each with its issuer, number, date
and the scanned document as proof.

Recording one sets the nominee's clearance fact that eligibility reads. The proof goes through the
attachment checks (allow-listed types recognised by content, at most 20 MB) and is only ever sent as a
download to those who may see the dossier.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from ..db import utcnow
from ..errors import NotFound, ValidationFailed
from ..i18n import msg
from ..models import Nominee, NomineeClearance, User
from ..models.nomination import CLEARANCE_KINDS
from ..operations import attachments, audit
from . import dossiers, step_mirror
from .nominees import required_clearances

# The nominee's fact each clearance sets (what eligibility.dmn reads).
FACT = {"tax": "tax_clearance", "social_insurance": "social_insurance_clearance",
        "environment": "environment_clearance", "food_safety": "food_safety_clearance"}
NOT_FOUND = msg("Không tìm thấy văn bản xác nhận.")


@dataclass(frozen=True)
class ClearanceLine:
    kind: str
    required: bool
    record: NomineeClearance | None

    @property
    def missing(self) -> bool:
        return self.required and self.record is None


def enterprise_nominee(session: Session, *, actor: User, dossier_id: int, nominee_id: int) -> Nominee:
    """An enterprise nominee of a dossier the actor may see; NotFound otherwise."""
    dossier = dossiers.get_dossier(session, actor=actor, dossier_id=dossier_id)
    nominee = next((n for n in dossier.nominees if n.id == nominee_id), None)
    if nominee is None or nominee.kind != "enterprise":
        raise NotFound(dossiers.NOMINEE_NOT_FOUND)
    return nominee


def lines(session: Session, nominee: Nominee) -> list[ClearanceLine]:
    """Every clearance kind with whether the nominee needs it and what was recorded (required ones first)."""
    required = required_clearances(session, nominee, nominee.dossier.round)
    recorded = {item.kind: item for item in nominee.clearances}
    rows = [ClearanceLine(kind, kind in required, recorded.get(kind)) for kind in CLEARANCE_KINDS]
    return [row for row in rows if row.required or row.record is not None]


def missing(session: Session, nominee: Nominee) -> list[str]:
    return [line.kind for line in lines(session, nominee) if line.missing]


def _field_error(field: str, message) -> ValidationFailed:
    return ValidationFailed(message, details={"fields": {field: [message]}})


def record_clearance(session: Session, *, actor: User, dossier_id: int, nominee_id: int, kind: str, issuer: str,
                     number: str, issued_on: date | None, filename: str, content: bytes) -> NomineeClearance:
    """Record (or replace) one clearance of an enterprise nominee of a draft dossier, with its proof."""
    dossier = dossiers.editable_dossier(session, actor, dossier_id)
    nominee = next((n for n in dossier.nominees if n.id == nominee_id and n.kind == "enterprise"), None)
    if nominee is None:
        raise NotFound(dossiers.NOMINEE_NOT_FOUND)
    errors: dict[str, list] = {}
    if kind not in CLEARANCE_KINDS:
        errors["kind"] = [msg("Loại xác nhận không hợp lệ.")]
    issuer, number = (issuer or "").strip(), (number or "").strip()
    if not issuer or len(issuer) > 255:
        errors["issuer"] = [msg("Nhập cơ quan xác nhận (tối đa 255 ký tự).")]
    if not number or len(number) > 64:
        errors["number"] = [msg("Nhập số văn bản (tối đa 64 ký tự).")]
    if issued_on is None:
        errors["issued_on"] = [msg("Nhập ngày văn bản (dd/mm/yyyy).")]
    elif issued_on > utcnow().date():
        errors["issued_on"] = [msg("Ngày văn bản không được sau hôm nay.")]
    try:
        name, file_type = attachments.check_file(filename, content)
    except ValidationFailed as exc:
        errors["file"] = exc.details["fields"]["file"]
    if errors:
        raise ValidationFailed(msg("Văn bản xác nhận chưa hợp lệ."), details={"fields": errors})
    record = next((item for item in nominee.clearances if item.kind == kind), None)
    replaced = record is not None
    if record is None:
        record = NomineeClearance(nominee_id=nominee.id, kind=kind)
        nominee.clearances.append(record)
    record.issuer, record.number, record.issued_on = issuer, number, issued_on
    record.filename, record.content_type, record.size = name, file_type.content_type, len(content)
    record.sha256, record.content = hashlib.sha256(content).hexdigest(), content
    record.recorded_by_id, record.recorded_at = actor.id, utcnow()
    setattr(nominee, FACT[kind], True)
    nominee.updated_at = dossier.updated_at = utcnow()
    session.flush()
    audit.record(session, action="nominee.clearance_recorded", actor=actor.username, instance_id=dossier.instance_id,
                 details={"dossier_id": dossier.id, "nominee_id": nominee.id, "kind": kind, "issuer": issuer,
                          "number": number, "issued_on": issued_on.isoformat(), "filename": name,
                          "sha256": record.sha256, "replaced": replaced})
    step_mirror.mirror(session, actor, dossier)
    return record


def proof_for_download(session: Session, *, actor: User, clearance_id: int) -> NomineeClearance:
    """A clearance with its proof's bytes, if the actor may see its dossier; NotFound otherwise."""
    record = session.scalar(select(NomineeClearance).where(NomineeClearance.id == clearance_id)
                            .options(undefer(NomineeClearance.content)))
    if record is None:
        raise NotFound(NOT_FOUND)
    try:
        dossiers.get_dossier(session, actor=actor, dossier_id=record.nominee.dossier_id)
    except NotFound:
        raise NotFound(NOT_FOUND) from None
    return record
