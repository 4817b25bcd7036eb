"""Lanes and roles: which role serves each lane and candidate group of a process version."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from ...errors import ValidationFailed
from ...http import current_user, db
from ...i18n import msg
from ...operations import lane_roles, process_catalogue
from ...permissions import can_deploy
from ..access import login_required
from ..messages import notify

bp = Blueprint("admin_lanes", __name__, template_folder="templates", url_prefix="/admin/processes")


def _render(key: str, version: int, errors: dict | None = None, status: int = 200):
    session, user = db(), current_user()
    process_version, rows = process_catalogue.lane_mappings(session, actor=user, process_key=key, version=version)
    return render_template("admin/lanes.html", key=key, process_version=process_version, rows=rows,
                           roles=process_catalogue.role_choices(session), errors=errors or {},
                           can_edit=can_deploy(user)), status


@bp.get("/<key>/versions/<int:version>/lanes")
@login_required
def show(key: str, version: int):
    """The mapping, unmapped rows flagged."""
    return _render(key, version)


@bp.post("/<key>/versions/<int:version>/lanes")
@login_required
def save(key: str, version: int):
    """Set each row's role from the form (an empty choice unmaps); audited by the operation."""
    session, user = db(), current_user()
    _, rows = process_catalogue.lane_mappings(session, actor=user, process_key=key, version=version)
    values = []
    for index, row in enumerate(rows):
        chosen = request.form.get(f"role_{index}", "").strip()
        values.append({"kind": row.kind, "name": row.name, "role_key": chosen or None})
    try:
        lane_roles.update_mappings(session, actor=user, process_key=key, version=version, values=values)
    except ValidationFailed as exc:
        session.rollback()
        return _render(key, version, errors=exc.details.get("fields", {}), status=422)
    notify(msg("Đã lưu ánh xạ làn và vai trò"))
    return redirect(url_for("admin_lanes.show", key=key, version=version))
