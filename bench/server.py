"""Serve the real application with gunicorn on 127.0.0.1 and a free port; always stopped afterwards."""

from __future__ import annotations

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
STARTUP_TIMEOUT = 60.0


@dataclass
class Served:
    port: int
    description: str
    pid: int  # the gunicorn master; its workers are its children (bench.cpu reads their CPU time)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _healthy(port: int) -> bool:
    connection = http.client.HTTPConnection(HOST, port, timeout=2)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


@contextmanager
def gunicorn(database_url: str, *, workers: int = 1, worker_class: str = "gthread",
             threads: int = 1) -> Iterator[Served]:
    """`gunicorn 'service.app:create_app()'` against `database_url` (already migrated and seeded)."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": secrets.token_urlsafe(32),
           "TIMER_LOOP": "0"}
    command = [sys.executable, "-m", "gunicorn", "--bind", f"{HOST}:{port}", "--workers", str(workers),
               "--worker-class", worker_class, "--threads", str(threads), "--timeout", "120",
               "--keep-alive", "30", "--log-level", "warning", "service.app:create_app()"]
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        try:
            deadline = time.monotonic() + STARTUP_TIMEOUT
            while not _healthy(port):
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"gunicorn did not start:\n{log.read().decode(errors='replace')[-3000:]}")
                time.sleep(0.2)
            threads_note = f", {threads} threads each" if worker_class == "gthread" else ""
            yield Served(port, f"gunicorn {workers} {worker_class} worker(s){threads_note}", process.pid)
        finally:
            _stop(process)


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM the server's process group (its master and workers), SIGKILL if it lingers."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
