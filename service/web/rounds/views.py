"""Rounds: the list, and one round's dashboard (units, dossiers, returns, deadline, ranking vs quotas, ties)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from marshmallow import ValidationError as SchemaError
from sqlalchemy import select

from ...api.nomination.registrations import RegistrationIn
from ...api.nomination.rounds import RoundOpenIn
from ...errors import DomainError, ValidationFailed
from ...i18n import msg, translate
from ...models import AwardRound, Dossier, Nominee, User
from ...nomination import (
    award_history,
    config,
    consolidation,
    dashboard,
    dossiers,
    movements,
    processes,
    public_notice,
    registrations,
    rounds,
    seed,
)
from ...nomination import permissions as nomination_permissions
from ...nomination.documents.labels import award_labels
from ...nomination.nominees import same_person
from ...nomination.registrations import expected_units
from ...operations import documents, task_views
from ...pdf.states import CONVERTED
from ..access import login_required
from ..context import calendar, current_user, db, locale, today
from ..dossiers import days
from ..messages import notify

bp = Blueprint("rounds", __name__, template_folder="templates")
RANKING_PER_PAGE = 100
# Where each consolidated outcome stands against the quotas; the outcomes after the chairman's decision
# (approved, excluded, awarded, …) were all proposed within the quota first.
QUOTA_POSITION = {"proposed_to_city": "within", consolidation.TIED: "tied", "cut_by_quota": "over",
                  "duplicate": "unranked"}


@bp.get("/rounds")
@login_required
def index():
    """The rounds whose details the user may read, and the planned ones the user may open."""
    session, user = db(), current_user()
    rows, _ = rounds.list_rounds(session, limit=200)
    openable = {r.id for r in rows if _may_open(session, user, r)}
    return render_template("rounds/index.html", openable=openable,
                           rows=[r for r in rows if r.id in openable
                                 or nomination_permissions.can_see_round_details(user, r)])


@bp.get("/rounds/<int:round_id>")
@login_required
def show(round_id: int):
    """The round's dashboard for its lead agency."""
    user = current_user()
    board = dashboard.round_dashboard(db(), actor=user, round_id=round_id, today=today(), calendar=calendar())
    may_close = board.round.status == "open" and nomination_permissions.can_manage_round(
        user, board.round.lead_org_unit_id)
    return render_template("rounds/show.html", board=board, may_close=may_close,
                           may_open=_may_open(db(), user, board.round))


QUOTA_ROWS = 5


def _may_open(session, user: User, round_: AwardRound) -> bool:
    """A planned round, and the user manages it for the lead agency of today: the predicate `open_round`
    applies (a planned round has no lead yet, so it is resolved for the opening day as the operation does)."""
    if round_.status != "planned":
        return False
    try:
        lead = movements.lead_for(session, round_.movement, config.today())
    except DomainError:
        return False
    return nomination_permissions.can_manage_round(user, lead.id)


def _open_form(round_: AwardRound, form: dict, errors: dict | None = None, status: int = 200):
    rows = list(form["quotas"]) + [{"org_unit_code": "", "quota": ""}] * (QUOTA_ROWS - len(form["quotas"]))
    units = expected_units(db(), year=round_.year)
    return render_template("rounds/open.html", round=round_, form={**form, "quotas": rows}, units=units,
                           errors=errors or {}), status


def _typed_open() -> dict:
    codes, quotas = request.form.getlist("org_unit_code"), request.form.getlist("quota")
    rows = [{"org_unit_code": code.strip(), "quota": quota.strip()} for code, quota in zip(codes, quotas, strict=False)]
    return {"deadline": request.form.get("deadline", "").strip(), "total_quota": request.form.get("total_quota",
            "").strip(), "quotas": [row for row in rows if row["org_unit_code"] or row["quota"]]}


