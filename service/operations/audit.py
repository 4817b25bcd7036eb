"""The append-only audit trail: one hash chain per stream (an instance, or the system)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, event, insert, select
from sqlalchemy.orm import Session

from ..db import FastStatement, utcnow
from ..models import AuditEvent, ProcessInstance

GENESIS = "0" * 64
_PENDING = "vinhdanh_audit_pending"  # session.info: instance events not yet inserted
_INSERT = FastStatement(insert(AuditEvent.__table__).values(
    {column.key: bindparam(column.key, type_=column.type) for column in AuditEvent.__table__.columns
     if column.key != "id"}))
_MARKS = "vinhdanh_audit_marks"  # session.info: pending count when each open savepoint began


# What `json.dumps(..., sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)` builds on
# every call (an encoder holds only its settings): the digests are of that exact text, and stay so.
_CANONICAL_JSON = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def _digest(prev_hash: str, at: datetime, stream: str, seq: int, actor: str | None, action: str,
            element_id: str | None, details: dict) -> str:
    payload = _CANONICAL_JSON.encode([prev_hash, at.isoformat(), stream, seq, actor, action, element_id, details])
    return hashlib.sha256(payload.encode()).hexdigest()


def record(session: Session, *, action: str, actor: str | None, instance_id: int | None = None,
           element_id: str | None = None, task_name: str | None = None,
           details: dict[str, Any] | None = None, instance: ProcessInstance | None = None) -> None:
    """Append an event to its stream, chained to the stream's previous event.

    `instance`: the instance object of `instance_id` where the caller holds it (a step does), which
    spares looking it up."""
    if instance is not None:
        instance_id = instance.id
    stream = f"instance:{instance_id}" if instance_id is not None else "system"
    if instance is None and instance_id is not None:
        # The instance is nearly always in the session already (session.get reads the identity map).
        instance = session.get(ProcessInstance, instance_id)
    at = utcnow()
    details = details or {}
    if instance is None:
        last = session.execute(
            select(AuditEvent.seq, AuditEvent.hash).where(AuditEvent.stream == stream)
            .order_by(AuditEvent.seq.desc()).limit(1)
        ).first()
        seq, prev_hash = (last.seq + 1, last.hash) if last else (1, GENESIS)
        session.add(AuditEvent(stream=stream, seq=seq, at=at, actor=actor, action=action, instance_id=instance_id,
                               element_id=element_id, task_name=task_name, details=details, prev_hash=prev_hash,
                               hash=_digest(prev_hash, at, stream, seq, actor, action, element_id, details)))
        return
    # An instance's chain head lives on its row, written with the instance (version-checked). The
    # event rows wait until that UPDATE has gone out (`write_pending`), so a lost race stops at the
    # version check rather than at the (stream, seq) key.
    seq, prev_hash = (instance.audit_seq or 0) + 1, instance.audit_hash or GENESIS
    digest = _digest(prev_hash, at, stream, seq, actor, action, element_id, details)
    session.info.setdefault(_PENDING, []).append({
        "stream": stream, "seq": seq, "at": at, "actor": actor, "action": action, "instance_id": instance_id,
        "element_id": element_id, "task_name": task_name, "details": details, "prev_hash": prev_hash,
        "hash": digest})
    instance.audit_seq, instance.audit_hash = seq, digest


def has_pending(session: Session) -> bool:
    """Are instance events waiting to be inserted?"""
    return bool(session.info.get(_PENDING))


def take_pending(session: Session) -> list[dict[str, Any]]:
    """The instance event rows recorded since the last write; the caller inserts them."""
    return session.info.pop(_PENDING, None) or []


def write_pending(session: Session) -> None:
    """Insert the instance events recorded since the last write (one statement for all of them)."""
    rows = take_pending(session)
    if rows:
        _INSERT.execute(session.connection(), rows)


# Events recorded outside an engine step (claim, reassign, terminate...) move their instance's chain
# head through the ORM: they are written right after the flush that writes the head, or at commit.
@event.listens_for(Session, "after_flush_postexec")
def _after_flush(session: Session, _flush_context) -> None:
    write_pending(session)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    if session.info.get(_PENDING):
        session.flush()
        write_pending(session)


@event.listens_for(Session, "after_transaction_create")
def _mark_savepoint(session: Session, transaction) -> None:
    if transaction.nested:
        session.info.setdefault(_MARKS, {})[id(transaction)] = len(session.info.get(_PENDING, ()))


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session: Session, previous_transaction) -> None:
    # Events recorded inside a savepoint that was rolled back never happened.
    if previous_transaction.nested:
        mark = session.info.get(_MARKS, {}).pop(id(previous_transaction), None)
        if mark is not None and session.info.get(_PENDING):
            del session.info[_PENDING][mark:]


@event.listens_for(Session, "after_transaction_end")
def _forget_transaction(session: Session, transaction) -> None:
    if transaction.parent is None:  # committed (everything was written) or rolled back
        session.info.pop(_PENDING, None)
        session.info.pop(_MARKS, None)


def verify_stream(session: Session, stream: str) -> list[int]:
    """Ids of events whose chain link or content hash does not hold (empty when intact)."""
    broken: list[int] = []
    prev = GENESIS
    events = session.scalars(select(AuditEvent).where(AuditEvent.stream == stream).order_by(AuditEvent.seq))
    for stored in events:
        expected = _digest(prev, stored.at, stored.stream, stored.seq, stored.actor, stored.action,
                           stored.element_id, stored.details)
        if stored.prev_hash != prev or stored.hash != expected:
            broken.append(stored.id)
        prev = stored.hash
    return broken
