"""POST /api/v1/auth/token."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from marshmallow import Schema, fields, validate

from ..errors import AuthenticationFailed
from ..http import db
from ..operations import auth
from .bounds import USERNAME
from .inputs import json_body

bp = Blueprint("auth", __name__, url_prefix="/api/v1/auth")


class TokenRequest(Schema):
    username = fields.String(required=True, validate=USERNAME)
    # No password is longer (admin.UserIn): a longer one is refused before it is hashed.
    password = fields.String(required=True, validate=validate.Length(max=256))


class TokenResponse(Schema):
    access_token = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer()
    # True when an administrator set the password: every other call answers 403 `password_change_required`
    # until the user has changed it on the pages (Đổi mật khẩu).
    password_must_change = fields.Boolean()


@bp.post("/token")
def issue_token():
    """Exchange a username and password for a bearer token."""
    body = TokenRequest().load(json_body())
    session = db()
    try:
        user = auth.sign_in(session, username=body["username"], password=body["password"])
    except AuthenticationFailed:
        session.commit()  # the failure counts towards the username's throttle though the request fails
        raise
    signer = current_app.extensions["vinhdanh"].token_signer
    return jsonify({"access_token": signer.issue(user), "token_type": "Bearer", "expires_in": signer.max_age,
                    "password_must_change": user.password_must_change})
