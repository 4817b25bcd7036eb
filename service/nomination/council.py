"""The unit council's review (DOMAIN A3 step 2): quorum and pass rule from dated parameters.

Ratios are kept exact (present × 3 ≥ total × 2), so 2/3 never becomes 0.67.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from ..errors import ValidationFailed
from ..i18n import msg
from ..models import Dossier
from . import config


@dataclass(frozen=True)
class CouncilRules:
    quorum: tuple[int, int]
    vote_base: str  # "present" | "total"
    pass_ratio: tuple[int, int]
    strict: bool  # more than the ratio (True) or at least it (False)

    def quorum_met(self, present: int, total: int) -> bool:
        numerator, denominator = self.quorum
        return total > 0 and present * denominator >= total * numerator

    def passes(self, votes_for: int, present: int, total: int) -> bool:
        base = present if self.vote_base == "present" else total
        numerator, denominator = self.pass_ratio
        if base <= 0:
            return False
        left, right = votes_for * denominator, base * numerator
        return left > right if self.strict else left >= right

    def votes_needed(self, present: int, total: int) -> int:
        """The smallest number of votes for that passes."""
        return next((votes for votes in range(0, max(present, total) + 1) if self.passes(votes, present, total)),
                    max(present, total) + 1)


def rules(session: Session, *, on: date, award_session: bool = False) -> CouncilRules:
    quorum_key = "council.award_session_quorum" if award_session else "council.quorum"
    rule = config.param(session, "council.pass_rule", on=on)
    return CouncilRules(quorum=config.fraction(config.param(session, quorum_key, on=on)),
                        vote_base=rule.get("base", "present"),
                        pass_ratio=(int(rule["numerator"]), int(rule["denominator"])),
                        strict=bool(rule.get("strict", True)))


def rules_json(session: Session, *, on: date, award_session: bool = False) -> dict:
    """The dated quorum and pass rule as `council_vote.dmn` reads them."""
    quorum_key = "council.award_session_quorum" if award_session else "council.quorum"
    return {"quorum": config.param(session, quorum_key, on=on),
            "pass_rule": config.param(session, "council.pass_rule", on=on)}


def record_review(session: Session, dossier: Dossier, *, members_total: int, members_present: int,
                  votes: dict[int, int], award_session: bool = False,
                  decided: dict[int, dict] | None = None) -> dict:
    """Store the meeting's numbers and each nominee's votes; a nominee who fails is dropped with the reason.

    `decided` carries the decision table's verdict per nominee (`council_passed`, `council_reason`); without
    it the dated rule decides here.
    """
    if members_total <= 0 or not 0 <= members_present <= members_total:
        raise ValidationFailed(msg("Số thành viên không hợp lệ."), details={"fields": {
            "council_members_present": [msg("Phải từ 0 đến tổng số thành viên.")]}})
    council = rules(session, on=dossier.round.opens_on, award_session=award_session)
    quorum = council.quorum_met(members_present, members_total)
    dossier.council_members_total, dossier.council_members_present = members_total, members_present
    dossier.council_quorum_met = quorum
    needed = council.votes_needed(members_present, members_total)
    results = []
    for nominee in dossier.nominees:
        votes_for = votes.get(nominee.id, nominee.votes_for)
        if votes_for is not None and not 0 <= votes_for <= members_present:
            raise ValidationFailed(msg("Số phiếu vượt số thành viên dự họp."),
                                   details={"fields": {"votes_for": [f"{nominee.name}: 0..{members_present}"]}})
        nominee.votes_for, nominee.votes_present, nominee.votes_total = votes_for, members_present, members_total
        verdict = (decided or {}).get(nominee.id)
        if verdict is not None and verdict.get("council_passed") is not None:
            passed = bool(verdict["council_passed"])
        else:
            passed = quorum and votes_for is not None and council.passes(votes_for, members_present, members_total)
        nominee.council_passed = passed
        if not passed:
            nominee.outcome = "dropped_by_council"
            nominee.outcome_reason = (verdict or {}).get("council_reason") or (
                msg("Phiên họp không đủ số thành viên theo quy định.") if not quorum else
                msg("Được {votes}/{members_present} phiếu, cần ít nhất {needed}.",
                    votes=votes_for or 0, members_present=members_present, needed=needed))
        elif nominee.outcome == "dropped_by_council":
            nominee.outcome, nominee.outcome_reason = "proposed", None
        results.append({"nominee_id": nominee.id, "votes_for": votes_for, "passed": passed})
    session.flush()
    numerator, denominator = council.quorum
    return {
        "members_total": members_total, "members_present": members_present, "quorum_met": quorum,
        "quorum_numerator": numerator, "quorum_denominator": denominator, "votes_needed": needed,
        "vote_base": council.vote_base, "nominees": results,
        "passed_count": sum(1 for item in results if item["passed"]),
        "all_dropped": not any(item["passed"] for item in results),
    }
