"""Chuyển phiên bản: preview the running instances of a version against a target, then move a selection."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from ...http import current_user, db
from ...i18n import msg
from ...operations import instance_migration, process_catalogue
from ...permissions import can_deploy
from ..access import login_required
from ..messages import notify

bp = Blueprint("admin_migration", __name__, template_folder="templates", url_prefix="/admin/processes")


def _versions(key: str) -> tuple[list, int, int]:
    rows = process_catalogue.versions(db(), actor=current_user(), process_key=key)
    newest = rows[0].version
    target = request.values.get("to", type=int) or newest
    source = request.values.get("from", type=int) or max(target - 1, 1)
    return rows, source, target


@bp.get("/<key>/migration")
@login_required
def show(key: str):
    """Each running instance of the source version: what moves to the target, or why it cannot."""
    rows, source, target = _versions(key)
    previews = instance_migration.preview(db(), actor=current_user(), process_key=key, from_version=source,
                                          to_version=target)
    return render_template("admin/migration.html", key=key, rows=rows, source=source, target=target,
                           previews=previews, can_edit=can_deploy(current_user()))


@bp.post("/<key>/migration")
@login_required
def migrate(key: str):
    """Move the selected instances; each that cannot stays where it is and is named with its reason."""
    _, source, target = _versions(key)
    ids = [int(raw) for raw in request.form.getlist("instance") if raw.isdigit()][:1000]
    if not ids:
        notify(msg("Chưa chọn hồ sơ nào để chuyển."), "warning")
    else:
        outcome = instance_migration.migrate_many(db(), actor=current_user(), instance_ids=ids, to_version=target)
        moved = sum(1 for reason in outcome.values() if reason is None)
        notify(msg("Đã chuyển {moved}/{total} hồ sơ sang phiên bản {version}.", moved=moved, total=len(ids),
                   version=target))
        for instance_id, reason in outcome.items():
            if reason is not None:
                notify(msg("Hồ sơ #{id} chưa chuyển: {reason}", id=instance_id, reason=reason), "error")
    return redirect(url_for("admin_migration.show", key=key, **{"from": source, "to": target}))
