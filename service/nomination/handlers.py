"""Service handlers the nomination diagrams name (docs/nomination_design.md), over the domain operations.

Each takes `(data, **params)` — a copy of the task data and the literal parameters of the service task —
reads the step context for the session, and returns JSON stored in the task's result variable. Ids come
from the instance data (`dossier_id`, `round_id`, `registration_id`) unless a parameter names them.
`SERVICES` lists them; `wiring.install` registers them with the engine at start-up.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from ..engine.service_tasks import Handler, current_step
from ..errors import ValidationFailed
from ..i18n import msg
from ..models import Nominee, User
from . import (
    awards,
    consolidation,
    council,
    dossiers,
    eligibility,
    public_notice,
    registrations,
    rounds,
)
from .nominees import EDITABLE_FIELDS
from .outcomes import deliver_outcomes, start_state_level

# The handlers the nomination diagrams name, registered with the engine by `wiring.install` at start-up.
SERVICES: dict[str, Handler] = {}


def _service(name: str):
    def collect(func: Handler) -> Handler:
        SERVICES[name] = func
        return func

    return collect


def _step() -> tuple[Session, User | None]:
    context = current_step()
    session: Session = context.session
    actor = session.get(User, context.actor_id) if context.actor_id else None
    return session, actor


def _value(data: dict, params: dict, name: str, default: Any = None) -> Any:
    return params[name] if params.get(name) not in (None, "") else data.get(name, default)


def _int(data: dict, params: dict, name: str) -> int:
    value = _value(data, params, name)
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(msg("Thiếu '{name}' trong dữ liệu hồ sơ.", name=name),
                               details={"fields": {name: [msg("Giá trị bắt buộc.")]}}) from None


def _ids(value: Any) -> list[int]:
    if not value:
        return []
    if isinstance(value, str):
        value = [part for part in value.replace(";", ",").split(",") if part.strip()]
    return [int(item["nominee_id"] if isinstance(item, dict) else item) for item in value]


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def nominee_json(nominee: Nominee) -> dict:
    return {"id": nominee.id, "nominee_id": nominee.id, "kind": nominee.kind, "name": nominee.name,
            "unit_name": nominee.unit_name, "award_form": nominee.award_form, "outcome": nominee.outcome,
            "outcome_reason": nominee.outcome_reason, "on_hold": nominee.on_hold,
            "dx_index_score": _plain(nominee.dx_index_score), "votes_for": nominee.votes_for}


def _nominee_values(item: dict) -> dict:
    values = {key: item[key] for key in (*EDITABLE_FIELDS, "subject_org_unit_code", "id", "nominee_id")
              if key in item}
    if isinstance(values.get("date_of_birth"), str):
        values["date_of_birth"] = date.fromisoformat(values["date_of_birth"][:10]) if values["date_of_birth"] else None
    return values


@_service("sync_nominees")
def sync_nominees(data: dict, **params: Any) -> dict:
    """Make the dossier's nominee rows equal to the form's `nominees` list; returns them with ids."""
    session, _actor = _step()
    items = _value(data, params, "nominees") or []
    rows = dossiers.replace_nominees(session, actor=None, dossier_id=_int(data, params, "dossier_id"),
                                     items=[_nominee_values(item) for item in items])
    return {"nominees": [nominee_json(row) for row in rows], "count": len(rows)}


def _award_session(data: dict, params: dict) -> bool:
    return str(_value(data, params, "award_session", False)).lower() in ("true", "1", "yes")


@_service("council_rules")
def council_rules(data: dict, **params: Any) -> dict:
    """The quorum and pass rule in force on the dossier's round date, for `council_vote.dmn`."""
    session, _actor = _step()
    dossier = dossiers.get_dossier(session, actor=None, dossier_id=_int(data, params, "dossier_id"))
    return council.rules_json(session, on=dossier.round.opens_on, award_session=_award_session(data, params))


@_service("evaluate_council")
def evaluate_council(data: dict, **params: Any) -> dict:
    """Records the meeting and the votes; who fails is dropped with the reason. The table's verdict per row
    (`council_passed`, `council_reason`) decides when present, else the dated rule."""
    session, _actor = _step()
    dossier = dossiers.get_dossier(session, actor=None, dossier_id=_int(data, params, "dossier_id"))
    rows = _value(data, params, "votes") or _value(data, params, "nominees") or []
    rows = [item for item in rows if item.get("nominee_id") or item.get("id")]
    votes = {int(item.get("nominee_id") or item.get("id")): int(item["votes_for"])
             for item in rows if item.get("votes_for") not in (None, "")}
    decided = {int(item.get("nominee_id") or item.get("id")): item for item in rows
               if item.get("council_passed") is not None}
    return council.record_review(
        session, dossier, members_total=int(_value(data, params, "council_members_total", 0)),
        members_present=int(_value(data, params, "council_members_present", 0)), votes=votes,
        award_session=_award_session(data, params), decided=decided)


