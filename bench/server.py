"""Serve the real application as `make run` does (`python run.py`: Granian WSGI workers x threads, the timer
loop and the PDF converter) on 127.0.0.1 and a free port; always stopped afterwards."""

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
# After /healthz answers, each worker's PDF converter (LibreOffice through unoserver, a child of the
# worker) is still booting: seconds of CPU on a two-core machine. Measurements wait until the server's
# process tree is quiet — under QUIET_CPU_SHARE of one core over a QUIET_WINDOW — or BOOT_SETTLE_TIMEOUT.
QUIET_WINDOW = 1.0
QUIET_CPU_SHARE = 0.03
BOOT_SETTLE_TIMEOUT = 60.0


@dataclass
class Served:
    port: int
    description: str
    pid: int  # run.py, the server's main process; its workers are its children (bench.cpu reads their CPU time)


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
def make_run(database_url: str, *, workers: int | None = None, threads: int | None = None) -> Iterator[Served]:
    """`python run.py` (what `make run` starts) against `database_url`, already migrated and seeded.

    `workers` / `threads` set WEB_WORKERS / WEB_THREADS; left out, the server uses `make run`'s defaults.
    """
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": secrets.token_urlsafe(32),
           "HOST": HOST, "PORT": str(port), "DEMO_DATA": "0"}
    env.pop("ADMIN_PASSWORD", None)
    for name, value in (("WEB_WORKERS", workers), ("WEB_THREADS", threads)):
        if value is None:
            env.pop(name, None)
        else:
            env[name] = str(value)
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen([sys.executable, "run.py"], cwd=ROOT, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        try:
            deadline = time.monotonic() + STARTUP_TIMEOUT
            while not _healthy(port):
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"run.py did not start:\n{log.read().decode(errors='replace')[-3000:]}")
                time.sleep(0.2)
            _settle(process.pid)
            yield Served(port, _description(log), process.pid)
        finally:
            _stop(process)


def _settle(pid: int) -> None:
    """Wait (bounded) until the server's processes stop booting: the benchmarks time requests, not start-up."""
    from . import cpu

    deadline = time.monotonic() + BOOT_SETTLE_TIMEOUT
    before = cpu.tree_cpu(pid)
    while time.monotonic() < deadline:
        time.sleep(QUIET_WINDOW)
        now = cpu.tree_cpu(pid)
        if cpu.spent(before, now) < QUIET_CPU_SHARE * QUIET_WINDOW:
            return
        before = now


def _description(log) -> str:
    """What the server said it serves with (its "serving on ... worker(s) x thread(s)" line)."""
    log.seek(0)
    for text in log.read().decode(errors="replace").splitlines():
        if "serving on" in text:
            return "make run's server: Granian WSGI, " + text.split(" with ", 1)[-1]
    return "make run's server (Granian WSGI)"


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM the server's process group (its master and workers), SIGKILL if it lingers."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
