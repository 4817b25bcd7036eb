"""Emulation registrations and the report of units that have not registered."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from marshmallow import Schema, fields, validate
from werkzeug.exceptions import BadRequest

from ...http import current_user, db
from ...i18n import msg
from ...models import Movement
from ...nomination import registrations
from ..bounds import fits
from ..inputs import json_body, page_args

bp = Blueprint("nomination_registrations", __name__, url_prefix="/api/v1/registrations")


class RegistrationIn(Schema):
    movement_code = fields.String(required=True, validate=fits(Movement.code))
    year = fields.Integer(required=True, validate=validate.Range(2000, 2100))
    titles = fields.List(fields.String(validate=validate.Length(1, 255)), load_default=list)
    commitments = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=20000))


class RegistrationOut(Schema):
    id = fields.Integer()
    movement_code = fields.Function(lambda r: r.movement.code)
    year = fields.Integer()
    org_unit_code = fields.Function(lambda r: r.org_unit.code)
    unit_name = fields.String()
    status = fields.String()
    titles = fields.List(fields.String())
    commitments = fields.String(allow_none=True)
    deadline = fields.DateTime(allow_none=True)
    submitted_at = fields.DateTime(allow_none=True)
    acknowledged_at = fields.DateTime(allow_none=True)
    return_reason = fields.String(allow_none=True)
    instance_id = fields.Integer(allow_none=True)


class MissingUnitOut(Schema):
    code = fields.String()
    name = fields.String()
    kind = fields.String()


class RegistrationReportOut(Schema):
    movement_code = fields.String()
    year = fields.Integer()
    expected = fields.Integer()
    registered = fields.Integer()
    share_registered = fields.Float()
    not_registered = fields.List(fields.Nested(MissingUnitOut))


def _movement_year() -> tuple[str, int | None]:
    movement = request.args.get("movement")
    if not movement:
        raise BadRequest(msg("Cần tham số movement."))
    return movement, request.args.get("year", type=int)


@bp.post("")
def create_registration():
    """Register the caller's unit for a movement year; starts `emulation_registration` when deployed."""
    values = RegistrationIn().load(json_body())
    registration = registrations.create_registration(
        db(), actor=current_user(), movement_code=values.pop("movement_code"), year=values.pop("year"), values=values)
    return jsonify(RegistrationOut().dump(registration)), 201


@bp.get("")
def list_registrations():
    """Registrations the caller may see (`?movement=` required, `?year=`)."""
    movement, year = _movement_year()
    limit, offset = page_args()
    rows, total = registrations.list_registrations(db(), actor=current_user(), movement_code=movement, year=year,
                                                   limit=limit, offset=offset)
    return jsonify({"items": RegistrationOut(many=True).dump(rows), "total": total})


@bp.get("/<int:registration_id>")
def get_registration(registration_id: int):
    """One registration."""
    registration = registrations.get_registration(db(), actor=current_user(), registration_id=registration_id)
    return jsonify(RegistrationOut().dump(registration))


@bp.get("/report")
def report():
    """Units that have not registered for a movement year, and the share registered (lead agency)."""
    movement, year = _movement_year()
    if year is None:
        raise BadRequest(msg("Cần tham số year."))
    return jsonify(RegistrationReportOut().dump(
        registrations.report(db(), actor=current_user(), movement_code=movement, year=year)))
