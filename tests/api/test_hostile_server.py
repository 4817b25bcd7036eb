"""Through a real server socket: a chunked body over the limit answers 413 with the JSON error body."""

from __future__ import annotations

import json
import socket
import threading

import pytest
from werkzeug.serving import make_server


@pytest.fixture
def server(app, create_org_unit, create_user):
    create_org_unit("DEPT")
    create_user("officer", "DEPT", ["unit_officer"])
    app.config["MAX_CONTENT_LENGTH"] = 1000
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    thread.join(5)


def exchange(port: int, raw: bytes) -> tuple[int, dict, dict]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(raw)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    assert headers["Content-Type"].startswith("application/json"), received[:300]
    return int(lines[0].split()[1]), headers, json.loads(body)


def test_a_chunked_body_over_the_limit_is_413(server):
    payload = b'{"username": "officer", "password": "' + b"a" * 5000 + b'"}'
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (payload[:2000], payload[2000:]))
    raw = (b"POST /api/v1/auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
           b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + chunks + b"0\r\n\r\n")
    status, _, body = exchange(server, raw)
    assert status == 413 and body["error"]["code"] == "too_large"
