"""Wire the request plumbing into an app: principal, transaction, locale, errors."""

from __future__ import annotations

from flask import Flask, g, request

from ..errors import AuthenticationFailed
from .errors import error_response, register_error_handlers, stale_response
from .principal import authenticate_bearer, authenticate_cookie
from .transaction import install as install_transaction


def install(app: Flask) -> None:
    """Every request: who asks (bearer under /api, cookie elsewhere), one transaction, mapped errors."""

    @app.before_request
    def _authenticate():
        g.pop("user", None)
        if request.path == "/healthz" or request.path.startswith("/static/"):
            return None
        if request.path.startswith("/api/"):
            try:
                authenticate_bearer()
            except AuthenticationFailed as exc:
                return error_response(401, exc.code, exc.message)
            return None
        authenticate_cookie()
        return None

    install_transaction(app, on_commit_failure=stale_response)
    register_error_handlers(app)
