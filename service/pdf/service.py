"""The converter slots of one process: each slot a thread with its own long-lived LibreOffice.

A slot claims a document, renders its .docx from the stored context if the step did not, converts it,
signs an issued decision when a key is configured, and stores everything in one short transaction. When
the queue is empty a slot sleeps until woken (a commit that queued a document, a NOTIFY from another
process) or until the oldest claim held elsewhere goes stale; there is no polling interval.
"""

from __future__ import annotations

import atexit
import collections
import contextlib
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from typing import Protocol

from sqlalchemy.orm import sessionmaker

from ..i18n import msg
from . import queue, uno
from .docx import render_docx
from .signing import SigningKey, sign
from .soffice import PdfConversionError, convert_to_pdf, libreoffice_available
from .wakeup import PgListener, install_after_commit

log = logging.getLogger(__name__)
Converter = Callable[[bytes], bytes]
ERROR_PAUSE = 2.0  # after an unexpected error (the database restarting), before the slot tries again


class Backend(Protocol):
    def convert(self, docx: bytes) -> bytes: ...

    def close(self) -> None: ...


class FunctionBackend:
    """A plain function as the converter: one `soffice` per document, or a stand-in in tests."""

    def __init__(self, convert: Converter):
        self._convert = convert

    def convert(self, docx: bytes) -> bytes:
        return self._convert(docx)

    def close(self) -> None:
        return None


def default_backend(index: int) -> Backend:
    """A persistent LibreOffice (unoserver); one `soffice` per document where python3-uno is missing."""
    if uno.available():
        return uno.UnoProcess(name=f"{os.getpid()}-{index}")
    log.warning("python3-uno or unoserver missing: converting with one soffice per document")
    return FunctionBackend(convert_to_pdf)


def default_slots() -> int:
    """Conversions in flight in one process: one per core, at most four."""
    return max(1, min(4, os.cpu_count() or 1))


class Templates:
    """Template versions by id, read once (a version is never edited)."""

    def __init__(self, session_factory: sessionmaker):
        self.session_factory = session_factory
        self._cache: dict[int, bytes] = {}

    def __call__(self, template_id: int) -> bytes:
        if template_id not in self._cache:
            self._cache[template_id] = queue.template_content(self.session_factory, template_id)
        return self._cache[template_id]


def convert_claimed(session_factory: sessionmaker, claim: queue.Claim, backend: Backend, *,
                    signing: SigningKey | None, templates: Callable[[int], bytes]) -> str:
    """Render, convert, sign and store one claimed document; returns what became of it."""
    started = time.perf_counter()
    try:
        docx = claim.docx if claim.docx is not None else render_docx(templates(claim.template_id), claim.context)
    except Exception as exc:  # docxtpl raises Jinja's and lxml's errors as they come
        queue.fail(session_factory, claim, msg("Không dựng được văn bản", exc=exc))
        return "failed"
    try:
        pdf = backend.convert(docx)
    except uno.ConverterCrashed as exc:
        log.warning("converter crashed on document %s (attempt %s): %s", claim.document_id, claim.attempt, exc)
        queue.give_back(session_factory, claim, str(exc))
        return "given_back"
    except PdfConversionError as exc:
        log.warning("PDF conversion of document %s failed: %s", claim.document_id, exc)
        queue.fail(session_factory, claim, str(exc), seconds=time.perf_counter() - started)
        return "failed"
    signed, error = sign(pdf, signing, claim.document_id) if claim.sign and signing else (None, None)
    stored = queue.store(session_factory, claim, docx=docx, pdf=pdf, signed=signed, error=error,
                         seconds=time.perf_counter() - started)
    return "converted" if stored else "lost"


def process_pending(session_factory: sessionmaker, *, signing: SigningKey | None = None, limit: int = 50,
                    convert: Converter = convert_to_pdf) -> int:
    """Convert up to `limit` waiting documents in this thread; returns how many were handled."""
    backend, templates = FunctionBackend(convert), Templates(session_factory)
    handled = 0
    while handled < limit:
        claim = queue.claim(session_factory, worker=f"{socket.gethostname()}:{os.getpid()}/once")
        if claim is None:
            break
        convert_claimed(session_factory, claim, backend, signing=signing, templates=templates)
        handled += 1
    return handled


