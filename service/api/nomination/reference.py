"""Reference data: org-unit and user imports, dated legal parameters, DX index editions and scores."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from marshmallow import Schema, fields, validate
from werkzeug.exceptions import BadRequest

from ...http import current_user, db
from ...i18n import msg
from ...models import LegalParameter
from ...nomination import dx_scores, parameters, reference_import
from ..bounds import fits
from ..inputs import json_body, page_args

bp = Blueprint("nomination_reference", __name__, url_prefix="/api/v1")


def uploaded_file() -> bytes:
    """The multipart field `file` (CSV or XLSX)."""
    upload = request.files.get("file")
    if upload is None:
        raise BadRequest(msg("Cần tải lên trường 'file' (CSV hoặc XLSX)."))
    return upload.stream.read()


class ImportOut(Schema):
    created = fields.Integer()
    updated = fields.Integer()
    renamed = fields.Integer()  # org units only: known units the file renamed (former names kept with their dates)
    warnings = fields.List(fields.Dict())


class ScoresImportOut(Schema):
    edition = fields.String()
    years = fields.List(fields.Integer())
    imported = fields.Integer()
    warnings = fields.List(fields.Dict())


class ParameterIn(Schema):
    key = fields.String(required=True, validate=[fits(LegalParameter.key), validate.Regexp(r"^[a-z][a-z0-9_.]{1,95}$")])
    value = fields.Raw(required=True, allow_none=False)
    valid_from = fields.Date(required=True)
    valid_to = fields.Date(load_default=None, allow_none=True)
    source = fields.String(required=True, validate=validate.Length(3, 500))
    notes = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class ParameterOut(Schema):
    key = fields.String()
    value = fields.Raw()
    valid_from = fields.Date()
    valid_to = fields.Date(allow_none=True)
    source = fields.String()
    notes = fields.String(allow_none=True)


class DxEditionOut(Schema):
    decision_number = fields.String()
    decision_date = fields.Date(allow_none=True)
    valid_from = fields.Date()
    scale = fields.Float()
    bands = fields.List(fields.List(fields.Raw()))
    source = fields.String(allow_none=True)


class DxScoreOut(Schema):
    org_unit_code = fields.Function(lambda score: score.org_unit.code)
    org_unit_name = fields.Function(lambda score: score.org_unit.name)
    year = fields.Integer()
    score = fields.Float()
    rank = fields.Integer(allow_none=True)
    band = fields.String(allow_none=True)
    group = fields.String(allow_none=True)
    edition = fields.Function(lambda score: score.edition.decision_number)


@bp.post("/admin/org-units/import")
def import_org_units():
    """Import org units from CSV/XLSX (multipart `file`); all or nothing, row errors in 422 details."""
    result = reference_import.import_org_units(db(), actor=current_user(), source=uploaded_file())
    return jsonify(ImportOut().dump(result))


@bp.post("/admin/users/import")
def import_users():
    """Import users from CSV/XLSX (multipart `file`); all or nothing, row errors in 422 details."""
    result = reference_import.import_users(db(), actor=current_user(), source=uploaded_file())
    return jsonify(ImportOut().dump(result))


@bp.get("/legal-parameters")
def list_parameters():
    """Dated legal parameters with their sources (`?key=`, `?on=YYYY-MM-DD` for those in force that day)."""
    on = fields.Date().deserialize(request.args["on"]) if request.args.get("on") else None
    rows = parameters.list_parameters(db(), key=request.args.get("key"), on=on)
    return jsonify({"items": ParameterOut(many=True).dump(rows), "total": len(rows)})


@bp.post("/legal-parameters")
def add_parameter():
    """Add a parameter value from a date, with its source (system administrators)."""
    row = parameters.add_parameter(db(), actor=current_user(), values=ParameterIn().load(json_body()))
    return jsonify(ParameterOut().dump(row)), 201


@bp.get("/dx-index/editions")
def list_editions():
    """DX index editions (decision, scale, bands)."""
    rows = dx_scores.list_editions(db())
    return jsonify({"items": DxEditionOut(many=True).dump(rows), "total": len(rows)})


@bp.get("/dx-index/scores")
def list_scores():
    """Yearly DX scores per unit (`?year=`, `?edition=`)."""
    limit, offset = page_args()
    rows, total = dx_scores.list_scores(db(), year=request.args.get("year", type=int),
                                        edition_number=request.args.get("edition"), limit=limit, offset=offset)
    return jsonify({"items": DxScoreOut(many=True).dump(rows), "total": total})


@bp.post("/dx-index/scores/import")
def import_scores():
    """Import yearly DX scores (multipart `file`, `?edition=` decision number; latest edition by default)."""
    result = dx_scores.import_scores(db(), actor=current_user(), source=uploaded_file(),
                                     edition_number=request.args.get("edition"))
    return jsonify(ScoresImportOut().dump(result))
