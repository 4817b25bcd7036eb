"""Chuyển phiên bản: preview the running instances of a version against a target, then move one at once, or a
selection or all of them in the background (the worker's job loop) with a progress page that polls."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from ...errors import DomainError
from ...http import current_user, db
from ...http.locale import request_locale
from ...i18n import msg, translate
from ...operations import instance_migration, process_catalogue
from ...permissions import can_deploy
from ..access import login_required
from ..messages import notify

bp = Blueprint("admin_migration", __name__, template_folder="templates", url_prefix="/admin/processes")
SELECTION_MAX = 10_000


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
    session, user = db(), current_user()
    previews = instance_migration.preview(session, actor=user, process_key=key, from_version=source,
                                          to_version=target)
    return render_template("admin/migration.html", key=key, rows=rows, source=source, target=target,
                           previews=previews, can_edit=can_deploy(user),
                           jobs=instance_migration.jobs(session, actor=user, process_key=key))


def _back(key: str, source: int, target: int):
    return redirect(url_for("admin_migration.show", key=key, **{"from": source, "to": target}))


@bp.post("/<key>/migration")
@login_required
def migrate(key: str):
    """Queue the selected instances (or all of the source version) for the worker; show the job's progress."""
    _, source, target = _versions(key)
    session = db()
    every = request.form.get("scope") == "all"
    ids = None if every else [int(raw) for raw in request.form.getlist("instance") if raw.isdigit()][:SELECTION_MAX]
    if ids == []:
        notify(msg("Chưa chọn hồ sơ nào để chuyển."), "warning")
        return _back(key, source, target)
    try:
        job = instance_migration.start_job(session, actor=current_user(), process_key=key, from_version=source,
                                           to_version=target, instance_ids=ids)
    except DomainError as exc:
        session.rollback()
        notify(translate(exc.message, request_locale()), "error")
        return _back(key, source, target)
    return redirect(url_for("admin_migration.job", key=key, job_id=job.id))


@bp.post("/<key>/migration/instances/<int:instance_id>")
@login_required
def migrate_one(key: str, instance_id: int):
    """Move one instance now; if it cannot, it stays where it was and the reason is shown."""
    _, source, target = _versions(key)
    session = db()
    try:
        instance_migration.migrate_instance(session, actor=current_user(), instance_id=instance_id, to_version=target)
    except DomainError as exc:
        session.rollback()
        notify(msg("Hồ sơ #{id} chưa chuyển: {reason}", id=instance_id,
                   reason=translate(exc.message, request_locale())), "error")
    else:
        notify(msg("Đã chuyển hồ sơ #{id} sang phiên bản {version}.", id=instance_id, version=target))
    return _back(key, source, target)


@bp.get("/<key>/migration/jobs/<int:job_id>")
@login_required
def job(key: str, job_id: int):
    """A job's progress; the figures refresh by themselves (htmx) until nothing is pending."""
    progress = instance_migration.job_progress(db(), actor=current_user(), job_id=job_id)
    if progress.job.process_key != key:
        return redirect(url_for("admin_migration.job", key=progress.job.process_key, job_id=job_id))
    template = "admin/migration_progress.html" if request.headers.get("HX-Request") else "admin/migration_job.html"
    return render_template(template, key=key, progress=progress, can_edit=can_deploy(current_user()))


@bp.post("/<key>/migration/jobs/<int:job_id>/rerun")
@login_required
def rerun(key: str, job_id: int):
    """Queue the job's failed instances again; the progress page follows them."""
    session = db()
    try:
        queued = instance_migration.rerun_failed(session, actor=current_user(), job_id=job_id)
    except DomainError as exc:
        session.rollback()
        notify(translate(exc.message, request_locale()), "error")
    else:
        notify(msg("Đã xếp lại {count} hồ sơ để chuyển.", count=queued))
    return redirect(url_for("admin_migration.job", key=key, job_id=job_id))
