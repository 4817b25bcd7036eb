"""Rounds: the list, and one round's dashboard (units, dossiers, returns, deadline, ranking vs quotas, ties)."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from ...nomination import dashboard, rounds, seed
from ...nomination import permissions as nomination_permissions
from ..access import login_required
from ..context import calendar, current_user, db, today

bp = Blueprint("rounds", __name__, template_folder="templates")


@bp.get("/rounds")
@login_required
def index():
    """The rounds whose details the user may read."""
    user = current_user()
    rows, _ = rounds.list_rounds(db(), limit=200)
    return render_template("rounds/index.html",
                           rows=[r for r in rows if nomination_permissions.can_see_round_details(user, r)])


@bp.get("/rounds/<int:round_id>")
@login_required
def show(round_id: int):
    """The round's dashboard for its lead agency."""
    board = dashboard.round_dashboard(db(), actor=current_user(), round_id=round_id, today=today(),
                                      calendar=calendar())
    return render_template("rounds/show.html", board=board)


@bp.get("/registrations/report")
@login_required
def registrations_report():
    """The registration dashboard: the share of units registered by kind and those missing."""
    movement = request.args.get("movement") or seed.MOVEMENT["code"]
    year = request.args.get("year", type=int) or today().year
    report = dashboard.registration_dashboard(db(), actor=current_user(), movement_code=movement, year=year)
    return render_template("rounds/registrations.html", report=report, movement=movement, year=year)
