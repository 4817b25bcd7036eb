"""A nominee's prior awards from the awards register, and the register searched the way an office asks.

One achievement earns one award (Law Art. 5(2)(c)): a nominee whose subject is in the register with the
same `achievement_key` is flagged wherever it is listed (dossier, ranking, register search), so the
officer sees it before the lead agency's consolidation marks it a duplicate.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import AwardRecord, Dossier, Nominee
from .nominees import match_keys, normalise_name

# Outcomes after which a nominee's own record is in the register: not a "prior" award of itself.
SETTLED = ("awarded", "duplicate", "escalated", "state_awarded", "state_not_awarded", "excluded",
           "dropped_by_council", "ineligible", "cut_by_quota")


def subject_keys(nominee: Nominee) -> set[str]:
    """Every register key that names this nominee's subject (citizen ID, name and birth date, identity)."""
    return {key for key, _ in match_keys(nominee.kind, name=nominee.name, identifier=nominee.identifier,
                                         date_of_birth=nominee.date_of_birth, identity=nominee.identity_key)}


@dataclass(frozen=True)
class History:
    """A nominee's awards before this proposal, and the one (if any) for the same achievement."""

    records: list[AwardRecord]
    same_achievement: AwardRecord | None


def prior_awards(session: Session, nominees: Sequence[Nominee]) -> dict[int, History]:
    """Per nominee id: the register's awards of the same subject (its own award excluded), newest first."""
    keys = {nominee.id: subject_keys(nominee) for nominee in nominees}
    wanted = sorted(set().union(*keys.values())) if keys else []
    records = list(session.scalars(select(AwardRecord).where(AwardRecord.subject_key.in_(wanted))
                                   .order_by(AwardRecord.decision_date.desc(), AwardRecord.id))) if wanted else []
    out: dict[int, History] = {}
    for nominee in nominees:
        mine = [record for record in records
                if record.subject_key in keys[nominee.id] and record.nominee_id != nominee.id]
        same = next((record for record in mine if record.achievement_key == nominee.achievement_key), None)
        out[nominee.id] = History(records=mine, same_achievement=same)
    return out


@dataclass(frozen=True)
class AwardSearch:
    name: str | None = None
    birth_date: date | None = None
    identifier: str | None = None
    unit: str | None = None
    year: int | None = None
    award_form: str | None = None

    @property
    def empty(self) -> bool:
        return not any((self.name, self.birth_date, self.identifier, self.unit, self.year, self.award_form))


def search_awards(session: Session, search: AwardSearch, *, limit: int = 200) -> tuple[list[AwardRecord], int]:
    """Register rows by a person's name and birth date or citizen ID, a unit, a year, an award form."""
    query = select(AwardRecord)
    if search.identifier:
        query = query.where(AwardRecord.subject_key.like(f"%:id:{search.identifier.strip().upper()}"))
    if search.name and search.birth_date:
        person = f"individual:{normalise_name(search.name)}|{search.birth_date.isoformat()}"
        query = query.where(AwardRecord.subject_key == person)
    elif search.name:
        query = query.where(func.lower(AwardRecord.subject_name).contains(search.name.lower()))
    elif search.birth_date:
        query = query.where(AwardRecord.subject_key.like(f"individual:%|{search.birth_date.isoformat()}"))
    if search.unit:
        query = query.where(func.lower(AwardRecord.unit_name).contains(search.unit.lower()))
    if search.year:
        query = query.where(AwardRecord.year == search.year)
    if search.award_form:
        query = query.where(AwardRecord.award_form == search.award_form)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(AwardRecord.decision_date.desc(), AwardRecord.id).limit(limit))
    return list(rows), total


@dataclass(frozen=True)
class Reproposal:
    """A nominee still in a dossier for an achievement the register already has."""

    nominee_id: int
    name: str
    dossier_id: int
    unit_name: str
    round_id: int


def reproposed(session: Session, records: Iterable[AwardRecord]) -> dict[int, list[Reproposal]]:
    """Per register row id: nominees not yet settled who propose the same subject for the same achievement."""
    records = list(records)
    if not records:
        return {}
    pairs = {(record.subject_key, record.achievement_key): record.id for record in records}
    rows = session.execute(
        select(Nominee.id, Nominee.name, Nominee.identity_key, Nominee.achievement_key, Nominee.dossier_id,
               Dossier.unit_name, Nominee.round_id)
        .join(Dossier, Dossier.id == Nominee.dossier_id)
        .where(Nominee.identity_key.in_({key for key, _ in pairs}),
               Nominee.achievement_key.in_({achievement for _, achievement in pairs}),
               Nominee.outcome.not_in(SETTLED))
        .order_by(Nominee.id)).all()
    out: dict[int, list[Reproposal]] = {}
    own = {record.id: record.nominee_id for record in records}
    for row in rows:
        record_id = pairs.get((row.identity_key, row.achievement_key))
        if record_id is not None and own[record_id] != row.id:
            out.setdefault(record_id, []).append(Reproposal(row.id, row.name, row.dossier_id, row.unit_name,
                                                            row.round_id))
    return out
