"""Fire due timers. Called by the in-process timer loop and by the separate `worker` command.

Exactly-once firing with several workers rests on two guards:
- on PostgreSQL a worker takes the instance row with `FOR UPDATE SKIP LOCKED`, so other workers
  pass over it, and takes the instance's open task rows with `NOWAIT`, so it never waits on (and
  never deadlocks with) a user request that holds one of them: it skips the instance instead;
- on every database the instance's version column (optimistic locking) makes the slower of two
  steps on the same instance fail with StaleDataError; the worker then rolls back and moves on.
"""

from __future__ import annotations

import random
from collections.abc import Collection
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db import utcnow
from ..engine import runtime
from ..models import HumanTask, ProcessInstance, Timer
from . import stepping

# On databases without row locks, workers choose among the earliest due instances at random so
# that several workers rarely compute the same step only for all but one to lose the race.
CANDIDATES_WITHOUT_ROW_LOCKS = 8


def _has_row_locks(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def next_due_instance(session: Session, *, now: datetime | None = None,
                      skip: Collection[int] = ()) -> int | None:
    """An instance with a due timer, locked for this transaction where the database allows; None if none."""
    now = now or utcnow()
    earliest = (select(func.min(Timer.fire_at)).where(Timer.instance_id == ProcessInstance.id)
                .correlate(ProcessInstance).scalar_subquery())
    query = (select(ProcessInstance.id)
             .where(ProcessInstance.id.in_(select(Timer.instance_id).where(Timer.fire_at <= now)),
                    ProcessInstance.status != "suspended")  # its timers wait for the resume
             .order_by(earliest, ProcessInstance.id))
    if skip:
        query = query.where(ProcessInstance.id.not_in(list(skip)))
    if _has_row_locks(session):
        return session.scalar(query.limit(1).with_for_update(skip_locked=True))
    candidates = session.scalars(query.limit(CANDIDATES_WITHOUT_ROW_LOCKS)).all()
    return random.choice(candidates) if candidates else None


def next_fire_at(session: Session) -> datetime | None:
    """When the earliest stored timer is due (lets a loop sleep exactly until then)."""
    return session.scalar(select(func.min(Timer.fire_at)))


def fire_instance_timers(session: Session, *, instance_id: int, now: datetime | None = None) -> bool:
    """Fire the instance's due timers in the caller's transaction; False when nothing was due.

    Raises StaleDataError or IntegrityError when another step on the instance won a race, and (on
    PostgreSQL) OperationalError when a request holds one of its task rows: retry later in all cases.
    """
    now = now or utcnow()
    if _has_row_locks(session):
        # Task rows before the instance row is written: the order a user's completion takes them in.
        session.execute(select(HumanTask.id).where(HumanTask.instance_id == instance_id, HumanTask.state == "open")
                        .order_by(HumanTask.id).with_for_update(nowait=True)).all()
    instance = session.get(ProcessInstance, instance_id)
    due = session.scalar(select(func.count()).select_from(Timer)
                         .where(Timer.instance_id == instance_id, Timer.fire_at <= now))
    if instance is None or not due or instance.status == "suspended":  # suspended since it was picked
        return False
    if instance.status not in ("running", "waiting"):
        stepping.clear_waits(session, instance)  # leftovers of an ended instance never fire
        return False
    spec, subs = stepping.spec_for(session, instance)
    with stepping.running(session, instance, None):
        result = runtime.fire_timers(instance.state, spec, subs)
    # Written even when the engine found nothing due: the step re-syncs stale timer rows.
    stepping.apply_result(session, instance, result, actor=None)
    return bool(result.fired)
