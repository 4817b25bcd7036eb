"""From the consolidated list to the awards register: appraisal, council standing review, the Chairman's
decision, the numbered decision, the register, and State-level escalation."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..db import utcnow
from ..errors import InvalidState, NotFound, ValidationFailed
from ..i18n import msg
from ..models import AwardRecord, AwardRound, Nominee, OrgUnit, User
from . import config, registers, rounds
from .consolidation import awarded_index

APPRAISAL_DECISIONS = ("approve", "return")
CHAIRMAN_DECISIONS = ("approve_all", "approve_with_exclusions", "return")


def _require_reason(decision: str, reason: str | None, returning: Iterable[str] = ("return",)) -> None:
    if decision in returning and not (reason or "").strip():
        raise ValidationFailed(msg("Cần nêu lý do trả lại."),
                               details={"fields": {"return_reason": [msg("Giá trị bắt buộc.")]}})


def _exclude(session: Session, round_id: int, nominee_ids: Iterable[int], reason: str) -> int:
    ids = [int(value) for value in nominee_ids or []]
    if not ids:
        return 0
    result = session.execute(update(Nominee).where(
        Nominee.round_id == round_id, Nominee.id.in_(ids), Nominee.outcome == "proposed_to_city",
    ).values(outcome="excluded", outcome_reason=reason or None, updated_at=utcnow()))
    return result.rowcount or 0


def record_appraisal(session: Session, *, round_id: int, decision: str, reason: str | None = None,
                     excluded_nominee_ids: Iterable[int] = (), actor: User | None = None,
                     stage: str = "appraisal") -> dict:
    """Home Affairs' appraisal: approve (optionally excluding nominees) or return to the lead agency.

    `stage="comments"`: after the public notice, Home Affairs only excludes nominees the comments disqualify;
    the round stays appraised.
    """
    if stage == "comments":
        round_ = rounds.get_round(session, round_id, for_update=True)
        if round_.status != "appraised":
            raise InvalidState(msg("Đợt chưa được thẩm định."))
        excluded = _exclude(session, round_.id, excluded_nominee_ids, reason or "Không đạt sau lấy ý kiến.")
        round_.appraisal = {**(round_.appraisal or {}), "comments_excluded": excluded,
                            "comments_reason": reason, "comments_by": actor.username if actor else None}
        session.flush()
        return {"decision": "comments", "excluded": excluded}
    if decision not in APPRAISAL_DECISIONS:
        raise ValidationFailed(msg("Quyết định không hợp lệ."),
                               details={"fields": {"decision": [f"Một trong: {', '.join(APPRAISAL_DECISIONS)}"]}})
    _require_reason(decision, reason)
    round_ = rounds.get_round(session, round_id, for_update=True)
    if round_.status != "consolidated":
        raise InvalidState(msg("Đợt chưa được tổng hợp."))
    excluded = _exclude(session, round_.id, excluded_nominee_ids, reason or "") if decision == "approve" else 0
    round_.appraisal = {"decision": decision, "reason": reason, "excluded": excluded, "at": utcnow().isoformat(),
                        "by": actor.username if actor else None}
    round_.status = "appraised" if decision == "approve" else "closed"  # returned: the lead consolidates again
    session.flush()
    return {"decision": decision, "excluded": excluded}


def record_council_standing_review(session: Session, *, round_id: int, decision: str, reason: str | None = None,
                                   excluded_nominee_ids: Iterable[int] = (), actor: User | None = None) -> dict:
    """The council's standing members: agree (optionally excluding nominees) or return to Home Affairs."""
    _require_reason(decision, reason)
    round_ = rounds.get_round(session, round_id, for_update=True)
    if round_.status != "appraised":
        raise InvalidState(msg("Đợt chưa được thẩm định."))
    excluded = _exclude(session, round_.id, excluded_nominee_ids, reason or "") if decision != "return" else 0
    round_.council_review = {"decision": decision, "reason": reason, "excluded": excluded,
                             "at": utcnow().isoformat(), "by": actor.username if actor else None}
    if decision == "return":
        round_.status = "consolidated"
    session.flush()
    return {"decision": decision, "excluded": excluded}


