"""Instance page and the downloads of its generated documents (.docx and PDF)."""

from __future__ import annotations

import json

from flask import Blueprint, abort, redirect, render_template, request, url_for

from ...i18n import msg
from ...nomination import processes
from ...operations import deployments, documents, history_view, instance_view, instances
from ...pdf.states import CONVERTED
from ...permissions import can_act_on_task
from ..access import login_required
from ..context import current_user, db
from ..messages import notify
from ..tasks.views import download_response

bp = Blueprint("instances", __name__, template_folder="templates")

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# Started by the nomination domain's own operations (a dossier, a registration, a round), never directly.
DOMAIN_STARTED = frozenset({processes.AWARD_ROUND, processes.UNIT_NOMINATION, processes.EMULATION_REGISTRATION,
                            processes.STATE_LEVEL_PROPOSAL})


def _startable(session) -> list:
    return [version for version in deployments.latest_versions(session) if version.process_key not in DOMAIN_STARTED]


@bp.get("/instances/new")
@login_required
def new():
    """Khởi tạo hồ sơ: the processes a person starts directly."""
    return render_template("instances/new.html", versions=_startable(db()))


@bp.post("/instances")
@login_required
def start():
    """Start one of them for the user's unit, then open its first task when it is theirs to do."""
    session, user = db(), current_user()
    key = request.form.get("process_key", "")
    if key not in {version.process_key for version in _startable(session)}:
        abort(404)
    instance = instances.start_instance(session, actor=user, process_key=key)
    notify(msg("Đã khởi tạo hồ sơ số {number}", number=instance.id), "success")
    for task in instances.open_tasks(session, instance):
        if can_act_on_task(session, user, task):
            return redirect(url_for("tasks.show", task_id=task.id))
    return redirect(url_for("instances.show", instance_id=instance.id))


@bp.get("/instances/<int:instance_id>")
@login_required
def show(instance_id: int):
    """The instance page (the 404 page outside the user's scope)."""
    session, user = db(), current_user()
    page = instance_view.instance_page(session, actor=user, instance_id=instance_id)
    return render_template(
        "instances/show.html", page=page, instance=page.instance,
        history=history_view.history_entries(session, page.instance, page.history),
        bpmn=instance_view.version_diagram(session, page.instance.process_version_id).decode("utf-8"),
        data_json=json.dumps(page.data, ensure_ascii=False, indent=2, sort_keys=True, default=str)
        if page.data is not None else None)


@bp.get("/documents/<int:document_id>/docx")
@login_required
def document_docx(document_id: int):
    """Tải xuống the .docx of a generated document."""
    document = documents.get_document(db(), actor=current_user(), document_id=document_id, with_content="content")
    return download_response(document.content, document.filename, DOCX)


@bp.get("/documents/<int:document_id>/pdf")
@login_required
def document_pdf(document_id: int):
    """Tải xuống the PDF (the signed one when there is one); back to the instance while it is being made."""
    session, user = db(), current_user()
    document = documents.get_document(session, actor=user, document_id=document_id)
    if document.pdf_status != CONVERTED:
        notify(msg("Bản PDF chưa sẵn sàng. Vui lòng thử lại sau."), "warning")
        return redirect(url_for("instances.show", instance_id=document.instance_id) + "#documents")
    column = "signed_pdf_content" if document.signed_at is not None else "pdf_content"
    loaded = documents.get_document(session, actor=user, document_id=document_id, with_content=column)
    stem = document.filename.rsplit(".", 1)[0]
    return download_response(getattr(loaded, column), f"{stem}.pdf", "application/pdf")