def _open_payload(form: dict) -> dict:
    """What was typed, as the API's schema loads it: the day is the end of that Vietnamese day."""
    day = days.parse_day(form["deadline"])
    return {"deadline": processes.end_of_day(day).isoformat() if day else (form["deadline"] or None),
            "total_quota": form["total_quota"] or None,
            "quotas": [{"org_unit_code": row["org_unit_code"], "quota": row["quota"]} for row in form["quotas"]]}


def _open_errors(messages: dict) -> dict[str, list[str]]:
    """The schema's refusals beside the page's fields (`quota-2` is the third row), in the page's language."""
    hints = {"deadline": msg("Ngày không hợp lệ; viết theo dạng dd/mm/yyyy."),
             "total_quota": msg("Nhập một số nguyên không âm."), "quota": msg("Nhập một số nguyên không âm."),
             "org_unit_code": msg("Chọn đơn vị.")}
    out: dict[str, list[str]] = {}
    for field, detail in messages.items():
        if field == "quotas" and isinstance(detail, dict):
            for index, row in detail.items():
                for name in (row if isinstance(row, dict) else {"quota": row}):
                    out[f"{name}-{index}"] = [translate(hints.get(name, msg("Giá trị không hợp lệ.")), locale())]
        else:
            out[field] = [translate(hints.get(field, msg("Giá trị không hợp lệ.")), locale())]
    return out


@bp.route("/rounds/<int:round_id>/open", methods=["GET", "POST"])
@login_required
def open_round(round_id: int):
    """Mở đợt: the lead agency gives a planned round its deadline and quotas (404 for anyone else, as the
    operation refuses them); a refusal shows each error beside its field with what was typed kept."""
    session, user = db(), current_user()
    round_ = rounds.get_round(session, round_id)
    if not _may_open(session, user, round_):
        abort(404)
    if request.method == "GET":
        return _open_form(round_, {"deadline": days.shown(rounds.default_deadline(session, round_).date()),
                                   "total_quota": "", "quotas": []})
    form = _typed_open()
    try:
        rounds.open_round(session, actor=user, round_id=round_.id, values=RoundOpenIn().load(_open_payload(form)))
    except SchemaError as exc:
        session.rollback()
        return _open_form(round_, form, _open_errors(exc.messages if isinstance(exc.messages, dict) else {}), 422)
    except ValidationFailed as exc:
        session.rollback()
        fields = (exc.details or {}).get("fields") or {}
        errors = {name: [translate(text, locale()) for text in texts] for name, texts in fields.items()}
        return _open_form(rounds.get_round(session, round_id), form, errors or {"form": [translate(exc.message,
                                                                                                  locale())]}, 422)
    except DomainError as exc:
        session.rollback()
        notify(exc.message, "error")
        return _open_form(rounds.get_round(session, round_id), form, status=409)
    notify(msg("Đã mở đợt khen thưởng; các đơn vị được nộp hồ sơ đến hạn."), "success")
    return redirect(url_for(".show", round_id=round_id))


@bp.post("/rounds/<int:round_id>/close")
@login_required
def close(round_id: int):
    """Kết thúc nhận hồ sơ: the lead agency closes the round before its deadline; the round's process goes on
    to consolidation (404 for anyone else, as for the API)."""
    session, user = db(), current_user()
    if not nomination_permissions.can_manage_round(user, rounds.get_round(session, round_id).lead_org_unit_id):
        abort(404)
    try:
        rounds.close_round(session, actor=user, round_id=round_id, notify=True,
                           reason=request.form.get("reason", "").strip()[:2000])
    except DomainError as exc:
        session.rollback()
        notify(exc.message, "error")
    else:
        notify(msg("Đã kết thúc nhận hồ sơ; danh sách được tổng hợp, xếp hạng."), "success")
    return redirect(url_for(".show", round_id=round_id))


