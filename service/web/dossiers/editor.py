"""The nominee editor of a draft dossier (one form per nominee type), the enterprise clearances page,
and the council meeting page whose quorum and vote threshold follow the dated rules as the officer types.

Every change goes through the dossier operations (audited, shared with the API); the input is checked by
the same schema as the API's and the domain's own rules, and a refusal shows each error next to its field
with what was typed kept.
"""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, render_template, request, url_for
from marshmallow import ValidationError as SchemaError

from ...errors import ValidationFailed
from ...i18n import msg, translate
from ...models import Nominee, OrgUnit, ProcessInstance
from ...models.nomination import CLEARANCE_KINDS
from ...nomination import award_history, clearances, council, dossiers, step_mirror
from ...nomination import permissions as nomination_permissions
from ...nomination.documents.labels import award_labels
from ...nomination.nominee_input import NomineeIn, NomineePatch, nominee_values
from ...nomination.nominees import clearance_rules
from ...operations import drafts, task_views
from ..access import login_required
from ..context import current_user, db, locale
from ..messages import notify
from ..tasks.views import download_response
from . import days
from .views import bp

EDITOR_KINDS = ("collective", "individual", "enterprise", "household")
COMMON = ("name", "achievement_summary", "achievement_key", "award_form", "propose_state_level")
# The fields each type's form has (DOMAIN A4), besides the common ones.
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    "collective": ("subject_org_unit_code", "unit_name", "dx_index_score", "tasks_completed"),
    "individual": ("identifier", "date_of_birth", "sex", "position", "unit_name", "annual_rating", "tasks_completed",
                   "initiatives"),
    "enterprise": ("identifier", "unit_name", "sector"),
    "household": ("unit_name",),
}
CHECKBOXES = ("propose_state_level",)
TRI_STATE = ("tasks_completed",)
INITIATIVE_ROWS = 3
MAX_INITIATIVES = 50
MAX_PROOF = 20 * 1024 * 1024 + 1


def _editable(dossier_id: int, steps: tuple[str, ...] = ("draft",)):
    """The dossier, if the user is an officer of its unit (anyone else: 404), it is still a draft and, when
    its process runs, one of `steps` is open there (the list is the drafting step's while it is open; the
    clearances are its own step's): otherwise the dossier page again with the reason."""
    session, user = db(), current_user()
    dossier = dossiers.get_dossier(session, actor=user, dossier_id=dossier_id)
    if "unit_officer" not in user.role_keys() or user.org_unit_id != dossier.org_unit_id:
        abort(404)
    if not nomination_permissions.can_edit_dossier(user, dossier):
        notify(msg("Hồ sơ đã nộp; không sửa được."), "error")
        return dossier, redirect(url_for(".show", dossier_id=dossier.id))
    if dossier.instance_id is not None and not step_mirror.open_steps(session, dossier) & set(steps):
        notify(msg("Hồ sơ đang ở bước xử lý khác; danh sách chỉ sửa được ở bước lập hồ sơ."), "error")
        return dossier, redirect(url_for(".show", dossier_id=dossier.id))
    return dossier, None


def _nominee_of(dossier, nominee_id: int) -> Nominee:
    nominee = next((n for n in dossier.nominees if n.id == nominee_id), None)
    if nominee is None:
        abort(404)
    return nominee


def _form_of(nominee: Nominee) -> dict[str, Any]:
    """The form's values of a stored nominee (as the inputs show them)."""
    form: dict[str, Any] = {field: getattr(nominee, field) for field in COMMON + KIND_FIELDS[nominee.kind]
                            if field not in ("initiatives", "subject_org_unit_code")}
    form["subject_org_unit_code"] = _subject_code(nominee)
    form["date_of_birth"] = days.shown(nominee.date_of_birth)
    form["dx_index_score"] = "" if nominee.dx_index_score is None else str(nominee.dx_index_score)
    form["tasks_completed"] = {True: "yes", False: "no"}.get(nominee.tasks_completed, "")
    form["initiatives"] = [{"name": item.get("name") or item.get("title") or "",
                            "recognised_by": item.get("recognised_by") or "",
                            "recognised_on": days.shown(item.get("recognised_on")),
                            "recognised": bool(item.get("recognised"))} for item in nominee.initiatives or []]
    return form


