"""Every error leaves as {"error": {"code", "message", "details"}} — mapped here, once."""

from __future__ import annotations

from flask import Flask, jsonify
from marshmallow import ValidationError as SchemaError
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from ..errors import (
    AuthenticationFailed,
    Conflict,
    DomainError,
    InvalidState,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)

STATUS = {
    NotFound: 404,
    PermissionDenied: 403,
    InvalidState: 409,
    Conflict: 409,
    ValidationFailed: 422,
    AuthenticationFailed: 401,
}

RETRYABLE_SQLSTATES = {"40P01", "40001", "55P03"}  # deadlock, serialization failure, lock not available
STALE = "Dữ liệu đã bị thay đổi bởi một yêu cầu khác; hãy thử lại. / Changed by another request; retry."


def error_response(status: int, code: str, message: str, details: dict | None = None):
    response = jsonify({"error": {"code": code, "message": message, "details": details or {}}})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="vinhdanh"'
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(exc: DomainError):
        status = next((code for cls, code in STATUS.items() if isinstance(exc, cls)), 400)
        return error_response(status, exc.code, exc.message, exc.details)

    @app.errorhandler(SchemaError)
    def _schema(exc: SchemaError):
        fields = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        return error_response(422, "validation_failed", "Dữ liệu không hợp lệ. / Validation failed.",
                              {"fields": fields})

    @app.errorhandler(StaleDataError)
    def _stale(exc: StaleDataError):
        return error_response(409, "conflict", STALE)

    @app.errorhandler(IntegrityError)
    def _integrity(exc: IntegrityError):
        return error_response(409, "conflict", "Xung đột dữ liệu. / Conflicting data.")

    @app.errorhandler(OperationalError)
    def _operational(exc: OperationalError):
        # Deadlocks, lock timeouts, serialization failures and SQLite's busy lock are races the
        # client can retry: a conflict, not a server fault.
        code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
        if code in RETRYABLE_SQLSTATES or "database is locked" in str(exc.orig):
            return error_response(409, "conflict", STALE)
        app.logger.exception("database error")
        return error_response(500, "internal_error", "Lỗi hệ thống. / Internal error.")

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        code = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "too_large",
                415: "unsupported_media_type", 429: "too_many_requests"}.get(exc.code or 500, "http_error")
        return error_response(exc.code or 500, code, exc.description or exc.name)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        app.logger.exception("unhandled error")
        return error_response(500, "internal_error", "Lỗi hệ thống. / Internal error.")
