"""Security headers on every response, pages and API alike: no MIME sniffing, a strict
Content-Security-Policy (scripts and everything else from this origin only, no plugins, no framing
by others), no referrer leaking across sites."""

from __future__ import annotations

from flask import Flask, Response

# Styles allow inline attributes: the process diagram (bpmn-js) and the form editor set `style`
# attributes on the elements they draw. Scripts never run inline.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "frame-src 'self'",
    "frame-ancestors 'self'",
    "base-uri 'self'",
    "form-action 'self'",
))


def install(app: Flask) -> None:
    @app.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        headers["X-Content-Type-Options"] = "nosniff"
        # Not headers.setdefault: werkzeug finds a header missing by raising and catching an HTTP
        # exception, on every response (it is the usual case here).
        present = {name.lower() for name, _value in headers.items()}
        if "content-security-policy" not in present:
            headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        if "referrer-policy" not in present:
            headers["Referrer-Policy"] = "same-origin"
        return response
