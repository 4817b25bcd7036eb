"""`make run`'s HTTP server: Granian's WSGI workers, each with the timer loop and the PDF converter.

Flask's development server is for debugging; this is the server the benchmarks measure, so a
request through `make run` costs what `bench/` reports. Granian reads and writes HTTP in Rust
(hyper), outside the interpreter lock, and hands each request to a pool of Python threads: a
request costs a third of what a Python HTTP server's parsing and thread hand-offs cost here.

Each worker process loads the application itself (`worker_app`, a factory: nothing is loaded in
the parent, so no thread has to survive a fork) and then starts its own timer loop — several loops
are safe, as with several `worker` commands: each timer fires once — and wakes the PDF converter
`create_app` set up, so documents left pending by a previous run are converted. When the worker
stops, they stop with it.
"""

from __future__ import annotations

import gc
import logging
import threading
from multiprocessing import util as mp_util

from flask import Flask
from granian import Granian
from granian.constants import Interfaces
from granian.http import HTTP1Settings

from .config import Settings

log = logging.getLogger(__name__)

TARGET = "service.serving:worker_app"
# The hard bounds on what one request may make a worker hold before the application sees it: the
# request line, and everything after it up to the blank line. They are well above the application's
# own limits (service/api/input_guard.py: 8,000-character URLs, 16 KB of headers), so anything between
# gets the application's answer (JSON under /api, a page elsewhere); beyond them the server refuses
# (a bare 431) without reading on.
MAX_REQUEST_LINE = 64 * 1024
MAX_REQUEST_HEAD = 64 * 1024
# And at most this many header fields (hyper's own bound, which Granian keeps): a browser sends ~20.
MAX_REQUEST_FIELDS = 100
# A connection that sends no complete head within this time is closed (slow clients hold no thread:
# Granian reads heads asynchronously, outside the Python threads).
HEADER_READ_TIMEOUT_MS = 30_000
# On SIGINT/SIGTERM a worker finishes its requests (a step that renders documents can take seconds)
# and is killed after this long.
WORKER_KILL_TIMEOUT = 60
# How long a stopping worker waits for its timer loop's pass in progress.
TIMER_STOP_TIMEOUT = 10.0


def server_options(settings: Settings) -> dict:
    """The Granian settings `make run` serves with: worker processes x Python threads each, keep-alive."""
    return {
        "address": settings.host,
        "port": settings.port,
        "interface": Interfaces.WSGI,
        "workers": settings.web_workers,
        "blocking_threads": settings.web_threads,
        "http1_settings": HTTP1Settings(
            keep_alive=True,
            header_read_timeout=HEADER_READ_TIMEOUT_MS,
            max_buffer_size=MAX_REQUEST_LINE + MAX_REQUEST_HEAD,
        ),
        "websockets": False,
        "factory": True,
        "respawn_failed_workers": True,  # a worker that dies (out of memory, a crash) is replaced
        "workers_kill_timeout": WORKER_KILL_TIMEOUT,
        "log_access": False,
        # The service's own logging (service/cli.py); Granian's records go through the same root logger.
        "log_dictconfig": {"version": 1, "disable_existing_loggers": False},
    }


def worker_app() -> Flask:
    """In a freshly started worker process: the application, its timer loop and its PDF converter."""
    from .app import create_app
    from .cli import _configure_logging

    _configure_logging()
    app = create_app(Settings.from_env())
    stop = _start_background(app)
    # Run when the worker process ends normally (multiprocessing's exit hooks, fork or spawn alike).
    mp_util.Finalize(app, stop, exitpriority=10)
    # What was loaded so far (modules, parsed diagrams, compiled statements: a quarter of a million
    # objects) lives as long as the worker: out of the collector's sight, a full collection during a
    # request walks only what requests made, not all of it (tens of milliseconds otherwise).
    gc.freeze()
    return app


def _start_background(app: Flask):
    """Start the worker's timer loop and notification sender and look at the PDF queue once; the stop."""
    from .worker import TimerLoop, start_notifications

    services = app.extensions["vinhdanh"]
    loop = TimerLoop(services.session_factory, services.settings.timer_interval)
    loop.start()
    stop_event = threading.Event()
    start_notifications(services.session_factory, stop_event, services.settings.smtp)
    if services.pdf_converter is not None:
        services.pdf_converter.wake()  # documents still pending from before this start

    def stop() -> None:
        """Let the timer pass and the conversion in progress finish, side by side: all are told first,
        then waited for (one after the other, a slow LibreOffice start would add to a long timer pass)."""
        stop_event.set()
        loop.stop(timeout=0)
        if services.pdf_converter is not None:
            services.pdf_converter.stop()
        loop.join(TIMER_STOP_TIMEOUT)

    return stop


def build_server(settings: Settings) -> Granian:
    return Granian(TARGET, **server_options(settings))


def serve(settings: Settings) -> None:
    """Serve until SIGINT/SIGTERM (Granian's main process handles the signals and stops the workers)."""
    log.info("serving on http://%s:%s with %d worker(s) x %d thread(s)", settings.host, settings.port,
             settings.web_workers, settings.web_threads)
    build_server(settings).serve()
