"""POST /api/v1/messages."""

from __future__ import annotations

from flask import Blueprint, jsonify
from marshmallow import Schema, fields, validate

from ..http import current_user, db
from ..operations import messages
from .inputs import json_body

bp = Blueprint("messages", __name__, url_prefix="/api/v1/messages")


class MessageIn(Schema):
    name = fields.String(required=True, validate=validate.Length(1, 255))
    correlation = fields.Dict(keys=fields.String(), load_default=dict)
    payload = fields.Dict(keys=fields.String(), load_default=dict)


@bp.post("")
def send():
    """Deliver a message to the waiting instances whose correlation matches."""
    values = MessageIn().load(json_body())
    delivered = messages.send_message(db(), actor=current_user(), **values)
    return jsonify({"delivered_to": delivered})
