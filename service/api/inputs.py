"""Reading the API's request bodies and list arguments (the request plumbing itself is service/http/)."""

from __future__ import annotations

from flask import request
from werkzeug.exceptions import BadRequest

from ..i18n import msg

# Bodies werkzeug reads as a form: `request.data` parses them (with the form limits) and is then empty.
_FORM_TYPES = frozenset({"multipart/form-data", "application/x-www-form-urlencoded"})


def json_body() -> dict:
    """The request's JSON object; 400 when malformed or not an object."""
    req = request._get_current_object()  # type: ignore[attr-defined] - on every call with a body: no proxy hops
    # Any other body is read as it is: `request.data` would first set up werkzeug's form parser to
    # find it has nothing to parse (half the cost of reading a step's JSON body).
    data = req.data if req.mimetype in _FORM_TYPES else req.get_data(cache=True)
    if not data:
        return {}
    try:
        body = req.get_json(force=True, silent=False)
    except BadRequest:
        raise BadRequest(msg("JSON không hợp lệ.")) from None
    if not isinstance(body, dict):
        raise BadRequest(msg("Nội dung phải là một đối tượng JSON."))
    return body


def page_args() -> tuple[int, int]:
    try:
        limit = int(request.args.get("limit", 50))
        offset = int(request.args.get("offset", 0))
    except ValueError:
        raise BadRequest(msg("limit và offset phải là số nguyên.")) from None
    if limit < 1 or limit > 500 or offset < 0:
        raise BadRequest(msg("limit phải từ 1 đến 500, offset ≥ 0."))
    return limit, offset
