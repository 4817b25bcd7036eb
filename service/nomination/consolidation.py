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
from ..errors import InvalidState, ValidationFailed
from ..i18n import msg
from ..models import AwardRecord, AwardRound, Dossier, Nominee
from ..operations import audit
from . import config, rounds
from .nominees import match_keys

RANKABLE_OUTCOMES = ("accepted", "ranked", "cut_by_quota", "proposed_to_city", "duplicate", "tied_at_quota")
SORT_FIELDS = ("dx_index_score", "vote_share", "submitted_at", "votes_for", "name")
# Criteria of merit. The others (when a dossier arrived, the alphabet) may order a list but never decide
# who takes the last place under a quota: candidates equal on merit there are a tie for the reviewer.
MERIT_FIELDS = ("dx_index_score", "vote_share", "votes_for")
CRITERIA_LABELS = {"dx_index_score": "chỉ số chuyển đổi số", "vote_share": "tỷ lệ phiếu đồng ý",
                   "votes_for": "số phiếu đồng ý"}
TIED = "tied_at_quota"


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
    # (key, what it matches on): the same person with or without an ID in each dossier (nominees.match_keys).
    match_keys: tuple[tuple[str, str], ...] = ()


MATCH_BASIS = {"identity": "danh tính", "identifier": "số định danh", "name_and_birth": "họ tên và ngày sinh"}


@dataclass(frozen=True)
class Placement:
    nominee_id: int
    outcome: str  # proposed_to_city | cut_by_quota | duplicate | tied_at_quota
    rank: int | None
    reason: str | None = None


@dataclass(frozen=True)
class Tie:
    """Candidates equal on every criterion of merit competing for fewer places than they are."""

    nominee_ids: tuple[int, ...]
    names: tuple[str, ...]
    criteria: tuple[str, ...]
    places: int
    quota: str  # "unit" or "total"

    def as_json(self) -> dict:
        return {"nominee_ids": list(self.nominee_ids), "names": list(self.names), "criteria": list(self.criteria),
                "places": self.places, "quota": self.quota}


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


def _merit_key(candidate: Candidate, ranking: Sequence[dict]) -> tuple:
    return tuple(getattr(candidate, item["field"]) for item in ranking if item["field"] in MERIT_FIELDS)


def consolidate(candidates: Iterable[Candidate], *, ranking: Sequence[dict], unit_quotas: dict[int, int],
                total_quota: int | None, awarded: dict[tuple[str, str], str]) -> tuple[list[Placement], list[Tie]]:
    """Placements in ranked order, and the ties left for the reviewer.

    A candidate whose (identity, achievement) is already in the awards register, or whose identity was
    already placed in this round, is a duplicate. The others are ranked (equal merit, equal rank); those
    beyond their unit's quota or the total quota are cut. Where a quota's last places fall inside a group
    equal on merit, the group is neither proposed nor cut: it is a tie (`tied_at_quota`), its places kept
    for the reviewer to give. `awarded` maps (identity, achievement) to the decision that awarded it.
    """
    ordered = sorted(candidates, key=lambda candidate: _sort_key(candidate, ranking))
    placements: list[Placement] = []
    seen: dict[str, Candidate] = {}
    ranked: list[Candidate] = []
    for candidate in ordered:
        decision = awarded.get((candidate.identity_key, candidate.achievement_key))
        keys = candidate.match_keys or ((candidate.identity_key, "identity"),)
        earlier = next(((seen[key], basis) for key, basis in keys if key in seen), None)
        if decision is not None:
            placements.append(Placement(candidate.nominee_id, "duplicate", None,
                                        msg("Thành tích đã được khen thưởng theo {decision}.", decision=decision)))
        elif earlier is not None:
            placements.append(Placement(candidate.nominee_id, "duplicate", None, msg(
                "Trùng với {name} đã được đề nghị trong hồ sơ khác của đợt này (khớp theo {basis}); "
                "người xét duyệt kiểm tra.", name=earlier[0].name or "", basis=MATCH_BASIS[earlier[1]])))
        else:
            seen.update((key, candidate) for key, _basis in keys)
            ranked.append(candidate)
    criteria = tuple(item["field"] for item in ranking if item["field"] in MERIT_FIELDS)
    state = _Quotas(unit_quotas, total_quota)
    ties: list[Tie] = []
    position = 0
    while position < len(ranked):
        end = position + 1
        while end < len(ranked) and _merit_key(ranked[end], ranking) == _merit_key(ranked[position], ranking):
            end += 1
        group, rank = ranked[position:end], position + 1
        group_placements, group_ties = state.place(group, rank, criteria)
        placements.extend(group_placements)
        ties.extend(group_ties)
        position = end
    order = {candidate.nominee_id: index for index, candidate in enumerate(ordered)}
    placements.sort(key=lambda placement: order[placement.nominee_id])
    return placements, ties