def _subject_code(nominee: Nominee) -> str:
    unit = db().get(OrgUnit, nominee.subject_org_unit_id) if nominee.subject_org_unit_id else None
    return unit.code if unit else ""


def _typed(kind: str) -> dict[str, Any]:
    """What the officer typed, as the form shows it again."""
    form: dict[str, Any] = {}
    for field in COMMON + KIND_FIELDS[kind]:
        if field == "initiatives":
            # Every row the form had (a nominee from the sheet or the API may have more than the blank three).
            rows = sum(1 for key in request.form if key.startswith("initiative-") and key.endswith("-name"))
            form[field] = [{"name": request.form.get(f"initiative-{i}-name", "").strip(),
                            "recognised_by": request.form.get(f"initiative-{i}-recognised_by", "").strip(),
                            "recognised_on": request.form.get(f"initiative-{i}-recognised_on", "").strip(),
                            "recognised": request.form.get(f"initiative-{i}-recognised") == "on"}
                           for i in range(min(rows, MAX_INITIATIVES))]
        elif field in CHECKBOXES:
            form[field] = request.form.get(field) == "on"
        else:
            form[field] = (request.form.get(field) or "").strip()
    return form


def _payload(kind: str, form: dict[str, Any]) -> dict[str, Any]:
    """The typed form as the shared schema loads it: empty inputs are absent values."""
    payload: dict[str, Any] = {"kind": kind}
    for field, value in form.items():
        if field == "initiatives":
            payload[field] = [{"name": item["name"] or None, "recognised_by": item["recognised_by"] or None,
                               "recognised_on": days.iso_or_typed(item["recognised_on"]),
                               "recognised": item["recognised"]}
                              for item in value if item["name"] or item["recognised_by"] or item["recognised_on"]]
        elif field in TRI_STATE:
            payload[field] = {"yes": True, "no": False}.get(value)
        elif field in CHECKBOXES:
            payload[field] = value
        elif field == "dx_index_score":
            # A Vietnamese decimal comma is the same number; the domain then refuses a third decimal.
            payload[field] = value.replace(",", ".") or None
        elif field == "name":
            payload[field] = value
        elif field == "date_of_birth":
            payload[field] = days.iso_or_typed(value)
        else:
            payload[field] = value or None
    return payload


FIELD_HINTS = {
    "name": msg("Nhập tên (tối đa 255 ký tự)."),
    "date_of_birth": msg("Ngày sinh không hợp lệ (dd/mm/yyyy)."),
    "dx_index_score": msg("Điểm chỉ số chuyển đổi số phải là một số."),
    "initiatives": msg("Mỗi sáng kiến cần có tên; ngày công nhận theo dd/mm/yyyy."),
}


def _schema_errors(error: SchemaError, form: dict[str, Any]) -> dict[str, list[str]]:
    """The schema's refusals in the page's language, one message per field (an empty one: required)."""
    messages = error.messages if isinstance(error.messages, dict) else {}
    out: dict[str, list[str]] = {}
    for field in messages:
        required = field in form and form[field] in ("", None)
        message = msg("Giá trị bắt buộc.") if required else FIELD_HINTS.get(field, msg("Giá trị không hợp lệ."))
        out[field] = [translate(message, locale())]
    return out


def _domain_errors(error: ValidationFailed) -> dict[str, list[str]]:
    fields = (error.details or {}).get("fields") or {}
    out = {field: [translate(message, locale()) for message in messages] for field, messages in fields.items()}
    return out or {"name": [translate(error.message, locale())]}


