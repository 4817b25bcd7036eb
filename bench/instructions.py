"""Instructions per request, counted by callgrind: the load-independent judge of a CPU change.

    PYTHONPATH=. valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=/tmp/walk.out \\
        .venv/bin/python -m bench.instructions [--backend postgresql] [--walks 20]

Seeds a fresh database (`bench/seeding.py`), then walks `three_lanes` (start + three completions, each by
its lane's user) through the app as a WSGI server calls it: plain environ dicts, no test client (Flask's
test client builds each request itself, a tenth of what callgrind counted through it). After 30 warm
walks, callgrind's instrumentation is switched on for `--walks` walks (`callgrind_control -i on/off`), so
"Collected" is the instruction count of those walks alone. Wall-clock time on a shared machine drifts
from minute to minute; this count does not. Without valgrind it just runs the walks.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import shutil
import subprocess
import sys

from . import seeding
from .profile_completion import PROCESS, _App


class WsgiWalker:
    """Requests as environ dicts handed to the WSGI app, the way Granian hands them."""

    def __init__(self, wsgi_app, authorizations: list[str]):
        self.wsgi_app = wsgi_app
        self.authorizations = authorizations

    def call(self, method: str, path: str, body: dict, authorization: str) -> dict:
        data = json.dumps(body).encode()
        environ = {
            "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "", "SCRIPT_NAME": "",
            "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "5000", "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "127.0.0.1:5000", "HTTP_AUTHORIZATION": authorization,
            "HTTP_ACCEPT": "application/json", "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(data)),
            "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(data), "wsgi.errors": sys.stderr,
            "wsgi.version": (1, 0), "wsgi.multithread": True, "wsgi.multiprocess": False, "wsgi.run_once": False,
        }
        status: list[str] = []
        chunks = self.wsgi_app(environ, lambda line, headers, exc_info=None: status.append(line))
        try:
            payload = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        if not status[0].startswith("2"):
            raise RuntimeError(f"{method} {path}: {status[0]} {payload[:300]!r}")
        return json.loads(payload)

    def walk(self) -> None:
        start = self.call("POST", "/api/v1/process-instances", {"process_key": PROCESS}, self.authorizations[0])
        task_id = start["tasks"][0]["id"]
        for lane in range(3):
            reply = self.call("POST", f"/api/v1/tasks/{task_id}/complete", {"data": {"lane": lane}},
                              self.authorizations[lane])
            tasks = reply["instance"]["tasks"]
            task_id = tasks[0]["id"] if tasks else None


def _instrumentation(on: bool) -> None:
    """Switch callgrind's instrumentation of this process (nothing when not running under callgrind)."""
    if shutil.which("callgrind_control") is None:
        return
    subprocess.run(["callgrind_control", "-i", "on" if on else "off", str(os.getpid())],
                   check=False, capture_output=True)


def run(url: str, walks: int) -> None:
    cast = seeding.seed(url)
    app = _App(url, cast)
    walker = WsgiWalker(app.app, [headers["Authorization"] for headers in app.people])
    for _ in range(30):
        walker.walk()
    gc.collect()
    gc.freeze()  # as the server's workers do once loaded
    _instrumentation(True)
    for _ in range(walks):
        walker.walk()
    _instrumentation(False)
    print(f"{walks} walks (start + three completions) on {url.split(':', 1)[0]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--walks", type=int, default=20)
    args = parser.parse_args()
    if args.backend == "sqlite":
        with seeding.sqlite_database() as url:
            run(url, args.walks)
    else:
        with seeding.postgres_database("vinhdanh_bench_instructions") as url:
            run(url, args.walks)


if __name__ == "__main__":
    main()