def needs_council_standing_review(session: Session, round_: AwardRound) -> bool:
    forms = config.param(session, "council.standing_review_award_forms", on=round_.opens_on, default=[])
    return round_.award_form in forms


def record_chairman_decision(session: Session, *, round_id: int, decision: str, reason: str | None = None,
                             excluded_nominee_ids: Iterable[int] = (), state_level_nominee_ids: Iterable[int] = (),
                             actor: User | None = None) -> dict:
    """Approve all, approve with exclusions, or return; the approved list is what the decision awards."""
    if decision not in CHAIRMAN_DECISIONS:
        raise ValidationFailed(msg("Quyết định không hợp lệ."),
                               details={"fields": {"decision": [f"Một trong: {', '.join(CHAIRMAN_DECISIONS)}"]}})
    _require_reason(decision, reason)
    if decision == "approve_with_exclusions" and not list(excluded_nominee_ids or []):
        raise ValidationFailed(msg("Cần chọn người/tập thể không khen thưởng."),
                               details={"fields": {"excluded_nominee_ids": [msg("Giá trị bắt buộc.")]}})
    round_ = rounds.get_round(session, round_id, for_update=True)
    if round_.status != "appraised":
        raise InvalidState(msg("Đợt chưa sẵn sàng trình Chủ tịch."))
    excluded = approved = 0
    if decision == "return":
        round_.status = "consolidated"
    else:
        excluded = _exclude(session, round_.id, excluded_nominee_ids, reason or "Không được phê duyệt.")
        approved = session.execute(update(Nominee).where(
            Nominee.round_id == round_.id, Nominee.outcome == "proposed_to_city",
        ).values(outcome="approved", updated_at=utcnow())).rowcount or 0
        state_ids = [int(value) for value in state_level_nominee_ids or []]
        if state_ids:
            session.execute(update(Nominee).where(Nominee.round_id == round_.id, Nominee.id.in_(state_ids),
                                                  Nominee.outcome == "approved").values(propose_state_level=True))
        round_.status = "decided"
    round_.chairman_decision = {"decision": decision, "reason": reason, "excluded": excluded, "approved": approved,
                                "at": utcnow().isoformat(), "by": actor.username if actor else None}
    session.flush()
    return {"decision": decision, "approved": approved, "excluded": excluded}


def _city(session: Session, on: date) -> OrgUnit:
    code = config.param(session, "organisation.city_org_unit_code", on=on)
    unit = session.scalar(select(OrgUnit).where(OrgUnit.code == code))
    if unit is None:
        raise InvalidState(msg("Không có đơn vị {code!r}.", code=code))
    return unit


def issue_decision(session: Session, *, round_id: int, actor: User | None = None, issued_on: date | None = None,
                   instance_id: int | None = None) -> dict:
    """Number the award decision from the city's yearly register (once per round)."""
    round_ = rounds.get_round(session, round_id, for_update=True)
    if round_.decision_number:
        return {"decision_number": round_.decision_number, "decision_date": round_.decision_date.isoformat()}
    if round_.status != "decided":
        raise InvalidState(msg("Chủ tịch chưa phê duyệt."))
    day = issued_on or config.today()
    document = registers.register_document(
        session, issuer=_city(session, day), document_type="decision", kind="award_decision", issued_on=day,
        subject=f"Về việc khen thưởng {round_.name} – {round_.movement.name}", actor=actor, round_id=round_.id,
        instance_id=instance_id,
    )
    round_.decision_number, round_.decision_date = document.symbol, day
    session.execute(update(Nominee).where(Nominee.round_id == round_.id, Nominee.outcome == "approved")
                    .values(decision_number=document.symbol))
    session.flush()
    return {"decision_number": document.symbol, "number": document.number, "decision_date": day.isoformat()}