class ConversionService:
    """This process's converter slots; `wake()` after a commit that queued a document (started on first use)."""

    def __init__(self, session_factory: sessionmaker, *, signing: SigningKey | None = None,
                 slots: int | None = None, backend_factory: Callable[[int], Backend] = default_backend,
                 name: str | None = None):
        self.session_factory = session_factory
        self.signing = signing
        self.slots = slots or default_slots()
        self.backend_factory = backend_factory
        self.name = name or f"{socket.gethostname()}:{os.getpid()}"
        self.templates = Templates(session_factory)
        self.idle = threading.Event()  # set while every slot sleeps on an empty queue (tests wait on it)
        self.outcomes: collections.deque[tuple[int, str]] = collections.deque(maxlen=100_000)
        self.backends: dict[int, Backend] = {}
        self._condition = threading.Condition()
        self._wakeups = 0
        self._resting: set[int] = set()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._listener: PgListener | None = None

    # --- lifecycle -------------------------------------------------------------------------------

    def start(self) -> ConversionService:
        """Start the slots (and, on PostgreSQL, the NOTIFY listener); idempotent."""
        with self._condition:
            if self._threads or self._stop.is_set():
                return self
            for index in range(self.slots):
                thread = threading.Thread(target=self._run_slot, args=(index,), name=f"vinhdanh-pdf-{index}",
                                          daemon=True)
                self._threads.append(thread)
                thread.start()
            engine = self.session_factory.kw.get("bind")
            if engine is not None and engine.dialect.name == "postgresql":
                self._listener = PgListener(engine, self.wake, self._stop)
                self._listener.start()
        atexit.register(self.stop)
        return self

    def wake(self) -> None:
        """Look at the queue now (starting the slots on first use)."""
        self.start()
        with self._condition:
            self.idle.clear()
            self._wakeups += 1
            self._condition.notify_all()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop after the documents in flight (at most `timeout` seconds: then their LibreOffices are killed and
        the documents go back to the queue); no LibreOffice is left running."""
        self._stop.set()
        with self._condition:
            self._condition.notify_all()
        others = [thread for thread in self._threads if thread is not threading.current_thread()]
        deadline = time.monotonic() + timeout
        for thread in others:
            thread.join(max(0.0, deadline - time.monotonic()))
        for backend in list(self.backends.values()):
            backend.close()  # a slot still starting LibreOffice or converting stops waiting now
        for thread in others:
            thread.join(5.0)

    # --- the slots -------------------------------------------------------------------------------

    def _run_slot(self, index: int) -> None:
        _lower_priority()
        backend = self.backends[index] = self.backend_factory(index)
        try:
            self._prepare(backend)
            while not self._stop.is_set():
                seen = self._wakeups
                try:
                    claim = queue.claim(self.session_factory, worker=f"{self.name}/{index}")
                    if claim is not None:
                        outcome = convert_claimed(self.session_factory, claim, backend, signing=self.signing,
                                                  templates=self.templates)
                        self.outcomes.append((claim.document_id, outcome))
                        if outcome == "given_back":
                            self._prepare(backend)  # a new LibreOffice now, not with the next document
                        continue
                    self._rest(index, seen, queue.next_takeover(self.session_factory))
                except Exception:  # a slot must outlive a database hiccup
                    log.exception("PDF converter slot %s failed; retrying", index)
                    self._stop.wait(ERROR_PAUSE)
        finally:
            backend.close()

    def _prepare(self, backend: Backend) -> None:
        """Start a LibreOffice now rather than with the next document (a failure here is retried then)."""
        start = getattr(backend, "ensure_started", None)
        if start is not None:
            try:
                start()
            except Exception:
                log.warning("converter did not start; retrying with the first document", exc_info=True)

    def _rest(self, index: int, seen: int, timeout: float | None) -> None:
        """Sleep until woken after `seen`, or until `timeout` (a stale claim to take over)."""
        with self._condition:
            if self._wakeups != seen or self._stop.is_set():
                return
            self._resting.add(index)
            if len(self._resting) == self.slots:
                self.idle.set()
            self._condition.wait(timeout)
            self._resting.discard(index)


def _lower_priority() -> None:
    """This slot thread renders at the converters' niceness (Linux: a thread id is a PRIO_PROCESS target)."""
    with contextlib.suppress(OSError, AttributeError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(),
                       max(os.getpriority(os.PRIO_PROCESS, 0), uno.CONVERTER_NICE))


def embedded_converter(app) -> ConversionService | None:
    """The app's converter (created, not started: it starts on the first queued document); None when
    LibreOffice is missing."""
    services = app.extensions["vinhdanh"]
    if services.pdf_converter is None and libreoffice_available():
        from .signing import signing_key

        settings = services.settings
        services.pdf_converter = ConversionService(
            services.session_factory, slots=getattr(settings, "pdf_converters", None),
            signing=signing_key(settings.signing_pkcs12_path, settings.signing_passphrase))
        install_after_commit(services.session_factory, services.pdf_converter.wake)
    return services.pdf_converter


def start_embedded_converter(app) -> ConversionService | None:
    """`make run`'s converter, started now (its LibreOffices ready before the first document); idempotent."""
    converter = embedded_converter(app)
    if converter is not None:
        converter.start()
    return converter
