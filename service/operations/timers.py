"""Fire due timers. Called by the in-process timer loop and by the separate `worker` command."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import utcnow
from ..engine import runtime
from ..models import ProcessInstance, Timer
from . import audit, stepping


def due_instance_ids(session: Session, *, now: datetime, limit: int) -> list[int]:
    """Lock and return instances with a due timer; other workers skip what this one locked."""
    query = (select(Timer.instance_id).where(Timer.fire_at <= now).order_by(Timer.fire_at).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(dict.fromkeys(session.scalars(query)))


def fire_instance_timers(session: Session, *, instance_id: int, now: datetime | None = None) -> bool:
    """Fire the instance's due timers in the caller's transaction; False when nothing was due."""
    now = now or utcnow()
    instance = session.get(ProcessInstance, instance_id)
    due = session.scalars(select(Timer).where(Timer.instance_id == instance_id, Timer.fire_at <= now)).all()
    if instance is None or not due:
        return False
    if instance.status not in ("running", "waiting"):
        stepping.clear_waits(session, instance)  # leftovers of an ended instance never fire
        return False
    spec, subs = stepping.spec_for(session, instance)
    result = runtime.fire_timers(instance.state, spec, subs)
    for timer in due:
        audit.record(session, action="timer.fired", actor=None, instance_id=instance.id,
                     element_id=timer.element_id, details={"fire_at": timer.fire_at.isoformat()})
    stepping.apply_result(session, instance, result, actor=None)
    return True
