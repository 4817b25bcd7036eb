"""Nominee values: who a nominee is (identity across dossiers) and which achievement is proposed."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import utcnow
from ..errors import ValidationFailed
from ..i18n import msg
from ..models import AwardRound, Dossier, Nominee, OrgUnit
from . import config

SECTORS_KEY = "enterprise.clearance_sectors"
ALWAYS_CLEARANCES = ("tax", "social_insurance")

EDITABLE_FIELDS = (
    "kind", "name", "identifier", "position", "unit_name", "sex", "date_of_birth", "achievement_summary",
    "achievement_key", "award_form", "award_type", "tasks_completed", "annual_rating", "initiatives",
    "tax_clearance", "social_insurance_clearance", "environment_clearance_required", "environment_clearance",
    "food_safety_clearance_required", "food_safety_clearance", "on_hold", "hold_reason", "propose_state_level",
    "dx_index_score", "sector",
)


def normalise_name(name: str) -> str:
    """Case- and spacing-insensitive, diacritics kept (Vietnamese names differ by them)."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def identity_key(kind: str, *, name: str, identifier: str | None = None, subject_unit_code: str | None = None,
                 date_of_birth: date | None = None, unit_name: str | None = None) -> str:
    """The same person or collective proposed in two dossiers gets the same key."""
    if identifier:
        return f"{kind}:id:{identifier.strip().upper()}"
    if subject_unit_code:
        return f"unit:{subject_unit_code}"
    if kind == "individual":
        born = date_of_birth.isoformat() if date_of_birth else "?"
        return f"individual:{normalise_name(name)}|{born}"
    return f"{kind}:{normalise_name(name)}|{normalise_name(unit_name or '')}"


def match_keys(kind: str, *, name: str, identifier: str | None = None, date_of_birth: date | None = None,
               identity: str) -> tuple[tuple[str, str], ...]:
    """Every key by which this nominee is the same as another, with what it matched on.

    A person is the same whatever identifiers each dossier carries: by citizen ID where both have one,
    and by name and date of birth where both have those (one dossier may give the ID, the other not).
    """
    keys: dict[str, str] = {}
    if kind == "individual":
        if identifier:
            keys[f"individual:id:{identifier.strip().upper()}"] = "identifier"
        if date_of_birth is not None:
            keys[f"individual:{normalise_name(name)}|{date_of_birth.isoformat()}"] = "name_and_birth"
    keys.setdefault(identity, "identity")
    return tuple(keys.items())


def same_person(nominees: Sequence[Nominee]) -> dict[int, list[Nominee]]:
    """Per nominee id: the other nominees of the list that are the same person or collective (by `match_keys`),
    for those that have any."""
    keys = {nominee.id: {key for key, _ in match_keys(nominee.kind, name=nominee.name, identifier=nominee.identifier,
                                                      date_of_birth=nominee.date_of_birth,
                                                      identity=nominee.identity_key)} for nominee in nominees}
    holders: dict[str, list[Nominee]] = {}
    for nominee in nominees:
        for key in keys[nominee.id]:
            holders.setdefault(key, []).append(nominee)
    out: dict[int, list[Nominee]] = {}
    for nominee in nominees:
        others = {other.id: other for key in keys[nominee.id] for other in holders[key] if other.id != nominee.id}
        if others:
            out[nominee.id] = sorted(others.values(), key=lambda other: other.id)
    return out


def default_achievement_key(round_: AwardRound) -> str:
    """One achievement per subject, movement, round kind and year (Law Art. 5(2)(c))."""
    return f"{round_.movement.code}:{round_.kind}:{round_.year}"


SCORE_PLACES = 2  # scores are published with two decimals (numeric(5,2)); more is a typing error, never rounded


def exact_score(value: Any) -> Decimal | None:
    """A DX index score as given, refused (never rounded) when it has more than two decimals.

    Rounding 79.995 would make an ineligible agency eligible at 80.00: the person entering the score
    must say which score they mean.
    """
    if value is None or value == "":
        return None
    try:
        score = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        score = None
    if score is None or not score.is_finite():
        raise _score_error(msg("Điểm chỉ số chuyển đổi số phải là một số."))
    if -score.as_tuple().exponent > SCORE_PLACES and score != score.quantize(Decimal(1).scaleb(-SCORE_PLACES)):
        raise _score_error(msg("Điểm chỉ số chuyển đổi số chỉ được có tối đa 2 chữ số thập phân (đã nhập {value}).",
                               value=str(score)))
    if not Decimal(0) <= score <= Decimal(100):
        raise _score_error(msg("Điểm chỉ số chuyển đổi số phải từ 0 đến 100."))
    return score


