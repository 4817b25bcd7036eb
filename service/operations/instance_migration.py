"""Migration of running instances to another version of their process: a preview per instance, then one
instance (at once) or a selection or all of a version (a background job). Each instance moves in its own
savepoint: a failure leaves it untouched and says why; each migration is audited on the instance's history.

A job is one row per instance (migration_job_items). The worker's loop (service/worker.py) claims a few
pending items at a time with SKIP LOCKED and moves them in one short transaction, so completions of other
instances never wait behind a long migration and several workers share a job. An instance that a request
is stepping right now (its rows locked, or its version moved under the migration) is left pending and tried
again later; re-running a job, or a second job for the same instances, finds them moved and does nothing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from sqlalchemy import exists, func, insert, literal, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from ..db import utcnow
from ..engine import migration as engine_migration
from ..errors import InvalidState, NotFound, PermissionDenied
from ..i18n import Message, msg
from ..models import HumanTask, MigrationJob, MigrationJobItem, ProcessInstance, ProcessVersion, User
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
    "suspended": msg("Hồ sơ đang tạm dừng; hãy tiếp tục hồ sơ trước khi chuyển."),
}
BATCH = 5  # instances per transaction: short enough that a completion waiting on one barely notices
REST = 2.0  # after each batch, pause twice as long as it took: the migration takes at most a third of its thread
BUSY_ATTEMPTS = 20  # an instance held by requests this many times in a row is reported, not retried forever
BUSY = msg("Hồ sơ đang được xử lý liên tục; hãy chạy lại việc chuyển sau.")
CONTENDED = (StaleDataError, IntegrityError, OperationalError)


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
        preview.blockers.append((None, REASONS["suspended" if instance.status == "suspended" else "finished"]))
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
    _move(session, instance, target, actor)
    return instance


def _move(session: Session, instance: ProcessInstance, target: ProcessVersion, actor: User) -> None:
    """Move `instance` to `target` in a savepoint; InvalidState with the reason, nothing changed, when it cannot."""
    checked = _preview(session, instance, target.id, target.version)
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


@dataclass
class JobProgress:
    job: MigrationJob
    pending: int
    moved: int
    failed: int
    failures: list[tuple[int, str]]  # (instance id, reason), the first ones

    @property
    def total(self) -> int:
        return self.pending + self.moved + self.failed

    @property
    def finished(self) -> bool:
        return self.pending == 0


def start_job(session: Session, *, actor: User, process_key: str, from_version: int, to_version: int,
              instance_ids: list[int] | None = None) -> MigrationJob:
    """Queue the migration of the selected instances of `from_version` (None: all its running ones)."""
    _require(actor, edit=True)
    source = deployments.get_version(session, process_key, from_version)
    target = deployments.get_version(session, process_key, to_version)
    if source.version != from_version or target.version != to_version:
        raise NotFound(msg("Không tìm thấy trang."))
    if source.id == target.id:
        raise InvalidState(REASONS["same_version"])
    job = MigrationJob(process_key=process_key, from_version=from_version, to_version=to_version,
                       target_version_id=target.id, requested_by_id=actor.id, created_at=utcnow())
    session.add(job)
    session.flush()
    chosen = select(ProcessInstance.id).where(ProcessInstance.process_version_id == source.id,
                                              ProcessInstance.status.in_(MIGRATABLE))
    if instance_ids is not None:
        # A selection may name instances that ended or moved since the page was shown: they get their reason.
        chosen = select(ProcessInstance.id).where(ProcessInstance.process_key == process_key,
                                                  ProcessInstance.id.in_(instance_ids))
    # One INSERT … SELECT: "all" of a version may be tens of thousands of instances.
    session.execute(insert(MigrationJobItem).from_select(
        ["job_id", "instance_id", "state", "attempts"],
        select(literal(job.id), chosen.subquery().c.id, literal("pending"), literal(0))))
    count = session.scalar(select(func.count()).select_from(MigrationJobItem)
                           .where(MigrationJobItem.job_id == job.id))
    if not count:
        raise InvalidState(msg("Không có hồ sơ nào để chuyển."))
    audit.record(session, action="migration.requested", actor=actor.username,
                 details={"job_id": job.id, "process_key": process_key, "from_version": from_version,
                          "to_version": to_version, "instances": count, "all": instance_ids is None})
    return job


def rerun_failed(session: Session, *, actor: User, job_id: int) -> int:
    """Queue a job's failed instances again (once their cause is dealt with); how many. Those moved meanwhile
    are found at the target and counted as moved, nothing is moved twice."""
    _require(actor, edit=True)
    job = session.get(MigrationJob, job_id)
    if job is None:
        raise NotFound(msg("Không tìm thấy trang."))
    queued = session.execute(update(MigrationJobItem)
                             .where(MigrationJobItem.job_id == job_id, MigrationJobItem.state == "failed")
                             .values(state="pending", reason=None, attempts=0, finished_at=None)
                             .execution_options(synchronize_session=False)).rowcount
    if not queued:
        raise InvalidState(msg("Không có hồ sơ nào để chuyển."))
    job.finished_at = None
    audit.record(session, action="migration.rerun", actor=actor.username,
                 details={"job_id": job.id, "instances": queued})
    return queued


def job_progress(session: Session, *, actor: User, job_id: int, failures: int = 200) -> JobProgress:
    """How far a job is: pending, moved and failed instances, and why the failed ones stayed."""
    _require(actor, edit=False)
    job = session.get(MigrationJob, job_id)
    if job is None:
        raise NotFound(msg("Không tìm thấy trang."))
    counts = dict(session.execute(select(MigrationJobItem.state, func.count()).where(MigrationJobItem.job_id == job_id)
                                  .group_by(MigrationJobItem.state)).all())
    failed_rows = session.execute(
        select(MigrationJobItem.instance_id, MigrationJobItem.reason)
        .where(MigrationJobItem.job_id == job_id, MigrationJobItem.state == "failed")
        .order_by(MigrationJobItem.instance_id).limit(failures)).all()
    return JobProgress(job=job, pending=counts.get("pending", 0), moved=counts.get("moved", 0),
                       failed=counts.get("failed", 0), failures=[(row[0], row[1]) for row in failed_rows])


def jobs(session: Session, *, actor: User, process_key: str, limit: int = 10) -> list[MigrationJob]:
    """The process's latest jobs, newest first."""
    _require(actor, edit=False)
    return list(session.scalars(select(MigrationJob).where(MigrationJob.process_key == process_key)
                                .order_by(MigrationJob.id.desc()).limit(limit)))


