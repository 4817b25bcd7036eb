"""Every error is mapped to its HTTP status here, once; JSON under /api, an HTML page elsewhere.

JSON bodies keep the API's shape `{"error": {"code", "message", "details"}}`; messages are translated
into the request's language at this edge (operations raise them as catalogue messages).
"""

from __future__ import annotations

from collections.abc import Callable

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
    TooManyRequests,
    ValidationFailed,
)
from ..i18n import msg, translate, translate_tree
from .locale import request_locale
from .principal import is_api_request

STATUS: dict[type[DomainError], int] = {
    NotFound: 404,
    PermissionDenied: 403,
    InvalidState: 409,
    Conflict: 409,
    ValidationFailed: 422,
    AuthenticationFailed: 401,
    TooManyRequests: 429,
}
HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
              422: "validation_failed", 429: "too_many_requests", 500: "internal_error"}
RETRYABLE_SQLSTATES = {"40P01", "40001", "55P03"}  # deadlock, serialization failure, lock not available

STALE = msg("Dữ liệu đã bị thay đổi bởi một yêu cầu khác; hãy tải lại và thử lại.")
VALIDATION_FAILED = msg("Dữ liệu không hợp lệ.")
CONFLICTING = msg("Xung đột dữ liệu.")
INTERNAL = msg("Lỗi hệ thống.")
HTTP_MESSAGES = {
    400: msg("Yêu cầu không hợp lệ."),
    401: msg("Cần đăng nhập."),
    403: msg("Bạn không có quyền thực hiện thao tác này."),
    404: msg("Không tìm thấy trang."),
    405: msg("Phương thức không được hỗ trợ."),
    413: msg("Dữ liệu gửi lên quá lớn."),
    415: msg("Kiểu nội dung không được hỗ trợ."),
    429: msg("Quá nhiều yêu cầu; vui lòng thử lại sau."),
}


def status_of(exc: DomainError) -> int:
    return next((code for cls, code in STATUS.items() if isinstance(exc, cls)), 400)


# The pages register their renderer (service/web/errors.py); without one, every error is JSON.
HtmlRenderer = Callable[[int, str, str, dict], object]
_html_renderer: list[HtmlRenderer] = []


def set_html_renderer(renderer: HtmlRenderer) -> None:
    _html_renderer[:] = [renderer]


def error_response(status: int, code: str, message: str, details: dict | None = None):
    """The error as the front end of this request shows it (JSON under /api, a page elsewhere)."""
    locale = request_locale()
    text = translate(message, locale)
    details = translate_tree(details or {}, locale)
    if _html_renderer and not is_api_request():
        return _html_renderer[0](status, code, text, details)
    return json_error(status, code, text, details)


def json_error(status: int, code: str, message: str, details: dict | None = None):
    response = jsonify({"error": {"code": code, "message": message, "details": details or {}}})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="vinhdanh"'
    return response


def stale_response():
    return error_response(409, "conflict", STALE)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(exc: DomainError):
        response = error_response(status_of(exc), exc.code, exc.message, exc.details)
        if isinstance(exc, TooManyRequests) and "retry_after_seconds" in exc.details:
            response.headers["Retry-After"] = str(exc.details["retry_after_seconds"])
        return response

    @app.errorhandler(SchemaError)
    def _schema(exc: SchemaError):
        fields = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        return error_response(422, "validation_failed", VALIDATION_FAILED, {"fields": fields})

    @app.errorhandler(StaleDataError)
    def _stale(exc: StaleDataError):
        return stale_response()

    @app.errorhandler(IntegrityError)
    def _integrity(exc: IntegrityError):
        return error_response(409, "conflict", CONFLICTING)

    @app.errorhandler(OperationalError)
    def _operational(exc: OperationalError):
        # Deadlocks, lock timeouts, serialization failures and SQLite's busy lock are races the
        # client can retry: a conflict, not a server fault.
        code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
        if code in RETRYABLE_SQLSTATES or "database is locked" in str(exc.orig):
            return stale_response()
        app.logger.exception("database error")
        return error_response(500, "internal_error", INTERNAL)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        status = exc.code or 500
        code = HTTP_CODES.get(status, "http_error")
        # Werkzeug's own descriptions are English prose: ours are in the catalogue; a description
        # raised by our code (a msg) is kept.
        description = exc.description if getattr(exc.description, "msgid", None) else None
        response = error_response(status, code, description or HTTP_MESSAGES.get(status, exc.name))
        if status == 405 and getattr(exc, "valid_methods", None):
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        app.logger.exception("unhandled error")
        return error_response(500, "internal_error", INTERNAL)
