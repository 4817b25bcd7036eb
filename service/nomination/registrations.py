"""Emulation registrations per unit and movement year, and the report of who has not registered."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ..db import utcnow
from ..errors import Conflict, InvalidState, NotFound, PermissionDenied, ValidationFailed
from ..i18n import msg
from ..models import Movement, OrgUnit, Registration, User
from ..operations import audit
from . import config, movements, permissions, processes

NOT_FOUND = msg("Không tìm thấy bản đăng ký thi đua.")
COUNTED = ("submitted", "acknowledged")


def deadline_for(session: Session, movement: Movement, year: int) -> datetime:
    rule = config.param(session, "registration.deadline", on=date(year, 1, 1))
    return processes.end_of_day(date(year, int(rule["month"]), int(rule["day"])))


def get_registration(session: Session, *, actor: User | None, registration_id: int) -> Registration:
    registration = session.get(Registration, registration_id)
    if registration is None:
        raise NotFound(NOT_FOUND)
    if actor is not None:
        leads = movements.lead_unit_ids(session, registration.movement)
        visible = session.scalar(select(Registration.id).where(
            Registration.id == registration.id, permissions.visible_registrations_filter(session, actor, leads)))
        if visible is None:
            raise NotFound(NOT_FOUND)
    return registration


def list_registrations(session: Session, *, actor: User, movement_code: str, year: int | None = None,
                       limit: int = 50, offset: int = 0) -> tuple[list[Registration], int]:
    movement = movements.get_movement(session, movement_code)
    leads = movements.lead_unit_ids(session, movement)
    query = select(Registration).where(Registration.movement_id == movement.id,
                                       permissions.visible_registrations_filter(session, actor, leads))
    if year:
        query = query.where(Registration.year == year)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(Registration.year, Registration.id).limit(limit).offset(offset))
    return list(rows), total


def create_registration(session: Session, *, actor: User, movement_code: str, year: int,
                        values: dict) -> Registration:
    """The actor's unit registers for a movement year (one registration per unit and year)."""
    movement = movements.get_movement(session, movement_code)
    unit = actor.org_unit
    if not permissions.can_register(actor):
        raise PermissionDenied(msg("Chỉ cán bộ thi đua của đơn vị được đăng ký."))
    if not movement.start_year <= year <= movement.end_year:
        raise ValidationFailed(msg("Năm ngoài thời gian của phong trào."),
                               details={"fields": {"year": [f"{movement.start_year}–{movement.end_year}"]}})
    if session.scalar(select(Registration.id).where(Registration.movement_id == movement.id,
                                                    Registration.year == year, Registration.org_unit_id == unit.id)):
        raise Conflict(msg("Đơn vị đã đăng ký năm này."),
                       code="duplicate")
    registration = Registration(movement_id=movement.id, year=year, org_unit_id=unit.id, unit_name=unit.name,
                                status="draft", titles=values.get("titles") or [],
                                commitments=values.get("commitments"), deadline=deadline_for(session, movement, year),
                                created_by_id=actor.id)
    session.add(registration)
    session.flush()
    audit.record(session, action="registration.created", actor=actor.username,
                 details={"registration_id": registration.id, "movement": movement.code, "year": year})
    lead = movements.lead_for(session, movement, min(config.today(), date(year, 12, 31)))
    instance = processes.start_if_deployed(session, actor=actor, process_key=processes.EMULATION_REGISTRATION,
                                           org_unit_code=unit.code, data={
                                               "registration_id": registration.id, "movement_code": movement.code,
                                               "year": year, "unit_org_unit_code": unit.code,
                                               # the inbox's subject column: which unit's registration
                                               "unit_name": unit.name,
                                               "lead_org_unit_code": lead.code,
                                               "deadline": registration.deadline.isoformat()})
    registration.instance_id = instance.id if instance else None
    return registration


def submit_registration(session: Session, *, registration_id: int, actor: User | None = None,
                        values: dict | None = None) -> Registration:
    """The unit head signs: the registration goes to the lead agency."""
    registration = get_registration(session, actor=actor, registration_id=registration_id)
    if registration.status not in ("draft", "returned"):
        raise InvalidState(msg("Bản đăng ký đã được gửi."))
    if values:
        registration.titles = values.get("titles", registration.titles)
        registration.commitments = values.get("commitments", registration.commitments)
    registration.status, registration.submitted_at = "submitted", utcnow()
    session.flush()
    return registration


def acknowledge_registration(session: Session, *, registration_id: int, decision: str, reason: str | None = None,
                             actor: User | None = None) -> Registration:
    """The lead agency acknowledges the registration, or returns it with a reason."""
    registration = get_registration(session, actor=None, registration_id=registration_id)
    if decision not in ("acknowledge", "return"):
        raise ValidationFailed(msg("Quyết định không hợp lệ."),
                               details={"fields": {"decision": ["acknowledge | return"]}})
    if decision == "return" and not (reason or "").strip():
        raise ValidationFailed(msg("Cần nêu lý do trả lại."),
                               details={"fields": {"return_reason": [msg("Giá trị bắt buộc.")]}})
    if registration.status != "submitted":
        raise InvalidState(msg("Bản đăng ký chưa được gửi."))
    if decision == "acknowledge":
        registration.status, registration.acknowledged_at = "acknowledged", utcnow()
    else:
        registration.status, registration.return_reason = "returned", reason.strip()
    session.flush()
    audit.record(session, action=f"registration.{decision}d" if decision == "acknowledge" else "registration.returned",
                 actor=actor.username if actor else None, instance_id=registration.instance_id,
                 details={"registration_id": registration.id})
    return registration


def expected_units(session: Session, *, year: int, on: date | None = None) -> list[OrgUnit]:
    """Units that must register: the configured kinds, in force on the day."""
    day = on or min(config.today(), date(year, 12, 31))
    kinds = config.param(session, "registration.unit_kinds", on=day)
    return list(session.scalars(select(OrgUnit).where(
        OrgUnit.kind.in_(kinds), or_(OrgUnit.valid_from.is_(None), OrgUnit.valid_from <= day),
        or_(OrgUnit.valid_to.is_(None), OrgUnit.valid_to > day)).order_by(OrgUnit.code)))


def report(session: Session, *, actor: User, movement_code: str, year: int, on: date | None = None) -> dict:
    """Which expected units have NOT registered (submitted or acknowledged), and the share registered."""
    movement = movements.get_movement(session, movement_code)
    if not permissions.can_see_registration_report(actor, movements.lead_unit_ids(session, movement)):
        raise NotFound(NOT_FOUND)
    units = expected_units(session, year=year, on=on)
    registered = set(session.scalars(select(Registration.org_unit_id).where(
        Registration.movement_id == movement.id, Registration.year == year, Registration.status.in_(COUNTED))))
    missing = [unit for unit in units if unit.id not in registered]
    expected = len(units)
    done = expected - len(missing)
    return {
        "movement_code": movement.code, "year": year, "expected": expected, "registered": done,
        "share_registered": round(done / expected, 4) if expected else 1.0,
        "not_registered": [{"code": unit.code, "name": unit.name, "kind": unit.kind} for unit in missing],
    }


def reminder_times(session: Session, registration: Registration) -> list[datetime]:
    """When to remind the unit: the configured working days before the deadline, still in the future."""
    offsets = config.param(session, "registration.reminder_working_days", on=date(registration.year, 1, 1))
    calendar = config.calendar(session)
    now = utcnow()
    times = sorted({calendar.add_working_days(registration.deadline, -int(days)) for days in offsets})
    return [moment for moment in times if moment > now]
