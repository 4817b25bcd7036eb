"""Checks for data submitted to a task without a form: plain variable names and a bounded size."""

from __future__ import annotations

import json
import keyword
from typing import Any

from service.forms.messages import message

DEFAULT_MAX_BYTES = 256 * 1024


def _is_variable_name(key: Any) -> bool:
    # Process variables are read by name in gateway conditions and scripts, so keys must be usable
    # identifiers; a leading "_" is reserved for the engine's own bookkeeping.
    return isinstance(key, str) and key.isidentifier() and not key.startswith("_") and not keyword.iskeyword(key)


def freeform_errors(data: dict[str, Any], *, locale: str, max_bytes: int = DEFAULT_MAX_BYTES) -> dict[str, list[str]]:
    """Field errors for a form-less submission (empty when it is acceptable)."""
    errors: dict[str, list[str]] = {}
    for key in data:
        if not _is_variable_name(key):
            errors[str(key)] = [message("invalid_key", locale)]
    try:
        encoded = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError, RecursionError):
        errors.setdefault("_schema", []).append(message("not_json", locale))
        return errors
    if len(encoded.encode("utf-8")) > max_bytes:
        errors.setdefault("_schema", []).append(message("too_large", locale, max_bytes=max_bytes))
    return errors
