"""Through `make run`'s server (Granian): over-long URLs and headers get the application's answer (JSON
414/431 under /api, its HTML page elsewhere), requests beyond the server's hard bounds are refused without
the application seeing them, and bodies over the limit are refused without being read (service/serving.py)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from service.api.input_guard import MAX_HEADERS, MAX_URL
from service.serving import MAX_REQUEST_FIELDS, MAX_REQUEST_HEAD, MAX_REQUEST_LINE
from tests.engine.test_timers_firing import wait_for

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def exchange(port: int, raw: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send raw bytes, read the answer until the server closes; (status, headers, body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        # Refused before everything was sent: the answer is already on its way.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            connection.sendall(raw)
        received = b""
        with contextlib.suppress(ConnectionResetError):
            while chunk := connection.recv(65536):
                received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value for name, value in (line.split(": ", 1) for line in lines[1:] if ": " in line)}
    return int(lines[0].split()[1]), headers, body


def get(port: int, target: str, extra_headers: str = "") -> tuple[int, dict[str, str], bytes]:
    return exchange(port, f"GET {target} HTTP/1.1\r\nHost: x\r\n{extra_headers}Connection: close\r\n\r\n".encode())


@pytest.fixture(scope="module")
def port(database_url) -> Iterator[int]:
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret", "PORT": str(port),
           "HOST": "127.0.0.1", "DEMO_DATA": "0", "WEB_WORKERS": "1", "WEB_THREADS": "2"}
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen([sys.executable, "run.py"], cwd=PROJECT_ROOT, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)

        def answers() -> bool:
            try:
                return get(port, "/healthz")[0] == 200
            except OSError:
                return False

        try:
            wait_for(lambda: answers() or process.poll() is not None, timeout=60.0, step=0.2)
            assert process.poll() is None, "run.py exited"
            yield port
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def json_error(response: tuple[int, dict[str, str], bytes]) -> tuple[int, str]:
    status, headers, body = response
    assert headers["content-type"].startswith("application/json"), (status, headers, body[:300])
    return status, json.loads(body)["error"]["code"]


@pytest.mark.parametrize("length", [MAX_URL + 1, 8191, 20_000, MAX_REQUEST_LINE - 100])
def test_an_over_long_api_url_is_the_json_414_at_any_length_up_to_the_hard_bound(port, length):
    path = "/api/v1/process-instances?q="
    assert json_error(get(port, path + "a" * (length - len(path)))) == (414, "uri_too_long")


def test_an_over_long_page_url_is_the_applications_html_414(port):
    status, headers, body = get(port, "/?q=" + "a" * 20_000)
    assert status == 414 and headers["content-type"].startswith("text/html")
    assert b"<html" in body.lower() and "quá dài".encode() in body


def test_over_long_headers_are_the_json_431_one_long_field_or_many_short_ones(port):
    one_field = f"X-Padding: {'a' * (MAX_HEADERS + 1)}\r\n"
    fields = MAX_REQUEST_FIELDS - 10  # within the server's count bound, together over the application's size
    many_fields = "".join(f"X-P{index}: {'a' * (MAX_HEADERS // fields + 1)}\r\n" for index in range(fields))
    for headers in (one_field, many_fields):
        assert json_error(get(port, "/api/v1/process-instances", headers)) == (431, "headers_too_large")
    status, response_headers, _ = get(port, "/", one_field)
    assert status == 431 and response_headers["content-type"].startswith("text/html")


def test_more_header_fields_than_the_server_takes_are_refused_by_the_server(port):
    many_fields = "".join(f"X-P{index}: a\r\n" for index in range(MAX_REQUEST_FIELDS + 1))
    status, headers, body = get(port, "/api/v1/process-instances", many_fields)
    assert status == 431 and "content-type" not in headers and body == b""
    assert get(port, "/healthz")[0] == 200


def test_beyond_the_hard_bounds_the_server_refuses_without_reading_on_and_keeps_answering(port):
    # A line or a head a megabyte long is not buffered: refused once the bound is passed.
    line = get(port, "/api/v1/process-instances?q=" + "a" * (MAX_REQUEST_LINE * 16))
    head = get(port, "/api/v1/process-instances", f"X-Padding: {'a' * (MAX_REQUEST_HEAD * 16)}\r\n")
    # The server's own bare refusal: the application (which answers JSON under /api) never saw them.
    for status, headers, body in (line, head):
        assert status == 431 and "content-type" not in headers and body == b""
    assert get(port, "/healthz")[0] == 200


def test_a_body_over_the_limit_is_refused_before_it_is_sent(port):
    # A gigabyte announced: the answer comes back at once, without waiting for (or reading) the body.
    raw = (b"POST /api/v1/auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
           b"Content-Length: 1000000000\r\nConnection: close\r\n\r\n" + b'{"username": "')
    assert json_error(exchange(port, raw)) == (413, "too_large")


def test_a_chunked_body_over_the_limit_is_the_json_413(port):
    piece = b"a" * 65536
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for _ in range(400))  # 26 MB, over the 20 MB limit
    raw = (b"POST /api/v1/auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
           b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + chunks + b"0\r\n\r\n")
    assert json_error(exchange(port, raw)) == (413, "too_large")
