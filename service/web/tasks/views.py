"""Task pages: show, submit, save a draft, sign off, claim, attach, comment, download a file."""

from __future__ import annotations

import json
from urllib.parse import quote

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for

from ...errors import ValidationFailed
from ...i18n import msg, translate, translate_tree
from ...nomination.documents.labels import NOMINEE_KIND_LABELS, award_labels
from ...operations import (
    attachments,
    comments,
    drafts,
    history_view,
    instance_view,
    sign_off,
    task_workspace,
    tasks,
)
from ...operations.deadlines import deadline_of
from ...operations.inbox import subject_of
from ..access import login_required, safe_next
from ..context import calendar, current_user, db, locale, today
from ..messages import notify
from .form_schema import renderable_schema, with_names

bp = Blueprint("tasks", __name__, template_folder="templates")

MAX_DATA_JSON = 2_000_000


def _submitted_data() -> dict:
    """The form island's values (a JSON object in `data_json`); 400 when malformed."""
    raw = request.form.get("data_json", "") or "{}"
    if len(raw) > MAX_DATA_JSON:
        abort(413)
    try:
        data = json.loads(raw)
    except ValueError:
        abort(400)
    if not isinstance(data, dict):
        abort(400)
    return data


def _coded_names(session) -> dict[str, dict[str, str]]:
    """Column -> code -> name in the page's language for the coded values a task page shows (nominee kinds,
    award forms), from the names every other page uses."""
    lang = locale()
    return {"kind": {code: translate(name, lang) for code, name in NOMINEE_KIND_LABELS.items()},
            "award_form": {code: translate(name, lang) for code, name in award_labels(session).items()}}


def _render(task_id: str, *, errors: dict | None = None, data: dict | None = None, reason: str | None = None,
            status: int = 200, template: str = "tasks/show.html"):
    session, user = db(), current_user()
    workspace = task_workspace.task_workspace(session, actor=user, task_id=task_id)
    task = workspace.task
    instance = task.instance
    events = workspace.history
    marks = instance_view.diagram_marks(session, instance, events)
    schema = renderable_schema(workspace.sign_off.rest if workspace.sign_off else workspace.form)
    initial = dict(workspace.initial_data)
    if data is not None:  # what the user typed stays after a refusal
        initial.update(data)
    subject, dossier_id = subject_of(instance.data)
    names = _coded_names(session)

    def value_name(key: str, value):
        """A changed value in the resubmission's diff, named when it is a code: a kind or an award form by its
        name, another choice by the form's label for it."""
        if not isinstance(value, str):
            return value
        named = names.get(key, {}).get(value)
        if named is None and workspace.diff is not None:
            named = workspace.diff.option_labels.get(key, {}).get(value)
        return value if named is None else named

    context = {
        "ws": workspace, "task": task, "instance": instance, "schema": schema, "initial": initial,
        "shown_data": with_names(schema, initial, names), "value_name": value_name,
        "errors": translate_tree(errors or {}, locale()), "reason": reason or "", "marks": marks,
        "history": history_view.history_entries(session, instance, events),
        "bpmn": instance_view.version_diagram(session, instance.process_version_id).decode("utf-8"),
        "deadline": deadline_of(task.due_at, today=today(), calendar=calendar()) if task.state == "open" else None,
        "subject": subject, "dossier_id": dossier_id, "current_user_id": user.id,
        "process_name": instance_view.process_name(session, instance),
    }
    return render_template(template, **context), status


def _attachments_answer(task_id: str, errors: dict | None = None, status: int = 200):
    """After attaching or removing a file: the files section for htmx, else the task page again."""
    if request.headers.get("HX-Request"):
        return _render(task_id, errors=errors, status=status, template="tasks/_attachments.html")
    if errors:
        return _render(task_id, errors=errors, status=status)
    return redirect(url_for("tasks.show", task_id=task_id) + "#attachments")


@bp.get("/tasks/<task_id>")
@login_required
def show(task_id: str):
    """The task page (404 outside the user's scope)."""
    return _render(task_id)


@bp.post("/tasks/<task_id>")
@login_required
def submit(task_id: str):
    """Gửi (complete with the form's values) or Lưu nháp (keep them as a draft)."""
    data = _submitted_data()
    session, user = db(), current_user()
    if request.form.get("action") == "draft":
        drafts.save_draft(session, actor=user, task_id=task_id, data=data)
        notify(msg("Đã lưu nháp"), "success")
        return redirect(url_for("tasks.show", task_id=task_id))
    try:
        task_workspace.submit(session, actor=user, task_id=task_id, data=data, locale=locale())
    except ValidationFailed as exc:
        session.rollback()
        return _render(task_id, errors=exc.details.get("fields") or {}, data=data, status=422)
    notify(msg("Đã gửi hồ sơ"), "success")
    return redirect(url_for("inbox.index"))


