"""Wire the request plumbing into an app: principal, transaction, locale, errors."""

from __future__ import annotations

from flask import Flask, g, request

from ..errors import AuthenticationFailed
from ..i18n import msg
from ..permissions import must_change_password
from .errors import error_response, register_error_handlers, stale_response
from .principal import authenticate_bearer, authenticate_cookie
from .transaction import install as install_transaction

PASSWORD_CHANGE_REQUIRED = msg("Mật khẩu của tài khoản này do quản trị viên đặt. Vui lòng đổi mật khẩu trước khi "
                               "tiếp tục: gửi POST /api/v1/auth/password với current_password và new_password, "
                               "hoặc dùng mục Đổi mật khẩu trên trang web.")
# What a user held by `must_change_password` may still call besides the public paths (the token among them).
OPEN_WHILE_PASSWORD_HELD = frozenset({"/api/v1/auth/password"})


def install(app: Flask) -> None:
    """Every request: who asks (bearer under /api, cookie elsewhere), one transaction, mapped errors."""

    @app.before_request
    def _authenticate():
        # The objects behind the proxies, once: this runs before every request.
        req, ctx_g = request._get_current_object(), g._get_current_object()  # type: ignore[attr-defined]
        ctx_g.pop("user", None)
        path = req.path
        if path == "/healthz" or path.startswith("/static/"):
            return None
        if path.startswith("/api/"):
            try:
                authenticate_bearer(req, ctx_g)
            except AuthenticationFailed as exc:
                return error_response(401, exc.code, exc.message)
            user = ctx_g.get("user")  # None on the public paths (the token endpoint among them)
            if user is not None and must_change_password(user) and path not in OPEN_WHILE_PASSWORD_HELD:
                return error_response(403, "password_change_required", PASSWORD_CHANGE_REQUIRED)
            return None
        authenticate_cookie()
        return None

    install_transaction(app, on_commit_failure=stale_response)
    register_error_handlers(app)
