"""Processes, their versions and the BPMN modeler (open, validate, save a draft, deploy)."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request

from ...errors import DomainError
from ...http import current_user, db
from ...http.errors import json_error, status_of
from ...http.locale import request_locale
from ...i18n import msg, translate, translate_tree
from ...operations import deployments, modeling, process_catalogue, version_diff
from ...permissions import can_deploy
from ..access import login_required

bp = Blueprint("admin_processes", __name__, template_folder="templates", url_prefix="/admin/processes")


def version_arg() -> int | None:
    """The `?version=` of an admin page (None: the latest)."""
    raw = request.args.get("version", "")
    return int(raw) if raw.isdigit() else None


def json_failure(exc: DomainError):
    locale = request_locale()
    return json_error(status_of(exc), exc.code, translate(exc.message, locale), translate_tree(exc.details, locale))


def _body() -> tuple[str, int | None]:
    body = request.get_json(silent=True) or {}
    version = body.get("version")
    return str(body.get("xml") or ""), version if isinstance(version, int) else None


@bp.get("")
@login_required
def index():
    """Every process at its latest version."""
    rows = process_catalogue.processes(db(), actor=current_user())
    return render_template("admin/processes.html", rows=rows, can_edit=can_deploy(current_user()))


@bp.get("/<key>/versions")
@login_required
def versions(key: str):
    """The versions of one process: who deployed them, when, how many instances on each."""
    rows = process_catalogue.versions(db(), actor=current_user(), process_key=key)
    return render_template("admin/versions.html", key=key, rows=rows, can_edit=can_deploy(current_user()))


@bp.get("/<key>/modeler")
@login_required
def modeler(key: str):
    """The BPMN modeler on a deployed version, or on the saved draft when asked for."""
    session, user = db(), current_user()
    version = modeling.opened_version(session, actor=user, process_key=key, version=version_arg())
    draft = modeling.get_draft(session, actor=user, process_key=key)
    use_draft = draft is not None and request.args.get("draft") == "1"
    xml = draft.xml if use_draft else deployments.bpmn_xml(session, key, version.version).decode("utf-8")
    base_version = draft.base_version if use_draft and draft.base_version else version.version
    return render_template("admin/modeler.html", key=key, version=version, xml=xml, base_version=base_version,
                           draft=draft, use_draft=use_draft, can_edit=can_deploy(user))


@bp.post("/<key>/validate")
@login_required
def validate(key: str):
    """The problems of the diagram being edited, located on its elements (JSON for the modeler)."""
    xml, version = _body()
    try:
        problems = modeling.validate_diagram(db(), actor=current_user(), process_key=key, version=version, xml=xml,
                                             lang=request_locale())
    except DomainError as exc:
        return json_failure(exc)
    return jsonify({"problems": problems})


@bp.post("/<key>/draft")
@login_required
def save_draft(key: str):
    """Keep the diagram on the server as the process's draft."""
    xml, version = _body()
    try:
        draft = modeling.save_draft(db(), actor=current_user(), process_key=key,
                                    values={"xml": xml, "base_version": version})
    except DomainError as exc:
        return json_failure(exc)
    return jsonify({"message": translate(msg("Đã lưu nháp"), request_locale()), "base_version": draft.base_version})


@bp.post("/<key>/deploy")
@login_required
def deploy(key: str):
    """Deploy the edited diagram as the next version; on an error nothing is deployed and the problems come back."""
    xml, version = _body()
    session, user = db(), current_user()
    try:
        outcome = modeling.deploy_diagram(session, actor=user, process_key=key, version=version, xml=xml)
    except DomainError as exc:
        return json_failure(exc)
    deployed = deployments.get_version(session, key)
    locale = request_locale()
    message = (msg("Đã triển khai phiên bản {version}.", version=deployed.version) if outcome.created
               else msg("Sơ đồ không thay đổi; phiên bản {version} vẫn được dùng.", version=deployed.version))
    return jsonify({"message": translate(message, locale), "version": deployed.version, "created": outcome.created,
                    "versionLabel": translate(msg("phiên bản {version}", version=deployed.version), locale),
                    "warnings": [translate_tree(w, locale) for w in outcome.warnings],
                    "unmapped_lanes": outcome.unmapped_lanes})


@bp.get("/<key>/diff")
@login_required
def diff(key: str):
    """Two versions side by side: added, changed and removed elements drawn on the diagrams and listed."""
    session, user = db(), current_user()
    rows = process_catalogue.versions(session, actor=user, process_key=key)
    newest = rows[0].version
    new = request.args.get("to", type=int) or newest
    old = request.args.get("from", type=int) or max(new - 1, 1)
    result = version_diff.version_diff(session, actor=user, process_key=key, old=old, new=new)
    new_marks = [{"id": c.element_id, "kind": c.kind} for c in result.changes if c.kind != "removed"]
    old_marks = [{"id": c.element_id, "kind": c.kind} for c in result.changes if c.kind != "added"]
    return render_template("admin/diff.html", key=key, rows=rows, diff=result, new_marks=new_marks,
                           old_marks=old_marks)
