"""Administration: org units, roles, users (system administrators)."""

from __future__ import annotations

from flask import Blueprint, jsonify
from marshmallow import Schema, fields, validate

from ..http import current_user, db
from ..models import ROLE_SCOPES
from ..operations import admin
from .bounds import ORG_UNIT_CODE, ROLE_KEY, USERNAME
from .inputs import json_body

bp = Blueprint("admin", __name__, url_prefix="/api/v1/admin")

CODE = [ORG_UNIT_CODE, validate.Regexp(r"^[A-Za-z0-9_.-]{1,64}$")]
USERNAME_PATTERN = [USERNAME, validate.Regexp(r"^[a-z0-9_.-]{3,64}$")]


class OrgUnitIn(Schema):
    code = fields.String(required=True, validate=CODE)
    name = fields.String(required=True, validate=validate.Length(1, 255))
    parent_code = fields.String(load_default=None, allow_none=True, validate=ORG_UNIT_CODE)
    kind = fields.String(required=True, validate=validate.Length(1, 64))
    abbreviation = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=32))
    valid_from = fields.Date(load_default=None, allow_none=True)
    valid_to = fields.Date(load_default=None, allow_none=True)
    parent_confirms_reports = fields.Boolean(load_default=True)


class OrgUnitOut(Schema):
    code = fields.String()
    name = fields.String()
    abbreviation = fields.String(allow_none=True)
    kind = fields.String()
    parent_code = fields.Function(lambda unit: unit.parent.code if unit.parent else None)
    valid_from = fields.Date(allow_none=True)
    valid_to = fields.Date(allow_none=True)


class RoleIn(Schema):
    key = fields.String(required=True, validate=[ROLE_KEY, validate.Regexp(r"^[a-z][a-z0-9_]{0,63}$")])
    name = fields.String(required=True, validate=validate.Length(1, 255))
    scope = fields.String(required=True, validate=validate.OneOf(ROLE_SCOPES))


class RoleOut(Schema):
    key = fields.String()
    name = fields.String()
    scope = fields.String()


class UserIn(Schema):
    username = fields.String(required=True, validate=USERNAME_PATTERN)
    password = fields.String(required=True, validate=validate.Length(8, 256))
    full_name = fields.String(required=True, validate=validate.Length(1, 255))
    org_unit_code = fields.String(load_default=None, allow_none=True, validate=ORG_UNIT_CODE)
    roles = fields.List(fields.String(validate=ROLE_KEY), load_default=list)
    email = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=255))


class UserPatch(Schema):
    password = fields.String(validate=validate.Length(8, 256))
    full_name = fields.String(validate=validate.Length(1, 255))
    org_unit_code = fields.String(allow_none=True, validate=ORG_UNIT_CODE)
    roles = fields.List(fields.String(validate=ROLE_KEY))
    email = fields.Email(allow_none=True, validate=validate.Length(max=255))
    active = fields.Boolean()


class UserOut(Schema):
    username = fields.String()
    full_name = fields.String()
    email = fields.String(allow_none=True)
    org_unit_code = fields.Function(lambda user: user.org_unit.code if user.org_unit else None)
    roles = fields.Function(lambda user: sorted(user.role_keys()))
    active = fields.Boolean()


@bp.post("/org-units")
def create_org_unit():
    """Create an org unit."""
    unit = admin.create_org_unit(db(), actor=current_user(), values=OrgUnitIn().load(json_body()))
    return jsonify(OrgUnitOut().dump(unit)), 201


@bp.get("/org-units")
def list_org_units():
    """The org tree as a list with parent codes."""
    units = admin.list_org_units(db(), actor=current_user())
    return jsonify({"items": OrgUnitOut(many=True).dump(units), "total": len(units)})


@bp.post("/roles")
def create_role():
    """Create a role with its scope."""
    role = admin.create_role(db(), actor=current_user(), values=RoleIn().load(json_body()))
    return jsonify(RoleOut().dump(role)), 201


@bp.get("/roles")
def list_roles():
    """All roles."""
    roles = admin.list_roles(db(), actor=current_user())
    return jsonify({"items": RoleOut(many=True).dump(roles), "total": len(roles)})


@bp.post("/users")
def create_user():
    """Create a user (argon2-hashed password) with roles."""
    user = admin.create_user(db(), actor=current_user(), values=UserIn().load(json_body()))
    return jsonify(UserOut().dump(user)), 201


@bp.get("/users")
def list_users():
    """All users."""
    users = admin.list_users(db(), actor=current_user())
    return jsonify({"items": UserOut(many=True).dump(users), "total": len(users)})


@bp.patch("/users/<username>")
def update_user(username: str):
    """Change a user; {"active": false} disables it and revokes its tokens."""
    user = admin.update_user(db(), actor=current_user(), username=username, values=UserPatch().load(json_body()))
    return jsonify(UserOut().dump(user))