@bp.get("/rounds/<int:round_id>/ranking")
@login_required
def ranking(round_id: int):
    """Every consolidated nominee in the domain's ranked order, against the quotas, flagged when the same
    person is nominated twice in the round or the register already has the same achievement awarded."""
    session, user = db(), current_user()
    round_ = rounds.get_round(session, round_id)
    if not nomination_permissions.can_see_round_details(user, round_):
        abort(404)
    nominees = consolidation.ranked_list(session, round_)
    units = {row.id: (row.org_unit_id, row.unit_name) for row in session.execute(
        select(Dossier.id, Dossier.org_unit_id, Dossier.unit_name).where(Dossier.round_id == round_.id))}
    # The same-person flag is computed over the whole list, before filtering: a twin may sit in another unit.
    twice = {nominee_id: sorted({units[other.dossier_id][1] or "" for other in others})
             for nominee_id, others in same_person(nominees).items()}
    unit_id = request.args.get("unit", type=int)
    award_form = (request.args.get("award_form") or "").strip()[:64]
    shown = [nominee for nominee in nominees
             if (unit_id is None or units[nominee.dossier_id][0] == unit_id)
             and (not award_form or nominee.award_form == award_form)]
    pages = max(1, -(-len(shown) // RANKING_PER_PAGE))
    page = min(max(1, request.args.get("page", 1, type=int)), pages)
    rows = shown[(page - 1) * RANKING_PER_PAGE:page * RANKING_PER_PAGE]
    history = award_history.prior_awards(session, rows)
    names = award_labels(session)
    return render_template(
        "rounds/ranking.html", round=round_, rows=rows, total=len(shown), page=page, pages=pages, units=units,
        twice=twice, history=history, award_names=names, position=QUOTA_POSITION,
        criteria=[item["field"] for item in config.param(session, "consolidation.ranking_key",
                                                             on=round_.opens_on, default=[])],
        unit_options=sorted({units[nominee.dossier_id] for nominee in nominees}, key=lambda unit: unit[1] or ""),
        form_options=sorted({nominee.award_form for nominee in nominees}, key=lambda code: names.get(code, code)),
        filters={"unit": unit_id, "award_form": award_form or None})


@bp.get("/registrations/report")
@login_required
def registrations_report():
    """The registration dashboard: the share of units registered by kind and those missing."""
    movement = request.args.get("movement") or seed.MOVEMENT["code"]
    year = request.args.get("year", type=int) or today().year
    report = dashboard.registration_dashboard(db(), actor=current_user(), movement_code=movement, year=year)
    return render_template("rounds/registrations.html", report=report, movement=movement, year=year)


@bp.get("/rounds/<int:round_id>/decision")
@login_required
def decision(round_id: int):
    """The round's generated documents (appraisal report, the decision draft, the signed decision), the
    latest ready one shown as PDF in the page, and the open steps (appraisal, council, sign-off)."""
    session, user = db(), current_user()
    board = dashboard.round_dashboard(session, actor=user, round_id=round_id, today=today(), calendar=calendar())
    instance_id = board.round.instance_id
    docs = documents.list_documents(session, actor=user, instance_id=instance_id) if instance_id else []
    shown = next((doc for doc in reversed(docs) if doc.pdf_status == CONVERTED), None)
    steps = task_views.open_of_instance(session, instance_id) if instance_id else []
    nominees = dossiers.round_nominees(session, round_id=board.round.id)
    return render_template("rounds/decision.html", board=board, documents=docs, shown=shown, steps=steps,
                           nominees=nominees)


@bp.get("/documents/<int:document_id>/preview.pdf")
@login_required
def preview(document_id: int):
    """A generated document's PDF shown inline (in the page's frame), under the document's own scope."""
    session, user = db(), current_user()
    document = documents.get_document(session, actor=user, document_id=document_id)
    if document.pdf_status != CONVERTED:
        abort(404)
    column = "signed_pdf_content" if document.signed_at is not None else "pdf_content"
    loaded = documents.get_document(session, actor=user, document_id=document_id, with_content=column)
    response = Response(getattr(loaded, column), mimetype="application/pdf")
    response.headers["Content-Disposition"] = "inline"
    # The browser's PDF viewer is a plugin: the page-wide policy (object-src 'none') would leave the frame blank.
    response.headers["Content-Security-Policy"] = "default-src 'none'; object-src 'self'; frame-ancestors 'self'"
    return response


@bp.get("/rounds/<int:round_id>/comments")
@login_required
def comments(round_id: int):
    """The public's comments on the round's list, for the emulation office to review (escaped as typed)."""
    session, user = db(), current_user()
    round_ = rounds.get_round(session, round_id)
    if not nomination_permissions.can_see_round_details(user, round_):
        abort(404)
    rows = public_notice.comments_for_round(session, round_.id)
    names = {nominee.id: nominee.name for nominee in session.scalars(
        select(Nominee).where(Nominee.id.in_({row.nominee_id for row in rows})))} if rows else {}
    return render_template("rounds/comments.html", round=round_, rows=rows, names=names)


@bp.post("/rounds/<int:round_id>/ties/<int:tie_index>/resolve")
@login_required
def resolve_tie(round_id: int, tie_index: int):
    """The lead agency's reviewer gives a tie's places (as many as it has), with the reason."""
    session, user = db(), current_user()
    round_ = rounds.get_round(session, round_id)
    if not nomination_permissions.can_manage_round(user, round_.lead_org_unit_id):
        abort(404)
    proposed = [int(value) for value in request.form.getlist("proposed") if value.isdigit()]
    try:
        consolidation.resolve_tie(session, actor=user, round_id=round_.id, tie_index=tie_index, proposed=proposed,
                                  reason=request.form.get("reason", "")[:2000])
    except DomainError as exc:
        session.rollback()
        notify(exc.message, "error")
    else:
        session.commit()
        notify(msg("Đã quyết định trường hợp bằng điểm."))
    return redirect(url_for(".show", round_id=round_id) + "#ties")


@bp.route("/registrations", methods=["GET", "POST"])
@login_required
def registrations_page():
    """Đăng ký thi đua for a unit officer: the unit's registrations and a new one for a year of the movement.

    Registering starts the registration process; the officer lands on its first step (titles and targets),
    which the unit head signs and the lead agency acknowledges through their task pages."""
    session, user = db(), current_user()
    if not nomination_permissions.can_register(user):
        abort(404)
    movement = movements.get_movement(session, seed.MOVEMENT["code"])
    typed, errors, status = {"year": str(today().year + 1)}, {}, 200
    if request.method == "POST":
        typed = {"year": request.form.get("year", "").strip()[:8]}
        try:
            values = RegistrationIn().load({"movement_code": movement.code, "year": typed["year"]})
            registration = registrations.create_registration(session, actor=user, movement_code=movement.code,
                                                             year=values["year"], values={})
        except SchemaError:
            session.rollback()
            errors, status = {"year": [msg("Năm phải là số từ 2000 đến 2100.")]}, 422
        except ValidationFailed as exc:
            session.rollback()
            fields = (exc.details or {}).get("fields") or {}
            errors = {"year": [translate(exc.message, locale()), *fields.get("year", [])]}
            status = 422
        except DomainError as exc:
            session.rollback()
            errors, status = {"year": [translate(exc.message, locale())]}, 409
        else:
            notify(msg("Đã lập đăng ký thi đua; điền danh hiệu, chỉ tiêu đăng ký rồi gửi Thủ trưởng đơn vị ký."),
                   "success")
            steps = task_views.open_of_instance(session, registration.instance_id) \
                if registration.instance_id else []
            if steps:
                return redirect(url_for("tasks.show", task_id=steps[0].id))
            return redirect(url_for(".registrations_page"))
    rows, _total = registrations.list_registrations(session, actor=user, movement_code=movement.code, limit=100)
    return render_template("rounds/registration_new.html", movement=movement, rows=rows, typed=typed,
                           errors=errors), status
