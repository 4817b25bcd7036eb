"""Dossiers: the unit's list and the rounds open to it; one dossier; nominees from an Excel sheet.

The nominee sheet goes into the open "Soạn hồ sơ" step as the officer's draft (the step's form is
where nominees are kept and checked), so the officer reviews the imported rows and sends the step
as usual; a sheet with any wrong row is shown with each row's errors and nothing is kept.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, redirect, render_template, request, url_for

from ...i18n import msg
from ...nomination import award_history, clearances, clock, council, dossiers, nominee_sheet, rounds
from ...nomination import permissions as nomination_permissions
from ...nomination.documents.labels import award_labels
from ...operations import drafts, task_views
from ..access import login_required
from ..context import current_user, db
from ..exports import xlsx_download
from ..messages import notify

bp = Blueprint("dossiers", __name__, template_folder="templates")
DRAFT_STEP = "draft"
MAX_SHEET_BYTES = 5 * 1024 * 1024


@bp.get("/dossiers")
@login_required
def index():
    """The dossiers the user may see, and the open rounds their unit can start one for."""
    session, user = db(), current_user()
    rows, total = dossiers.list_dossiers(session, actor=user, limit=200)
    open_rounds, _ = rounds.list_rounds(session, status="open", limit=50)
    started = {row.round_id for row in rows if row.org_unit_id == user.org_unit_id}
    can_start = user.org_unit_id is not None and nomination_permissions.can_start_dossier(user, user.org_unit_id)
    return render_template("dossiers/index.html", rows=rows, total=total, can_start=can_start,
                           open_rounds=[r for r in open_rounds if r.id not in started])


@bp.post("/dossiers")
@login_required
def create():
    """Start the user's unit's dossier for an open round and open it."""
    round_id = request.form.get("round_id", type=int)
    dossier = dossiers.create_dossier(db(), actor=current_user(), round_id=round_id or 0)
    db().commit()
    notify(msg("Đã tạo hồ sơ."))
    return redirect(url_for(".show", dossier_id=dossier.id))


def _page(dossier_id: int, *, sheet=None, status: int = 200):
    session, user = db(), current_user()
    dossier = dossiers.get_dossier(session, actor=user, dossier_id=dossier_id)
    steps = task_views.open_of_instance(session, dossier.instance_id) if dossier.instance_id else []
    draft_step = next((step for step in steps if step.element_id == DRAFT_STEP), None)
    on = dossier.round.opens_on or date.today()
    # The list is edited here while the process (if any) is at its drafting step, as the editor requires.
    editable = (nomination_permissions.can_edit_dossier(user, dossier) and "unit_officer" in user.role_keys()
                and user.org_unit_id == dossier.org_unit_id and (dossier.instance_id is None or draft_step is not None))
    missing = {nominee.id: clearances.missing(session, nominee) for nominee in dossier.nominees
               if nominee.kind == "enterprise"}
    return render_template("dossiers/show.html", dossier=dossier, steps=steps, draft_step=draft_step,
                           processing=clock.clock_of(session, dossier), rules=council.rules(session, on=on),
                           sheet=sheet, editable=editable, missing_clearances=missing,
                           history=award_history.prior_awards(session, dossier.nominees),
                           award_names=award_labels(session)), status


@bp.get("/dossiers/<int:dossier_id>")
@login_required
def show(dossier_id: int):
    """A dossier: reasons of a return on top, the processing clock, nominees, its open steps."""
    return _page(dossier_id)


@bp.get("/dossiers/nominee-template.xlsx")
@login_required
def template():
    """The nominee sheet to fill."""
    return xlsx_download(nominee_sheet.template(), "mau-danh-sach-de-nghi.xlsx")


@bp.post("/dossiers/<int:dossier_id>/import")
@login_required
def import_sheet(dossier_id: int):
    """Check the uploaded sheet; when every row is right, its nominees become the draft step's."""
    session, user = db(), current_user()
    dossier = dossiers.get_dossier(session, actor=user, dossier_id=dossier_id)
    upload = request.files.get("file")
    data = upload.stream.read(MAX_SHEET_BYTES + 1) if upload is not None else b""
    if not data or len(data) > MAX_SHEET_BYTES:
        notify(msg("Hãy chọn tệp Excel (.xlsx) không quá 5 MB."), "error")
        return redirect(url_for(".show", dossier_id=dossier_id))
    sheet = nominee_sheet.check(session, data)
    if not sheet.ok:
        return _page(dossier_id, sheet=sheet, status=422)
    steps = task_views.open_of_instance(session, dossier.instance_id) if dossier.instance_id else []
    step = next((s for s in steps if s.element_id == DRAFT_STEP), None)
    if step is None:
        notify(msg("Hồ sơ không ở bước soạn; không nhập được danh sách."), "error")
        return redirect(url_for(".show", dossier_id=dossier_id))
    drafts.save_draft(session, actor=user, task_id=step.id, data={"nominees": nominee_sheet.form_rows(sheet)})
    session.commit()
    notify(msg("Đã đưa {n} đối tượng vào bản nháp; kiểm tra rồi gửi.", n=len(sheet.rows)))
    return redirect(url_for("tasks.show", task_id=step.id))
