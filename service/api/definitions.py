"""Process definitions: deploy a bundle, list the latest versions, fetch a version's XML."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request
from marshmallow import Schema, fields
from werkzeug.exceptions import BadRequest

from ..errors import NotFound
from ..http import current_user, db
from ..i18n import msg
from ..operations import deployments
from ..permissions import can_deploy

bp = Blueprint("definitions", __name__, url_prefix="/api/v1/process-definitions")

MAX_FILE_BYTES = 5_000_000


class DeploymentOut(Schema):
    key = fields.String()
    version = fields.Integer()
    name = fields.String()
    processes = fields.Function(lambda d: sorted(p.process_key for p in d.processes))


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
        content = upload.stream.read(MAX_FILE_BYTES + 1)
        files[name] = content
    outcome = deployments.deploy(db(), actor=current_user(), files=files, key=request.args.get("key"))
    return jsonify(DeploymentOut().dump(outcome.deployment)), 201 if outcome.created else 200


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
