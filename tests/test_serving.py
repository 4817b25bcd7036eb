"""`make run`'s server (`python run.py`): Granian's WSGI workers, serving the API and firing timers."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

from granian.constants import Interfaces

from service.config import Settings
from service.serving import (
    MAX_REQUEST_HEAD,
    MAX_REQUEST_LINE,
    TARGET,
    WORKER_KILL_TIMEOUT,
    build_server,
    server_options,
)
from tests.conftest import PASSWORD
from tests.engine.test_timers_firing import BUNDLE, actions, wait_for

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _call(port: int, method: str, path: str, body: dict | None = None, token: str | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        connection.close()


def _answers(port: int) -> bool:
    try:
        return _call(port, "GET", "/healthz")[0] == 200
    except OSError:
        return False


def test_options_are_wsgi_workers_and_threads_from_the_settings():
    settings = Settings(host="127.0.0.1", port=5123, web_workers=3, web_threads=6)
    options = server_options(settings)
    assert (options["address"], options["port"], options["interface"], options["workers"],
            options["blocking_threads"]) == ("127.0.0.1", 5123, Interfaces.WSGI, 3, 6)
    assert options["http1_settings"].max_buffer_size == MAX_REQUEST_LINE + MAX_REQUEST_HEAD
    server = build_server(settings)  # Granian checks its options here
    assert (server.target, server.factory, server.workers, server.blocking_threads) == (TARGET, True, 3, 6)


def test_run_py_serves_through_granian_fires_timers_and_stops_on_sigint(session, create_org_unit, create_user,
                                                                           deploy, database_url):
    create_org_unit("DEPT")
    create_user("officer", "DEPT", ["unit_officer"])
    deploy(*BUNDLE)
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret", "PORT": str(port),
           "HOST": "127.0.0.1", "DEMO_DATA": "0", "WEB_THREADS": "2"}
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen([sys.executable, "run.py"], cwd=PROJECT_ROOT, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_for(lambda: _answers(port) or process.poll() is not None, timeout=60.0, step=0.2)
            assert process.poll() is None, "run.py exited"
            status, body = _call(port, "POST", "/api/v1/auth/token", {"username": "officer", "password": PASSWORD})
            assert status == 200, body
            status, body = _call(port, "POST", "/api/v1/process-instances",
                                 {"process_key": "intermediate_timer", "data": {}}, body["access_token"])
            assert status == 201 and body["status"] == "waiting", body
            # Nothing else runs timers here: the served process's own loop fires it (0.3 s, polled each second).
            wait_for(lambda: ("timer.fired", "wait") in actions(session, body["id"]), timeout=10.0, step=0.1)
            process.send_signal(signal.SIGINT)
            # Workers finish what they do (a LibreOffice still starting on a loaded machine) within
            # Granian's kill timeout; the exit is clean either way.
            assert process.wait(timeout=WORKER_KILL_TIMEOUT + 30) == 0
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        log.seek(0)
        output = log.read().decode(errors="replace")
    assert "Starting granian" in output and "Granian shutdown completed" in output
    assert "production deployment" not in output and "development server" not in output.lower()
