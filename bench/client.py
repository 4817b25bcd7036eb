"""A keep-alive JSON client for the API (http.client, one connection per client object)."""

from __future__ import annotations

import http.client
import json
import time
from dataclasses import dataclass

from .server import HOST


@dataclass
class Reply:
    status: int
    body: dict
    seconds: float


class ApiClient:
    """One persistent connection to 127.0.0.1:port; reconnects when the server closes it."""

    def __init__(self, port: int, timeout: float = 60.0):
        self.port = port
        self._connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
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
        headers = {"Accept": "application/json"}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        token = self._token if token is None else token
        if token:
            headers["Authorization"] = f"Bearer {token}"
        started = time.perf_counter()
        try:
            self._connection.request(method, path, body=payload, headers=headers)
            response = self._connection.getresponse()
            raw = response.read()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # A keep-alive connection the server closed while idle: retry once on a fresh one.
            self.retries += 1
            self._connection.close()
            started = time.perf_counter()
            self._connection.request(method, path, body=payload, headers=headers)
            response = self._connection.getresponse()
            raw = response.read()
        seconds = time.perf_counter() - started
        try:
            parsed = json.loads(raw) if raw else {}
        except ValueError:
            parsed = {"raw": raw[:500].decode(errors="replace")}
        return Reply(response.status, parsed, seconds)

    def close(self) -> None:
        self._connection.close()
