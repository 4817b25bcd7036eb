"""The background loop that fires due timers: a thread inside `make run`, or the `worker` command."""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy.orm import sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from .db import utcnow
from .operations import timers

log = logging.getLogger(__name__)


def run_due_timers(session_factory: sessionmaker, *, max_instances: int = 100) -> int:
    """Fire due timers, one instance per transaction; returns how many instances advanced."""
    fired = 0
    for _ in range(max_instances):
        with session_factory() as session:
            ids = timers.due_instance_ids(session, now=utcnow(), limit=1)
            if not ids:
                session.rollback()
                break
            try:
                advanced = timers.fire_instance_timers(session, instance_id=ids[0])
                session.commit()
            except StaleDataError:
                # Another worker or a user request advanced the instance first; it will be retried.
                session.rollback()
                continue
            except Exception:
                session.rollback()
                log.exception("timer firing failed for instance %s", ids[0])
                break
            fired += int(advanced)
    return fired


class TimerLoop(threading.Thread):
    def __init__(self, session_factory: sessionmaker, interval: float = 1.0):
        super().__init__(name="vinhdanh-timers", daemon=True)
        self.session_factory = session_factory
        self.interval = interval
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            try:
                run_due_timers(self.session_factory)
            except Exception:  # the loop must survive a database hiccup
                log.exception("timer loop iteration failed")
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()


def run_forever(session_factory: sessionmaker, interval: float = 1.0) -> None:
    log.info("worker started")
    while True:
        started = time.monotonic()
        run_due_timers(session_factory)
        time.sleep(max(0.0, interval - (time.monotonic() - started)))
