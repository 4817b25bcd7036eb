"""`make run`'s server (`python run.py`): gunicorn with threaded workers, serving the API and firing timers."""

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

from service.config import Settings
from service.serving import BoundedThreadWorker, Server, gunicorn_options
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


def test_options_are_threaded_gunicorn_workers_from_the_settings():
    settings = Settings(host="127.0.0.1", port=5123, web_workers=3, web_threads=6)
    options = gunicorn_options(settings)
    assert (options["bind"], options["workers"], options["worker_class"], options["threads"]) == (
        "127.0.0.1:5123", 3, BoundedThreadWorker, 6)
    server = Server(settings)  # gunicorn validates every option here
    assert server.cfg.worker_class is BoundedThreadWorker and server.cfg.threads == 6


def test_run_py_serves_through_gunicorn_fires_timers_and_stops_on_sigint(session, create_org_unit, create_user,
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
            assert process.wait(timeout=30) == 0
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        log.seek(0)
        output = log.read().decode(errors="replace")
    assert "Using worker: BoundedThreadWorker" in output
    assert "production deployment" not in output and "development server" not in output.lower()
