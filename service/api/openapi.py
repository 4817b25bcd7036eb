"""The OpenAPI document (built from the marshmallow schemas) and the local Swagger UI."""

from __future__ import annotations

from pathlib import Path

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, Flask, current_app, jsonify, render_template_string, send_from_directory

from . import (
    admin,
    auth,
    definitions,
    documents,
    instances,
    messages,
    nomination_dossiers,
    nomination_public,
    nomination_reference,
    nomination_registers,
    nomination_registrations,
    nomination_rounds,
    tasks,
)

bp = Blueprint("openapi", __name__, url_prefix="/api/v1")

VENDOR = Path(__file__).resolve().parent.parent / "static" / "vendor" / "swagger-ui"

SCHEMAS = [
    auth.TokenRequest, auth.TokenResponse, admin.OrgUnitIn, admin.OrgUnitOut, admin.RoleIn, admin.RoleOut,
    admin.UserIn, admin.UserPatch, admin.UserOut, definitions.DeploymentOut, definitions.ProcessVersionOut,
    instances.StartIn, instances.InstanceOut, instances.HistoryOut, instances.RetryIn, instances.TerminateIn,
    tasks.TaskOut, tasks.CompleteIn, tasks.ReassignIn, messages.MessageIn,
    nomination_reference.ImportOut, nomination_reference.ScoresImportOut, nomination_reference.ParameterIn,
    nomination_reference.ParameterOut, nomination_reference.DxEditionOut, nomination_reference.DxScoreOut,
    nomination_rounds.LeadIn, nomination_rounds.LeadOut, nomination_rounds.MovementIn, nomination_rounds.MovementOut,
    nomination_rounds.RoundOpenIn, nomination_rounds.QuotasIn, nomination_rounds.CloseIn, nomination_rounds.RoundOut,
    nomination_rounds.RankedOut, nomination_rounds.CommentOut, nomination_dossiers.NomineeIn,
    nomination_dossiers.NomineePatch, nomination_dossiers.NomineeOut, nomination_dossiers.DossierIn,
    nomination_dossiers.HoldIn,
    nomination_dossiers.DossierOut, nomination_registrations.RegistrationIn, nomination_registrations.RegistrationOut,
    nomination_registrations.RegistrationReportOut, nomination_registers.AwardRecordOut,
    nomination_registers.RegisteredDocumentOut, nomination_public.PublicNoticeOut, nomination_public.PublicNomineeOut,
    nomination_public.PublicCommentIn, nomination_public.PublicCommentOut,
    documents.DocumentOut, documents.DocumentDetailOut, documents.TemplateOut,
]

DOCS_PAGE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Vinh Danh API</title>
<link rel="stylesheet" href="{{ base }}/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="{{ base }}/swagger-ui-bundle.js"></script>
<script src="{{ base }}/docs-init.js"></script>
</body></html>"""


def build_spec(app: Flask) -> dict:
    spec = APISpec(title="Vinh Danh API", version="1.0.0", openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()],
                   info={"description": "Workflow and document approval for emulation and commendation."})
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for schema in SCHEMAS:
        spec.components.schema(schema.__name__, schema=schema)
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1") or rule.endpoint.startswith(("api.openapi.", "static")):
            continue
        view = app.view_functions[rule.endpoint]
        path = rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
        operations = {}
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            operations[method.lower()] = {
                "summary": (view.__doc__ or rule.endpoint).strip().splitlines()[0],
                "operationId": f"{rule.endpoint}.{method.lower()}",
                "responses": {"200": {"description": "OK"}, "default": {"description": "Error body "
                              '{"error": {"code", "message", "details"}}'}},
                **({} if rule.endpoint == "api.auth.issue_token" or rule.endpoint.startswith("api.nomination_public.")
                   else {"security": [{"bearer": []}]}),
            }
        spec.path(path=path, operations=operations)
    return spec.to_dict()


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
    if filename == "docs-init.js":
        return current_app.response_class(
            'window.ui = SwaggerUIBundle({url: "/api/v1/openapi.json", dom_id: "#swagger-ui"});',
            mimetype="application/javascript")
    return send_from_directory(VENDOR, filename)