class _Quotas:
    """Places left per unit and in total while groups of equal merit are placed in rank order."""

    def __init__(self, unit_quotas: dict[int, int], total_quota: int | None):
        self.unit_quotas, self.total_quota = dict(unit_quotas), total_quota
        self.unit_left = dict(unit_quotas)
        self.total_left = total_quota

    def place(self, group: Sequence[Candidate], rank: int,
              criteria: tuple[str, ...]) -> tuple[list[Placement], list[Tie]]:
        placements: list[Placement] = []
        ties: list[Tie] = []
        clear: list[Candidate] = []
        unit_tied: list[tuple[list[Candidate], int]] = []
        by_unit: dict[int, list[Candidate]] = {}
        for candidate in group:
            by_unit.setdefault(candidate.org_unit_id, []).append(candidate)
        for unit_id, members in by_unit.items():
            left = self.unit_left.get(unit_id)
            if left is None or len(members) <= left:
                clear.extend(members)
            elif left == 0:
                placements.extend(Placement(c.nominee_id, "cut_by_quota", rank, msg(
                    "Vượt chỉ tiêu của đơn vị ({unit_quota}).", unit_quota=self.unit_quotas[unit_id])) for c in members)
            else:
                unit_tied.append((members, left))
        demand = len(clear) + sum(left for _, left in unit_tied)
        if self.total_left is not None and demand > self.total_left:
            contenders = clear + [c for members, _ in unit_tied for c in members]
            if self.total_left == 0:
                placements.extend(Placement(c.nominee_id, "cut_by_quota", rank, msg(
                    "Vượt tổng chỉ tiêu ({total_quota}).", total_quota=self.total_quota)) for c in contenders)
                return placements, ties
            ties.append(self._tie(contenders, self.total_left, criteria, "total"))
            placements.extend(self._tied(contenders, rank, ties[-1]))
            self._take(contenders, self.total_left, per_unit=False)
            return placements, ties
        for members, left in unit_tied:
            ties.append(self._tie(members, left, criteria, "unit"))
            placements.extend(self._tied(members, rank, ties[-1]))
            self._take(members, left, per_unit=True)
        placements.extend(Placement(c.nominee_id, "proposed_to_city", rank) for c in clear)
        self._take(clear, len(clear), per_unit=True, each=True)
        return placements, ties

    def _take(self, members: Sequence[Candidate], places: int, *, per_unit: bool, each: bool = False) -> None:
        """Count `places` as given (to `members` each, or kept for a tie among them)."""
        if self.total_left is not None:
            self.total_left -= places
        if not per_unit:
            return
        if each:
            for candidate in members:
                if candidate.org_unit_id in self.unit_left:
                    self.unit_left[candidate.org_unit_id] -= 1
        elif members and members[0].org_unit_id in self.unit_left:  # a unit's tie: all its members are of it
            self.unit_left[members[0].org_unit_id] -= places

    @staticmethod
    def _tie(members: Sequence[Candidate], places: int, criteria: tuple[str, ...], quota: str) -> Tie:
        return Tie(nominee_ids=tuple(c.nominee_id for c in members), names=tuple(c.name for c in members),
                   criteria=criteria, places=places, quota=quota)

    @staticmethod
    def _tied(members: Sequence[Candidate], rank: int, tie: Tie) -> list[Placement]:
        labels = ", ".join(CRITERIA_LABELS.get(field, field) for field in tie.criteria) or "mọi tiêu chí"
        reason = msg("Bằng nhau về {criteria} với {names} tại ranh giới chỉ tiêu: {places} suất cho {count} đối "
                     "tượng; người xét duyệt quyết định.", criteria=labels, names=", ".join(tie.names),
                     places=tie.places, count=len(tie.nominee_ids))
        return [Placement(c.nominee_id, TIED, rank, reason) for c in members]