def _score_error(message) -> ValidationFailed:
    return ValidationFailed(message, details={"fields": {"dx_index_score": [message]}})


def apply_values(session: Session, nominee: Nominee, dossier: Dossier, values: dict[str, Any]) -> Nominee:
    """Copy editable values onto the nominee and recompute its identity."""
    if "dx_index_score" in values:
        values = {**values, "dx_index_score": exact_score(values["dx_index_score"])}
    for field in EDITABLE_FIELDS:
        if field in values:
            setattr(nominee, field, values[field])
    if nominee.kind == "enterprise" and "sector" in values:
        _apply_sector(session, nominee, dossier.round)
    if "subject_org_unit_code" in values:
        nominee.subject_org_unit_id = _subject_unit_id(session, values["subject_org_unit_code"])
    if nominee.kind == "collective" and nominee.subject_org_unit_id is None and nominee.name == dossier.unit_name:
        nominee.subject_org_unit_id = dossier.org_unit_id  # the unit nominating itself
    if not nominee.unit_name:
        nominee.unit_name = dossier.unit_name
    if not nominee.achievement_key:
        nominee.achievement_key = default_achievement_key(dossier.round)
    if not nominee.award_form:
        nominee.award_form = dossier.round.award_form
    subject_code = session.scalar(select(OrgUnit.code).where(OrgUnit.id == nominee.subject_org_unit_id)) \
        if nominee.subject_org_unit_id else None
    nominee.identity_key = identity_key(nominee.kind, name=nominee.name, identifier=nominee.identifier,
                                        subject_unit_code=subject_code, date_of_birth=nominee.date_of_birth,
                                        unit_name=nominee.unit_name)
    nominee.updated_at = utcnow()
    return nominee


def clearance_rules(session: Session, round_: AwardRound) -> dict:
    """The dated sector table: the clearances every enterprise needs and each sector's extra ones."""
    rules = config.param(session, SECTORS_KEY, on=round_.opens_on, default=None) or {}
    return {"always": list(rules.get("always") or ALWAYS_CLEARANCES), "sectors": list(rules.get("sectors") or [])}


def required_clearances(session: Session, nominee: Nominee, round_: AwardRound) -> list[str]:
    """Which clearances an enterprise nominee needs: always tax and social insurance, plus what its sector
    (or a flag set on the nominee by hand or by the sheet) requires."""
    if nominee.kind != "enterprise":
        return []
    kinds = clearance_rules(session, round_)["always"]
    if nominee.environment_clearance_required:
        kinds.append("environment")
    if nominee.food_safety_clearance_required:
        kinds.append("food_safety")
    return list(dict.fromkeys(kinds))


def _apply_sector(session: Session, nominee: Nominee, round_: AwardRound) -> None:
    """The sector decides the environment and food-safety requirements (read from the dated table)."""
    if not nominee.sector:
        return
    sectors = {item["code"]: item for item in clearance_rules(session, round_)["sectors"]}
    if nominee.sector not in sectors:
        message = msg("Lĩnh vực hoạt động không có trong danh mục.")
        raise ValidationFailed(message, details={"fields": {"sector": [message]}})
    requires = set(sectors[nominee.sector].get("requires") or ())
    nominee.environment_clearance_required = "environment" in requires
    nominee.food_safety_clearance_required = "food_safety" in requires


def _subject_unit_id(session: Session, code: str | None) -> int | None:
    if not code:
        return None
    unit_id = session.scalar(select(OrgUnit.id).where(OrgUnit.code == code))
    if unit_id is None:
        raise ValidationFailed(msg("Đơn vị không tồn tại."), details={
            "fields": {"subject_org_unit_code": [msg("Không có đơn vị mã {code!r}.", code=code)]}})
    return unit_id


def new_nominee(session: Session, dossier: Dossier, values: dict[str, Any]) -> Nominee:
    nominee = Nominee(dossier_id=dossier.id, round_id=dossier.round_id, kind=values["kind"], name=values["name"],
                      achievement_summary="", achievement_key="", award_form="", identity_key="", initiatives=[],
                      eligibility_reasons=[], outcome="proposed", on_hold=False, environment_clearance_required=False,
                      food_safety_clearance_required=False, propose_state_level=False, public_comment_flag=False)
    apply_values(session, nominee, dossier, values)
    dossier.nominees.append(nominee)
    session.flush()
    return nominee


def vote_share(nominee: Nominee) -> float | None:
    if nominee.votes_for is None or not nominee.votes_present:
        return None
    return nominee.votes_for / nominee.votes_present


def recognised_initiatives(nominee: Nominee) -> int:
    return sum(1 for item in nominee.initiatives or [] if isinstance(item, dict) and item.get("recognised"))
