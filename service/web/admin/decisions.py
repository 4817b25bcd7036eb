"""Decision tables (dmn-js): the tables of a version, the editor with "Thử bảng quyết định" evaluated on the
server, and deploying an edited table as the next version of its bundle."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request

from ...errors import DomainError
from ...http import current_user, db
from ...http.locale import request_locale
from ...i18n import msg, translate, translate_tree
from ...operations import decision_trial, deployments, modeling
from ...permissions import can_deploy
from ..access import login_required
from .processes import json_failure, version_arg

bp = Blueprint("admin_decisions", __name__, template_folder="templates", url_prefix="/admin/processes")


@bp.get("/<key>/decisions")
@login_required
def index(key: str):
    """The DMN files deployed with a version."""
    version = modeling.opened_version(db(), actor=current_user(), process_key=key, version=version_arg())
    return render_template("admin/decisions.html", key=key, version=version,
                           files=decision_trial.decision_files(version))


@bp.get("/<key>/decisions/<path:filename>")
@login_required
def editor(key: str, filename: str):
    """The decision table editor with its trial form."""
    version, file = decision_trial.decision_file(db(), actor=current_user(), process_key=key,
                                                 version=version_arg(), filename=filename)
    return render_template("admin/decision_editor.html", key=key, version=version, filename=filename,
                           xml=file.content.decode("utf-8"), can_edit=can_deploy(current_user()))


def _body() -> dict:
    body = request.get_json(silent=True) or {}
    version = body.get("version")
    return {"xml": str(body.get("xml") or ""), "version": version if isinstance(version, int) else None,
            "inputs": body.get("inputs")}


@bp.post("/<key>/decisions/<path:filename>/trial")
@login_required
def trial(key: str, filename: str):
    """Evaluate the table being edited on the given inputs, in the sandbox."""
    body = _body()
    try:
        result = decision_trial.try_table(db(), actor=current_user(), process_key=key, version=body["version"],
                                          filename=filename, inputs=body["inputs"], xml=body["xml"])
    except DomainError as exc:
        return json_failure(exc)
    return jsonify({"matched_rule_ids": result.matched_rule_ids, "matched_rows": result.matched_rows,
                    "applied_rule_ids": result.applied_rule_ids, "outputs": result.outputs})


@bp.post("/<key>/decisions/<path:filename>/deploy")
@login_required
def deploy(key: str, filename: str):
    """Deploy the edited table; on an error nothing is deployed and the problems come back."""
    body = _body()
    session = db()
    try:
        outcome = decision_trial.deploy_table(session, actor=current_user(), process_key=key, version=body["version"],
                                              filename=filename, xml=body["xml"])
    except DomainError as exc:
        return json_failure(exc)
    deployed = deployments.get_version(session, key)
    locale = request_locale()
    message = (msg("Đã triển khai phiên bản {version}.", version=deployed.version) if outcome.created
               else msg("Sơ đồ không thay đổi; phiên bản {version} vẫn được dùng.", version=deployed.version))
    return jsonify({"message": translate(message, locale), "version": deployed.version, "created": outcome.created,
                    "warnings": [translate_tree(w, locale) for w in outcome.warnings]})