def _row_locks(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _claim(session: Session, size: int) -> list[MigrationJobItem]:
    # Instances that were busy go to the back, so one held instance does not stall the rest of the job.
    query = (select(MigrationJobItem).where(MigrationJobItem.state == "pending")
             .order_by(MigrationJobItem.attempts, MigrationJobItem.job_id, MigrationJobItem.instance_id).limit(size))
    if _row_locks(session):
        query = query.with_for_update(skip_locked=True)
    return list(session.scalars(query))


def _lock_instance(session: Session, instance_id: int) -> ProcessInstance | None:
    """The instance, with its rows locked the way a completion takes them (tasks, then the instance),
    without waiting: OperationalError when a request holds them (the item is tried again later)."""
    if _row_locks(session):
        session.execute(select(HumanTask.id).where(HumanTask.instance_id == instance_id, HumanTask.state == "open")
                        .order_by(HumanTask.id).with_for_update(nowait=True)).all()
        return session.get(ProcessInstance, instance_id, with_for_update={"nowait": True}, populate_existing=True)
    return session.get(ProcessInstance, instance_id, populate_existing=True)


def _process_item(session: Session, item: MigrationJobItem, job: MigrationJob, target: ProcessVersion,
                  actor: User) -> None:
    item.attempts += 1
    try:
        with session.begin_nested():
            instance = _lock_instance(session, item.instance_id)
            if instance is None:
                raise InvalidState(msg("Không tìm thấy hồ sơ quy trình."))
            if instance.process_version_id == target.id:
                item.state = "moved"  # moved by an earlier job or by hand: nothing to do
            else:
                _move(session, instance, target, actor)
                item.state = "moved"
    except InvalidState as exc:
        item.state, item.reason = "failed", str(exc.message)[:1000]
    except CONTENDED:
        # A request is stepping the instance now: its completion wins, the migration comes back to it.
        if item.attempts >= BUSY_ATTEMPTS:
            item.state, item.reason = "failed", str(BUSY)
    if item.state != "pending":
        item.finished_at = utcnow()


def run_batch(session: Session, *, size: int = BATCH) -> int:
    """Claim up to `size` pending items and try each; the caller commits. How many were tried."""
    items = _claim(session, size)
    for item in items:
        job = session.get(MigrationJob, item.job_id)
        target = session.get(ProcessVersion, job.target_version_id)
        actor = session.get(User, job.requested_by_id) if job.requested_by_id else None
        if actor is None:
            item.state, item.reason, item.finished_at = "failed", str(msg("Người yêu cầu không còn.")), utcnow()
            continue
        _process_item(session, item, job, target, actor)
    session.flush()
    # A job is finished once nothing is pending; whichever worker sees it first writes the time. Two workers
    # ending the last batches together each still see the other's items pending: the pass that finds
    # nothing to claim finishes such jobs.
    # Read first: most passes find nothing, and a write statement would take SQLite's write lock for nothing.
    ended = select(MigrationJob.id).where(
        MigrationJob.finished_at.is_(None),
        ~exists().where(MigrationJobItem.job_id == MigrationJob.id, MigrationJobItem.state == "pending"))
    if items:
        ended = ended.where(MigrationJob.id.in_({item.job_id for item in items}))
    ended_ids = list(session.scalars(ended))
    if ended_ids:
        session.execute(update(MigrationJob).where(MigrationJob.id.in_(ended_ids), MigrationJob.finished_at.is_(None))
                        .values(finished_at=utcnow()).execution_options(synchronize_session=False))
    return len(items)


def run_pending(session_factory: sessionmaker, *, budget_seconds: float = 0.5, size: int = BATCH,
                rest: float = REST) -> bool:
    """Run batches, each in its own transaction, for about `budget_seconds`; True if work may remain.

    After each batch the caller's thread sleeps `rest` times as long as the batch took: under `make run`
    this loop shares its process (and the interpreter lock) with request threads, which then get the CPU.
    """
    deadline = time.monotonic() + budget_seconds
    while True:
        started = time.monotonic()
        with session_factory() as session:
            tried = run_batch(session, size=size)
            session.commit()
        if tried < size:
            return False
        time.sleep((time.monotonic() - started) * rest)
        if time.monotonic() >= deadline:
            return True
