"""Start, read, list and repair process instances."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from ..db import utcnow
from ..engine import runtime
from ..errors import InvalidState, NotFound, PermissionDenied
from ..i18n import msg
from ..models import AuditEvent, HumanTask, OrgUnit, ProcessInstance, User
from ..permissions import (
    can_see_instance,
    can_start_process,
    is_process_admin,
    is_system_admin,
    visible_instances_filter,
)
from . import audit, deployments, lane_roles, step_writes, stepping

NOT_FOUND = msg("Không tìm thấy hồ sơ quy trình.")


def start_instance(session: Session, *, actor: User, process_key: str, version: int | None = None,
                   org_unit_code: str | None = None, data: dict | None = None) -> ProcessInstance:
    """Start an instance owned by an org unit (the starter's by default) and run it until it waits."""
    return start(session, actor=actor, process_key=process_key, version=version, org_unit_code=org_unit_code,
                 data=data).instance


def start(session: Session, *, actor: User, process_key: str, version: int | None = None,
          org_unit_code: str | None = None, data: dict | None = None) -> stepping.StepOutcome:
    """Start an instance and run it until it waits; the instance and the tasks it left open."""
    process_version = deployments.version_head(session, process_key, version)
    lane_roles.note_token(session, process_version.id, process_version.lane_roles_token)
    if org_unit_code:
        org_unit = session.scalar(select(OrgUnit).where(OrgUnit.code == org_unit_code))
        if org_unit is None:
            raise NotFound(msg("Không tìm thấy đơn vị {org_unit_code!r}.", org_unit_code=org_unit_code))
    else:
        org_unit = actor.org_unit
        if org_unit is None:
            raise InvalidState(msg("Người dùng chưa thuộc đơn vị nào; hãy chọn org_unit_code."))
    if not can_start_process(actor, process_version.starter_roles, org_unit):
        raise PermissionDenied(msg("Không có quyền khởi tạo quy trình này cho đơn vị này."))
    specs, subs = stepping.load_specs(session, process_version.id)
    now = utcnow()
    instance = ProcessInstance(
        process_version_id=process_version.id, process_key=process_key, version=process_version.version,
        status="running", org_unit_id=org_unit.id, started_by_id=actor.id, state={}, data={}, error=None,
        lock_version=1, audit_seq=0, audit_hash=audit.GENESIS, created_at=now, updated_at=now, completed_at=None,
    )
    step_writes.insert_instance(session, instance)
    audit.record(session, action="instance.started", actor=actor.username, instance=instance,
                 details={"process_key": process_key, "version": process_version.version,
                          "org_unit_code": org_unit.code})
    with stepping.running(session, instance, actor):
        result = runtime.start(specs[process_key], subs, data or {})
    return stepping.StepOutcome(instance, stepping.apply_result(session, instance, result, actor=actor))


def get_instance(session: Session, *, actor: User, instance_id: int) -> ProcessInstance:
    """The instance if the actor may see it; otherwise NotFound (its existence is not revealed)."""
    instance = session.get(ProcessInstance, instance_id)
    if instance is None or not can_see_instance(session, actor, instance):
        raise NotFound(NOT_FOUND)
    return instance


def list_instances(session: Session, *, actor: User, process_key: str | None = None, status: str | None = None,
                   limit: int = 50, offset: int = 0) -> tuple[list[ProcessInstance], int]:
    query = select(ProcessInstance).where(visible_instances_filter(actor))
    if process_key:
        query = query.where(ProcessInstance.process_key == process_key)
    if status:
        query = query.where(ProcessInstance.status == status)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    items = session.scalars(query.order_by(ProcessInstance.id.desc()).limit(limit).offset(offset)).all()
    return list(items), total or 0


def open_tasks(session: Session, instance: ProcessInstance) -> list[HumanTask]:
    """The instance's open tasks, with what their JSON shows (unit, assignee) in the same query."""
    return list(session.scalars(
        select(HumanTask).where(HumanTask.instance_id == instance.id, HumanTask.state == "open")
        .options(joinedload(HumanTask.org_unit), joinedload(HumanTask.assignee))
        .order_by(HumanTask.created_at, HumanTask.id)
    ).unique())


def history(session: Session, *, actor: User, instance_id: int) -> list[AuditEvent]:
    instance = get_instance(session, actor=actor, instance_id=instance_id)
    return list(session.scalars(
        select(AuditEvent).where(AuditEvent.instance_id == instance.id).order_by(AuditEvent.seq)
    ))


def _instance_to_administer(session: Session, actor: User, instance_id: int) -> ProcessInstance:
    """Process and system admins run any instance's execution (retry, terminate) from monitoring, without
    reading its dossier; others only the instances they can see."""
    if is_process_admin(actor) or is_system_admin(actor):
        instance = session.get(ProcessInstance, instance_id)
        if instance is None:
            raise NotFound(NOT_FOUND)
        return instance
    return get_instance(session, actor=actor, instance_id=instance_id)


def retry_instance(session: Session, *, actor: User, instance_id: int, data: dict | None = None) -> ProcessInstance:
    """Re-run the failed step of an instance in error (optionally after correcting its data)."""
    instance = _instance_to_administer(session, actor, instance_id)
    if not (is_process_admin(actor) or is_system_admin(actor) or instance.started_by_id == actor.id):
        raise PermissionDenied(msg("Không có quyền chạy lại."))
    if instance.status != "error":
        raise InvalidState(msg("Chỉ chạy lại được hồ sơ đang lỗi."))
    spec, subs = stepping.spec_for(session, instance)
    state = instance.state
    if data:
        state = runtime.update_data(state, spec, subs, data).state
    with stepping.running(session, instance, actor):
        result = runtime.retry(state, spec, subs)
    audit.record(session, action="instance.retried", actor=actor.username, instance_id=instance.id,
                 details={"data_keys": sorted(data or {})})
    stepping.apply_result(session, instance, result, actor=actor)
    return instance


def terminate_instance(session: Session, *, actor: User, instance_id: int, reason: str) -> ProcessInstance:
    instance = _instance_to_administer(session, actor, instance_id)
    if not (is_process_admin(actor) or is_system_admin(actor)):
        raise PermissionDenied(msg("Không có quyền hủy."))
    if instance.status in ("completed", "terminated"):
        raise InvalidState(msg("Hồ sơ đã kết thúc."))
    instance.status = "terminated"
    for task in open_tasks(session, instance):
        task.close("cancelled", utcnow())
    stepping.clear_waits(session, instance)
    audit.record(session, action="instance.terminated", actor=actor.username, instance_id=instance.id,
                 details={"reason": reason})
    return instance
