"""Check the data submitted to complete a task against the task's form (the single entry point)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, cast

from marshmallow import Schema, ValidationError

from service.errors import ValidationFailed
from service.forms.camunda_formdata import schema_from_formdata
from service.forms.definition import FormDefinition
from service.forms.formjs import schema_from_formjs
from service.forms.freeform import DEFAULT_MAX_BYTES, freeform_errors
from service.forms.messages import DEFAULT_LOCALE, message, normalize_locale
from service.forms.objects import unknown_option

SCHEMA_CACHE_SIZE = 256


class _SchemaCache:
    """A bounded LRU of built schemas: building one walks the whole form, and this runs on every
    task completion while a deployed form never changes (its fingerprint names its content)."""

    def __init__(self, maxsize: int):
        self.maxsize = maxsize
        self._items: OrderedDict[tuple[str, str, str], Schema] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, form: FormDefinition, locale: str, unknown: str) -> Schema:
        key = (form.fingerprint, locale, unknown)
        with self._lock:
            schema = self._items.get(key)
            if schema is not None:
                self._items.move_to_end(key)
                return schema
        # Built outside the lock; two threads racing build the same schema, which is harmless.
        schema = _build(form, locale=locale, unknown=unknown)
        with self._lock:
            self._items[key] = schema
            self._items.move_to_end(key)
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)
        return schema

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


def _build(form: FormDefinition, *, locale: str, unknown: str) -> Schema:
    # FormDefinition checked the schema's shape for its type on construction.
    if form.type == "form-js":
        return schema_from_formjs(cast(dict[str, Any], form.schema), unknown=unknown, locale=locale)
    return schema_from_formdata(cast(list[dict[str, Any]], form.schema), unknown=unknown, locale=locale)


schema_cache = _SchemaCache(SCHEMA_CACHE_SIZE)


def flatten_errors(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """Marshmallow's nested errors as `{"group.field": [...], "list[0].field": [...]}`.

    An error about a whole object (marshmallow's "_schema") is reported on the object's own path.
    """
    flat: dict[str, list[str]] = {}
    if not isinstance(messages, dict):
        items = messages if isinstance(messages, list) else [messages]
        flat[prefix or "_schema"] = [str(item) for item in items]
        return flat
    for key, value in messages.items():
        if key == "_schema":
            path = prefix or "_schema"
        elif isinstance(key, int):
            path = f"{prefix}[{key}]"
        else:
            path = f"{prefix}.{key}" if prefix else str(key)
        for field_path, texts in flatten_errors(value, path).items():
            flat.setdefault(field_path, []).extend(texts)
    return flat


def _fail(fields: dict[str, list[str]], locale: str) -> ValidationFailed:
    return ValidationFailed(message("submission_invalid", locale), details={"fields": fields})


def validate_submission(
    form: FormDefinition | None,
    data: Any,
    *,
    locale: str = DEFAULT_LOCALE,
    unknown: str = "reject",
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> dict[str, Any]:
    """Cleaned, JSON-ready data for completing a task, or ValidationFailed with per-field messages.

    `form` None or of type "none" accepts any object of identifier keys up to `max_bytes` of JSON.
    `unknown` ("reject" or "drop") says what to do with keys the form does not own. A malformed form
    raises FormDefinitionError (a modelling error, not the user's).
    """
    locale = normalize_locale(locale)
    unknown_option(unknown)
    if not isinstance(data, dict):
        raise _fail({"_schema": [message("not_object_root", locale)]}, locale)
    if form is None or form.type == "none":
        errors = freeform_errors(data, locale=locale, max_bytes=max_bytes)
        if errors:
            raise _fail(errors, locale)
        return dict(data)
    schema = schema_cache.get(form, locale, unknown)
    try:
        return cast(dict[str, Any], schema.load(data))
    except ValidationError as exc:
        raise _fail(flatten_errors(exc.messages), locale) from None