@_service("check_eligibility_inputs")
def check_eligibility_inputs(data: dict, **params: Any) -> dict:
    """Per nominee still in the running: the facts and dated parameters `eligibility.dmn` reads."""
    session, _actor = _step()
    dossier = dossiers.get_dossier(session, actor=None, dossier_id=_int(data, params, "dossier_id"))
    items = [eligibility.inputs_for(session, nominee, dossier.round) for nominee in dossier.nominees
             if nominee.outcome != "dropped_by_council"]
    session.flush()
    return {"nominees": items, "count": len(items)}


@_service("record_eligibility")
def record_eligibility(data: dict, **params: Any) -> dict:
    """Store eligibility per nominee: the table's `eligibility_results` when given, else the built-in rule."""
    session, _actor = _step()
    dossier = dossiers.get_dossier(session, actor=None, dossier_id=_int(data, params, "dossier_id"))
    given = {int(item["nominee_id"]): item for item in _value(data, params, "eligibility_results") or []}
    summary = {"eligible": 0, "ineligible": 0, "held": 0, "nominees": []}
    for nominee in dossier.nominees:
        if nominee.outcome == "dropped_by_council":
            continue
        if nominee.id in given:
            item = given[nominee.id]
            reasons = item.get("reasons") or ([item["reason"]] if item.get("reason") else [])
            ok, held = bool(item.get("eligible")), bool(item.get("held") or nominee.on_hold)
            if held and not reasons:
                reasons = [nominee.hold_reason or msg("Đang bị tạm dừng xét.")]
            ok = ok and not held
        else:
            ok, reasons, held = eligibility.evaluate(eligibility.inputs_for(session, nominee, dossier.round))
        eligibility.record(nominee, eligible=ok, reasons=reasons, held=held)
        summary[nominee.outcome] += 1
        summary["nominees"].append({"nominee_id": nominee.id, "outcome": nominee.outcome, "reasons": reasons})
    session.flush()
    summary["all_ineligible"] = summary["eligible"] == 0
    return summary


@_service("submit_dossier")
def submit_dossier(data: dict, **params: Any) -> dict:
    session, _actor = _step()
    dossier = dossiers.submit_dossier(session, actor=None, dossier_id=_int(data, params, "dossier_id"),
                                      now=current_step().now)
    return {"dossier_id": dossier.id, "status": dossier.status, "submitted_at": dossier.submitted_at.isoformat(),
            "unit_name": dossier.unit_name}


@_service("return_dossier")
def return_dossier(data: dict, **params: Any) -> dict:
    session, _actor = _step()
    reason = _value(data, params, "reason") or data.get("return_reason") or ""
    dossier = dossiers.return_dossier(session, actor=None, dossier_id=_int(data, params, "dossier_id"), reason=reason,
                                      mode=str(params.get("mode") or "return"))
    return {"dossier_id": dossier.id, "status": dossier.status, "return_count": dossier.return_count,
            "return_reason": dossier.return_reason}


@_service("accept_dossier")
def accept_dossier(data: dict, **params: Any) -> dict:
    session, _actor = _step()
    dossier = dossiers.accept_dossier(session, actor=None, dossier_id=_int(data, params, "dossier_id"))
    accepted = sum(1 for nominee in dossier.nominees if nominee.outcome == "accepted")
    return {"dossier_id": dossier.id, "status": dossier.status, "accepted_nominees": accepted}


@_service("close_round")
def close_round(data: dict, **params: Any) -> dict:
    session, _actor = _step()
    round_ = rounds.close_round(session, actor=None, round_id=_int(data, params, "round_id"),
                                reason=_value(data, params, "reason") or "")
    return {"round_id": round_.id, "status": round_.status, "closed_at": round_.closed_at.isoformat()}


@_service("consolidate_round")
def consolidate_round(data: dict, **params: Any) -> dict:
    """Rank, refuse duplicates and cut by quotas (set-based); returns counts, never the list."""
    session, _actor = _step()
    round_id = _int(data, params, "round_id")
    result = consolidation.consolidate_round(session, round_id=round_id)
    result["council_standing_review_required"] = awards.needs_council_standing_review(
        session, rounds.get_round(session, round_id))
    return result


def _decision(data: dict, params: dict, *names: str) -> str:
    return next((str(_value(data, params, name)) for name in names if _value(data, params, name)), "")


@_service("record_appraisal")
def record_appraisal(data: dict, **params: Any) -> dict:
    session, actor = _step()
    round_id = _int(data, params, "round_id")
    result = awards.record_appraisal(
        session, round_id=round_id, decision=_decision(data, params, "appraisal_decision", "decision"),
        reason=data.get("return_reason"), excluded_nominee_ids=_ids(_value(data, params, "excluded_nominee_ids")),
        actor=actor, stage=str(params.get("stage") or "appraisal"))
    result["council_standing_review_required"] = awards.needs_council_standing_review(
        session, rounds.get_round(session, round_id))
    return result


