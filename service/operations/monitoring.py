"""Monitoring queries for process administrators: instances by process, version, status, unit and round; the
heat map of a version (active tokens and completions per element); instances in error.

Counts are grouped in SQL (one statement per figure), never by loading instances: a version may have tens of
thousands of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select, union_all
from sqlalchemy.orm import Session

from ..errors import NotFound
from ..i18n import msg
from ..models import (
    AuditEvent,
    AwardRound,
    Dossier,
    HumanTask,
    MessageSubscription,
    OrgUnit,
    ProcessInstance,
    Timer,
    User,
)
from . import deployments
from .modeling import can_view_processes

STATUSES = ("running", "waiting", "error", "suspended", "completed", "terminated")
# Audit actions that mark an automatic element as passed (user tasks are counted from their task rows).
PASSED_ACTIONS = ("element.completed", "timer.fired", "message.received")
PAGE_SIZE = 50


@dataclass(frozen=True)
class InstanceFilters:
    process_key: str | None = None
    version: int | None = None
    status: str | None = None
    unit_code: str | None = None
    round_code: str | None = None


@dataclass
class Overview:
    groups: list[dict]  # {process_key, version, status, count}
    instances: list[ProcessInstance]
    total: int
    units: dict[int, str] = field(default_factory=dict)


def _require(actor: User) -> None:
    if not can_view_processes(actor):
        raise NotFound(msg("Không tìm thấy trang."))


def _filtered(query, filters: InstanceFilters, session: Session):
    if filters.process_key:
        query = query.where(ProcessInstance.process_key == filters.process_key)
    if filters.version:
        query = query.where(ProcessInstance.version == filters.version)
    if filters.status:
        query = query.where(ProcessInstance.status == filters.status)
    if filters.unit_code:
        unit_id = session.scalar(select(OrgUnit.id).where(OrgUnit.code == filters.unit_code))
        query = query.where(ProcessInstance.org_unit_id == (unit_id or -1))
    if filters.round_code:
        # A round's instances: the round's own process and its units' dossiers.
        round_id = session.scalar(select(AwardRound.id).where(AwardRound.code == filters.round_code)) or -1
        query = query.where(ProcessInstance.id.in_(union_all(
            select(AwardRound.instance_id).where(AwardRound.id == round_id, AwardRound.instance_id.is_not(None)),
            select(Dossier.instance_id).where(Dossier.round_id == round_id, Dossier.instance_id.is_not(None)))))
    return query


def overview(session: Session, *, actor: User, filters: InstanceFilters, page: int = 1) -> Overview:
    """Counts by process, version and status, and one page of the matching instances (newest first)."""
    _require(actor)
    grouped = _filtered(select(ProcessInstance.process_key, ProcessInstance.version, ProcessInstance.status,
                               func.count()), filters, session)
    grouped = grouped.group_by(ProcessInstance.process_key, ProcessInstance.version, ProcessInstance.status)
    groups = [{"process_key": key, "version": version, "status": status, "count": count}
              for key, version, status, count in session.execute(grouped.order_by(
                  ProcessInstance.process_key, ProcessInstance.version.desc(), ProcessInstance.status))]
    listing = _filtered(select(ProcessInstance), filters, session)
    instances = list(session.scalars(listing.order_by(ProcessInstance.id.desc())
                                     .limit(PAGE_SIZE).offset((max(page, 1) - 1) * PAGE_SIZE)))
    unit_ids = {instance.org_unit_id for instance in instances}
    units = {unit_id: name for unit_id, name in session.execute(
        select(OrgUnit.id, OrgUnit.name).where(OrgUnit.id.in_(unit_ids)))} if unit_ids else {}
    return Overview(groups=groups, instances=instances, total=sum(g["count"] for g in groups), units=units)


def heat_map(session: Session, *, actor: User, process_key: str, version: int) -> dict[str, dict[str, int]]:
    """element id -> {"active": tokens waiting there now, "completed": times passed} for one version."""
    _require(actor)
    process_version = deployments.get_version(session, process_key, version)
    if process_version.version != version:
        raise NotFound(msg("Không tìm thấy trang."))
    of_version = select(ProcessInstance.id).where(ProcessInstance.process_version_id == process_version.id)
    live = ProcessInstance.status.notin_(("completed", "terminated"))
    live_ids = of_version.where(live)
    active = union_all(
        select(HumanTask.element_id).where(HumanTask.state == "open", HumanTask.instance_id.in_(live_ids)),
        select(Timer.element_id).where(Timer.instance_id.in_(live_ids)),
        select(MessageSubscription.element_id).where(MessageSubscription.instance_id.in_(live_ids)),
    ).subquery()
    passed = union_all(
        select(HumanTask.element_id).where(HumanTask.state == "completed", HumanTask.instance_id.in_(of_version)),
        select(AuditEvent.element_id).where(AuditEvent.action.in_(PASSED_ACTIONS),
                                            AuditEvent.instance_id.in_(of_version)),
    ).subquery()
    counts: dict[str, dict[str, int]] = {}
    for label, source in (("active", active), ("completed", passed)):
        column = source.c.element_id
        for element_id, count in session.execute(select(column, func.count()).group_by(column)):
            if element_id:
                counts.setdefault(element_id, {"active": 0, "completed": 0})[label] = count
    return counts


def rounds(session: Session, *, actor: User, limit: int = 200) -> list[tuple[str, str]]:
    """(code, name) of the latest rounds, for the round filter."""
    _require(actor)
    return [(code, name) for code, name in session.execute(
        select(AwardRound.code, AwardRound.name).order_by(AwardRound.id.desc()).limit(limit))]


def instance(session: Session, *, actor: User, instance_id: int) -> ProcessInstance:
    """One instance for its monitoring page (status, suspension, error)."""
    _require(actor)
    found = session.get(ProcessInstance, instance_id)
    if found is None:
        raise NotFound(msg("Không tìm thấy hồ sơ quy trình."))
    return found


def errors(session: Session, *, actor: User, limit: int = 200) -> list[ProcessInstance]:
    """Instances in error, oldest first (the longest stuck on top)."""
    _require(actor)
    return list(session.scalars(select(ProcessInstance).where(ProcessInstance.status == "error")
                                .order_by(ProcessInstance.updated_at).limit(limit)))
