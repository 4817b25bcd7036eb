"""Hostile input stops at the edge with a clear 4xx, before any operation runs (issue 9 §2).

Everything here answers in the one error body shape: ids beyond the columns' range (404, as an id
that does not exist), NUL characters, lone surrogates, NaN and JSON nested deeper than any form
(400), API bodies that are not JSON or multipart (415), over-long URLs (414) and headers (431), bodies
over the limit however they are sent (413). Database errors a value can still provoke (PostgreSQL's
range and length checks, SQLite's integer size) are client errors, never 500s. (405 with `Allow` is
service/http's; service/serving.py has the server pass lines and headers on to these checks, up to its hard bounds.)
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider
from sqlalchemy.exc import DataError
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import IntegerConverter

from .. import jsontext
from ..http.errors import error_response
from ..i18n import msg
from .bounds import MAX_ID

MAX_JSON_DEPTH = 64  # far deeper than any form; the engine, the dumps and the database all recurse
MAX_URL = 8000
MAX_HEADERS = 16 * 1024
BODY_TYPES = ("application/json", "multipart/form-data")
_COMPACT = {"separators": (",", ":")}  # what DefaultJSONProvider.response asks for out of debug mode


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: an id beyond the column's range matches no route (404)."""

    def __init__(self, map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def check_json_value(value: Any) -> None:
    """Raise ValueError for what JSON text may carry but the service cannot store: NUL characters,
    lone surrogates, nesting deeper than MAX_JSON_DEPTH."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            _check_text(item)
        elif isinstance(item, (dict, list)):
            if depth > MAX_JSON_DEPTH:
                raise ValueError(f"nested deeper than {MAX_JSON_DEPTH} levels")
            if isinstance(item, dict):
                stack.extend((key, depth) for key in item)
                stack.extend((child, depth + 1) for child in item.values())
            else:
                stack.extend((child, depth + 1) for child in item)


def _check_text(text: str) -> None:
    if "\x00" in text:
        raise ValueError("NUL character")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("lone surrogate") from None


class StrictJSONProvider(DefaultJSONProvider):
    """Request bodies: standard JSON only (no NaN/Infinity), bounded depth, storable strings. Responses:
    written by orjson (service/jsontext.py) when compact, as every response is out of debug mode."""

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        if (not kwargs or kwargs == _COMPACT) and not self.ensure_ascii:
            return jsontext.dumps(obj, default=self.default, sort_keys=self.sort_keys)
        return super().dumps(obj, **kwargs)

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            value = (jsontext.loads(s, parse_constant=_refuse_constant) if not kwargs
                     else json.loads(s, parse_constant=_refuse_constant, **kwargs))
        except RecursionError:
            raise ValueError("nested too deep") from None
        if _may_need_checking(s):
            check_json_value(value)
        return value


def _may_need_checking(text: str | bytes) -> bool:
    """Strict JSON text carries a NUL or a lone surrogate only as a \\u escape, and nests deeper than
    MAX_JSON_DEPTH only with that many brackets: most bodies are cleared by C-level scans alone."""
    if isinstance(text, bytes):
        return b"\\u" in text or text.count(b"[") + text.count(b"{") > MAX_JSON_DEPTH
    return "\\u" in text or text.count("[") + text.count("{") > MAX_JSON_DEPTH


def _bad(message: str):
    return error_response(400, "bad_request", message)


def _read_chunked_body() -> None:
    """Read a body sent without Content-Length now: werkzeug cuts it at the limit without a word,
    which would leave a truncated (malformed) body instead of a 413."""
    data = request.get_data(cache=True)
    limit = request.max_content_length
    if limit is not None and len(data) >= limit and request.environ["wsgi.input"].read(1):
        raise RequestEntityTooLarge()


def _check_request():
    """Refusals that need no route: size of the URL and headers, body type, NUL in path, query and form."""
    req = request._get_current_object()  # type: ignore[attr-defined] - runs before every request: no proxy hops
    environ = req.environ
    uri = environ.get("RAW_URI") or environ.get("REQUEST_URI") or req.full_path
    if len(uri) > MAX_URL:
        return error_response(414, "uri_too_long", msg("Địa chỉ quá dài (tối đa {count} ký tự).", count=MAX_URL))
    if sum(len(key) + len(value) for key, value in environ.items() if key.startswith("HTTP_")) > MAX_HEADERS:
        return error_response(431, "headers_too_large", msg("Phần đầu của yêu cầu quá lớn."))
    chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
    mimetype = req.mimetype
    if (req.content_length or chunked) and req.path.startswith("/api/") \
            and not (mimetype in BODY_TYPES or mimetype.endswith("+json")):
        return error_response(415, "unsupported_media_type",
                              msg("Nội dung phải là JSON (application/json) hoặc multipart/form-data."))
    if chunked and req.content_length is None:
        _read_chunked_body()
    query = environ.get("QUERY_STRING", "")
    if "\x00" in req.path or "%00" in query or "\x00" in query or (mimetype == "multipart/form-data" and any(
            text and "\x00" in text for text in (*req.form.keys(), *req.form.values(),
                                                  *(upload.filename for upload in req.files.values())))):
        return _bad(msg("Không được có ký tự NUL."))
    return None


def _out_of_range(exc: Exception):
    # A value the database cannot hold (PostgreSQL: numeric out of range, value too long, NUL;
    # SQLite: an integer beyond 64 bits). The schemas bound the fields they know; this is the backstop.
    return error_response(422, "validation_failed", msg("Giá trị vượt quá giới hạn lưu trữ."), {"fields": {}})


def _bad_text(exc: Exception):
    return _bad(msg("Văn bản không hợp lệ (không phải UTF-8)."))


def install(app: Flask) -> None:
    """Before the routes and authentication: bounded ids, strict JSON, the edge checks, the handlers."""
    app.url_map.converters["int"] = IdConverter
    app.json = StrictJSONProvider(app)
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    app.before_request(_check_request)
    app.register_error_handler(DataError, _out_of_range)
    app.register_error_handler(OverflowError, _out_of_range)
    app.register_error_handler(UnicodeError, _bad_text)