@_service("open_public_notice")
def open_public_notice(data: dict, **params: Any) -> dict:
    session, _actor = _step()
    notice = public_notice.open_notice(session, round_id=_int(data, params, "round_id"), now=current_step().now)
    return {"notice_id": notice.id, "closes_at": notice.closes_at.isoformat(),
            "listed": len(public_notice.listed_nominees(session, notice))}


@_service("close_public_notice")
def close_public_notice(data: dict, **params: Any) -> dict:
    """Close the round's notice; the nominees the public commented on, for Home Affairs to check."""
    session, _actor = _step()
    return {"flagged": public_notice.close_notice(session, round_id=_int(data, params, "round_id"))}


@_service("record_council_standing_review")
def record_council_standing_review(data: dict, **params: Any) -> dict:
    session, actor = _step()
    return awards.record_council_standing_review(
        session, round_id=_int(data, params, "round_id"),
        decision=_decision(data, params, "council_decision", "decision"), reason=data.get("return_reason"),
        excluded_nominee_ids=_ids(_value(data, params, "excluded_nominee_ids")), actor=actor)


@_service("record_chairman_decision")
def record_chairman_decision(data: dict, **params: Any) -> dict:
    session, actor = _step()
    return awards.record_chairman_decision(
        session, round_id=_int(data, params, "round_id"),
        decision=_decision(data, params, "chairman_decision", "decision"), reason=data.get("return_reason"),
        excluded_nominee_ids=_ids(_value(data, params, "excluded_nominee_ids")),
        state_level_nominee_ids=_ids(_value(data, params, "state_level_nominee_ids")), actor=actor)


@_service("issue_decision")
def issue_decision(data: dict, **params: Any) -> dict:
    """The decision's number from the issuer's (the city's) yearly register."""
    session, actor = _step()
    return awards.issue_decision(session, round_id=_int(data, params, "round_id"), actor=actor,
                                 instance_id=current_step().instance_id)


@_service("distribute_outcomes")
def distribute_outcomes(data: dict, **params: Any) -> dict:
    """One `dossier_outcome` message per accepted dossier's waiting instance."""
    session, actor = _step()
    return deliver_outcomes(session, round_id=_int(data, params, "round_id"), actor=actor,
                            sender_instance_id=current_step().instance_id)


@_service("update_awards_register")
def update_awards_register(data: dict, **params: Any) -> dict:
    session, _actor = _step()
    return awards.update_awards_register(session, round_id=_int(data, params, "round_id"))


@_service("start_state_level_proposals")
def start_state_level_proposals(data: dict, **params: Any) -> dict:
    session, actor = _step()
    return start_state_level(session, round_id=_int(data, params, "round_id"), actor=actor)


@_service("record_state_level_result")
def record_state_level_result(data: dict, **params: Any) -> dict:
    session, _actor = _step()
    results = _value(data, params, "state_level_results") or _value(data, params, "results") or []
    return awards.record_state_level_result(session, round_id=_int(data, params, "round_id"), results=results)


@_service("registration_reminder")
def registration_reminder(data: dict, **params: Any) -> dict:
    """Whether the unit still has to register, and the remaining reminder times (audited)."""
    session, _actor = _step()
    registration = registrations.get_registration(session, actor=None,
                                                  registration_id=_int(data, params, "registration_id"))
    pending = registration.status in ("draft", "returned")
    if pending:
        from ..operations import audit

        audit.record(session, action="registration.reminded", actor=None, instance_id=current_step().instance_id,
                     details={"registration_id": registration.id})
    return {"registered": not pending, "deadline": registration.deadline.isoformat(),
            "next_reminders": [moment.isoformat() for moment in registrations.reminder_times(session, registration)]}


@_service("submit_registration")
def submit_registration(data: dict, **params: Any) -> dict:
    session, _actor = _step()
    registration = registrations.submit_registration(
        session, registration_id=_int(data, params, "registration_id"),
        values={key: data[key] for key in ("titles", "commitments") if key in data})
    return {"registration_id": registration.id, "status": registration.status}


@_service("acknowledge_registration")
def acknowledge_registration(data: dict, **params: Any) -> dict:
    session, actor = _step()
    registration = registrations.acknowledge_registration(
        session, registration_id=_int(data, params, "registration_id"),
        decision=_decision(data, params, "registration_decision", "decision"), reason=data.get("return_reason"),
        actor=actor)
    return {"registration_id": registration.id, "status": registration.status}


# `generate_document` (number, render and store the step's documents) is registered by `wiring.install`.
