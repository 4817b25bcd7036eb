"""The awards register and the document (decision) register."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from marshmallow import Schema, fields

from ...errors import NotFound
from ...http import current_user, db
from ...i18n import msg
from ...nomination import awards, permissions, registers
from ..inputs import page_args

bp = Blueprint("nomination_registers", __name__, url_prefix="/api/v1")


class AwardRecordOut(Schema):
    id = fields.Integer()
    subject_kind = fields.String()
    subject_name = fields.String()
    unit_name = fields.String(allow_none=True)
    award_form = fields.String()
    achievement_key = fields.String()
    year = fields.Integer()
    decision_number = fields.String()
    decision_date = fields.Date()
    issuer_name = fields.String()
    round_id = fields.Integer(allow_none=True)


class RegisteredDocumentOut(Schema):
    id = fields.Integer()
    issuer_code = fields.Function(lambda d: d.issuer.code)
    issuer_name = fields.String()
    year = fields.Integer()
    number = fields.Integer()
    type_abbr = fields.String(allow_none=True)
    kind = fields.String()
    symbol = fields.String()
    subject = fields.String()
    issued_on = fields.Date()
    round_id = fields.Integer(allow_none=True)


def _require_registers() -> None:
    if not permissions.can_see_registers(db(), current_user()):
        raise NotFound(msg("Không tìm thấy."))


@bp.get("/awards-register")
def awards_register():
    """Awards granted (`?year=`, `?subject=` name contains, `?round_id=`)."""
    _require_registers()
    limit, offset = page_args()
    rows, total = awards.list_awards(db(), year=request.args.get("year", type=int),
                                     subject=request.args.get("subject"),
                                     round_id=request.args.get("round_id", type=int), limit=limit, offset=offset)
    return jsonify({"items": AwardRecordOut(many=True).dump(rows), "total": total})


@bp.get("/document-register")
def document_register():
    """Numbered documents per issuer and year (`?issuer=`, `?year=`, `?type=` abbreviation)."""
    _require_registers()
    limit, offset = page_args()
    rows, total = registers.list_register(db(), issuer_code=request.args.get("issuer"),
                                          year=request.args.get("year", type=int),
                                          document_type=request.args.get("type"), limit=limit, offset=offset)
    return jsonify({"items": RegisteredDocumentOut(many=True).dump(rows), "total": total})


@bp.get("/decision-register")
def decision_register():
    """Award decisions (the `QĐ` rows of the register; `?issuer=`, `?year=`)."""
    _require_registers()
    limit, offset = page_args()
    rows, total = registers.list_register(db(), issuer_code=request.args.get("issuer"),
                                          year=request.args.get("year", type=int), document_type="QĐ",
                                          limit=limit, offset=offset)
    return jsonify({"items": RegisteredDocumentOut(many=True).dump(rows), "total": total})
