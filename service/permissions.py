"""Who may see or act on what: named predicates and the matching SQL filters.

A task or instance outside the caller's scope is reported as not found by the callers, so these
functions only answer yes or no; they never raise.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.orm import Session

from .models import HumanTask, OrgUnit, ProcessInstance, TaskOffer, User

SYSTEM_ADMIN = "system_admin"
PROCESS_ADMIN = "process_admin"
AUDITOR = "auditor"
INTEGRATION = "integration"


def _roles_by_scope(user: User) -> dict[str, set[str]]:
    scopes: dict[str, set[str]] = {"unit": set(), "parent_unit": set(), "any": set()}
    for role in user.roles:
        scopes.setdefault(role.scope, set()).add(role.key)
    return scopes


def is_system_admin(user: User) -> bool:
    return SYSTEM_ADMIN in user.role_keys()


def is_process_admin(user: User) -> bool:
    return PROCESS_ADMIN in user.role_keys()


def can_read_everything(user: User) -> bool:
    return bool({SYSTEM_ADMIN, AUDITOR} & user.role_keys())


def can_deploy(user: User) -> bool:
    return is_process_admin(user)


def can_administer(user: User) -> bool:
    return is_system_admin(user)


def can_send_messages(user: User) -> bool:
    """Posting messages can advance any waiting instance: integrations and administrators only."""
    return bool({SYSTEM_ADMIN, PROCESS_ADMIN, INTEGRATION} & user.role_keys())


def can_reassign_task(user: User) -> bool:
    return is_system_admin(user) or is_process_admin(user)


def offer_filter(user: User) -> ColumnElement[bool]:
    """SQL condition on TaskOffer rows that reach `user`."""
    scopes = _roles_by_scope(user)
    conditions = [TaskOffer.user_id == user.id]
    if scopes["any"]:
        conditions.append(TaskOffer.role_key.in_(scopes["any"]))
    if scopes["unit"] and user.org_unit_id is not None:
        conditions.append(and_(TaskOffer.role_key.in_(scopes["unit"]), TaskOffer.org_unit_id == user.org_unit_id))
    if scopes["parent_unit"] and user.org_unit_id is not None:
        children = select(OrgUnit.id).where(OrgUnit.parent_id == user.org_unit_id).scalar_subquery()
        conditions.append(and_(TaskOffer.role_key.in_(scopes["parent_unit"]), TaskOffer.org_unit_id.in_(children)))
    return or_(*conditions)


def actionable_tasks_filter(user: User) -> ColumnElement[bool]:
    """SQL condition on HumanTask: open, and assigned to the user or unassigned and offered to them."""
    offered = select(TaskOffer.task_id).where(offer_filter(user))
    return and_(
        HumanTask.state == "open",
        or_(
            HumanTask.assignee_id == user.id,
            and_(HumanTask.assignee_id.is_(None), HumanTask.id.in_(offered)),
        ),
    )


def is_offered_to(session: Session, user: User, task: HumanTask) -> bool:
    return session.scalar(
        select(TaskOffer.id).where(TaskOffer.task_id == task.id, offer_filter(user)).limit(1)
    ) is not None


def can_act_on_task(session: Session, user: User, task: HumanTask) -> bool:
    """May complete or claim: assigned to the user, or unassigned and offered to them."""
    if not user.active or task.state != "open":
        return False
    if task.assignee_id is not None:
        return task.assignee_id == user.id
    return is_offered_to(session, user, task)


def can_see_task(session: Session, user: User, task: HumanTask) -> bool:
    if can_read_everything(user) or task.assignee_id == user.id or task.completed_by_id == user.id:
        return True
    return is_offered_to(session, user, task)


def visible_instances_filter(user: User) -> ColumnElement[bool]:
    """SQL condition on ProcessInstance for what the user may see."""
    if can_read_everything(user):
        return ProcessInstance.id.isnot(None)
    scopes = _roles_by_scope(user)
    conditions: list[ColumnElement[bool]] = [ProcessInstance.started_by_id == user.id]
    if scopes["any"] - {PROCESS_ADMIN}:
        conditions.append(ProcessInstance.id.isnot(None))
    if scopes["unit"] and user.org_unit_id is not None:
        conditions.append(ProcessInstance.org_unit_id == user.org_unit_id)
    if scopes["parent_unit"] and user.org_unit_id is not None:
        children = select(OrgUnit.id).where(OrgUnit.parent_id == user.org_unit_id).scalar_subquery()
        conditions.append(ProcessInstance.org_unit_id.in_(children))
    # Anyone offered a task in an instance, or who worked on one, may see that instance.
    touched = select(HumanTask.instance_id).where(
        or_(
            HumanTask.assignee_id == user.id,
            HumanTask.completed_by_id == user.id,
            HumanTask.id.in_(select(TaskOffer.task_id).where(offer_filter(user))),
        )
    )
    conditions.append(ProcessInstance.id.in_(touched))
    return or_(*conditions) if conditions else false()


def can_see_instance(session: Session, user: User, instance: ProcessInstance) -> bool:
    return session.scalar(
        select(ProcessInstance.id).where(ProcessInstance.id == instance.id, visible_instances_filter(user))
    ) is not None
