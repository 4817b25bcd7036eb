"""The OpenAPI document (built from the marshmallow schemas: document.py, operations.py) and the local
Swagger UI; the edge checks each list's query parameters with the schemas the document shows."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, jsonify, render_template_string, request, send_from_directory

from ...http.errors import error_response
from ...i18n import msg
from .document import build_spec
from .operations import OPERATIONS

bp = Blueprint("openapi", __name__, url_prefix="/api/v1")

VENDOR = Path(__file__).resolve().parents[2] / "static" / "vendor" / "swagger-ui"

DOCS_PAGE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Vinh Danh API</title>
<link rel="stylesheet" href="{{ base }}/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="{{ base }}/swagger-ui-bundle.js"></script>
<script src="{{ base }}/docs-init.js"></script>
</body></html>"""


_QUERY_SCHEMAS = {key: op.query() for key, op in OPERATIONS.items() if op.query is not None}


@bp.before_app_request
def check_query():
    """A list's query parameters against its documented schema (400 with the fields when one is wrong)."""
    schema = _QUERY_SCHEMAS.get((request.endpoint or "").removeprefix("api."))
    if schema is None:
        return None
    problems = schema.validate(request.args.to_dict())
    if problems:
        return error_response(400, "bad_request", msg("Tham số truy vấn không hợp lệ."), {"fields": problems})
    return None


@bp.get("/openapi.json")
def openapi_json():
    """The OpenAPI 3 document."""
    cache = current_app.extensions["vinhdanh"].openapi_cache
    if "spec" not in cache:
        cache["spec"] = build_spec(current_app)
    return jsonify(cache["spec"])


@bp.get("/docs")
def docs():
    """Interactive API docs, served from local assets."""
    return render_template_string(DOCS_PAGE, base="/api/v1/docs/assets")


@bp.get("/docs/assets/<path:filename>")
def docs_assets(filename: str):
    """The Swagger UI's own files."""
    if filename == "docs-init.js":
        return current_app.response_class(
            'window.ui = SwaggerUIBundle({url: "/api/v1/openapi.json", dom_id: "#swagger-ui"});',
            mimetype="application/javascript")
    return send_from_directory(VENDOR, filename)