def _editor(dossier, kind: str, form: dict[str, Any], *, nominee: Nominee | None = None,
            errors: dict[str, list[str]] | None = None, status: int = 200):
    session = db()
    initiatives = list(form.get("initiatives") or [])
    initiatives += [{"name": "", "recognised_by": "", "recognised_on": "", "recognised": False}] * (
        INITIATIVE_ROWS - len(initiatives))
    form = {**form, "initiatives": initiatives[:max(INITIATIVE_ROWS, len(initiatives))]}
    history = award_history.prior_awards(session, [nominee]).get(nominee.id) if nominee is not None else None
    forms = dossier.round.movement.award_forms or [dossier.round.award_form]
    names = award_labels(session)
    return render_template(
        "dossiers/nominee_form.html", dossier=dossier, kind=kind, form=form, nominee=nominee,
        errors=errors or {}, fields=set(KIND_FIELDS[kind]), history=history, award_names=names,
        award_forms=[(code, names.get(code, code)) for code in forms],
        sectors=[(item["code"], item["name"]) for item in clearance_rules(session, dossier.round)["sectors"]]), status


@bp.get("/dossiers/<int:dossier_id>/nominees/new")
@login_required
def new_nominee(dossier_id: int):
    """An empty form for one nominee type (`?kind=`)."""
    kind = request.args.get("kind", "")
    if kind not in EDITOR_KINDS:
        abort(404)
    dossier, refused = _editable(dossier_id)
    if refused:
        return refused
    form = {field: "" for field in COMMON + KIND_FIELDS[kind]}
    form.update(award_form=dossier.round.award_form, propose_state_level=False, initiatives=[])
    return _editor(dossier, kind, form)


def _save(dossier, kind: str, nominee: Nominee | None):
    form = _typed(kind)
    schema = NomineeIn() if nominee is None else NomineePatch()
    session, user = db(), current_user()
    try:
        values = nominee_values(schema.load(_payload(kind, form), partial=nominee is not None))
        if nominee is None:
            saved = dossiers.add_nominee(session, actor=user, dossier_id=dossier.id, values=values)
        else:
            values.pop("kind", None)
            saved = dossiers.update_nominee(session, actor=user, dossier_id=dossier.id, nominee_id=nominee.id,
                                            values=values)
    except SchemaError as exc:
        session.rollback()
        return _editor(dossiers.get_dossier(session, actor=user, dossier_id=dossier.id), kind, form,
                       nominee=nominee, errors=_schema_errors(exc, form), status=422)
    except ValidationFailed as exc:
        session.rollback()
        dossier = dossiers.get_dossier(session, actor=user, dossier_id=dossier.id)
        nominee = _nominee_of(dossier, nominee.id) if nominee is not None else None
        return _editor(dossier, kind, form, nominee=nominee, errors=_domain_errors(exc), status=422)
    session.commit()
    notify(msg("Đã lưu {name}.", name=saved.name))
    if saved.kind == "enterprise" and nominee is None:
        return redirect(url_for(".nominee_clearances", dossier_id=dossier.id, nominee_id=saved.id))
    return redirect(url_for(".show", dossier_id=dossier.id) + "#danh-sach")


@bp.post("/dossiers/<int:dossier_id>/nominees")
@login_required
def add_nominee(dossier_id: int):
    """Add the typed nominee; on a refusal the form again with each error beside its field."""
    kind = request.form.get("kind", "")
    if kind not in EDITOR_KINDS:
        abort(404)
    dossier, refused = _editable(dossier_id)
    return refused or _save(dossier, kind, None)


def _editable_nominee(dossier_id: int, nominee_id: int):
    """`_editable`'s dossier with one of its nominees of a kind this editor handles (another kind: 404), or its
    refusal (then no nominee)."""
    dossier, refused = _editable(dossier_id)
    if refused:
        return dossier, None, refused
    nominee = _nominee_of(dossier, nominee_id)
    if nominee.kind not in EDITOR_KINDS:
        abort(404)
    return dossier, nominee, None


@bp.get("/dossiers/<int:dossier_id>/nominees/<int:nominee_id>")
@login_required
def edit_nominee(dossier_id: int, nominee_id: int):
    """A nominee's form with its values and its prior awards from the register."""
    dossier, nominee, refused = _editable_nominee(dossier_id, nominee_id)
    return refused or _editor(dossier, nominee.kind, _form_of(nominee), nominee=nominee)


@bp.post("/dossiers/<int:dossier_id>/nominees/<int:nominee_id>")
@login_required
def update_nominee(dossier_id: int, nominee_id: int):
    """Save the nominee's changed values; on a refusal the form again with each error beside its field."""
    dossier, nominee, refused = _editable_nominee(dossier_id, nominee_id)
    return refused or _save(dossier, nominee.kind, nominee)


