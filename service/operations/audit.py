"""The append-only audit trail: one hash chain per stream (an instance, or the system)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import utcnow
from ..models import AuditEvent, ProcessInstance

GENESIS = "0" * 64


def _digest(prev_hash: str, at: datetime, stream: str, seq: int, actor: str | None, action: str,
            element_id: str | None, details: dict) -> str:
    payload = json.dumps(
        [prev_hash, at.isoformat(), stream, seq, actor, action, element_id, details],
        sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def record(session: Session, *, action: str, actor: str | None, instance_id: int | None = None,
           element_id: str | None = None, task_name: str | None = None,
           details: dict[str, Any] | None = None) -> AuditEvent:
    """Append an event to its stream, chained to the stream's previous event."""
    stream = f"instance:{instance_id}" if instance_id is not None else "system"
    # The instance is nearly always in the session already (session.get reads the identity map).
    instance = session.get(ProcessInstance, instance_id) if instance_id is not None else None
    if instance is not None:
        seq, prev_hash = (instance.audit_seq or 0) + 1, instance.audit_hash or GENESIS
    else:
        last = session.execute(
            select(AuditEvent.seq, AuditEvent.hash).where(AuditEvent.stream == stream)
            .order_by(AuditEvent.seq.desc()).limit(1)
        ).first()
        seq, prev_hash = (last.seq + 1, last.hash) if last else (1, GENESIS)
    at = utcnow()
    details = details or {}
    event = AuditEvent(
        stream=stream, seq=seq, at=at, actor=actor, action=action, instance_id=instance_id,
        element_id=element_id, task_name=task_name, details=details, prev_hash=prev_hash,
        hash=_digest(prev_hash, at, stream, seq, actor, action, element_id, details),
    )
    session.add(event)
    if instance is not None:
        instance.audit_seq, instance.audit_hash = seq, event.hash
    return event


def verify_stream(session: Session, stream: str) -> list[int]:
    """Ids of events whose chain link or content hash does not hold (empty when intact)."""
    broken: list[int] = []
    prev = GENESIS
    events = session.scalars(select(AuditEvent).where(AuditEvent.stream == stream).order_by(AuditEvent.seq))
    for event in events:
        expected = _digest(prev, event.at, event.stream, event.seq, event.actor, event.action,
                           event.element_id, event.details)
        if event.prev_hash != prev or event.hash != expected:
            broken.append(event.id)
        prev = event.hash
    return broken
