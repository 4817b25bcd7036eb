"""Eligibility: the inputs `eligibility.dmn` reads (facts plus the dated parameters), the built-in rule
that mirrors the shipped table (used when no table result is given), and recording the result.

The rule (DOMAIN A3, B1.2, B1.4): a nominee on hold is held; agencies need the DX index at or above the
threshold and their tasks completed; enterprises need tax and social-insurance clearances (and the
environmental one where required); individuals need a required annual rating and enough recognised
initiatives; households and others are judged by the council alone.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from ..i18n import msg
from ..models import AwardRound, Nominee, OrgUnit
from . import config, dx_scores
from .nominees import recognised_initiatives


def is_agency(session: Session, nominee: Nominee, round_: AwardRound) -> bool:
    if nominee.kind != "collective" or nominee.subject_org_unit_id is None:
        return False
    kinds = config.param(session, "eligibility.agency_unit_kinds", on=round_.opens_on)
    unit = session.get(OrgUnit, nominee.subject_org_unit_id)
    return unit is not None and unit.kind in kinds


def inputs_for(session: Session, nominee: Nominee, round_: AwardRound) -> dict[str, Any]:
    """The facts and parameters of one nominee; an imported DX score replaces a typed one."""
    score, score_year, edition = nominee.dx_index_score, None, None
    if nominee.subject_org_unit_id is not None:
        found = dx_scores.score_for(session, nominee.subject_org_unit_id, round_.year)
        if found is not None:
            score, score_year, edition = found
            nominee.dx_index_score = score
    on = round_.opens_on
    return {
        "nominee_id": nominee.id,
        "name": nominee.name,
        "kind": nominee.kind,
        "is_agency": is_agency(session, nominee, round_),
        "dx_index_score": float(score) if score is not None else None,
        "dx_index_year": score_year,
        "dx_index_edition": edition,
        "dx_threshold": config.param(session, "dx_index.eligibility_threshold", on=on),
        "tasks_completed": nominee.tasks_completed,
        "annual_rating": nominee.annual_rating,
        "required_ratings": config.param(session, "eligibility.individual_required_ratings", on=on),
        "recognised_initiatives": recognised_initiatives(nominee),
        "min_recognised_initiatives": config.param(session, "eligibility.individual_min_recognised_initiatives",
                                                   on=on),
        "tax_clearance": nominee.tax_clearance,
        "social_insurance_clearance": nominee.social_insurance_clearance,
        "environment_clearance_required": nominee.environment_clearance_required,
        "environment_clearance": nominee.environment_clearance,
        "food_safety_clearance_required": nominee.food_safety_clearance_required,
        "food_safety_clearance": nominee.food_safety_clearance,
        "on_hold": nominee.on_hold,
        "hold_reason": nominee.hold_reason,
    }


def evaluate(inputs: dict[str, Any]) -> tuple[bool, list[str], bool]:
    """(eligible, reasons, held) by the built-in rule."""
    if inputs.get("on_hold"):
        return False, [msg("Đang bị tạm dừng xét: {reason}.",
                           reason=inputs.get("hold_reason") or "chưa nêu lý do")], True
    reasons: list[str] = []
    kind = inputs["kind"]
    if inputs.get("is_agency"):
        score, threshold = inputs.get("dx_index_score"), inputs["dx_threshold"]
        if score is None:
            reasons.append(msg("Chưa có điểm chỉ số chuyển đổi số."))
        elif Decimal(str(score)) < Decimal(str(threshold)):
            reasons.append(msg("Chỉ số chuyển đổi số {score} thấp hơn {threshold}.", score=score, threshold=threshold))
        if inputs.get("tasks_completed") is not True:
            reasons.append(msg("Chưa hoàn thành nhiệm vụ được giao."))
    elif kind == "enterprise":
        if inputs.get("tax_clearance") is not True:
            reasons.append(msg("Thiếu xác nhận hoàn thành nghĩa vụ thuế."))
        if inputs.get("social_insurance_clearance") is not True:
            reasons.append(msg("Thiếu xác nhận bảo hiểm xã hội."))
        if inputs.get("environment_clearance_required") and inputs.get("environment_clearance") is not True:
            reasons.append(msg("Thiếu xác nhận chấp hành pháp luật về môi trường."))
        if inputs.get("food_safety_clearance_required") and inputs.get("food_safety_clearance") is not True:
            reasons.append(msg("Thiếu xác nhận an toàn thực phẩm."))
    elif kind == "individual":
        if inputs.get("annual_rating") not in inputs["required_ratings"]:
            reasons.append(msg("Xếp loại hằng năm chưa đạt."))
        if inputs["recognised_initiatives"] < inputs["min_recognised_initiatives"]:
            reasons.append(msg("Chưa đủ {count} sáng kiến được công nhận.", count=inputs["min_recognised_initiatives"]))
    return not reasons, reasons, False


def record(nominee: Nominee, *, eligible: bool, reasons: list[str], held: bool = False) -> None:
    """Store the result; council-dropped nominees stay dropped."""
    if nominee.outcome == "dropped_by_council":
        return
    nominee.eligible = eligible
    nominee.eligibility_reasons = list(reasons)
    nominee.outcome = "held" if held else ("eligible" if eligible else "ineligible")
    nominee.outcome_reason = "; ".join(reasons) or None
