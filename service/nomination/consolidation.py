"""Consolidation of a round: rank the accepted nominees, refuse duplicates, cut by quotas.

`consolidate` is a pure function over plain rows (tested on its own); `consolidate_round` reads the rows
with set-based queries and writes the placements back, so its cost does not depend on instance state.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..db import utcnow
from ..errors import InvalidState
from ..i18n import msg
from ..models import AwardRecord, AwardRound, Dossier, Nominee
from . import config, rounds

RANKABLE_OUTCOMES = ("accepted", "ranked", "cut_by_quota", "proposed_to_city", "duplicate")
SORT_FIELDS = ("dx_index_score", "vote_share", "submitted_at", "votes_for", "name")


@dataclass(frozen=True)
class Candidate:
    nominee_id: int
    org_unit_id: int
    identity_key: str
    achievement_key: str
    name: str = ""
    dx_index_score: float | None = None
    vote_share: float | None = None
    votes_for: int | None = None
    submitted_at: datetime | None = None


@dataclass(frozen=True)
class Placement:
    nominee_id: int
    outcome: str  # proposed_to_city | cut_by_quota | duplicate
    rank: int | None
    reason: str | None = None


def _sort_key(candidate: Candidate, ranking: Sequence[dict]) -> tuple:
    parts: list[Any] = []
    for item in ranking:
        field, descending = item["field"], item.get("order", "desc") == "desc"
        if field not in SORT_FIELDS:
            raise InvalidState(msg("Tiêu chí xếp hạng không hợp lệ: {field!r}.", field=field))
        value = getattr(candidate, field)
        if value is None:
            parts.append((1, 0))  # missing values rank last either way
        elif isinstance(value, (int, float)):
            parts.append((0, -value if descending else value))
        elif isinstance(value, datetime):
            stamp = value.timestamp()
            parts.append((0, -stamp if descending else stamp))
        else:
            parts.append((0, value))
    parts.append((0, candidate.nominee_id))  # stable: equal keys keep the earlier nominee first
    return tuple(parts)


def consolidate(candidates: Iterable[Candidate], *, ranking: Sequence[dict], unit_quotas: dict[int, int],
                total_quota: int | None, awarded: dict[tuple[str, str], str]) -> list[Placement]:
    """Placements in ranked order.

    A candidate whose (identity, achievement) is already in the awards register, or whose identity was
    already placed in this round, is a duplicate. The others are ranked 1, 2, …; those beyond their unit's
    quota or the total quota are cut. `awarded` maps (identity, achievement) to the decision that awarded it.
    """
    ordered = sorted(candidates, key=lambda candidate: _sort_key(candidate, ranking))
    placements: list[Placement] = []
    seen: dict[str, int] = {}
    per_unit: dict[int, int] = {}
    proposed = rank = 0
    for candidate in ordered:
        decision = awarded.get((candidate.identity_key, candidate.achievement_key))
        if decision is not None:
            placements.append(Placement(candidate.nominee_id, "duplicate", None,
                                        msg("Thành tích đã được khen thưởng theo {decision}.", decision=decision)))
            continue
        if candidate.identity_key in seen:
            placements.append(Placement(candidate.nominee_id, "duplicate", None,
                                        msg("Đã được đề nghị trong hồ sơ khác của đợt này.")))
            continue
        seen[candidate.identity_key] = candidate.nominee_id
        rank += 1
        unit_quota = unit_quotas.get(candidate.org_unit_id)
        if unit_quota is not None and per_unit.get(candidate.org_unit_id, 0) >= unit_quota:
            placements.append(Placement(candidate.nominee_id, "cut_by_quota", rank,
                                        msg("Vượt chỉ tiêu của đơn vị ({unit_quota}).", unit_quota=unit_quota)))
            continue
        if total_quota is not None and proposed >= total_quota:
            placements.append(Placement(candidate.nominee_id, "cut_by_quota", rank,
                                        msg("Vượt tổng chỉ tiêu ({total_quota}).", total_quota=total_quota)))
            continue
        per_unit[candidate.org_unit_id] = per_unit.get(candidate.org_unit_id, 0) + 1
        proposed += 1
        placements.append(Placement(candidate.nominee_id, "proposed_to_city", rank))
    return placements


def candidates_of(session: Session, round_id: int) -> list[Candidate]:
    rows = session.execute(
        select(Nominee.id, Dossier.org_unit_id, Nominee.identity_key, Nominee.achievement_key, Nominee.name,
               Nominee.dx_index_score, Nominee.votes_for, Nominee.votes_present, Nominee.submitted_at)
        .join(Dossier, Dossier.id == Nominee.dossier_id)
        .where(Nominee.round_id == round_id, Dossier.status == "accepted", Nominee.outcome.in_(RANKABLE_OUTCOMES))
    ).all()
    return [Candidate(nominee_id=row.id, org_unit_id=row.org_unit_id, identity_key=row.identity_key,
                      achievement_key=row.achievement_key, name=row.name,
                      dx_index_score=float(row.dx_index_score) if row.dx_index_score is not None else None,
                      vote_share=(row.votes_for / row.votes_present) if row.votes_for is not None
                      and row.votes_present else None,
                      votes_for=row.votes_for, submitted_at=row.submitted_at) for row in rows]


def awarded_index(session: Session, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    identities = sorted({identity for identity, _ in keys})
    if not identities:
        return {}
    rows = session.execute(select(AwardRecord.subject_key, AwardRecord.achievement_key, AwardRecord.decision_number)
                           .where(AwardRecord.subject_key.in_(identities))).all()
    return {(row.subject_key, row.achievement_key): row.decision_number for row in rows}


def consolidate_round(session: Session, *, round_id: int) -> dict:
    """Rank and cut the round's accepted nominees and store each placement; returns counts only."""
    round_ = rounds.get_round(session, round_id, for_update=True)
    if round_.status not in ("closed", "consolidated"):
        raise InvalidState(msg("Chỉ tổng hợp được đợt đã đóng nhận hồ sơ."))
    candidates = candidates_of(session, round_id)
    placements = consolidate(
        candidates, ranking=config.param(session, "consolidation.ranking_key", on=round_.opens_on),
        unit_quotas=rounds.quota_map(round_), total_quota=round_.total_quota,
        awarded=awarded_index(session, [(c.identity_key, c.achievement_key) for c in candidates]),
    )
    for placement in placements:
        session.execute(update(Nominee).where(Nominee.id == placement.nominee_id).values(
            outcome=placement.outcome, rank=placement.rank, outcome_reason=placement.reason, updated_at=utcnow()))
    round_.status = "consolidated"
    round_.consolidated_at = utcnow()
    session.flush()
    return summary(placements)


def summary(placements: Sequence[Placement]) -> dict:
    counts = {outcome: sum(1 for p in placements if p.outcome == outcome)
              for outcome in ("proposed_to_city", "cut_by_quota", "duplicate")}
    return {"ranked": sum(1 for p in placements if p.rank is not None), **counts}


def ranked_list(session: Session, round_: AwardRound) -> list[Nominee]:
    """The consolidated list: ranked nominees first by rank, then duplicates."""
    return list(session.scalars(
        select(Nominee).where(Nominee.round_id == round_.id, Nominee.outcome.in_(
            ("proposed_to_city", "cut_by_quota", "duplicate", "approved", "excluded", "awarded", "escalated",
             "state_awarded", "state_not_awarded")))
        .order_by(Nominee.rank.is_(None), Nominee.rank, Nominee.id)
    ))
