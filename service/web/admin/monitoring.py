"""Monitoring: instances by process, version, status, unit and round; the heat map of a version; instances in
error with retry, skip and terminate; suspend and resume an instance (a reason required for each but retry).
Changes go through the instance operations, which audit them."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from ...errors import DomainError, NotFound, ValidationFailed
from ...http import current_user, db
from ...http.locale import request_locale
from ...i18n import msg, translate, translate_tree
from ...models import HumanTask
from ...operations import deployments, instance_control, instances, monitoring, task_reassignment
from ...operations.monitoring import InstanceFilters
from ...permissions import can_reassign_task
from ..access import login_required
from ..messages import notify

bp = Blueprint("admin_monitoring", __name__, template_folder="templates", url_prefix="/admin/monitoring")

def _filters() -> InstanceFilters:
    args = request.args
    version = args.get("version", "")
    status = args.get("status") if args.get("status") in monitoring.STATUSES else None
    return InstanceFilters(process_key=(args.get("process") or "").strip()[:128] or None,
                           version=int(version) if version.isdigit() else None, status=status,
                           unit_code=(args.get("unit") or "").strip()[:64] or None,
                           round_code=(args.get("round") or "").strip()[:64] or None)


@bp.get("")
@login_required
def index():
    """Counts and a page of instances, filtered."""
    session, user = db(), current_user()
    filters = _filters()
    page = request.args.get("page", type=int) or 1
    result = monitoring.overview(session, actor=user, filters=filters, page=page)
    return render_template("admin/monitoring.html", result=result, filters=filters, page=page,
                           statuses=monitoring.STATUSES, rounds=monitoring.rounds(session, actor=user),
                           processes=deployments.latest_versions(session))


@bp.get("/<key>/<int:version>/heat-map")
@login_required
def heat_map(key: str, version: int):
    """The version's diagram with active tokens and completions per element, and the same as a table."""
    session, user = db(), current_user()
    counts = monitoring.heat_map(session, actor=user, process_key=key, version=version)
    process_version = deployments.get_version(session, key, version)
    marks = []
    for element_id, count in counts.items():
        if count["active"]:
            marks.append({"id": element_id, "kind": "active", "badge": f"● {count['active']}"})
        elif count["completed"]:
            marks.append({"id": element_id, "kind": "done", "badge": f"✓ {count['completed']}"})
    names = {meta.get("element_id"): meta.get("name") for tasks in process_version.task_metadata.values()
             for meta in tasks.values()}
    xml = deployments.bpmn_xml(session, key, version).decode("utf-8")
    return render_template("admin/heat_map.html", key=key, process_version=process_version, counts=counts,
                           marks=marks, xml=xml, names=names)


@bp.get("/errors")
@login_required
def errors():
    """Instances in error with their message; retry or terminate."""
    found = monitoring.errors(db(), actor=current_user())
    return render_template("admin/errors.html", instances=found, can_act=can_reassign_task(current_user()))


@bp.post("/instances/<int:instance_id>/retry")
@login_required
def retry(instance_id: int):
    """Run the failed step again; it fails again with its message if the cause remains."""
    session, user = db(), current_user()
    try:
        instance = instances.retry_instance(session, actor=user, instance_id=instance_id)
    except DomainError as exc:
        session.rollback()
        notify(translate(exc.message, request_locale()), "error")
        return redirect(url_for("admin_monitoring.errors"))
    if instance.status == "error":
        notify(msg("Chạy lại hồ sơ #{id} vẫn lỗi.", id=instance_id), "warning")
    else:
        notify(msg("Đã chạy lại hồ sơ #{id}.", id=instance_id))
    return redirect(url_for("admin_monitoring.errors"))


@bp.post("/instances/<int:instance_id>/terminate")
@login_required
def terminate(instance_id: int):
    """End an instance for good; the reason is required and kept in its history."""
    session, user = db(), current_user()
    reason = (request.form.get("reason") or "").strip()[:1000]
    if not reason:
        notify(msg("Vui lòng nhập lý do chấm dứt."), "error")
        return redirect(request.referrer or url_for("admin_monitoring.errors"))
    try:
        instances.terminate_instance(session, actor=user, instance_id=instance_id, reason=reason)
    except DomainError as exc:
        session.rollback()
        notify(translate(exc.message, request_locale()), "error")
        return redirect(url_for("admin_monitoring.errors"))
    notify(msg("Đã chấm dứt hồ sơ #{id}.", id=instance_id))
    return redirect(url_for("admin_monitoring.errors"))


@bp.get("/instances/<int:instance_id>")
@login_required
def instance_tasks(instance_id: int):
    """The open tasks of an instance, each with the people it may be given to (Chuyển xử lý)."""
    session, user = db(), current_user()
    rows = task_reassignment.open_tasks(session, actor=user, instance_id=instance_id)
    return render_template("admin/instance_tasks.html", instance_id=instance_id, rows=rows,
                           instance=monitoring.instance(session, actor=user, instance_id=instance_id),
                           can_act=can_reassign_task(user), errors={})


@bp.post("/tasks/<task_id>/reassign")
@login_required
def reassign(task_id: str):
    """Give the task to the chosen eligible person, with the reason."""
    session, user = db(), current_user()
    task = session.get(HumanTask, task_id)
    if task is None:
        raise NotFound(msg("Không tìm thấy trang."))
    instance_id = task.instance_id
    try:
        task_reassignment.reassign(session, actor=user, task_id=task_id,
                                   username=(request.form.get("username") or "").strip(),
                                   reason=(request.form.get("reason") or "")[:1000])
    except ValidationFailed as exc:
        session.rollback()
        rows = task_reassignment.open_tasks(session, actor=user, instance_id=instance_id)
        errors = {task_id: translate_tree(exc.details.get("fields", {}), request_locale())}
        return render_template("admin/instance_tasks.html", instance_id=instance_id, rows=rows,
                               instance=monitoring.instance(session, actor=user, instance_id=instance_id),
                               can_act=can_reassign_task(user), errors=errors), 422
    notify(msg("Đã chuyển xử lý công việc."))
    return redirect(url_for("admin_monitoring.instance_tasks", instance_id=instance_id))


CONTROLS = {
    "suspend": (instance_control.suspend, lambda number: msg("Đã tạm dừng hồ sơ #{id}.", id=number)),
    "resume": (instance_control.resume, lambda number: msg("Đã cho hồ sơ #{id} chạy tiếp.", id=number)),
    "skip": (instance_control.skip, lambda number: msg("Đã bỏ qua bước lỗi của hồ sơ #{id}.", id=number)),
}


@bp.post("/instances/<int:instance_id>/<any(suspend, resume, skip):action>")
@login_required
def control(instance_id: int, action: str):
    """Suspend, resume, or skip the failed element of an instance, with the reason (kept in its history)."""
    session, user = db(), current_user()
    operation, done = CONTROLS[action]
    back = (url_for("admin_monitoring.errors") if request.form.get("back") == "errors"
            else url_for("admin_monitoring.instance_tasks", instance_id=instance_id))
    try:
        operation(session, actor=user, instance_id=instance_id, reason=(request.form.get("reason") or "")[:1000])
    except DomainError as exc:
        session.rollback()
        notify(translate(exc.message, request_locale()), "error")
        return redirect(back)
    notify(done(instance_id))
    return redirect(back)