def update_awards_register(session: Session, *, round_id: int) -> dict:
    """Approved nominees become awarded and enter the register; an achievement already there is a duplicate."""
    round_ = rounds.get_round(session, round_id, for_update=True)
    if not round_.decision_number:
        raise InvalidState(msg("Chưa có số quyết định."))
    issuer = _city(session, round_.decision_date)
    approved = list(session.scalars(select(Nominee).where(Nominee.round_id == round_.id,
                                                          Nominee.outcome == "approved").order_by(Nominee.id)))
    known = awarded_index(session, [(n.identity_key, n.achievement_key) for n in approved])
    added = duplicates = 0
    for nominee in approved:
        key = (nominee.identity_key, nominee.achievement_key)
        if key in known:
            nominee.outcome = "duplicate"
            nominee.outcome_reason = msg("Thành tích đã được khen thưởng theo {decision}.", decision=known[key])
            duplicates += 1
            continue
        known[key] = round_.decision_number
        session.add(AwardRecord(
            subject_key=nominee.identity_key, subject_kind=nominee.kind, subject_name=nominee.name,
            unit_name=nominee.unit_name, award_form=nominee.award_form, achievement_key=nominee.achievement_key,
            year=round_.year, decision_number=round_.decision_number, decision_date=round_.decision_date,
            issuer_org_unit_id=issuer.id, issuer_name=issuer.name, nominee_id=nominee.id, round_id=round_.id,
        ))
        nominee.outcome = "awarded"
        added += 1
    round_.status = "completed"
    session.flush()
    return {"added": added, "duplicates": duplicates}


def register_award(session: Session, *, values: dict) -> AwardRecord:
    """Record an award granted outside this service (history); refuses an achievement already awarded."""
    exists = session.scalar(select(AwardRecord.decision_number).where(
        AwardRecord.subject_key == values["subject_key"], AwardRecord.achievement_key == values["achievement_key"]))
    if exists:
        raise InvalidState(msg("Thành tích này đã được khen thưởng theo {exists}.", exists=exists),
                           code="already_awarded")
    record = AwardRecord(**values)
    session.add(record)
    session.flush()
    return record


def list_awards(session: Session, *, year: int | None = None, subject: str | None = None, round_id: int | None = None,
                limit: int = 50, offset: int = 0) -> tuple[list[AwardRecord], int]:
    query = select(AwardRecord)
    if year:
        query = query.where(AwardRecord.year == year)
    if round_id:
        query = query.where(AwardRecord.round_id == round_id)
    if subject:
        query = query.where(func.lower(AwardRecord.subject_name).contains(subject.lower()))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(AwardRecord.decision_date.desc(), AwardRecord.id).limit(limit).offset(offset))
    return list(rows), total


def outcomes_by_dossier(session: Session, round_id: int) -> dict[int, list[dict]]:
    rows = session.execute(select(Nominee.dossier_id, Nominee.id, Nominee.outcome, Nominee.decision_number)
                           .where(Nominee.round_id == round_id).order_by(Nominee.id)).all()
    out: dict[int, list[dict]] = {}
    for row in rows:
        out.setdefault(row.dossier_id, []).append(
            {"nominee_id": row.id, "outcome": row.outcome, "decision_number": row.decision_number})
    return out


def escalate(session: Session, *, round_id: int) -> list[int]:
    """Awarded nominees flagged for State level become escalated; returns their ids."""
    ids = list(session.scalars(select(Nominee.id).where(Nominee.round_id == round_id, Nominee.outcome == "awarded",
                                                        Nominee.propose_state_level.is_(True)).order_by(Nominee.id)))
    if ids:
        session.execute(update(Nominee).where(Nominee.id.in_(ids)).values(outcome="escalated", updated_at=utcnow()))
    return ids


def record_state_level_result(session: Session, *, round_id: int, results: Iterable[dict]) -> dict:
    """The central result: per escalated nominee, awarded or not."""
    counts = {"state_awarded": 0, "state_not_awarded": 0}
    for item in results:
        nominee = session.get(Nominee, int(item["nominee_id"]))
        if nominee is None or nominee.round_id != round_id:
            raise NotFound(msg("Không tìm thấy người/tập thể được đề nghị."))
        if nominee.outcome != "escalated":
            raise InvalidState(msg("{name} chưa được đề nghị cấp Nhà nước.", name=nominee.name))
        nominee.outcome = "state_awarded" if item.get("awarded") else "state_not_awarded"
        nominee.outcome_reason = item.get("note") or nominee.outcome_reason
        counts[nominee.outcome] += 1
    session.flush()
    return counts
