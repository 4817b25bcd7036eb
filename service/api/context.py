"""Per-request plumbing: one database session and one transaction, and the authenticated user."""

from __future__ import annotations

from flask import Flask, current_app, g, request
from sqlalchemy.orm import Session
from werkzeug.exceptions import BadRequest

from ..db import begin_write
from ..errors import AuthenticationFailed
from ..models import User
from .errors import STALE, error_response

PUBLIC_PATHS = ("/api/v1/auth/token", "/api/v1/openapi.json", "/api/v1/docs", "/healthz", "/api/v1/public/")


READ_METHODS = ("GET", "HEAD", "OPTIONS")


def db() -> Session:
    if "db" not in g:
        g.db = current_app.extensions["vinhdanh"].session_factory()
        if request.method not in READ_METHODS:
            begin_write(g.db)  # SQLite: wait for the write lock up front, never fail on it halfway
    return g.db


def current_user() -> User:
    user = g.get("user")
    if user is None:
        raise AuthenticationFailed("Cần đăng nhập. / Authentication required.")
    return user


def json_body() -> dict:
    """The request's JSON object; 400 when malformed or not an object."""
    if not request.data:
        return {}
    try:
        body = request.get_json(force=True, silent=False)
    except BadRequest:
        raise BadRequest("JSON không hợp lệ. / Malformed JSON.") from None
    if not isinstance(body, dict):
        raise BadRequest("Nội dung phải là một đối tượng JSON. / The body must be a JSON object.")
    return body


def page_args() -> tuple[int, int]:
    try:
        limit = int(request.args.get("limit", 50))
        offset = int(request.args.get("offset", 0))
    except ValueError:
        raise BadRequest("limit và offset phải là số nguyên. / limit and offset must be integers.") from None
    if limit < 1 or limit > 500 or offset < 0:
        raise BadRequest("limit phải từ 1 đến 500, offset ≥ 0. / limit 1..500, offset ≥ 0.")
    return limit, offset


def install(app: Flask) -> None:
    @app.before_request
    def _authenticate():
        path = request.path
        if not path.startswith("/api/v1") or path.startswith(PUBLIC_PATHS):
            return None
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return error_response(401, "unauthorized", "Cần đăng nhập. / Authentication required.")
        signer = current_app.extensions["vinhdanh"].token_signer
        try:
            g.user = signer.user_for(db(), token.strip())
        except AuthenticationFailed as exc:
            return error_response(401, exc.code, exc.message)
        return None

    @app.after_request
    def _commit(response):
        session = g.get("db")
        if session is None:
            return response
        if response.status_code >= 400:
            session.rollback()
            return response
        try:
            session.commit()
        except Exception as exc:  # a lost race found at commit time is a conflict, never a 200
            session.rollback()
            current_app.logger.info("commit failed: %s", exc)
            return error_response(409, "conflict", STALE)
        return response

    @app.teardown_request
    def _close(exc):
        session = g.pop("db", None)
        if session is not None:
            if exc is not None:
                session.rollback()
            session.close()
