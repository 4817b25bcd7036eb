"""Waking converters the moment a document is committed, with no polling interval.

In a process, an after-commit hook of the session factory calls the converter's `wake()`. Across processes and
hosts on PostgreSQL, the storing transaction sends NOTIFY (`queue.announce`) and `PgListener` turns it into
a wake-up; on SQLite (one embedded process) the in-process hook is the whole story.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from .queue import CHANNEL, PENDING_FLAG

log = logging.getLogger(__name__)
RECONNECT_SECONDS = 2.0
STOP_CHECK_SECONDS = 5.0  # how often the listener looks at its stop flag (no database query is made)


def install_after_commit(session_factory: sessionmaker, wake) -> None:
    """Call `wake()` after each commit of `session_factory`'s sessions that queued a document."""

    # Both events also fire when a savepoint ends; only the outermost transaction's end counts.
    @event.listens_for(session_factory, "after_commit")
    def _queued(session: Session) -> None:
        if not session.in_nested_transaction() and session.info.pop(PENDING_FLAG, False):
            wake()

    @event.listens_for(session_factory, "after_rollback")
    def _dropped(session: Session) -> None:
        if not session.in_nested_transaction():
            session.info.pop(PENDING_FLAG, None)


class PgListener(threading.Thread):
    """LISTEN on the documents channel; every notice (and every reconnection) wakes the converters."""

    def __init__(self, engine: Engine, wake, stop: threading.Event):
        super().__init__(name="vinhdanh-pdf-listen", daemon=True)
        self.url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.wake, self.stop_event = wake, stop
        self.listening = threading.Event()

    def run(self) -> None:
        import psycopg

        while not self.stop_event.is_set():
            try:
                with psycopg.connect(self.url, autocommit=True) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    self.wake()  # whatever was committed before we listened
                    while not self.stop_event.is_set():
                        for _notice in connection.notifies(timeout=STOP_CHECK_SECONDS, stop_after=1):
                            self.wake()
            except Exception:  # the database restarted or the network dropped: listen again
                self.listening.clear()
                log.warning("PDF queue listener lost its connection; reconnecting", exc_info=True)
                self.stop_event.wait(RECONNECT_SECONDS)
