"""Completion guards the nomination diagrams name (user task property `guard`)."""

from __future__ import annotations

from ..errors import InvalidState, ValidationFailed
from ..i18n import msg
from ..models import Dossier, Nominee
from ..operations.guards import Guard, GuardContext
from . import rounds
from .consolidation import unresolved_ties

RETURN_DECISIONS = frozenset({"return", "reject", "return_for_revision"})
DECISION_FIELDS = ("decision", "appraisal_decision", "council_decision", "chairman_decision", "registration_decision")


# The guards the nomination diagrams name, registered by `wiring.install` at start-up.
GUARDS: dict[str, Guard] = {}


def _guard(name: str):
    def collect(func: Guard) -> Guard:
        GUARDS[name] = func
        return func

    return collect


def _round_id(context: GuardContext) -> int | None:
    data = context.instance.data or {}
    if data.get("round_id"):
        return int(data["round_id"])
    if data.get("dossier_id"):
        dossier = context.session.get(Dossier, int(data["dossier_id"]))
        return dossier.round_id if dossier else None
    return None


@_guard("round_open")
def round_open(context: GuardContext) -> None:
    """Submitting after the round's deadline or after it closed is refused; nothing changes."""
    round_id = _round_id(context)
    if round_id is None:
        raise InvalidState(msg("Hồ sơ không gắn với đợt khen thưởng nào."))
    rounds.require_accepting(rounds.get_round(context.session, round_id))


@_guard("return_reason_required")
def return_reason_required(context: GuardContext) -> None:
    """A return or reject decision needs a non-empty `return_reason` (422 on that field)."""
    submitted = context.submitted or {}
    decision = next((str(submitted[name]) for name in DECISION_FIELDS if submitted.get(name)), "")
    approved = submitted.get("approved")
    returning = decision in RETURN_DECISIONS or approved is False
    if returning and not str(submitted.get("return_reason") or "").strip():
        message = msg("Cần nêu lý do trả lại.")
        raise ValidationFailed(message, details={"fields": {"return_reason": [message]}})


@_guard("nominees_not_on_hold")
def nominees_not_on_hold(context: GuardContext) -> None:
    """Refuses while a nominee of the dossier is on hold (discipline, inspection, complaint), with the reason."""
    data = context.instance.data or {}
    held: list[dict] = []
    if data.get("dossier_id"):
        dossier = context.session.get(Dossier, int(data["dossier_id"]))
        nominees: list[Nominee] = list(dossier.nominees) if dossier else []
        held = [{"nominee_id": n.id, "name": n.name, "hold_reason": n.hold_reason}
                for n in nominees if n.on_hold and n.outcome != "dropped_by_council"]
    for item in (context.submitted or {}).get("nominees") or []:
        if isinstance(item, dict) and item.get("on_hold") and not any(h["name"] == item.get("name") for h in held):
            held.append({"nominee_id": item.get("id"), "name": item.get("name"),
                         "hold_reason": item.get("hold_reason")})
    if held:
        names = "; ".join(f"{item['name']} ({item['hold_reason'] or 'chưa nêu lý do'})" for item in held)
        raise InvalidState(msg("Có người/tập thể đang bị tạm dừng xét khen thưởng: {names}.", names=names),
                           code="nominees_on_hold", details={"nominees": held})


@_guard("no_unresolved_ties")
def no_unresolved_ties(context: GuardContext) -> None:
    """The consolidated list goes on only once every tie at a quota boundary has been decided."""
    round_id = _round_id(context)
    if round_id is None:
        return
    open_ties = unresolved_ties(rounds.get_round(context.session, round_id))
    if open_ties:
        names = "; ".join(", ".join(tie["names"]) for tie in open_ties)
        raise InvalidState(msg("Còn trường hợp bằng điểm tại ranh giới chỉ tiêu chưa quyết định: {names}.",
                               names=names), code="unresolved_ties")