def candidates_of(session: Session, round_id: int) -> list[Candidate]:
    rows = session.execute(
        select(Nominee.id, Dossier.org_unit_id, Nominee.identity_key, Nominee.achievement_key, Nominee.name,
               Nominee.dx_index_score, Nominee.votes_for, Nominee.votes_present, Nominee.submitted_at,
               Nominee.kind, Nominee.identifier, Nominee.date_of_birth)
        .join(Dossier, Dossier.id == Nominee.dossier_id)
        .where(Nominee.round_id == round_id, Dossier.status == "accepted", Nominee.outcome.in_(RANKABLE_OUTCOMES))
    ).all()
    return [Candidate(nominee_id=row.id, org_unit_id=row.org_unit_id, identity_key=row.identity_key,
                      achievement_key=row.achievement_key, name=row.name,
                      dx_index_score=float(row.dx_index_score) if row.dx_index_score is not None else None,
                      vote_share=(row.votes_for / row.votes_present) if row.votes_for is not None
                      and row.votes_present else None,
                      votes_for=row.votes_for, submitted_at=row.submitted_at,
                      match_keys=match_keys(row.kind, name=row.name, identifier=row.identifier,
                                            date_of_birth=row.date_of_birth, identity=row.identity_key))
            for row in rows]


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
    placements, ties = consolidate(
        candidates, ranking=config.param(session, "consolidation.ranking_key", on=round_.opens_on),
        unit_quotas=rounds.quota_map(round_), total_quota=round_.total_quota,
        awarded=awarded_index(session, [(c.identity_key, c.achievement_key) for c in candidates]),
    )
    for placement in placements:
        session.execute(update(Nominee).where(Nominee.id == placement.nominee_id).values(
            outcome=placement.outcome, rank=placement.rank, outcome_reason=placement.reason, updated_at=utcnow()))
    round_.status = "consolidated"
    round_.consolidated_at = utcnow()
    round_.ties = [tie.as_json() | {"resolved": False} for tie in ties]
    session.flush()
    return summary(placements, ties)


def summary(placements: Sequence[Placement], ties: Sequence[Tie] = ()) -> dict:
    counts = {outcome: sum(1 for p in placements if p.outcome == outcome)
              for outcome in ("proposed_to_city", "cut_by_quota", "duplicate", TIED)}
    return {"ranked": sum(1 for p in placements if p.rank is not None), **counts,
            "ties": [tie.as_json() for tie in ties]}


def resolve_tie(session: Session, *, actor, round_id: int, tie_index: int, proposed: Sequence[int],
                reason: str) -> AwardRound:
    """The reviewer gives a tie's places: the chosen are proposed, the others cut, with the reason (audited)."""
    round_ = rounds.get_round(session, round_id, for_update=True)
    ties = list(round_.ties or [])
    if round_.status != "consolidated" or not 0 <= tie_index < len(ties) or ties[tie_index].get("resolved"):
        raise InvalidState(msg("Không có trường hợp bằng điểm nào đang chờ quyết định ở vị trí này."))
    tie = ties[tie_index]
    chosen = {int(nominee_id) for nominee_id in proposed}
    if not reason.strip():
        raise ValidationFailed(msg("Cần nêu lý do lựa chọn."),
                               details={"fields": {"reason": [msg("Cần nêu lý do lựa chọn.")]}})
    if not chosen <= set(tie["nominee_ids"]) or len(chosen) != tie["places"]:
        message = msg("Cần chọn đúng {places} trong số các đối tượng bằng điểm.", places=tie["places"])
        raise ValidationFailed(message, details={"fields": {"proposed": [message]}})
    for nominee_id in tie["nominee_ids"]:
        picked = nominee_id in chosen
        session.execute(update(Nominee).where(Nominee.id == nominee_id, Nominee.outcome == TIED).values(
            outcome="proposed_to_city" if picked else "cut_by_quota", updated_at=utcnow(),
            outcome_reason=msg("Người xét duyệt chọn khi bằng điểm: {reason}", reason=reason.strip())
            if picked else msg("Không được chọn khi bằng điểm tại ranh giới chỉ tiêu: {reason}",
                               reason=reason.strip())))
    ties[tie_index] = {**tie, "resolved": True, "proposed": sorted(chosen), "reason": reason.strip(),
                       "resolved_by": actor.username}
    round_.ties = ties
    audit.record(session, action="round.tie_resolved", actor=actor.username, instance_id=round_.instance_id,
                 details={"round_id": round_.id, "tie": tie_index, "proposed": sorted(chosen),
                          "reason": reason.strip()})
    session.flush()
    return round_


def unresolved_ties(round_: AwardRound) -> list[dict]:
    return [tie for tie in round_.ties or [] if not tie.get("resolved")]


def ranked_list(session: Session, round_: AwardRound) -> list[Nominee]:
    """The consolidated list: ranked nominees first by rank, then duplicates."""
    return list(session.scalars(
        select(Nominee).where(Nominee.round_id == round_.id, Nominee.outcome.in_(
            ("proposed_to_city", TIED, "cut_by_quota", "duplicate", "approved", "excluded", "awarded", "escalated",
             "state_awarded", "state_not_awarded")))
        .order_by(Nominee.rank.is_(None), Nominee.rank, Nominee.id)
    ))
