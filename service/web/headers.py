"""Security headers on every response, pages and API alike: no MIME sniffing, a strict
Content-Security-Policy (scripts and everything else from this origin only, no plugins, no framing
by others), no referrer leaking across sites."""

from __future__ import annotations

from flask import Flask

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


# Added to every response that does not set its own (a view may send a stricter policy, as the
# sandboxed attachment and the embedded PDF do).
SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("Referrer-Policy", "same-origin"),
)
_BY_NAME = tuple((name.lower(), (name, value)) for name, value in SECURITY_HEADERS)


class SecurityHeaders:
    """WSGI middleware adding `SECURITY_HEADERS` to the header list as the response starts.

    At this level the headers are constant tuples appended to a list; set through werkzeug's `Headers`
    in an after-request hook, each one was checked for line breaks character by character (the policy
    is 300 characters long) on every response. It also covers responses no hook sees."""

    def __init__(self, wsgi_app) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        def start(status, headers, exc_info=None):
            present = {name.lower() for name, _value in headers}
            headers.extend(header for name, header in _BY_NAME if name not in present)
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start)


def install(app: Flask) -> None:
    app.wsgi_app = SecurityHeaders(app.wsgi_app)  # type: ignore[method-assign]
