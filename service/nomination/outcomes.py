"""After the decision: tell each accepted dossier's instance its outcome, and escalate to State level."""

from __future__ import annotations

from collections import deque

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Dossier, User
from ..notifications import events as notifications
from ..operations import audit, stepping
from . import awards, processes, rounds

OUTCOME_MESSAGE = "dossier_outcome"


def deliver_outcomes(session: Session, *, round_id: int, actor: User | None, sender_instance_id: int | None) -> dict:
    """Send `dossier_outcome` (correlation `dossier_id`) to every waiting dossier instance of the round.

    Delivery runs in this transaction, like a message thrown by the step: the round's step and the
    dossiers' steps commit or roll back together. A receiver must not message the round back in the
    same step (its state is being written by this very step).
    """
    outcomes = awards.outcomes_by_dossier(session, round_id)
    dossier_rows = session.execute(select(Dossier.id, Dossier.instance_id).where(
        Dossier.round_id == round_id, Dossier.status == "accepted").order_by(Dossier.id)).all()
    outbox: deque = deque()
    delivered, undelivered = [], []
    for dossier_id, instance_id in dossier_rows:
        correlation = {"dossier_id": dossier_id}
        receivers = [receiver for receiver in stepping.find_receivers(session, OUTCOME_MESSAGE, correlation,
                                                                      exclude=sender_instance_id)
                     if instance_id is None or receiver == instance_id]
        if not receivers:
            undelivered.append(dossier_id)
            continue
        payload = {"outcomes": outcomes.get(dossier_id, [])}
        for receiver in receivers:
            stepping.deliver(session, receiver, OUTCOME_MESSAGE, correlation, payload, actor=actor, outbox=outbox)
        delivered.append(dossier_id)
        dossier = session.get(Dossier, dossier_id)
        if dossier is not None:
            # Outcomes are sent before the register step turns the Chairman's "approved" into "awarded".
            awarded = sum(1 for item in outcomes.get(dossier_id, []) if item.get("outcome") in ("approved", "awarded"))
            notifications.dossier_event(session, dossier, "dossier_decided",
                                        {"unit_name": dossier.unit_name, "awarded": awarded},
                                        dedupe=str(round_id))
    stepping.drain(session, outbox, actor)
    if undelivered:
        audit.record(session, action="message.undelivered", actor=actor.username if actor else None,
                     instance_id=sender_instance_id,
                     details={"name": OUTCOME_MESSAGE, "dossier_ids": undelivered})
    return {"delivered": len(delivered), "undelivered": undelivered}


def start_state_level(session: Session, *, round_id: int, actor: User | None) -> dict:
    """Escalate awarded nominees flagged for State level and start `state_level_proposal` for them."""
    nominee_ids = awards.escalate(session, round_id=round_id)
    instance_id = None
    round_ = rounds.get_round(session, round_id)
    codes = processes.organisation_codes(session, on=round_.opens_on)
    if nominee_ids and actor is not None and codes["city_org_unit_code"]:
        instance = processes.start_if_deployed(
            session, actor=actor, process_key=processes.STATE_LEVEL_PROPOSAL,
            org_unit_code=codes["city_org_unit_code"],
            data={"round_id": round_id, "decision_number": round_.decision_number, "nominee_ids": nominee_ids,
                  "home_affairs_org_unit_code": codes["home_affairs_org_unit_code"],
                  "ec_office_org_unit_code": codes["ec_office_org_unit_code"],
                  "city_org_unit_code": codes["city_org_unit_code"]})
        instance_id = instance.id if instance else None
    return {"nominee_ids": nominee_ids, "count": len(nominee_ids), "instance_id": instance_id}
