"""Movements (phong trào) and their lead agency, which is dated data: any org unit may lead, and the
lead changes when the organisation does (Sở TT&TT until 28/02/2025, then Sở KH&CN)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..errors import Conflict, InvalidState, NotFound, PermissionDenied, ValidationFailed
from ..i18n import msg
from ..models import Movement, MovementLead, OrgUnit, User
from ..operations import audit
from . import permissions

NOT_FOUND = msg("Không tìm thấy phong trào thi đua.")


def get_movement(session: Session, code: str) -> Movement:
    movement = session.scalar(select(Movement).where(Movement.code == code))
    if movement is None:
        raise NotFound(NOT_FOUND)
    return movement


def list_movements(session: Session) -> list[Movement]:
    return list(session.scalars(select(Movement).order_by(Movement.start_year, Movement.code)))


def lead_for(session: Session, movement: Movement, on: date) -> OrgUnit:
    """The movement's lead agency on day `on`."""
    lead = session.scalar(
        select(MovementLead)
        .where(MovementLead.movement_id == movement.id, MovementLead.valid_from <= on,
               or_(MovementLead.valid_to.is_(None), MovementLead.valid_to > on))
        .order_by(MovementLead.valid_from.desc()).limit(1)
    )
    if lead is None:
        raise InvalidState(msg("Phong trào {code} không có cơ quan chủ trì vào ngày {on:%d/%m/%Y}.",
                               code=movement.code, on=on), code="no_lead_agency")
    return lead.org_unit


def lead_unit_ids(session: Session, movement: Movement) -> set[int]:
    return set(session.scalars(select(MovementLead.org_unit_id).where(MovementLead.movement_id == movement.id)))


def _unit(session: Session, code: str, field: str) -> OrgUnit:
    unit = session.scalar(select(OrgUnit).where(OrgUnit.code == code))
    if unit is None:
        raise ValidationFailed(msg("Đơn vị không tồn tại."),
                               details={"fields": {field: [msg("Không có đơn vị mã {code!r}.", code=code)]}})
    return unit


def create_movement(session: Session, *, actor: User, values: dict) -> Movement:
    """Create a movement with its first lead agency (system administrators)."""
    if not permissions.can_manage_movements(actor):
        raise PermissionDenied(msg("Chỉ quản trị hệ thống được tạo phong trào."))
    if session.scalar(select(Movement.id).where(Movement.code == values["code"])):
        raise Conflict(msg("Phong trào {code!r} đã tồn tại.", code=values["code"]), code="duplicate")
    issuer = _unit(session, values["issuer_code"], "issuer_code") if values.get("issuer_code") else None
    movement = Movement(
        code=values["code"], name=values["name"], decision_number=values["decision_number"],
        decision_date=values["decision_date"], issuer_org_unit_id=issuer.id if issuer else None,
        start_year=values["start_year"], end_year=values["end_year"], phases=values.get("phases") or [],
        award_forms=values.get("award_forms") or [], criteria=values.get("criteria") or [],
    )
    session.add(movement)
    session.flush()
    for lead in values.get("leads") or []:
        _add_lead(session, movement, lead)
    audit.record(session, action="movement.created", actor=actor.username,
                 details={"code": movement.code, "decision_number": movement.decision_number})
    return movement


def add_lead(session: Session, *, actor: User, movement_code: str, values: dict) -> MovementLead:
    """Hand the movement to a new lead agency from a date; the current lead's period ends the day before."""
    if not permissions.can_manage_movements(actor):
        raise PermissionDenied(msg("Chỉ quản trị hệ thống được đổi cơ quan chủ trì."))
    movement = get_movement(session, movement_code)
    lead = _add_lead(session, movement, values)
    audit.record(session, action="movement.lead_changed", actor=actor.username,
                 details={"code": movement.code, "org_unit_code": values["org_unit_code"],
                          "valid_from": values["valid_from"].isoformat()})
    return lead


def _add_lead(session: Session, movement: Movement, values: dict) -> MovementLead:
    unit = _unit(session, values["org_unit_code"], "org_unit_code")
    start: date = values["valid_from"]
    open_ended = session.scalars(select(MovementLead).where(
        MovementLead.movement_id == movement.id, MovementLead.valid_to.is_(None))).all()
    for previous in open_ended:
        if previous.valid_from >= start:
            raise ValidationFailed(msg("Ngày bắt đầu phải sau nhiệm kỳ chủ trì hiện tại."),
                                   details={"fields": {"valid_from": ["Phải sau ngày bắt đầu hiện tại."]}})
        previous.valid_to = start
    lead = MovementLead(movement_id=movement.id, org_unit_id=unit.id, valid_from=start,
                        valid_to=values.get("valid_to"), source=values.get("source") or "")
    session.add(lead)
    session.flush()
    return lead