@bp.post("/dossiers/<int:dossier_id>/nominees/<int:nominee_id>/remove")
@login_required
def remove_nominee(dossier_id: int, nominee_id: int):
    """Take a nominee out of the draft (audited)."""
    dossier, refused = _editable(dossier_id)
    if refused:
        return refused
    name = _nominee_of(dossier, nominee_id).name
    dossiers.remove_nominee(db(), actor=current_user(), dossier_id=dossier.id, nominee_id=nominee_id)
    db().commit()
    notify(msg("Đã bỏ {name} khỏi hồ sơ.", name=name))
    target = url_for(".show", dossier_id=dossier.id) + "#danh-sach"
    if request.headers.get("HX-Request"):  # asked through htmx (after its confirmation): the page reloads
        return "", 200, {"HX-Redirect": target}
    return redirect(target)


# --- enterprise clearances ---------------------------------------------------------------------------------

def _clearances_page(dossier, nominee: Nominee, *, form: dict | None = None, errors: dict | None = None,
                     status: int = 200):
    session, user = db(), current_user()
    lines = clearances.lines(session, nominee)
    editable = nomination_permissions.can_edit_dossier(user, dossier)
    missing = [line.kind for line in lines if line.missing]
    return render_template("dossiers/clearances.html", dossier=dossier, nominee=nominee, lines=lines,
                           missing=missing, editable=editable, kinds=CLEARANCE_KINDS,
                           form=form or {"kind": missing[0] if missing else "tax"}, errors=errors or {}), status


@bp.get("/dossiers/<int:dossier_id>/nominees/<int:nominee_id>/clearances")
@login_required
def nominee_clearances(dossier_id: int, nominee_id: int):
    """An enterprise nominee's clearances: which are needed, which are recorded, which are still missing."""
    nominee = clearances.enterprise_nominee(db(), actor=current_user(), dossier_id=dossier_id, nominee_id=nominee_id)
    return _clearances_page(nominee.dossier, nominee)


@bp.post("/dossiers/<int:dossier_id>/nominees/<int:nominee_id>/clearances")
@login_required
def record_clearance(dossier_id: int, nominee_id: int):
    """Record one clearance with its proof; a refusal keeps what was typed (the file must be chosen again)."""
    session, user = db(), current_user()
    dossier, refused = _editable(dossier_id, steps=step_mirror.MIRRORED_STEPS)
    if refused:
        return refused
    nominee = clearances.enterprise_nominee(session, actor=user, dossier_id=dossier.id, nominee_id=nominee_id)
    form = {key: (request.form.get(key) or "").strip() for key in ("kind", "issuer", "number", "issued_on")}
    upload = request.files.get("file")
    content = upload.stream.read(MAX_PROOF) if upload is not None else b""
    issued_on = days.parse_day(form["issued_on"])
    try:
        clearances.record_clearance(session, actor=user, dossier_id=dossier.id, nominee_id=nominee.id,
                                    kind=form["kind"], issuer=form["issuer"], number=form["number"],
                                    issued_on=issued_on, filename=upload.filename if upload else "", content=content)
    except ValidationFailed as exc:
        session.rollback()
        nominee = clearances.enterprise_nominee(session, actor=user, dossier_id=dossier_id, nominee_id=nominee_id)
        errors = _domain_errors(exc)
        if form["issued_on"] and issued_on is None:
            errors["issued_on"] = [translate(msg("Nhập ngày văn bản (dd/mm/yyyy)."), locale())]
        return _clearances_page(nominee.dossier, nominee, form=form, errors=errors, status=422)
    session.commit()
    notify(msg("Đã ghi nhận văn bản xác nhận."))
    return redirect(url_for(".nominee_clearances", dossier_id=dossier_id, nominee_id=nominee_id))


@bp.get("/dossiers/clearances/<int:clearance_id>/proof")
@login_required
def clearance_proof(clearance_id: int):
    """The proof document, always as a download (never shown inline)."""
    record = clearances.proof_for_download(db(), actor=current_user(), clearance_id=clearance_id)
    return download_response(record.content, record.filename, record.content_type)


