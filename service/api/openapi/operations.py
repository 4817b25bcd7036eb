"""What each API route takes and answers, named by endpoint, from the schemas the routes load and
dump. `document.py` renders it; tests/api/test_openapi.py fails on a route without an entry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marshmallow import Schema

from .. import (
    admin,
    auth,
    definitions,
    document_progress,
    documents,
    instances,
    messages,
    tasks,
)
from ..nomination import dossiers as nomination_dossiers
from ..nomination import public as nomination_public
from ..nomination import reference as nomination_reference
from ..nomination import registers as nomination_registers
from ..nomination import registrations as nomination_registrations
from ..nomination import rounds as nomination_rounds
from . import bodies, queries

DOCX = documents.DOCX


@dataclass(frozen=True)
class ListOf:
    """`{"items": [item], "total": n}`."""

    item: type[Schema]


@dataclass(frozen=True)
class Op:
    response: Any = None  # a schema, a ListOf, a raw JSON schema (with `media`), or None for no body
    status: int = 200
    body: type[Schema] | None = None  # JSON body
    upload: dict | None = None  # multipart/form-data body: field → JSON schema
    query: type[Schema] | None = None
    errors: tuple[int, ...] = ()  # besides what every operation of its kind may answer (document.py)
    media: str = "application/json"
    public: bool = False
    also: tuple[int, ...] = ()  # other success statuses
    # Answers an account still on its temporary password (http/install.py OPEN_WHILE_PASSWORD_HELD): no
    # 403 `password_change_required` to list.
    open_while_password_held: bool = False


FILE = {"type": "string", "format": "binary"}
BINARY = {"type": "string", "format": "binary"}
CHANGE = (403, 404, 409)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The import's dry-run report: each row's errors with row and column (nomination/nominee_sheet.py).
IMPORT_REPORT = {"type": "object", "additionalProperties": True}

OPERATIONS: dict[str, Op] = {
    "auth.issue_token": Op(auth.TokenResponse, body=auth.TokenRequest, errors=(401, 429), public=True),
    "auth.change_password": Op(auth.TokenResponse, body=auth.PasswordChangeIn, errors=(429,),
                               open_while_password_held=True),
    "admin.create_org_unit": Op(admin.OrgUnitOut, 201, body=admin.OrgUnitIn, errors=(403, 409)),
    "admin.list_org_units": Op(ListOf(admin.OrgUnitOut)),
    "admin.create_role": Op(admin.RoleOut, 201, body=admin.RoleIn, errors=(403, 409)),
    "admin.list_roles": Op(ListOf(admin.RoleOut)),
    "admin.create_user": Op(admin.UserOut, 201, body=admin.UserIn, errors=(403, 409)),
    "admin.list_users": Op(ListOf(admin.UserOut), errors=(403,)),
    "admin.update_user": Op(admin.UserOut, body=admin.UserPatch, errors=(403, 409)),
    "definitions.deploy": Op(definitions.DeployResultOut, 201, upload={"files": {"type": "array", "items": FILE}},
                             query=queries.DeployQuery, errors=(403, 404, 409), also=(200,)),
    "definitions.list_definitions": Op(ListOf(definitions.ProcessVersionOut)),
    "definitions.get_bpmn": Op({"type": "string"}, media="application/xml"),
    "definitions.get_lane_roles": Op(ListOf(definitions.LaneRoleOut)),
    "definitions.put_lane_roles": Op(ListOf(definitions.LaneRoleOut), body=definitions.LaneRolesIn, errors=CHANGE),
    "documents.list_documents": Op(ListOf(documents.DocumentOut)),
    "document_progress.round_documents_progress": Op(document_progress.ProgressOut),
    "document_progress.retry_pdf": Op(documents.DocumentDetailOut, 202, errors=CHANGE),
    "documents.get_document": Op(documents.DocumentDetailOut),
    "documents.document_content": Op(BINARY, media=DOCX),
    "documents.document_pdf": Op(BINARY, media=documents.PDF, query=queries.PdfQuery, errors=(409,)),
    "documents.list_templates": Op(ListOf(documents.TemplateOut), query=queries.TemplateQuery, errors=(404, 422)),
    "documents.upload_template": Op(documents.TemplateOut, 201, upload={"kind": {"type": "string"}, "file": FILE,
                                                                        "activate": {"type": "boolean"}},
                                    errors=(403, 409)),
    "documents.template_content": Op(BINARY, media=DOCX),
    "documents.check_template": Op(documents.TemplateCheckOut),
    "documents.template_preview": Op(BINARY, media=DOCX, errors=(409,)),
    "documents.activate_template": Op(documents.TemplateOut, errors=(*CHANGE, 422)),
    "instances.start": Op(bodies.InstanceWithTasks, 201, body=instances.StartIn, errors=CHANGE),
    "instances.list_instances": Op(ListOf(instances.InstanceOut), query=queries.InstanceQuery),
    "instances.get_instance": Op(bodies.InstanceWithTasks),
    "instances.history": Op(ListOf(instances.HistoryOut)),
    "instances.retry": Op(bodies.InstanceWithTasks, body=instances.RetryIn, errors=CHANGE),
    "instances.terminate": Op(bodies.InstanceWithTasks, body=instances.TerminateIn, errors=CHANGE),
    "instances.skip": Op(bodies.InstanceWithTasks, body=instances.ReasonIn, errors=CHANGE),
    "instances.suspend": Op(bodies.InstanceWithTasks, body=instances.ReasonIn, errors=CHANGE),
    "instances.resume": Op(bodies.InstanceWithTasks, body=instances.ReasonIn, errors=CHANGE),
    "messages.send": Op(bodies.DeliveredOut, body=messages.MessageIn, errors=CHANGE),
    "tasks.inbox": Op(ListOf(tasks.TaskOut), query=queries.TaskQuery),
    "tasks.get_task": Op(bodies.TaskDetail),
    "tasks.claim": Op(tasks.TaskOut, errors=CHANGE),
    "tasks.unclaim": Op(tasks.TaskOut, errors=CHANGE),
    "tasks.complete": Op(bodies.CompletedOut, body=tasks.CompleteIn, errors=CHANGE),
    "tasks.reassign": Op(tasks.TaskOut, body=tasks.ReassignIn, errors=CHANGE),
    "nomination_dossiers.create_dossier": Op(nomination_dossiers.DossierOut, 201, body=nomination_dossiers.DossierIn,
                                             errors=CHANGE),
    "nomination_dossiers.list_dossiers": Op(ListOf(nomination_dossiers.DossierOut), query=queries.DossierQuery),
    "nomination_dossiers.get_dossier": Op(nomination_dossiers.DossierOut),
    "nomination_dossiers.add_nominee": Op(nomination_dossiers.NomineeOut, 201, body=nomination_dossiers.NomineeIn,
                                          errors=CHANGE),
    "nomination_dossiers.update_nominee": Op(nomination_dossiers.NomineeOut, body=nomination_dossiers.NomineePatch,
                                             errors=CHANGE),
    "nomination_dossiers.remove_nominee": Op(None, 204, errors=CHANGE),
    "nomination_dossiers.set_hold": Op(nomination_dossiers.NomineeOut, body=nomination_dossiers.HoldIn,
                                       errors=CHANGE),
    "nomination_public.list_notices": Op(ListOf(bodies.NoticeWithNominees), public=True),
    "nomination_public.get_notice": Op(bodies.NoticeWithNominees, public=True),
    "nomination_public.comment": Op(nomination_public.PublicCommentOut, 201, body=nomination_public.PublicCommentIn,
                                    errors=(409, 429), public=True),
    "nomination_reference.import_org_units": Op(nomination_reference.ImportOut, upload={"file": FILE},
                                                errors=(403, 409)),
    "nomination_reference.import_users": Op(nomination_reference.ImportOut, upload={"file": FILE}, errors=(403, 409)),
    "nomination_reference.list_parameters": Op(ListOf(nomination_reference.ParameterOut),
                                               query=queries.ParameterQuery),
    "nomination_reference.add_parameter": Op(nomination_reference.ParameterOut, 201,
                                             body=nomination_reference.ParameterIn, errors=(403, 409)),
    "nomination_reference.list_editions": Op(ListOf(nomination_reference.DxEditionOut)),
    "nomination_reference.list_scores": Op(ListOf(nomination_reference.DxScoreOut), query=queries.ScoresQuery),
    "nomination_reference.import_scores": Op(nomination_reference.ScoresImportOut, upload={"file": FILE},
                                             query=queries.EditionQuery, errors=(403, 404, 409)),
    "exports.round_dossiers": Op(BINARY, media=XLSX, errors=(404,)),
    "exports.ranking": Op(BINARY, media=XLSX, errors=(404,)),
    "exports.awards_register": Op(BINARY, media=XLSX, query=queries.AwardsExportQuery, errors=(404,)),
    "exports.document_register": Op(BINARY, media=XLSX, query=queries.RegisterExportQuery, errors=(404,)),
    "exports.registration_report": Op(BINARY, media=XLSX, query=queries.ReportQuery, errors=(404, 409)),
    "nomination_dossiers.nominee_template": Op(BINARY, media=XLSX),
    "nomination_dossiers.import_nominees": Op(IMPORT_REPORT, upload={"file": FILE}, query=queries.DryRunQuery,
                                              errors=(*CHANGE, 413, 422)),
    "nomination_registers.awards_register": Op(ListOf(nomination_registers.AwardRecordOut),
                                               query=queries.AwardsQuery, errors=(404,)),
    "nomination_registers.document_register": Op(ListOf(nomination_registers.RegisteredDocumentOut),
                                                 query=queries.RegisterQuery, errors=(404,)),
    "nomination_registers.decision_register": Op(ListOf(nomination_registers.RegisteredDocumentOut),
                                                 query=queries.DecisionQuery, errors=(404,)),
    "nomination_registrations.create_registration": Op(nomination_registrations.RegistrationOut, 201,
                                                       body=nomination_registrations.RegistrationIn, errors=CHANGE),
    "nomination_registrations.list_registrations": Op(ListOf(nomination_registrations.RegistrationOut),
                                                      query=queries.RegistrationsQuery, errors=(404,)),
    "nomination_registrations.get_registration": Op(nomination_registrations.RegistrationOut),
    "nomination_registrations.report": Op(nomination_registrations.RegistrationReportOut, query=queries.ReportQuery,
                                          errors=(403, 404, 409)),
    "nomination_rounds.list_movements": Op(ListOf(nomination_rounds.MovementOut)),
    "nomination_rounds.create_movement": Op(nomination_rounds.MovementOut, 201, body=nomination_rounds.MovementIn,
                                            errors=(403, 409)),
    "nomination_rounds.get_movement": Op(nomination_rounds.MovementOut),
    "nomination_rounds.add_lead": Op(nomination_rounds.LeadOut, 201, body=nomination_rounds.LeadIn, errors=CHANGE),
    "nomination_rounds.list_rounds": Op(ListOf(nomination_rounds.RoundOut), query=queries.RoundsQuery),
    "nomination_rounds.get_round": Op(nomination_rounds.RoundOut),
    "nomination_rounds.open_round": Op(nomination_rounds.RoundOut, body=nomination_rounds.RoundOpenIn, errors=CHANGE),
    "nomination_rounds.set_quotas": Op(nomination_rounds.RoundOut, body=nomination_rounds.QuotasIn, errors=CHANGE),
    "nomination_rounds.close_round": Op(nomination_rounds.RoundOut, body=nomination_rounds.CloseIn, errors=CHANGE),
    "nomination_rounds.ranking": Op(ListOf(nomination_rounds.RankedOut)),
    "nomination_rounds.ties": Op(ListOf(bodies.TieOut)),
    "nomination_rounds.resolve_tie": Op(ListOf(bodies.TieOut), body=nomination_rounds.TieResolutionIn, errors=CHANGE),
    "nomination_rounds.round_comments": Op(ListOf(nomination_rounds.CommentOut)),
    "nomination_rounds.round_nominees": Op(ListOf(nomination_rounds.RankedOut), query=queries.OutcomeQuery),
    "openapi.openapi_json": Op({"type": "object"}, public=True),
    "openapi.docs": Op({"type": "string"}, media="text/html", public=True),
    "openapi.docs_assets": Op(BINARY, media="application/octet-stream", public=True),
}
