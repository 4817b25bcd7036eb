"""Lists as .xlsx with Vietnamese headers: a round's dossiers and ranking, the registers, the
registration report. Each reads through the same operation and permission as its JSON list."""

from __future__ import annotations

from flask import Blueprint, Response, request
from werkzeug.exceptions import BadRequest

from ..exports import lists
from ..exports.xlsx import XLSX_MIMETYPE, workbook
from ..http import current_user, db
from ..i18n import msg
from ..nomination import awards, consolidation, dossiers, registers, registrations
from ..nomination.documents.labels import award_labels
from .nomination.dossiers import DossierOut
from .nomination.registers import AwardRecordOut, RegisteredDocumentOut, _require_registers
from .nomination.rounds import RankedOut, _round_for_details

bp = Blueprint("exports", __name__, url_prefix="/api/v1")
MAX_ROWS = 100_000


def xlsx_response(data: bytes, filename: str) -> Response:
    return Response(data, mimetype=XLSX_MIMETYPE, headers={"Content-Disposition": f"attachment; filename={filename}"})


@bp.get("/rounds/<int:round_id>/dossiers.xlsx")
def round_dossiers(round_id: int):
    """A round's dossiers the caller may see."""
    rows, _ = dossiers.list_dossiers(db(), actor=current_user(), round_id=round_id, limit=MAX_ROWS)
    return xlsx_response(workbook("Hồ sơ", lists.DOSSIERS, DossierOut(many=True).dump(rows)),
                         f"ho-so-dot-{round_id}.xlsx")


@bp.get("/rounds/<int:round_id>/ranking.xlsx")
def ranking(round_id: int):
    """The round's ranking (the round's details' readers)."""
    rows = consolidation.ranked_list(db(), _round_for_details(round_id))
    return xlsx_response(workbook("Xếp hạng", lists.RANKING, RankedOut(many=True).dump(rows)),
                         f"xep-hang-dot-{round_id}.xlsx")


@bp.get("/awards-register.xlsx")
def awards_register():
    """The awards register (`?year=`, `?subject=`, `?round_id=`)."""
    _require_registers()
    session = db()
    rows, _ = awards.list_awards(session, year=request.args.get("year", type=int), subject=request.args.get("subject"),
                                 round_id=request.args.get("round_id", type=int), limit=MAX_ROWS)
    names = award_labels(session)  # the sheet names award forms as the register page does, in Vietnamese
    items = [{**item, "award_form": str(names.get(item.get("award_form"), item.get("award_form") or ""))}
             for item in AwardRecordOut(many=True).dump(rows)]
    return xlsx_response(workbook("Sổ khen thưởng", lists.AWARDS, items), "so-khen-thuong.xlsx")


@bp.get("/document-register.xlsx")
def document_register():
    """The document register (`?issuer=`, `?year=`, `?type=`)."""
    _require_registers()
    rows, _ = registers.list_register(db(), issuer_code=request.args.get("issuer"),
                                      year=request.args.get("year", type=int), document_type=request.args.get("type"),
                                      limit=MAX_ROWS)
    return xlsx_response(workbook("Sổ văn bản", lists.DOCUMENTS, RegisteredDocumentOut(many=True).dump(rows)),
                         "so-van-ban.xlsx")


@bp.get("/registrations/report.xlsx")
def registration_report():
    """The units that have not registered for a movement year (`?movement=&year=`)."""
    movement, year = request.args.get("movement"), request.args.get("year", type=int)
    if not movement or year is None:
        raise BadRequest(msg("Cần tham số movement và year."))
    report = registrations.report(db(), actor=current_user(), movement_code=movement, year=year)
    return xlsx_response(workbook("Chưa đăng ký", lists.NOT_REGISTERED, report["not_registered"]),
                         f"chua-dang-ky-{year}.xlsx")
