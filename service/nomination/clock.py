"""The lead agency's processing clock of a dossier, in working days, one-stop-shop style.

It runs from submission, stops while the dossier waits for the unit's supplements (returned, "chờ bổ
sung") and resumes on resubmission with the days already used; acceptance or rejection ends it. Each
stop and start is in the dossier's history with the days used and left.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from ..calendar.working_days import VIETNAM_TZ
from ..db import utcnow
from ..models import Dossier
from ..operations import audit
from . import config

LIMIT_PARAM = "dossier.review_working_days"


@dataclass(frozen=True)
class Clock:
    limit: int
    used: int
    left: int
    state: str  # not_started | running | paused | finished
    due_on: str | None  # the local date the limit falls on while running (ISO)

    def as_json(self) -> dict:
        return {"limit_working_days": self.limit, "working_days_used": self.used, "working_days_left": self.left,
                "state": self.state, "due_on": self.due_on}


def _limit(session: Session, dossier: Dossier) -> int:
    return config.working_days_param(session, LIMIT_PARAM, on=dossier.round.opens_on)


def clock_of(session: Session, dossier: Dossier, *, now: datetime | None = None) -> Clock:
    """Days used and left now (the running segment counted up to today)."""
    now = now or utcnow()
    limit, used = _limit(session, dossier), dossier.clock_used_days or 0
    due_on = None
    if dossier.clock_running_since is not None:
        calendar = config.calendar(session)
        used += max(0, calendar.working_days_between(dossier.clock_running_since, now))
        due = calendar.add_working_days(dossier.clock_running_since, limit - (dossier.clock_used_days or 0))
        due_on = (due.astimezone(VIETNAM_TZ).date() if isinstance(due, datetime) else due).isoformat()
        state = "running"
    elif dossier.clock_stopped_at is not None:
        state = "finished" if dossier.status in ("accepted", "rejected") else "paused"
    else:
        state = "not_started"
    return Clock(limit=limit, used=used, left=limit - used, state=state, due_on=due_on)


def start(session: Session, dossier: Dossier, *, actor: str | None, now: datetime) -> None:
    """(Re)start on submission; a resubmission keeps the days already used."""
    resumed = dossier.clock_stopped_at is not None
    dossier.clock_running_since, dossier.clock_stopped_at = now, None
    if not resumed:
        dossier.clock_used_days = 0
    current = clock_of(session, dossier, now=now)
    audit.record(session, action="dossier.clock_resumed" if resumed else "dossier.clock_started", actor=actor,
                 instance_id=dossier.instance_id, details={"dossier_id": dossier.id, **current.as_json()})


def stop(session: Session, dossier: Dossier, *, actor: str | None, now: datetime, why: str) -> None:
    """Stop on return ("chờ bổ sung"), acceptance or rejection, keeping the days used so far."""
    if dossier.clock_running_since is None:
        return
    current = clock_of(session, dossier, now=now)
    dossier.clock_used_days, dossier.clock_running_since, dossier.clock_stopped_at = current.used, None, now
    audit.record(session, action="dossier.clock_stopped", actor=actor, instance_id=dossier.instance_id,
                 details={"dossier_id": dossier.id, "why": why, **clock_of(session, dossier, now=now).as_json()})
