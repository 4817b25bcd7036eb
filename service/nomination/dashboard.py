"""The lead agency's round dashboard: units expected (from registrations), registered, submitted,
returned (with reasons) and missing, the deadline in working days, the ranking against the quotas
and the ties left to the reviewer. A handful of aggregate queries, whatever the number of dossiers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..calendar import WorkingCalendar
from ..calendar.working_days import VIETNAM_TZ
from ..errors import NotFound
from ..models import AwardRound, Dossier, Nominee, OrgUnit, Registration, RoundQuota, User
from . import permissions, rounds
from .registrations import COUNTED, expected_units
from .registrations import report as registration_report

SUBMITTED = ("submitted", "accepted")
RETURNED_SHOWN = 200


@dataclass
class RoundDashboard:
    round: AwardRound
    expected: int
    registered: int
    dossiers_by_status: dict[str, int]
    submitted: int
    returned: list[dict]
    missing: list[dict]
    deadline_working_days: int | None  # working days left (negative: past)
    quotas: list[dict] = field(default_factory=list)
    ties: list[dict] = field(default_factory=list)
    ranked: int = 0


def round_dashboard(session: Session, *, actor: User, round_id: int, today: date,
                    calendar: WorkingCalendar) -> RoundDashboard:
    """The dashboard of a round for its lead agency (and those who may read its details)."""
    round_ = rounds.get_round(session, round_id)
    if not permissions.can_see_round_details(actor, round_):
        raise NotFound(rounds.NOT_FOUND)
    registered_units = set(session.scalars(select(Registration.org_unit_id).where(
        Registration.movement_id == round_.movement_id, Registration.year == round_.year,
        Registration.status.in_(COUNTED))))
    by_status = dict(session.execute(select(Dossier.status, func.count()).where(Dossier.round_id == round_id)
                                     .group_by(Dossier.status)).all())
    submitted_units = set(session.scalars(select(Dossier.org_unit_id).where(
        Dossier.round_id == round_id, Dossier.status.in_(SUBMITTED))))
    returned = [{"dossier_id": row.id, "unit_name": row.unit_name, "reason": row.return_reason,
                 "returned_at": row.returned_at, "status": row.status}
                for row in session.execute(select(Dossier.id, Dossier.unit_name, Dossier.return_reason,
                                                  Dossier.returned_at, Dossier.status)
                                           .where(Dossier.round_id == round_id,
                                                  Dossier.status.in_(("returned", "rejected")))
                                           .order_by(Dossier.returned_at.desc()).limit(RETURNED_SHOWN))]
    missing_ids = registered_units - submitted_units
    missing = [{"code": code, "name": name} for code, name in session.execute(
        select(OrgUnit.code, OrgUnit.name).where(OrgUnit.id.in_(missing_ids)).order_by(OrgUnit.name))] \
        if missing_ids else []
    deadline_days = None
    if round_.deadline is not None:
        due = round_.deadline.astimezone(VIETNAM_TZ).date()
        deadline_days = calendar.working_days_between(today, due)
    return RoundDashboard(
        round=round_, expected=len(expected_units(session, year=round_.year)), registered=len(registered_units),
        dossiers_by_status=by_status,
        submitted=len(submitted_units), returned=returned, missing=missing, deadline_working_days=deadline_days,
        quotas=_quotas(session, round_),
        ties=[{"index": i, **tie} for i, tie in enumerate(round_.ties or []) if not tie.get("resolved")],
        ranked=session.scalar(select(func.count()).select_from(Nominee).where(
            Nominee.round_id == round_id, Nominee.rank.is_not(None))) or 0)


def _quotas(session: Session, round_: AwardRound) -> list[dict]:
    """Per unit with a quota: the quota and how many of its nominees are ranked within the list."""
    ranked = dict(session.execute(select(Dossier.org_unit_id, func.count())
                                  .join(Nominee, Nominee.dossier_id == Dossier.id)
                                  .where(Dossier.round_id == round_.id, Nominee.outcome == "proposed_to_city")
                                  .group_by(Dossier.org_unit_id)).all())
    rows = session.execute(select(RoundQuota.org_unit_id, RoundQuota.quota, OrgUnit.name)
                           .join(OrgUnit, OrgUnit.id == RoundQuota.org_unit_id).where(RoundQuota.round_id == round_.id)
                           .order_by(OrgUnit.name))
    return [{"unit_name": name, "quota": quota, "proposed": ranked.get(unit_id, 0)} for unit_id, quota, name in rows]


def registration_dashboard(session: Session, *, actor: User, movement_code: str, year: int) -> dict:
    """The registration report with the share registered per unit kind, towards the plan's 100 %."""
    report = registration_report(session, actor=actor, movement_code=movement_code, year=year)
    expected: dict[str, int] = {}
    for unit in expected_units(session, year=year):
        expected[unit.kind] = expected.get(unit.kind, 0) + 1
    missing: dict[str, int] = {}
    for unit in report["not_registered"]:
        missing[unit["kind"]] = missing.get(unit["kind"], 0) + 1
    report["by_kind"] = [{"kind": kind, "expected": total, "registered": total - missing.get(kind, 0),
                          "share": round((total - missing.get(kind, 0)) / total, 4) if total else 1.0}
                         for kind, total in sorted(expected.items())]
    return report
