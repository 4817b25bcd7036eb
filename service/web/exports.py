"""The inbox as .xlsx (a tab with its filters, as the page lists it)."""

from __future__ import annotations

from flask import Blueprint, Response, request

from ..api import exports as api_exports
from ..exports import lists
from ..exports.xlsx import XLSX_MIMETYPE, workbook
from ..operations import inbox
from .access import login_required
from .context import calendar, current_user, db, today
from .inbox.views import _filters

bp = Blueprint("exports_web", __name__)
MAX_ROWS = 10_000


def xlsx_download(data: bytes, filename: str) -> Response:
    return Response(data, mimetype=XLSX_MIMETYPE, headers={"Content-Disposition": f"attachment; filename={filename}"})


@bp.get("/inbox/export.xlsx")
@login_required
def inbox_xlsx():
    """Up to 10,000 rows of one inbox tab, with the page's filters and sort."""
    tab = request.args.get("tab", "mine")
    if tab not in inbox.TABS:
        tab = "mine"
    page = inbox.inbox_page(db(), actor=current_user(), tab=tab, filters=_filters(),
                            sort=request.args.get("sort", "received"), page=1, per_page=MAX_ROWS, today=today(),
                            calendar=calendar())
    return xlsx_download(workbook("Hộp công việc", lists.INBOX, page.rows), f"hop-cong-viec-{tab}.xlsx")


@bp.get("/rounds/<int:round_id>/dossiers.xlsx")
@login_required
def round_dossiers(round_id: int):
    """The API's export of a round's dossiers, for the signed-in page user (same scope)."""
    return api_exports.round_dossiers(round_id)


@bp.get("/rounds/<int:round_id>/ranking.xlsx")
@login_required
def ranking(round_id: int):
    """The API's export of a round's ranking, for the signed-in page user (same scope)."""
    return api_exports.ranking(round_id)


@bp.get("/registrations/report.xlsx")
@login_required
def registration_report():
    """The API's export of the units that have not registered, for the signed-in page user."""
    return api_exports.registration_report()
