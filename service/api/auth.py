"""POST /api/v1/auth/token and /api/v1/auth/password."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from marshmallow import Schema, fields, validate

from ..errors import AuthenticationFailed, ValidationFailed
from ..http import current_user, db
from ..models import User
from ..operations import auth
from .bounds import USERNAME
from .inputs import json_body

bp = Blueprint("auth", __name__, url_prefix="/api/v1/auth")

# No password is longer (admin.UserIn): a longer one is refused before it is hashed.
PASSWORD = validate.Length(max=256)


class TokenRequest(Schema):
    username = fields.String(required=True, validate=USERNAME)
    password = fields.String(required=True, validate=PASSWORD)


class PasswordChangeIn(Schema):
    current_password = fields.String(required=True, validate=PASSWORD)
    # At least auth.MIN_PASSWORD_LENGTH characters and unlike the current one: the operation says so per field.
    new_password = fields.String(required=True, validate=PASSWORD)


class TokenResponse(Schema):
    access_token = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer()
    # True when an administrator set the password: every other call answers 403 `password_change_required`
    # until the user has changed it (POST /api/v1/auth/password, or Đổi mật khẩu on the pages).
    password_must_change = fields.Boolean()


def _token_response(user: User):
    signer = current_app.extensions["vinhdanh"].token_signer
    return jsonify({"access_token": signer.issue(user), "token_type": "Bearer", "expires_in": signer.max_age,
                    "password_must_change": user.password_must_change})


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
    return _token_response(user)


@bp.post("/password")
def change_password():
    """Change one's own password; the answer carries a new bearer token (the token response's shape).

    Every earlier token and page session of the user ends with the change, the one that made this call
    included. Also open to a user whose password an administrator set (every other call answers 403
    `password_change_required` until then). A wrong `current_password` is 422 naming the field and counts
    towards the username's sign-in throttle (429 with Retry-After once it is exceeded).
    """
    body = PasswordChangeIn().load(json_body())
    session = db()
    try:
        user = auth.change_password(session, actor=current_user(), current=body["current_password"],
                                    new=body["new_password"])
    except ValidationFailed:
        session.commit()  # a wrong current password counts towards the throttle though the request fails
        raise
    return _token_response(user)
