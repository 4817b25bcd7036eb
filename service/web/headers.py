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
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response
