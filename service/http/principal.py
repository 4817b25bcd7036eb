"""Who is asking: a bearer token under /api, the signed session cookie on the pages — one User either way."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import current_app, g, request, session

from ..errors import AuthenticationFailed
from ..i18n import msg
from ..models import User
from .transaction import db

if TYPE_CHECKING:
    from flask import Request
    from flask.ctx import _AppCtxGlobals

AUTH_REQUIRED = msg("Cần đăng nhập.")
# Paths anyone may reach without signing in (the API's own list; pages decide per view).
PUBLIC_API_PATHS = ("/api/v1/auth/token", "/api/v1/openapi.json", "/api/v1/docs", "/api/v1/public/")


def current_user() -> User:
    """The authenticated user; AuthenticationFailed when the request has none."""
    user = g.get("user")
    if user is None:
        raise AuthenticationFailed(AUTH_REQUIRED)
    return user


def optional_user() -> User | None:
    return g.get("user")


def is_api_request() -> bool:
    path = request.path
    return path.startswith("/api/") or path == "/healthz"


def authenticate_bearer(req: Request, ctx_g: _AppCtxGlobals) -> None:
    """Under /api: a valid bearer token, else AuthenticationFailed (public paths excepted).

    `req` and `ctx_g` are the request and its `g` (the objects, not the proxies: this runs on every call)."""
    if req.path.startswith(PUBLIC_API_PATHS):
        return
    header = req.environ.get("HTTP_AUTHORIZATION", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationFailed(AUTH_REQUIRED)
    signer = current_app.extensions["vinhdanh"].token_signer
    ctx_g.user = signer.user_for(db(), token.strip())


def authenticate_cookie() -> None:
    """On the pages: the user of the session cookie when it is still valid; nobody otherwise.

    The cookie carries the user's id and token generation: a password change or a disabled account
    ends every open session at once, as it revokes bearer tokens.
    """
    uid, generation = session.get("uid"), session.get("gen")
    if uid is None:
        return
    signer = current_app.extensions["vinhdanh"].token_signer
    user = signer.principals.load(db(), uid)
    if user is None or not user.active or user.token_generation != generation:
        session.clear()
        return
    g.user = user


def sign_in(user: User, *, external: bool = False) -> None:
    """Start a page session for `user` (a fresh cookie: no fixation of an earlier one); `external` when the
    city's identity provider vouched for the user rather than a local password."""
    locale = session.get("locale")
    session.clear()
    session.permanent = True
    session["uid"], session["gen"] = user.id, user.token_generation
    if external:
        session["ext"] = True
    if locale:
        session["locale"] = locale
    g.user = user


def signed_in_externally() -> bool:
    """Whether this page session was opened through the identity provider (no local password used)."""
    return bool(session.get("ext"))


def sign_out() -> None:
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    g.pop("user", None)
