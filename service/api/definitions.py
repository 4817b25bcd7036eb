"""Process definitions: deploy a bundle, list the latest versions, fetch a version's XML."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request
from marshmallow import Schema, fields, validate
from werkzeug.exceptions import BadRequest

from ..errors import NotFound, ValidationFailed
from ..http import current_user, db
from ..i18n import msg
from ..models import DeploymentFile, LaneRoleMapping
from ..operations import deployments, lane_roles
from ..permissions import can_deploy
from .bounds import ROLE_KEY, fits

bp = Blueprint("definitions", __name__, url_prefix="/api/v1/process-definitions")

MAX_FILE_BYTES = 5_000_000


class DeploymentOut(Schema):
    key = fields.String()
    version = fields.Integer()
    name = fields.String()
    processes = fields.Function(lambda d: sorted(p.process_key for p in d.processes))


class DeployProblemOut(Schema):
    file = fields.String(allow_none=True)
    element_id = fields.String(allow_none=True)
    line = fields.Integer(allow_none=True)
    message = fields.String()
    level = fields.String()  # "warning" here; "error" ones refuse the deploy (422 details.problems)
    code = fields.String()


class UnmappedLaneOut(Schema):
    process_key = fields.String()
    kind = fields.String()  # lane | group
    name = fields.String()


class DeployResultOut(DeploymentOut):
    warnings = fields.List(fields.Nested(DeployProblemOut))
    unmapped_lanes = fields.List(fields.Nested(UnmappedLaneOut))


class LaneRoleOut(Schema):
    kind = fields.String()
    name = fields.String()
    role_key = fields.String(allow_none=True)
    auto = fields.Boolean()


class LaneRoleIn(Schema):
    kind = fields.String(load_default="lane", validate=validate.OneOf(lane_roles.KINDS))
    name = fields.String(required=True, validate=fits(LaneRoleMapping.name))
    role_key = fields.String(required=True, allow_none=True, validate=ROLE_KEY)


class LaneRolesIn(Schema):
    mappings = fields.List(fields.Nested(LaneRoleIn), required=True)


class ProcessVersionOut(Schema):
    key = fields.String(attribute="process_key")
    version = fields.Integer()
    name = fields.String()
    created_at = fields.DateTime()


@bp.post("")
def deploy():
    """Deploy one or more .bpmn/.dmn/.form files (multipart field `files`)."""
    uploads = request.files.getlist("files")
    if not uploads:
        raise BadRequest(msg("Cần tải lên trường 'files'."))
    files: dict[str, bytes] = {}
    for upload in uploads:
        name = (upload.filename or "").replace("\\", "/").rsplit("/", 1)[-1]
        if not name:
            raise BadRequest(msg("Tệp thiếu tên."))
        if len(name) > DeploymentFile.filename.type.length:
            raise ValidationFailed(msg("Dữ liệu không hợp lệ."), details={"fields": {"files": [msg(
                "Tên tệp quá dài (tối đa {count} ký tự).", count=DeploymentFile.filename.type.length)]}})
        content = upload.stream.read(MAX_FILE_BYTES + 1)
        files[name] = content
    outcome = deployments.deploy(db(), actor=current_user(), files=files, key=request.args.get("key"))
    body = DeploymentOut().dump(outcome.deployment)
    body.update(DeployResultOut(only=("warnings", "unmapped_lanes")).dump(
        {"warnings": outcome.warnings, "unmapped_lanes": outcome.unmapped_lanes}))
    return jsonify(body), 201 if outcome.created else 200


@bp.get("")
def list_definitions():
    """The latest version of each process key."""
    items = deployments.latest_versions(db())
    return jsonify({"items": ProcessVersionOut(many=True).dump(items), "total": len(items)})


@bp.get("/<key>/versions/<int:version>/bpmn")
def get_bpmn(key: str, version: int):
    """The BPMN XML of a process version."""
    if not can_deploy(current_user()):
        # Definitions are readable by process admins; others see them through their tasks.
        raise NotFound(msg("Không tìm thấy."))
    return Response(deployments.bpmn_xml(db(), key, version), mimetype="application/xml")


@bp.get("/<key>/versions/<int:version>/lane-roles")
def get_lane_roles(key: str, version: int):
    """Which role serves each lane and candidate group of a process version (process admins)."""
    items = lane_roles.list_mappings(db(), actor=current_user(), process_key=key, version=version)
    return jsonify({"items": LaneRoleOut(many=True).dump(items), "total": len(items)})


@bp.put("/<key>/versions/<int:version>/lane-roles")
def put_lane_roles(key: str, version: int):
    """Set the role of some lanes/groups (`role_key` null unmaps); audited."""
    values = LaneRolesIn().load(request.get_json(silent=True) or {})
    items = lane_roles.update_mappings(db(), actor=current_user(), process_key=key, version=version,
                                       values=values["mappings"])
    return jsonify({"items": LaneRoleOut(many=True).dump(items), "total": len(items)})
