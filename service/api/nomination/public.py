"""The public page's API: open notices with their lists, and comments — without login, rate-limited."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from marshmallow import Schema, fields, validate

from ...http import db
from ...nomination import public_notice
from ..bounds import ID
from ..inputs import json_body

bp = Blueprint("nomination_public", __name__, url_prefix="/api/v1/public")

# Hard caps on what an anonymous body may carry; the configured comment length is checked on top.
MAX_NAME = 200
MAX_CONTENT = 10_000


class PublicNomineeOut(Schema):
    nominee_id = fields.Integer(attribute="id")
    rank = fields.Integer(allow_none=True)
    name = fields.String()
    kind = fields.String()
    position = fields.String(allow_none=True)
    unit_name = fields.String(allow_none=True)
    award_form = fields.String()
    achievement_summary = fields.String()


class PublicNoticeOut(Schema):
    id = fields.Integer()
    title = fields.String()
    opened_at = fields.DateTime()
    closes_at = fields.DateTime()


class PublicCommentIn(Schema):
    nominee_id = fields.Integer(required=True, strict=True, validate=ID)
    author_name = fields.String(required=True, validate=validate.Length(1, MAX_NAME))
    contact = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=MAX_NAME))
    content = fields.String(required=True, validate=validate.Length(1, MAX_CONTENT))


class PublicCommentOut(Schema):
    id = fields.Integer()
    nominee_id = fields.Integer()
    created_at = fields.DateTime()


def _notice_json(notice) -> dict:
    body = PublicNoticeOut().dump(notice)
    body["nominees"] = PublicNomineeOut(many=True).dump(public_notice.listed_nominees(db(), notice))
    return body


@bp.get("/notices")
def list_notices():
    """Open public notices with their proposed lists (no login)."""
    rows = public_notice.list_open(db())
    return jsonify({"items": [_notice_json(notice) for notice in rows], "total": len(rows)})


@bp.get("/notices/<int:notice_id>")
def get_notice(notice_id: int):
    """One open public notice with its list (no login)."""
    return jsonify(_notice_json(public_notice.get_open_notice(db(), notice_id)))


@bp.post("/notices/<int:notice_id>/comments")
def comment(notice_id: int):
    """Comment on a listed nominee (no login; rate-limited per client address)."""
    values = PublicCommentIn().load(json_body())
    created = public_notice.submit_comment(db(), notice_id=notice_id, values=values,
                                           client_address=request.remote_addr)
    return jsonify(PublicCommentOut().dump(created)), 201
