"""The background loop that fires due timers and runs queued instance migrations (a few instances per
transaction, service/operations/instance_migration.py): a thread inside `make run`, or the `worker` command, which
also converts generated documents to PDF (`service.pdf`: a persistent LibreOffice per slot, claiming from
the queue every worker shares, woken by commits and NOTIFY, never by a polling interval).

Each instance's timers fire in a transaction of their own; a worker that loses a race for an
instance (another worker, or a user's request, stepped it first) rolls back and leaves it: the
winner's step already re-synced the instance's timers, so nothing is lost and nothing fires twice.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from .config import SmtpSettings, pdf_converters_from_env, signing_from_env
from .db import utcnow
from .notifications.sender import NotificationLoop
from .operations import instance_migration, timers
from .pdf.service import ConversionService
from .pdf.signing import signing_key
from .pdf.wakeup import install_after_commit

log = logging.getLogger(__name__)

# A lost race, a duplicate audit sequence number, a row lock held by a request (NOWAIT) or a
# detected deadlock: all mean "someone else is stepping this instance now".
CONTENDED = (StaleDataError, IntegrityError, OperationalError)
MIN_WAIT = 0.02  # seconds; the loop never spins
MIGRATION_SLICE = 0.5  # seconds of migration batches per loop pass
# Between slices the worker steps aside so requests (in the same process under `make run`) get the CPU.
MIGRATION_PAUSE = 0.1


class FailureBackoff:
    """Instances whose timer step failed unexpectedly, retried later and later instead of every poll.

    Engine and model errors do not land here (they put the instance in status 'error'); this is for
    the unforeseen, so that one broken instance neither floods the log nor delays the others.
    """

    def __init__(self, first: float = 5.0, longest: float = 300.0):
        self.first = first
        self.longest = longest
        self._failures: dict[int, tuple[int, float]] = {}  # instance id -> (failures, retry at, monotonic)

    def failed(self, instance_id: int) -> float:
        count = self._failures.get(instance_id, (0, 0.0))[0] + 1
        delay = min(self.longest, self.first * 2 ** (count - 1))
        self._failures[instance_id] = (count, time.monotonic() + delay)
        return delay

    def succeeded(self, instance_id: int) -> None:
        self._failures.pop(instance_id, None)

    def resting(self) -> set[int]:
        now = time.monotonic()
        return {instance_id for instance_id, (_, retry_at) in self._failures.items() if retry_at > now}


def run_due_timers(session_factory: sessionmaker, *, max_instances: int = 100,
                   backoff: FailureBackoff | None = None) -> int:
    """Fire due timers, one instance per transaction; returns how many instances had timers fire."""
    fired = 0
    # An instance is tried at most once per pass, whatever happened to it; resting ones not at all.
    tried: set[int] = backoff.resting() if backoff else set()
    for _ in range(max_instances):
        with session_factory() as session:
            instance_id = timers.next_due_instance(session, skip=tried)
            if instance_id is None:
                session.rollback()
                break
            tried.add(instance_id)
            try:
                advanced = timers.fire_instance_timers(session, instance_id=instance_id)
                session.commit()
            except CONTENDED as exc:
                session.rollback()
                log.info("timers of instance %s left to the step that won: %s", instance_id, type(exc).__name__)
                continue
            except Exception:
                session.rollback()
                delay = backoff.failed(instance_id) if backoff else 0.0
                log.exception("timer firing failed for instance %s; next try in %.0fs", instance_id, delay)
                continue
            if backoff:
                backoff.succeeded(instance_id)
            fired += int(advanced)
    return fired


def next_wait(session_factory: sessionmaker, interval: float, *, pass_started: datetime, fired: int) -> float:
    """How long a loop may sleep after a pass: until the earliest stored timer is due, at most `interval`.

    A timer that was already due when the pass began and still is was held by another worker or a
    request, or is resting after a failure: it is retried at the normal pace, not in a spin.
    """
    with session_factory() as session:
        fire_at = timers.next_fire_at(session)
        session.rollback()
    if fire_at is None or (fire_at <= pass_started and not fired):
        return interval
    return max(MIN_WAIT, min(interval, (fire_at - utcnow()) / timedelta(seconds=1)))


def run_until_stopped(session_factory: sessionmaker, stop: threading.Event, interval: float = 1.0) -> None:
    """Fire due timers and run queued instance migrations until `stop` is set, sleeping until the next
    timer is due (at most `interval`), or only briefly while a migration has work left."""
    backoff = FailureBackoff()
    while not stop.is_set():
        wait = interval
        try:
            pass_started = utcnow()
            fired = run_due_timers(session_factory, backoff=backoff)
            wait = next_wait(session_factory, interval, pass_started=pass_started, fired=fired)
            # A slice of migration between timer passes: timers stay on time during a long migration.
            if instance_migration.run_pending(session_factory, budget_seconds=MIGRATION_SLICE):
                wait = min(wait, MIGRATION_PAUSE)
        except Exception:  # the loop must survive a database hiccup
            log.exception("timer loop iteration failed")
        stop.wait(wait)


class TimerLoop(threading.Thread):
    """The in-process timer loop (`make run`): a daemon thread; `stop()` ends it after the current pass."""

    def __init__(self, session_factory: sessionmaker, interval: float = 1.0):
        super().__init__(name="vinhdanh-timers", daemon=True)
        self.session_factory = session_factory
        self.interval = interval
        self._stop_event = threading.Event()

    def run(self) -> None:
        run_until_stopped(self.session_factory, self._stop_event, self.interval)

    def stop(self, timeout: float | None = 10.0) -> None:
        self._stop_event.set()
        if self.is_alive() and threading.current_thread() is not self:
            self.join(timeout)


def run_forever(session_factory: sessionmaker, interval: float = 1.0, stop: threading.Event | None = None) -> None:
    """The `worker` command's loop; returns once `stop` is set (on SIGTERM or Ctrl-C)."""
    log.info("worker started (polling every %.2fs at most)", interval)
    started = time.monotonic()
    converter = start_converter(session_factory)
    stop = stop or threading.Event()
    start_notifications(session_factory, stop, SmtpSettings.from_env())
    try:
        run_until_stopped(session_factory, stop, interval)
    finally:
        converter.stop()
    log.info("worker stopped after %.0fs", time.monotonic() - started)


def start_notifications(session_factory: sessionmaker, stop: threading.Event, smtp: SmtpSettings) -> threading.Thread:
    """The notification sender (deadline sweeps, e-mail with retries, daily digests) beside the timers."""
    loop = NotificationLoop(session_factory, smtp)
    thread = threading.Thread(target=loop.run, args=(stop,), name="vinhdanh-notifications", daemon=True)
    thread.start()
    return thread


def start_converter(session_factory: sessionmaker, *, slots: int | None = None) -> ConversionService:
    """The worker's converter slots, started now beside the timers and never in their way."""
    signing = signing_from_env()
    converter = ConversionService(session_factory, slots=slots or pdf_converters_from_env(),
                                  signing=signing_key(signing["signing_pkcs12_path"], signing["signing_passphrase"]))
    install_after_commit(session_factory, converter.wake)  # documents made by this worker's own timer steps
    converter.wake()  # documents already waiting
    return converter


def run_worker_command(session_factory: sessionmaker, *, interval: float = 1.0, once: bool = False) -> int:
    """The `worker` command: one pass (`once`, returns how many instances had timers fire) or a
    loop until SIGTERM/SIGINT (returns 0). Call from the main thread (signal handlers)."""
    if once:
        return run_due_timers(session_factory)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    run_forever(session_factory, interval, stop)
    return 0
