"""Forms (form-js editor) with a live preview fed by sample data; deploying an edited form gives the next
version of its bundle."""

from __future__ import annotations

import json

from flask import Blueprint, jsonify, render_template, request

from ...errors import DomainError
from ...http import current_user, db
from ...http.locale import request_locale
from ...i18n import msg, translate, translate_tree
from ...operations import deployments, form_editing, modeling
from ...permissions import can_deploy
from ..access import login_required
from .processes import json_failure, version_arg

bp = Blueprint("admin_forms", __name__, template_folder="templates", url_prefix="/admin/processes")


@bp.get("/<key>/forms")
@login_required
def index(key: str):
    """The form files deployed with a version."""
    version = modeling.opened_version(db(), actor=current_user(), process_key=key, version=version_arg())
    return render_template("admin/forms.html", key=key, version=version, files=form_editing.form_files(version))


@bp.get("/<key>/forms/<path:filename>")
@login_required
def editor(key: str, filename: str):
    """The form editor and its preview."""
    version, file = form_editing.form_file(db(), actor=current_user(), process_key=key, version=version_arg(),
                                           filename=filename)
    return render_template("admin/form_editor.html", key=key, version=version, filename=filename,
                           schema=json.loads(file.content), can_edit=can_deploy(current_user()))


@bp.post("/<key>/forms/<path:filename>/deploy")
@login_required
def deploy(key: str, filename: str):
    """Deploy the edited form; an invalid form deploys nothing and says why."""
    body = request.get_json(silent=True) or {}
    version = body.get("version") if isinstance(body.get("version"), int) else None
    session = db()
    try:
        outcome = form_editing.deploy_form(session, actor=current_user(), process_key=key, version=version,
                                           filename=filename, schema=body.get("schema"))
    except DomainError as exc:
        return json_failure(exc)
    deployed = deployments.get_version(session, key)
    locale = request_locale()
    message = (msg("Đã triển khai phiên bản {version}.", version=deployed.version) if outcome.created
               else msg("Sơ đồ không thay đổi; phiên bản {version} vẫn được dùng.", version=deployed.version))
    return jsonify({"message": translate(message, locale), "version": deployed.version, "created": outcome.created,
                    "warnings": [translate_tree(w, locale) for w in outcome.warnings]})
