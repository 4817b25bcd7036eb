"""Registers: the awards register searched by name and year; the document register."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from ...nomination import awards, registers
from ...nomination import permissions as nomination_permissions
from ..access import login_required
from ..context import current_user, db

bp = Blueprint("registers", __name__, template_folder="templates", url_prefix="/registers")
SHOWN = 200


def _require() -> None:
    if not nomination_permissions.can_see_registers(db(), current_user()):
        abort(404)


@bp.get("/awards")
@login_required
def awards_register():
    """Awards by name (part of it) and year, newest decision first."""
    _require()
    text = (request.args.get("q") or "").strip()[:200] or None
    year = request.args.get("year", type=int)
    rows, total = awards.list_awards(db(), subject=text, year=year, limit=SHOWN)
    return render_template("registers/awards.html", rows=rows, total=total, q=text or "", year=year)


@bp.get("/documents")
@login_required
def documents_register():
    """The register of issued documents (numbers and symbols), by year."""
    _require()
    year = request.args.get("year", type=int)
    rows, total = registers.list_register(db(), year=year, limit=SHOWN)
    return render_template("registers/documents.html", rows=rows, total=total, year=year)
