"""Adding and reading dated parameters: a new value starts on a day and ends the open-ended one before it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import Conflict, PermissionDenied, ValidationFailed
from ..i18n import msg
from ..models import LegalParameter, User
from ..operations import audit
from . import config, permissions


def list_parameters(session: Session, *, key: str | None = None, on: date | None = None) -> list[LegalParameter]:
    """All rows (history included), or only those in force on `on`."""
    query = select(LegalParameter)
    if key:
        query = query.where(LegalParameter.key == key)
    rows = list(session.scalars(query.order_by(LegalParameter.key, LegalParameter.valid_from)))
    if on is None:
        return rows
    return [row for row in rows if config.param_row(session, row.key, on=on) is row]


def add_parameter(session: Session, *, actor: User, values: dict) -> LegalParameter:
    """A new value of `key` from `valid_from`, with its source; the previous open-ended value ends that day."""
    if not permissions.can_manage_movements(actor):
        raise PermissionDenied(msg("Chỉ quản trị hệ thống được đổi tham số."))
    key, start = values["key"], values["valid_from"]
    if values.get("valid_to") and values["valid_to"] <= start:
        raise ValidationFailed(msg("Ngày hết hiệu lực phải sau ngày bắt đầu."),
                               details={"fields": {"valid_to": ["Phải sau valid_from."]}})
    if session.scalar(select(LegalParameter.id).where(LegalParameter.key == key, LegalParameter.valid_from == start)):
        raise Conflict(msg("Đã có giá trị bắt đầu từ ngày này."), code="duplicate")
    for previous in session.scalars(select(LegalParameter).where(
            LegalParameter.key == key, LegalParameter.valid_from < start, LegalParameter.valid_to.is_(None))):
        previous.valid_to = start
    row = LegalParameter(key=key, value=values["value"], valid_from=start, valid_to=values.get("valid_to"),
                         source=values["source"], notes=values.get("notes"))
    session.add(row)
    session.flush()
    audit.record(session, action="parameter.added", actor=actor.username,
                 details={"key": key, "valid_from": start.isoformat(), "source": values["source"]})
    return row
