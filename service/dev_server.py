"""The built-in server's own refusals (a request line or headers it will not read, a malformed request)
answered in the API's JSON error body instead of http.server's HTML page."""

from __future__ import annotations

import json

from werkzeug.serving import WSGIRequestHandler

CODES = {400: "bad_request", 414: "uri_too_long", 431: "headers_too_large", 501: "not_implemented",
         505: "http_version_not_supported"}


class JsonErrorRequestHandler(WSGIRequestHandler):
    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        short = self.responses.get(code, ("Error", ""))[0]
        self.log_error("code %d, message %s", code, message)
        # The status line carries only the standard phrase: `message` may echo the client's bytes.
        self.send_response(code, short)
        body = json.dumps({"error": {"code": CODES.get(code, "http_error"), "message": message or short,
                                     "details": {}}}).encode()
        self.send_header("Connection", "close")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.close_connection = True
        if self.command != "HEAD" and code >= 200 and code not in (204, 205, 304):
            self.wfile.write(body)
