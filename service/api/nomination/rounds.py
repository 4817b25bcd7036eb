"""Movements and award rounds: list, open (deadline, quotas), close, the consolidated ranking."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from marshmallow import Schema, fields, validate

from ...errors import NotFound
from ...http import current_user, db
from ...models import AwardRound, Movement
from ...nomination import consolidation, dossiers, movements, permissions, public_notice, rounds
from ..bounds import COUNT, ORG_UNIT_CODE, fits
from ..inputs import json_body, page_args

bp = Blueprint("nomination_rounds", __name__, url_prefix="/api/v1")


class LeadIn(Schema):
    org_unit_code = fields.String(required=True, validate=ORG_UNIT_CODE)
    valid_from = fields.Date(required=True)
    valid_to = fields.Date(load_default=None, allow_none=True)
    source = fields.String(load_default="", validate=validate.Length(max=500))


class LeadOut(Schema):
    org_unit_code = fields.Function(lambda lead: lead.org_unit.code)
    org_unit_name = fields.Function(lambda lead: lead.org_unit.name)
    valid_from = fields.Date()
    valid_to = fields.Date(allow_none=True)
    source = fields.String()


class MovementIn(Schema):
    code = fields.String(required=True, validate=[fits(Movement.code), validate.Regexp(r"^[A-Za-z0-9_.-]{1,64}$")])
    name = fields.String(required=True, validate=validate.Length(1, 500))
    decision_number = fields.String(required=True, validate=validate.Length(1, 64))
    decision_date = fields.Date(required=True)
    issuer_code = fields.String(load_default=None, allow_none=True, validate=ORG_UNIT_CODE)
    start_year = fields.Integer(required=True, validate=validate.Range(2000, 2100))
    end_year = fields.Integer(required=True, validate=validate.Range(2000, 2100))
    phases = fields.List(fields.Dict(), load_default=list)
    award_forms = fields.List(fields.String(validate=fits(AwardRound.award_form)), load_default=list)
    criteria = fields.List(fields.Dict(), load_default=list)
    leads = fields.List(fields.Nested(LeadIn), load_default=list)


class MovementOut(Schema):
    code = fields.String()
    name = fields.String()
    decision_number = fields.String()
    decision_date = fields.Date()
    start_year = fields.Integer()
    end_year = fields.Integer()
    phases = fields.List(fields.Dict())
    award_forms = fields.List(fields.String())
    leads = fields.List(fields.Nested(LeadOut))


class QuotaIn(Schema):
    org_unit_code = fields.String(required=True, validate=ORG_UNIT_CODE)
    quota = fields.Integer(required=True, validate=COUNT)


class RoundOpenIn(Schema):
    opens_on = fields.Date(load_default=None, allow_none=True)
    deadline = fields.AwareDateTime(load_default=None, allow_none=True)
    total_quota = fields.Integer(load_default=None, allow_none=True, validate=COUNT)
    quotas = fields.List(fields.Nested(QuotaIn), load_default=list)
    guidance = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=20000))
    award_form = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))


class QuotasIn(Schema):
    total_quota = fields.Integer(load_default=None, allow_none=True, validate=COUNT)
    quotas = fields.List(fields.Nested(QuotaIn), load_default=list)


class CloseIn(Schema):
    reason = fields.String(load_default="", validate=validate.Length(max=2000))


class QuotaOut(Schema):
    org_unit_code = fields.Function(lambda quota: quota.org_unit.code)
    quota = fields.Integer()


class RoundOut(Schema):
    id = fields.Integer()
    code = fields.String()
    movement_code = fields.Function(lambda r: r.movement.code)
    year = fields.Integer()
    kind = fields.String()
    name = fields.String()
    opens_on = fields.Date()
    deadline = fields.DateTime(allow_none=True)
    status = fields.String()
    award_form = fields.String()
    total_quota = fields.Integer(allow_none=True)
    quotas = fields.List(fields.Nested(QuotaOut))
    guidance = fields.String(allow_none=True)
    lead_org_unit_code = fields.Function(lambda r: r.lead_org_unit.code if r.lead_org_unit else None)
    instance_id = fields.Integer(allow_none=True)
    accepts_dossiers = fields.Function(lambda r: rounds.accepts_dossiers(r))
    decision_number = fields.String(allow_none=True)
    decision_date = fields.Date(allow_none=True)


class RankedOut(Schema):
    nominee_id = fields.Integer(attribute="id")
    rank = fields.Integer(allow_none=True)
    name = fields.String()
    kind = fields.String()
    unit_name = fields.String(allow_none=True)
    award_form = fields.String()
    dx_index_score = fields.Float(allow_none=True)
    votes_for = fields.Integer(allow_none=True)
    votes_present = fields.Integer(allow_none=True)
    outcome = fields.String()
    outcome_reason = fields.String(allow_none=True)
    public_comment_flag = fields.Boolean()
    decision_number = fields.String(allow_none=True)


class CommentOut(Schema):
    id = fields.Integer()
    nominee_id = fields.Integer()
    author_name = fields.String()
    contact = fields.String(allow_none=True)
    content = fields.String()
    created_at = fields.DateTime()


@bp.get("/movements")
def list_movements():
    """Emulation movements with their dated lead agencies."""
    rows = movements.list_movements(db())
    return jsonify({"items": MovementOut(many=True).dump(rows), "total": len(rows)})


@bp.post("/movements")
def create_movement():
    """Create a movement (system administrators)."""
    movement = movements.create_movement(db(), actor=current_user(), values=MovementIn().load(json_body()))
    return jsonify(MovementOut().dump(movement)), 201


@bp.get("/movements/<code>")
def get_movement(code: str):
    """One movement."""
    return jsonify(MovementOut().dump(movements.get_movement(db(), code)))


@bp.post("/movements/<code>/leads")
def add_lead(code: str):
    """Hand the movement to a new lead agency from a date (system administrators)."""
    lead = movements.add_lead(db(), actor=current_user(), movement_code=code, values=LeadIn().load(json_body()))
    return jsonify(LeadOut().dump(lead)), 201


@bp.get("/rounds")
def list_rounds():
    """Award rounds (`?movement=`, `?year=`, `?status=`)."""
    limit, offset = page_args()
    rows, total = rounds.list_rounds(db(), movement_code=request.args.get("movement"),
                                     year=request.args.get("year", type=int), status=request.args.get("status"),
                                     limit=limit, offset=offset)
    return jsonify({"items": RoundOut(many=True).dump(rows), "total": total})


@bp.get("/rounds/<int:round_id>")
def get_round(round_id: int):
    """One award round with its quotas."""
    return jsonify(RoundOut().dump(rounds.get_round(db(), round_id)))


@bp.post("/rounds/<int:round_id>/open")
def open_round(round_id: int):
    """Open a planned round (the lead agency of the opening day); starts `award_round` when deployed."""
    round_ = rounds.open_round(db(), actor=current_user(), round_id=round_id, values=RoundOpenIn().load(json_body()))
    return jsonify(RoundOut().dump(round_))


@bp.put("/rounds/<int:round_id>/quotas")
def set_quotas(round_id: int):
    """Replace the quotas per unit and in total (the round's lead agency)."""
    values = QuotasIn().load(json_body())
    round_ = rounds.update_quotas(db(), actor=current_user(), round_id=round_id, **values)
    return jsonify(RoundOut().dump(round_))


@bp.post("/rounds/<int:round_id>/close")
def close_round(round_id: int):
    """Close a round early (the round's lead agency)."""
    round_ = rounds.close_round(db(), actor=current_user(), round_id=round_id, notify=True,
                                **CloseIn().load(json_body()))
    return jsonify(RoundOut().dump(round_))


def _round_for_details(round_id: int):
    round_ = rounds.get_round(db(), round_id)
    if not permissions.can_see_round_details(current_user(), round_):
        raise NotFound(rounds.NOT_FOUND)
    return round_


@bp.get("/rounds/<int:round_id>/ranking")
def ranking(round_id: int):
    """The consolidated, ranked list (lead agency, Home Affairs, the city)."""
    rows = consolidation.ranked_list(db(), _round_for_details(round_id))
    return jsonify({"items": RankedOut(many=True).dump(rows), "total": len(rows)})


class TieResolutionIn(Schema):
    proposed = fields.List(fields.Integer(strict=True), required=True)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


@bp.get("/rounds/<int:round_id>/ties")
def ties(round_id: int):
    """Ties at a quota boundary found by consolidation, decided or waiting for the reviewer."""
    round_ = _round_for_details(round_id)
    items = [{"index": index, **tie} for index, tie in enumerate(round_.ties or [])]
    return jsonify({"items": items, "total": len(items)})


@bp.post("/rounds/<int:round_id>/ties/<int:tie_index>/resolve")
def resolve_tie(round_id: int, tie_index: int):
    """The lead agency's reviewer gives a tie's places (exactly as many as the tie has), with a reason."""
    round_ = _round_for_details(round_id)
    if not permissions.can_manage_round(current_user(), round_.lead_org_unit_id):
        raise NotFound(rounds.NOT_FOUND)
    values = TieResolutionIn().load(json_body())
    consolidation.resolve_tie(db(), actor=current_user(), round_id=round_.id, tie_index=tie_index,
                              proposed=values["proposed"], reason=values["reason"])
    items = [{"index": index, **tie} for index, tie in enumerate(round_.ties or [])]
    return jsonify({"items": items, "total": len(items)})


@bp.get("/rounds/<int:round_id>/public-comments")
def round_comments(round_id: int):
    """Comments received on the round's public notice (lead agency, Home Affairs, the city)."""
    rows = public_notice.comments_for_round(db(), _round_for_details(round_id).id)
    return jsonify({"items": CommentOut(many=True).dump(rows), "total": len(rows)})


@bp.get("/rounds/<int:round_id>/nominees")
def round_nominees(round_id: int):
    """Every nominee of the round's submitted dossiers with outcome and reason (`?outcome=`)."""
    rows = dossiers.round_nominees(db(), round_id=_round_for_details(round_id).id,
                                   outcome=request.args.get("outcome"))
    return jsonify({"items": RankedOut(many=True).dump(rows), "total": len(rows)})
