"""`make run`'s HTTP server: gunicorn with threaded workers, each with the timer loop and the PDF converter.

Flask's development server is for debugging; this is the server the benchmarks measure, so a
request through `make run` costs what `bench/` reports. Each worker process loads the application
itself (no preloading: threads do not survive a fork) and then starts its own timer loop — several
loops are safe, as with several `worker` commands: each timer fires once — and wakes the PDF
converter `create_app` set up, so documents left pending by a previous run are converted.
"""

from __future__ import annotations

import logging
import threading

from flask import Flask
from gunicorn.app.base import BaseApplication

from .config import Settings

log = logging.getLogger(__name__)

# A step that renders documents can take seconds; a worker is only killed when truly stuck.
WORKER_TIMEOUT = 120
KEEP_ALIVE = 30


def gunicorn_options(settings: Settings) -> dict:
    """The gunicorn settings `make run` serves with (threaded workers; keep-alive works with them)."""
    return {
        "bind": f"{settings.host}:{settings.port}",
        "workers": settings.web_workers,
        "worker_class": "gthread",
        "threads": settings.web_threads,
        "timeout": WORKER_TIMEOUT,
        "keepalive": KEEP_ALIVE,
        # Gunicorn's own refusals are HTML: let lines and headers through far enough for the app's limits
        # (service/api/input_guard.py: 8,000-character URLs, 16 KB of headers) to answer in JSON first.
        "limit_request_line": 8190,  # gunicorn's maximum
        "limit_request_field_size": 32768,
        "post_worker_init": _start_background,
        "worker_exit": _stop_background,
        # No runtime control socket: it lives at one path per user, which two servers on a host would share.
        "control_socket_disable": True,
    }


class Server(BaseApplication):
    """gunicorn, configured in code and serving `create_app(settings)` in every worker."""

    def __init__(self, settings: Settings, options: dict | None = None):
        self.settings = settings
        self.options = {**gunicorn_options(settings), **(options or {})}
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        from .app import create_app

        return create_app(self.settings)


def _start_background(worker) -> None:
    """In a freshly booted worker: start its timer loop and look at the PDF queue once."""
    from .worker import TimerLoop, start_notifications

    services = worker.wsgi.extensions["vinhdanh"]
    loop = TimerLoop(services.session_factory, services.settings.timer_interval)
    loop.start()
    worker.vinhdanh_timer_loop = loop
    worker.vinhdanh_stop = threading.Event()
    start_notifications(services.session_factory, worker.vinhdanh_stop, services.settings.smtp)
    if services.pdf_converter is not None:
        services.pdf_converter.wake()  # documents still pending from before this start


def _stop_background(_arbiter, worker) -> None:
    """When a worker exits: let the timer pass and the conversion in progress finish."""
    loop = getattr(worker, "vinhdanh_timer_loop", None)
    if loop is not None:
        loop.stop()
    stop = getattr(worker, "vinhdanh_stop", None)
    if stop is not None:
        stop.set()
    wsgi = getattr(worker, "wsgi", None)
    services = wsgi.extensions["vinhdanh"] if wsgi is not None else None
    if services is not None and services.pdf_converter is not None:
        services.pdf_converter.stop()


def serve(settings: Settings) -> None:
    """Serve until SIGINT/SIGTERM (gunicorn's master handles the signals and stops the workers)."""
    log.info("serving on http://%s:%s with %d worker(s) x %d thread(s)", settings.host, settings.port,
             settings.web_workers, settings.web_threads)
    Server(settings).run()
