"""The OpenAPI 3.0.3 document, rendered from the routes (paths, path parameters) and `OPERATIONS`
(bodies, query parameters, responses, error statuses), through apispec's marshmallow plugin."""

from __future__ import annotations

import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask
from werkzeug.routing import Rule

from ..bounds import MAX_ID
from . import bodies
from .operations import OPERATIONS, ListOf, Op

ERRORS = {
    400: "Malformed request: JSON that does not parse or is not an object, NaN, NUL characters, lone "
         "surrogates, nesting deeper than 64, a query parameter out of its range",
    401: "Missing, invalid or expired bearer token (or wrong credentials at sign-in)",
    403: "Signed in but not allowed to do this (`forbidden`), or, on every call but the token's and "
         "`POST /api/v1/auth/password`, `password_change_required`: an administrator set the account's password "
         "(a new account or a reset), and it must first be changed with `POST /api/v1/auth/password` (or on the "
         "pages, Đổi mật khẩu); the token response says so in `password_must_change`",
    404: "Not found, or not visible to you",
    405: "The path, with these parameter values, names a resource that does not take this method (see Allow)",
    409: "Conflict: already done, held by someone else, a stale version, or a state that does not allow it",
    413: "Request body over the limit",
    415: "Body sent as neither application/json nor multipart/form-data",
    422: "Validation failed: `details.fields` maps each field to its messages",
    429: "Too many attempts; see Retry-After",
}
_PARAM = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
_PATH_SCHEMAS = {
    "int": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    "path": {"type": "string", "minLength": 1},
    None: {"type": "string", "minLength": 1, "maxLength": 255},
}


def _path(rule: Rule) -> tuple[str, list[dict]]:
    parameters = [{"name": name, "in": "path", "required": True,
                   "schema": dict(_PATH_SCHEMAS.get(kind, _PATH_SCHEMAS[None]))}
                  for kind, name in _PARAM.findall(rule.rule)]
    return _PARAM.sub(r"{\2}", rule.rule), parameters


def _content(response, media: str) -> dict:
    if isinstance(response, ListOf):
        schema = {"type": "object", "required": ["items", "total"], "properties": {
            "items": {"type": "array", "items": response.item}, "total": {"type": "integer", "minimum": 0}}}
    else:
        schema = response
    return {media: {"schema": schema}}


def _request_body(op: Op) -> dict | None:
    if op.body is not None:
        required = any(field.required for field in op.body._declared_fields.values())
        return {"required": required, "content": {"application/json": {"schema": op.body}}}
    if op.upload is not None:
        return {"required": True, "content": {"multipart/form-data": {"schema": {
            "type": "object", "properties": op.upload, "required": sorted(op.upload)}}}}
    return None


def _error_statuses(op: Op, has_path_parameters: bool) -> set[int]:
    statuses = {400, *op.errors}
    if not op.public:
        statuses.add(401)
        if not op.open_while_password_held:
            statuses.add(403)  # `password_change_required` for an account still on its temporary password
    if has_path_parameters:
        statuses |= {404, 405}
    if op.body is not None or op.upload is not None:
        statuses |= {413, 415, 422}
    if op.query is not None:
        statuses.add(400)
    return statuses


def operation(key: str, op: Op, view, parameters: list[dict]) -> dict:
    doc = (view.__doc__ or key).strip().splitlines()
    success = {str(status): {"description": "OK" if status < 300 else "No content"} for status in (op.status, *op.also)}
    if op.response is not None:
        for status in (op.status, *op.also):
            success[str(status)]["content"] = _content(op.response, op.media)
    errors = {str(status): {"description": ERRORS[status], "content": {"application/json": {"schema": "ErrorOut"}}}
              for status in sorted(_error_statuses(op, bool(parameters)))}
    spec_op: dict = {"operationId": key, "summary": doc[0], "tags": [key.split(".")[0]],
                     "parameters": list(parameters), "responses": {**success, **errors}}
    if len(doc) > 1:
        spec_op["description"] = "\n".join(line.strip() for line in doc[1:]).strip()
    if op.query is not None:
        spec_op["parameters"].append({"in": "query", "schema": op.query})
    body = _request_body(op)
    if body is not None:
        spec_op["requestBody"] = body
    if not op.public:
        spec_op["security"] = [{"bearer": []}]
    return spec_op


def build_spec(app: Flask) -> dict:
    spec = APISpec(title="Vinh Danh API", version="1.0.0", openapi_version="3.0.3", plugins=[MarshmallowPlugin()],
                   info={"description": "Workflow and document approval for emulation and commendation. "
                                        "Errors: `{\"error\": {\"code\", \"message\", \"details\"}}`."})
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("ErrorOut", schema=bodies.ErrorOut)
    paths: dict[str, dict] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if not rule.rule.startswith("/api/v1"):
            continue
        key = rule.endpoint.removeprefix("api.")
        # A route missing from OPERATIONS still appears (bare), and tests/api/test_openapi.py names it.
        op = OPERATIONS.get(key, Op({"type": "object"}))
        path, parameters = _path(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = operation(key, op, app.view_functions[rule.endpoint],
                                                                   parameters)
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()
