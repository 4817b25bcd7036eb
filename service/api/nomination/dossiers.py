"""Unit dossiers and their typed nominees (scoped by org unit; outside scope is 404)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request
from marshmallow import Schema, fields, validate

from ...http import current_user, db
from ...nomination import clock, dossiers, nominee_sheet
from ...nomination.nominee_input import NomineeIn, NomineePatch, nominee_values
from ..bounds import ID, ORG_UNIT_CODE
from ..inputs import json_body, page_args
from .reference import uploaded_file

bp = Blueprint("nomination_dossiers", __name__, url_prefix="/api/v1/dossiers")


class NomineeOut(Schema):
    id = fields.Integer()
    kind = fields.String()
    name = fields.String()
    identifier = fields.String(allow_none=True)
    position = fields.String(allow_none=True)
    unit_name = fields.String(allow_none=True)
    sex = fields.String(allow_none=True)
    date_of_birth = fields.Date(allow_none=True)
    achievement_summary = fields.String()
    achievement_key = fields.String()
    award_form = fields.String()
    dx_index_score = fields.Float(allow_none=True)
    tasks_completed = fields.Boolean(allow_none=True)
    annual_rating = fields.String(allow_none=True)
    initiatives = fields.List(fields.Dict())
    sector = fields.String(allow_none=True)
    tax_clearance = fields.Boolean(allow_none=True)
    social_insurance_clearance = fields.Boolean(allow_none=True)
    environment_clearance_required = fields.Boolean()
    environment_clearance = fields.Boolean(allow_none=True)
    food_safety_clearance_required = fields.Boolean()
    food_safety_clearance = fields.Boolean(allow_none=True)
    on_hold = fields.Boolean()
    hold_reason = fields.String(allow_none=True)
    votes_for = fields.Integer(allow_none=True)
    votes_present = fields.Integer(allow_none=True)
    votes_total = fields.Integer(allow_none=True)
    council_passed = fields.Boolean(allow_none=True)
    eligible = fields.Boolean(allow_none=True)
    eligibility_reasons = fields.List(fields.String())
    outcome = fields.String()
    outcome_reason = fields.String(allow_none=True)
    rank = fields.Integer(allow_none=True)
    propose_state_level = fields.Boolean()
    public_comment_flag = fields.Boolean()
    decision_number = fields.String(allow_none=True)


class HoldIn(Schema):
    on_hold = fields.Boolean(required=True)
    hold_reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class DossierIn(Schema):
    round_id = fields.Integer(required=True, validate=ID)
    org_unit_code = fields.String(load_default=None, allow_none=True, validate=ORG_UNIT_CODE)


class DossierOut(Schema):
    id = fields.Integer()
    round_id = fields.Integer()
    round_code = fields.Function(lambda d: d.round.code)
    org_unit_code = fields.Function(lambda d: d.org_unit.code)
    unit_name = fields.String()
    unit_kind = fields.String()
    status = fields.String()
    instance_id = fields.Integer(allow_none=True)
    council_members_total = fields.Integer(allow_none=True)
    council_members_present = fields.Integer(allow_none=True)
    council_quorum_met = fields.Boolean(allow_none=True)
    submitted_at = fields.DateTime(allow_none=True)
    return_reason = fields.String(allow_none=True)
    return_count = fields.Integer()
    nominees = fields.List(fields.Nested(NomineeOut))


@bp.post("")
def create_dossier():
    """Start the caller's unit's dossier for an open round; starts `unit_nomination` when deployed."""
    values = DossierIn().load(json_body())
    dossier = dossiers.create_dossier(db(), actor=current_user(), **values)
    return jsonify(DossierOut().dump(dossier)), 201


@bp.get("")
def list_dossiers():
    """Dossiers the caller may see (`?round_id=`, `?status=`)."""
    limit, offset = page_args()
    rows, total = dossiers.list_dossiers(db(), actor=current_user(), round_id=request.args.get("round_id", type=int),
                                         status=request.args.get("status"), limit=limit, offset=offset)
    return jsonify({"items": DossierOut(many=True).dump(rows), "total": total})


@bp.get("/<int:dossier_id>")
def get_dossier(dossier_id: int):
    """A dossier with its nominees and the lead agency's processing clock (working days used and left)."""
    session = db()
    dossier = dossiers.get_dossier(session, actor=current_user(), dossier_id=dossier_id)
    return jsonify(DossierOut().dump(dossier) | {"processing": clock.clock_of(session, dossier).as_json()})


@bp.post("/<int:dossier_id>/nominees")
def add_nominee(dossier_id: int):
    """Add a nominee to a draft or returned dossier (the unit's officer)."""
    values = nominee_values(NomineeIn().load(json_body()))
    nominee = dossiers.add_nominee(db(), actor=current_user(), dossier_id=dossier_id, values=values)
    return jsonify(NomineeOut().dump(nominee)), 201


@bp.patch("/<int:dossier_id>/nominees/<int:nominee_id>")
def update_nominee(dossier_id: int, nominee_id: int):
    """Change a nominee of a draft or returned dossier."""
    values = nominee_values(NomineePatch().load(json_body(), partial=True))
    nominee = dossiers.update_nominee(db(), actor=current_user(), dossier_id=dossier_id, nominee_id=nominee_id,
                                      values=values)
    return jsonify(NomineeOut().dump(nominee))


@bp.delete("/<int:dossier_id>/nominees/<int:nominee_id>")
def remove_nominee(dossier_id: int, nominee_id: int):
    """Remove a nominee from a draft or returned dossier."""
    dossiers.remove_nominee(db(), actor=current_user(), dossier_id=dossier_id, nominee_id=nominee_id)
    return "", 204


@bp.post("/<int:dossier_id>/nominees/<int:nominee_id>/hold")
def set_hold(dossier_id: int, nominee_id: int):
    """Place or lift a hold on a nominee, with the reason (the unit, the lead agency, Home Affairs)."""
    values = HoldIn().load(json_body())
    nominee = dossiers.set_hold(db(), actor=current_user(), dossier_id=dossier_id, nominee_id=nominee_id,
                                on_hold=values["on_hold"], reason=values["hold_reason"])
    return jsonify(NomineeOut().dump(nominee))


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/nominee-template.xlsx")
def nominee_template():
    """The nominee sheet to fill (Vietnamese headers, an example row, the allowed values)."""
    current_user()
    return Response(nominee_sheet.template(), mimetype=XLSX,
                    headers={"Content-Disposition": "attachment; filename=mau-danh-sach-de-nghi.xlsx"})


@bp.post("/<int:dossier_id>/nominees/import")
def import_nominees(dossier_id: int):
    """Add the nominees of an uploaded sheet, all or nothing (`?dry_run=1` only reports each row's errors)."""
    dry_run = request.args.get("dry_run") in ("1", "true")
    result = nominee_sheet.import_nominees(db(), actor=current_user(), dossier_id=dossier_id, data=uploaded_file(),
                                           dry_run=dry_run)
    if not result.ok and not dry_run:
        raise nominee_sheet.refuse(result)
    return jsonify(result.as_json())