# --- the council meeting -----------------------------------------------------------------------------------

COUNCIL_STEP = "council_minutes"


def _int(name: str) -> int | None:
    value = (request.form.get(name) or "").strip()
    return int(value) if value.isdigit() else None


def _council_check(dossier) -> dict[str, Any]:
    """The meeting as typed, judged by the dated rules of the round's opening day."""
    rules = council.rules(db(), on=dossier.round.opens_on)
    total, present = _int("members_total"), _int("members_present")
    check: dict[str, Any] = {"rules": rules, "total": total, "present": present, "quorum": None, "needed": None,
                             "problem": None, "votes": {}}
    if total is not None and present is not None:
        if total <= 0 or present > total:
            check["problem"] = msg("Số thành viên có mặt phải từ 0 đến tổng số thành viên.")
        else:
            check["quorum"] = rules.quorum_met(present, total)
            check["needed"] = rules.votes_needed(present, total)
    for nominee in dossier.nominees:
        votes = _int(f"votes-{nominee.id}")
        verdict = None
        if votes is not None and check["quorum"] is not None:
            if votes > present:
                verdict = "too_many"
            else:
                verdict = "pass" if check["quorum"] and rules.passes(votes, present, total) else "fail"
        check["votes"][nominee.id] = {"votes": votes, "verdict": verdict}
    return check


def _council_step(dossier):
    if dossier.instance_id is None:
        return None
    return next((step for step in task_views.open_of_instance(db(), dossier.instance_id)
                 if step.element_id == COUNCIL_STEP), None)


@bp.get("/dossiers/<int:dossier_id>/council")
@login_required
def council_meeting(dossier_id: int):
    """The council meeting: members and votes per nominee, judged live against the dated rules."""
    dossier = dossiers.get_dossier(db(), actor=current_user(), dossier_id=dossier_id)
    return render_template("dossiers/council.html", dossier=dossier, check=_council_check(dossier),
                           step=_council_step(dossier))


@bp.post("/dossiers/<int:dossier_id>/council/check")
@login_required
def council_check(dossier_id: int):
    """The verdict fragment (htmx, as the officer types); nothing is stored."""
    dossier = dossiers.get_dossier(db(), actor=current_user(), dossier_id=dossier_id)
    return render_template("dossiers/_council_verdict.html", dossier=dossier, check=_council_check(dossier))


@bp.post("/dossiers/<int:dossier_id>/council")
@login_required
def council_to_minutes(dossier_id: int):
    """Put the typed numbers into the officer's draft of the open minutes step and open it."""
    session, user = db(), current_user()
    dossier, refused = _editable(dossier_id, steps=(COUNCIL_STEP,))
    if refused:
        return refused
    step = _council_step(dossier)
    if step is None:
        notify(msg("Hồ sơ không ở bước họp xét; chưa ghi được biên bản."), "error")
        return redirect(url_for(".council_meeting", dossier_id=dossier_id))
    check = _council_check(dossier)
    if check["problem"] or check["total"] is None or check["present"] is None or any(
            item["verdict"] == "too_many" for item in check["votes"].values()):
        return render_template("dossiers/council.html", dossier=dossier, check=check, step=step), 422
    current = drafts.get_draft(session, actor=user, task_id=step.id)
    rows = [{**row, "votes_for": check["votes"].get(row.get("nominee_id") or row.get("id"), {}).get("votes")}
            for row in _process_rows(dossier)]
    drafts.save_draft(session, actor=user, task_id=step.id, data={
        **(current.data if current else {}), "council_members_total": check["total"],
        "council_members_present": check["present"], "nominees": rows})
    session.commit()
    notify(msg("Đã đưa số liệu họp xét vào biên bản; kiểm tra rồi gửi."))
    return redirect(url_for("tasks.show", task_id=step.id))


def _process_rows(dossier) -> list[dict]:
    """The process's own nominee list: the minutes form's rows are aligned with it."""
    instance = db().get(ProcessInstance, dossier.instance_id) if dossier.instance_id else None
    return list((instance.data or {}).get("nominees") or []) if instance else []
