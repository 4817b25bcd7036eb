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
from gunicorn.http.message import Request
from gunicorn.http.parser import RequestParser
from gunicorn.http2 import negotiation
from gunicorn.workers.gthread import ThreadWorker

from .config import Settings

log = logging.getLogger(__name__)

# A step that renders documents can take seconds; a worker is only killed when truly stuck.
WORKER_TIMEOUT = 120
KEEP_ALIVE = 30
# The hard bounds on what one request may make a worker hold before the application sees it: the
# request line, and everything after it up to the blank line. They are well above the application's
# own limits (service/api/input_guard.py: 8,000-character URLs, 16 KB of headers), so anything between
# gets the application's answer (JSON under /api, a page elsewhere); beyond them, gunicorn's bare 414/431.
MAX_REQUEST_LINE = 64 * 1024
MAX_REQUEST_HEAD = 64 * 1024


class BoundedRequest(Request):
    """gunicorn's request, with the line and the head bounded by this module's hard limits.

    gunicorn caps `limit_request_line` at 8,190 (its HTML refusal, before the application's JSON 414)
    and reads an unlimited line when it is 0: here it is 0 and the bound is MAX_REQUEST_LINE."""

    def parse(self, unreader):
        # gunicorn sizes the head's buffer from the per-field limits (fields x field size, megabytes);
        # the whole head is bounded instead, so one field may be long or many fields short.
        self.max_buffer_headers = MAX_REQUEST_HEAD
        return super().parse(unreader)

    def read_line(self, unreader, buf, limit=0):
        return super().read_line(unreader, buf, limit or MAX_REQUEST_LINE)


class BoundedRequestParser(RequestParser):
    mesg_class = BoundedRequest


class BoundedThreadWorker(ThreadWorker):
    """gunicorn's threaded worker, parsing plain HTTP/1 connections with BoundedRequest."""

    def handle(self, conn):
        # A connection gets its parser on its first request (TConn.init keeps one already set); TLS
        # and HTTP/2 connections, which `make run` does not serve, keep gunicorn's own.
        if conn.parser is None and not self.cfg.is_ssl \
                and not negotiation.prior_knowledge_allowed(self.cfg, conn.client):
            conn.parser = BoundedRequestParser(self.cfg, conn.sock, conn.client)
        return super().handle(conn)


def gunicorn_options(settings: Settings) -> dict:
    """The gunicorn settings `make run` serves with (threaded workers; keep-alive works with them)."""
    return {
        "bind": f"{settings.host}:{settings.port}",
        "workers": settings.web_workers,
        "worker_class": BoundedThreadWorker,
        "threads": settings.web_threads,
        "timeout": WORKER_TIMEOUT,
        "keepalive": KEEP_ALIVE,
        # Gunicorn's own refusals are bare HTML: its limits are lifted for the application's to answer
        # first (JSON under /api), and BoundedRequest holds the hard bounds instead.
        "limit_request_line": 0,  # unlimited here; MAX_REQUEST_LINE in BoundedRequest
        "limit_request_field_size": MAX_REQUEST_HEAD,
        "limit_request_fields": 32768,  # gunicorn's maximum; the head's size is the bound
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
