"""Domain errors. Operations raise these; the HTTP edge maps them to statuses once (service/http/errors.py)."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    code = "error"

    def __init__(self, message: str, *, code: str | None = None, details: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details or {}


class NotFound(DomainError):
    code = "not_found"


class PermissionDenied(DomainError):
    code = "forbidden"


class InvalidState(DomainError):
    code = "invalid_state"


class Conflict(DomainError):
    code = "conflict"


class ValidationFailed(DomainError):
    code = "validation_failed"


class AuthenticationFailed(DomainError):
    code = "unauthorized"


class TooManyRequests(DomainError):
    """The caller must wait before trying again (`details.retry_after_seconds`)."""

    code = "too_many_requests"