@bp.post("/tasks/<task_id>/sign-off")
@login_required
def sign(task_id: str):
    """Duyệt / Trả lại / Từ chối with the step's decision buttons; a return or rejection needs a reason."""
    data = _submitted_data()
    reason = request.form.get("reason", "")
    session, user = db(), current_user()
    task = tasks.get_task(session, actor=user, task_id=task_id)
    unit = task.instance.org_unit.name if task.instance.org_unit else ""
    try:
        sign_off.sign_off(session, actor=user, task_id=task_id, decision=request.form.get("decision"),
                                    reason=reason, data=data, locale=locale())
    except ValidationFailed as exc:
        session.rollback()
        errors = dict(exc.details.get("fields") or {})
        if exc.message == sign_off.REASON_REQUIRED:
            errors = {"reason": [sign_off.REASON_REQUIRED]}
        return _render(task_id, errors=errors, data=data, reason=reason, status=422)
    kind = sign_off.kind_of(request.form.get("decision"))
    messages = {"approve": msg("Đã duyệt hồ sơ"), "return": msg("Đã trả lại hồ sơ cho {unit}", unit=unit),
                "reject": msg("Đã từ chối hồ sơ")}
    notify(messages.get(kind or "", msg("Đã gửi hồ sơ")), "success")
    return redirect(url_for("inbox.index"))


@bp.post("/tasks/<task_id>/claim")
@login_required
def claim(task_id: str):
    tasks.claim(db(), actor=current_user(), task_id=task_id)
    notify(msg("Đã nhận việc"), "success")
    return redirect(safe_next(request.form.get("next")) or url_for("tasks.show", task_id=task_id))


@bp.post("/tasks/<task_id>/unclaim")
@login_required
def unclaim(task_id: str):
    tasks.unclaim(db(), actor=current_user(), task_id=task_id)
    notify(msg("Đã bỏ nhận việc"), "success")
    return redirect(url_for("inbox.group"))


@bp.post("/tasks/<task_id>/attachments")
@login_required
def attach(task_id: str):
    """Đính kèm tệp: one file, checked by content and size."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _attachments_answer(task_id, {"file": [msg("Vui lòng chọn tệp cần đính kèm.")]}, 422)
    session = db()
    try:
        attachments.add_attachment(session, actor=current_user(), task_id=task_id, filename=upload.filename,
                                   content=upload.read(attachments.MAX_BYTES + 1))
    except ValidationFailed as exc:
        session.rollback()
        return _attachments_answer(task_id, exc.details.get("fields") or {}, 422)
    if not request.headers.get("HX-Request"):
        notify(msg("Đã đính kèm tệp"), "success")
    return _attachments_answer(task_id)


@bp.post("/tasks/<task_id>/attachments/<int:attachment_id>/remove")
@login_required
def remove_attachment(task_id: str, attachment_id: int):
    attachments.remove_attachment(db(), actor=current_user(), task_id=task_id, attachment_id=attachment_id)
    if not request.headers.get("HX-Request"):
        notify(msg("Đã gỡ tệp đính kèm"), "success")
    return _attachments_answer(task_id)


@bp.post("/tasks/<task_id>/comments")
@login_required
def comment(task_id: str):
    """Thêm ý kiến: kept in the instance's history."""
    text = request.form.get("text", "")
    session = db()
    try:
        comments.add_comment(session, actor=current_user(), task_id=task_id, text=text)
    except ValidationFailed as exc:
        session.rollback()
        return _render(task_id, errors=exc.details.get("fields") or {}, status=422)
    notify(msg("Đã thêm ý kiến"), "success")
    return redirect(url_for("tasks.show", task_id=task_id) + "#comments")


@bp.get("/attachments/<int:attachment_id>")
@login_required
def download(attachment_id: int):
    """Tải xuống: always a download, never shown inline (404 outside the instance's visibility)."""
    file = attachments.get_for_download(db(), actor=current_user(), attachment_id=attachment_id)
    return download_response(file.content, file.filename, file.content_type)


def download_response(content: bytes, filename: str, content_type: str) -> Response:
    """Bytes sent as a download the browser will not render (also for generated documents)."""
    ascii_name = filename.encode("ascii", "ignore").decode() or "download"
    ascii_name = ascii_name.replace('"', "")
    response = Response(content, mimetype=content_type)
    response.headers["Content-Disposition"] = (f'attachment; filename="{ascii_name}"; '
                                               f"filename*=UTF-8''{quote(filename)}")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response
