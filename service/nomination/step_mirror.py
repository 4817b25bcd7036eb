"""Keep a dossier's open drafting or clearances step in step with its nominee rows.

The `unit_nomination` process keeps its own list of nominees (the step's form) and, when the step is
sent, makes the dossier's rows equal to it. A nominee added, changed or removed on the dossier pages
is therefore also written into the acting officer's draft of that open step, so that sending the step
keeps (rather than drops) what was done on the pages.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Dossier, HumanTask, Nominee, TaskDraft, User
from ..operations import drafts, task_views
from ..permissions import can_act_on_task

MIRRORED_STEPS = ("draft", "clearances")


def form_row(nominee: Nominee) -> dict[str, Any]:
    """A nominee as the steps' forms hold one (JSON: dates as ISO text, scores as numbers)."""
    score = nominee.dx_index_score
    return {
        "id": nominee.id, "nominee_id": nominee.id, "kind": nominee.kind, "name": nominee.name,
        "identifier": nominee.identifier, "position": nominee.position, "unit_name": nominee.unit_name,
        "sex": nominee.sex, "date_of_birth": nominee.date_of_birth.isoformat() if nominee.date_of_birth else None,
        "achievement_summary": nominee.achievement_summary, "achievement_key": nominee.achievement_key,
        "award_form": nominee.award_form, "tasks_completed": nominee.tasks_completed,
        "annual_rating": nominee.annual_rating,
        # At most two decimals (checked on the way in): exact as a float's shortest text.
        "dx_index_score": float(score) if isinstance(score, Decimal) else score,
        "initiatives": [{**item, "title": item.get("title") or item.get("name")} for item in nominee.initiatives or []],
        "sector": nominee.sector, "tax_clearance": nominee.tax_clearance,
        "social_insurance_clearance": nominee.social_insurance_clearance,
        "environment_clearance_required": nominee.environment_clearance_required,
        "environment_clearance": nominee.environment_clearance,
        "food_safety_clearance_required": nominee.food_safety_clearance_required,
        "food_safety_clearance": nominee.food_safety_clearance, "propose_state_level": nominee.propose_state_level,
        "status": nominee.outcome,
    }


def open_steps(session: Session, dossier: Dossier) -> set[str]:
    """The element ids of the dossier's process steps open now."""
    if dossier.instance_id is None:
        return set()
    return {view.element_id for view in task_views.open_of_instance(session, dossier.instance_id)}


def mirror(session: Session, actor: User | None, dossier: Dossier) -> None:
    """Write the dossier's rows into the actor's draft of its open drafting or clearances step, if any."""
    if actor is None or dossier.instance_id is None:
        return
    for view in task_views.open_of_instance(session, dossier.instance_id):
        if view.element_id not in MIRRORED_STEPS:
            continue
        task = session.get(HumanTask, view.id)
        if task is None or not can_act_on_task(session, actor, task):
            continue
        current = session.scalar(select(TaskDraft.data).where(TaskDraft.task_id == task.id,
                                                              TaskDraft.user_id == actor.id)) or {}
        drafts.save_draft(session, actor=actor, task_id=task.id,
                          data={**current, "nominees": [form_row(nominee) for nominee in dossier.nominees]})
