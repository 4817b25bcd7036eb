"""Migration of running instances to another version of their process: a preview per instance, then one
instance, a selection or all of a version. Each instance moves in its own savepoint: a failure leaves it
untouched and says why; each migration is audited on the instance's history."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..engine import migration as engine_migration
from ..errors import InvalidState, NotFound, PermissionDenied
from ..i18n import Message, msg
from ..models import ProcessInstance, User
from ..permissions import can_deploy
from . import audit, deployments, stepping
from .modeling import can_view_processes

MIGRATABLE = ("running", "waiting", "error")
REASONS = {
    "missing": msg("Bước này không còn trong phiên bản đích."),
    "type_changed": msg("Bước này đổi loại phần tử trong phiên bản đích."),
    "subprocess": msg("Hồ sơ đang chạy một quy trình con; chưa chuyển được."),
    "same_version": msg("Hồ sơ đã ở phiên bản này."),
    "finished": msg("Hồ sơ đã kết thúc."),
}


@dataclass
class InstancePreview:
    instance: ProcessInstance
    moves: list[str] = field(default_factory=list)
    blockers: list[tuple[str | None, Message]] = field(default_factory=list)

    @property
    def possible(self) -> bool:
        return not self.blockers


def _require(actor: User, *, edit: bool) -> None:
    if not can_view_processes(actor):
        raise NotFound(msg("Không tìm thấy trang."))
    if edit and not can_deploy(actor):
        raise PermissionDenied(msg("Bạn không có quyền thực hiện thao tác này."))


def _preview(session: Session, instance: ProcessInstance, target_version_id: int, target: int) -> InstancePreview:
    preview = InstancePreview(instance)
    if instance.process_version_id == target_version_id:
        preview.blockers.append((None, REASONS["same_version"]))
        return preview
    if instance.status not in MIGRATABLE:
        preview.blockers.append((None, REASONS["finished"]))
        return preview
    old_spec, _ = stepping.spec_for(session, instance)
    specs, _ = stepping.load_specs(session, target_version_id)
    found = engine_migration.plan(instance.state, old_spec, specs[instance.process_key])
    preview.moves = found.moves
    preview.blockers = [(blocker["element_id"], REASONS[blocker["reason"]]) for blocker in found.blockers]
    return preview


def preview(session: Session, *, actor: User, process_key: str, from_version: int, to_version: int,
            limit: int = 500) -> list[InstancePreview]:
    """Per running instance of `from_version`: the steps that move to `to_version`, or why it cannot."""
    _require(actor, edit=False)
    source = deployments.get_version(session, process_key, from_version)
    target = deployments.get_version(session, process_key, to_version)
    if source.version != from_version or target.version != to_version:
        raise NotFound(msg("Không tìm thấy trang."))
    found = session.scalars(select(ProcessInstance).where(ProcessInstance.process_version_id == source.id,
                                                          ProcessInstance.status.in_(MIGRATABLE))
                            .order_by(ProcessInstance.id).limit(limit))
    return [_preview(session, instance, target.id, to_version) for instance in found]


def migrate_instance(session: Session, *, actor: User, instance_id: int, to_version: int) -> ProcessInstance:
    """Move one instance to `to_version` of its process; InvalidState with the reason when it cannot."""
    _require(actor, edit=True)
    instance = session.get(ProcessInstance, instance_id)
    if instance is None:
        raise NotFound(msg("Không tìm thấy hồ sơ quy trình."))
    target = deployments.get_version(session, instance.process_key, to_version)
    if target.version != to_version:
        raise NotFound(msg("Không tìm thấy trang."))
    checked = _preview(session, instance, target.id, to_version)
    if not checked.possible:
        element_id, reason = checked.blockers[0]
        raise InvalidState(reason, details={"element_id": element_id})
    from_version = instance.version
    specs, subs = stepping.load_specs(session, target.id)
    with session.begin_nested():
        try:
            with stepping.running(session, instance, actor):
                result = engine_migration.migrate(instance.state, specs[instance.process_key], subs)
        except Exception as exc:  # the engine's own errors: the instance stays where it was
            raise InvalidState(msg("Không chuyển được hồ sơ: {error}", error=str(exc).split("\n")[0])) from exc
        instance.process_version_id, instance.version = target.id, target.version
        audit.record(session, action="instance.migrated", actor=actor.username, instance_id=instance.id,
                     details={"from_version": from_version, "to_version": target.version, "moved": checked.moves})
        stepping.apply_result(session, instance, result, actor=actor)
    return instance


def migrate_many(session: Session, *, actor: User, instance_ids: list[int], to_version: int) -> dict[int, str | None]:
    """Each instance in turn; instance id -> None when moved, or the reason it stayed where it was."""
    _require(actor, edit=True)
    outcome: dict[int, str | None] = {}
    for instance_id in instance_ids:
        try:
            migrate_instance(session, actor=actor, instance_id=instance_id, to_version=to_version)
            outcome[instance_id] = None
        except (InvalidState, NotFound) as exc:
            outcome[instance_id] = exc.message
    return outcome
