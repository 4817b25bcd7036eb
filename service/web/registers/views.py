"""Registers: the awards register searched by a person (name and birth date, or citizen ID), a unit, a year
and an award form, with the nominees proposed again for an achievement already awarded; the document register."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, render_template, request

from ...i18n import translate
from ...nomination import award_history, registers
from ...nomination import permissions as nomination_permissions
from ...nomination.documents.labels import award_labels
from ..access import login_required
from ..context import current_user, db, locale
from ..dossiers.days import parse_day

bp = Blueprint("registers", __name__, template_folder="templates", url_prefix="/registers")
SHOWN = 200


def _require() -> None:
    if not nomination_permissions.can_see_registers(db(), current_user()):
        abort(404)


def _text(name: str, limit: int = 200) -> str | None:
    return (request.args.get(name) or "").strip()[:limit] or None


def _day(name: str) -> date | None:
    return parse_day(request.args.get(name))


@bp.get("/awards")
@login_required
def awards_register():
    """Awards found by who (name and birth date, or citizen ID), unit, year and award form; newest first."""
    _require()
    session = db()
    search = award_history.AwardSearch(
        name=_text("q"), birth_date=_day("birth_date"), identifier=_text("identifier", 64), unit=_text("unit"),
        year=request.args.get("year", type=int), award_form=_text("award_form", 64))
    rows, total = award_history.search_awards(session, search, limit=SHOWN)
    names = award_labels(session)
    return render_template("registers/awards.html", rows=rows, total=total, search=search, award_names=names,
                           award_forms=sorted(names.items(), key=lambda item: translate(item[1], locale())),
                           reproposed=award_history.reproposed(session, rows))


@bp.get("/documents")
@login_required
def documents_register():
    """The register of issued documents (numbers and symbols), by year."""
    _require()
    year = request.args.get("year", type=int)
    rows, total = registers.list_register(db(), year=year, limit=SHOWN)
    return render_template("registers/documents.html", rows=rows, total=total, year=year)
