"""A keep-alive JSON client for the API: HTTP/1.1 over one socket per client object.

Not http.client: its request building and header parsing (email.parser) cost 0.13–0.15 ms of the
client's CPU per request, against 0.07 ms here, and 0.06–0.10 ms more wall time (GET /healthz through
`make run`'s server, 2,000 requests each, in turn). That time was in every latency the benchmarks printed, and in
the CPU the client threads took from the cores PostgreSQL's throughput run shares with the server.
`python -m bench.client` measures both clients again against a fresh server.
"""

from __future__ import annotations

import json
import socket
import time
from dataclasses import dataclass

from .server import HOST

_RECEIVE = 1 << 16


@dataclass
class Reply:
    status: int
    body: dict
    seconds: float


class _Disconnected(Exception):
    """The server closed the keep-alive connection before answering (it may do so while idle)."""


class ApiClient:
    """One persistent connection to 127.0.0.1:port; reconnects when the server closes it."""

    def __init__(self, port: int, timeout: float = 60.0):
        self.port = port
        self.timeout = timeout
        self._socket: socket.socket | None = None
        self._token: str | None = None
        self.retries = 0  # reported: a retried request may have reached the server once already

    def login(self, username: str, password: str) -> ApiClient:
        """Log in as `username`; later calls carry that user's token unless given another."""
        self._token = self.token_for(username, password)
        return self

    def token_for(self, username: str, password: str) -> str:
        """A bearer token for `username` (tokens are signed, not stored: any connection may use them)."""
        reply = self.call("POST", "/api/v1/auth/token", {"username": username, "password": password}, token="")
        if reply.status != 200:
            raise RuntimeError(f"login {username}: {reply.status} {reply.body}")
        return reply.body["access_token"]

    def call(self, method: str, path: str, body: dict | None = None, *, token: str | None = None) -> Reply:
        """Send one request; `seconds` is from sending to the whole response body being read."""
        lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{self.port}", "Accept: application/json"]
        payload = b""
        if body is not None:
            payload = json.dumps(body).encode()
            lines += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
        elif method not in ("GET", "HEAD"):
            lines.append("Content-Length: 0")
        token = self._token if token is None else token
        if token:
            lines.append(f"Authorization: Bearer {token}")
        request = ("\r\n".join(lines) + "\r\n\r\n").encode() + payload
        started = time.perf_counter()
        try:
            status, raw = self._exchange(request, method)
        except (_Disconnected, ConnectionResetError, BrokenPipeError):
            # A keep-alive connection the server closed while idle: retry once on a fresh one.
            self.retries += 1
            self.close()
            started = time.perf_counter()
            status, raw = self._exchange(request, method)
        seconds = time.perf_counter() - started
        try:
            parsed = json.loads(raw) if raw else {}
        except ValueError:
            parsed = {"raw": raw[:500].decode(errors="replace")}
        return Reply(status, parsed, seconds)

    def _exchange(self, request: bytes, method: str) -> tuple[int, bytes]:
        if self._socket is None:
            self._socket = socket.create_connection((HOST, self.port), timeout=self.timeout)
            self._socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        connection = self._socket
        connection.sendall(request)
        buffer = b""
        while (end := buffer.find(b"\r\n\r\n")) < 0:
            chunk = connection.recv(_RECEIVE)
            if not chunk:
                raise _Disconnected
            buffer += chunk
        head, rest = buffer[:end].decode("latin-1"), buffer[end + 4:]
        status_line, *header_lines = head.split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        headers = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
            body = b""
        elif "content-length" in headers:
            body = self._read_exactly(rest, int(headers["content-length"]))
        elif "chunked" in headers.get("transfer-encoding", "").lower():
            body = self._read_chunked(rest)
        else:  # delimited by the server closing the connection
            body = rest + self._read_to_close()
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, body

    def _read_exactly(self, buffer: bytes, length: int) -> bytes:
        while len(buffer) < length:
            chunk = self._socket.recv(_RECEIVE)
            if not chunk:
                raise ConnectionResetError("the server closed the connection mid-body")
            buffer += chunk
        return buffer[:length]

    def _read_chunked(self, buffer: bytes) -> bytes:
        body = b""
        while True:
            while (end := buffer.find(b"\r\n")) < 0:
                buffer += self._more()
            size = int(buffer[:end].split(b";")[0], 16)
            buffer = buffer[end + 2:]
            while len(buffer) < size + 2:
                buffer += self._more()
            if size == 0:
                return body  # no trailers are sent to this client
            body, buffer = body + buffer[:size], buffer[size + 2:]

    def _read_to_close(self) -> bytes:
        parts = []
        while chunk := self._socket.recv(_RECEIVE):
            parts.append(chunk)
        self.close()
        return b"".join(parts)

    def _more(self) -> bytes:
        chunk = self._socket.recv(_RECEIVE)
        if not chunk:
            raise ConnectionResetError("the server closed the connection mid-body")
        return chunk

    def close(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None


def _compare(requests: int = 2000, rounds: int = 2) -> None:
    """Client CPU and wall time per GET /healthz: this client against http.client, in turn."""
    import http.client
    import statistics

    from . import seeding, server

    def timed(call) -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        call()
        return time.perf_counter() - wall, time.process_time() - cpu

    with seeding.sqlite_database() as url:
        seeding.seed(url)
        with server.make_run(url) as served:
            ours = ApiClient(served.port)
            stdlib = http.client.HTTPConnection(HOST, served.port)

            def with_stdlib():
                stdlib.request("GET", "/healthz", headers={"Accept": "application/json"})
                json.loads(stdlib.getresponse().read())

            def with_ours():
                ours.call("GET", "/healthz")

            for _ in range(rounds):
                for name, call in (("http.client", with_stdlib), ("bench.client", with_ours)):
                    for _ in range(200):
                        call()
                    samples = [timed(call) for _ in range(requests)]
                    print(f"{name:<12} wall median {statistics.median(s[0] for s in samples) * 1000:.3f} ms,"
                          f" client CPU {statistics.mean(s[1] for s in samples) * 1000:.3f} ms per request")
            ours.close()
            stdlib.close()


if __name__ == "__main__":
    _compare()
