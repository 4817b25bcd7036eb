"""Who may see or act on what: named predicates and the matching SQL filters.

A task or instance outside the caller's scope is reported as not found by the callers, so these
functions only answer yes or no; they never raise.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, and_, false, or_, select
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


def offer_conditions(user: User) -> list[ColumnElement[bool]]:
    """Each way an offer can reach `user`, as a separate SQL condition on TaskOffer."""
    scopes = _roles_by_scope(user)
    conditions = [TaskOffer.user_id == user.id]
    if scopes["any"]:
        conditions.append(TaskOffer.role_key.in_(scopes["any"]))
    if scopes["unit"] and user.org_unit_id is not None:
        conditions.append(and_(TaskOffer.role_key.in_(scopes["unit"]), TaskOffer.org_unit_id == user.org_unit_id))
    if scopes["parent_unit"] and user.org_unit_id is not None:
        children = select(OrgUnit.id).where(OrgUnit.parent_id == user.org_unit_id).scalar_subquery()
        conditions.append(and_(TaskOffer.role_key.in_(scopes["parent_unit"]), TaskOffer.org_unit_id.in_(children)))
    return conditions


def offer_filter(user: User) -> ColumnElement[bool]:
    """SQL condition on TaskOffer rows that reach `user`."""
    return or_(*offer_conditions(user))


def inbox_queries(user: User, *, process_key: str | None = None, instance_id: int | None = None) -> list[Select]:
    """The inbox as index-friendly parts, each selecting (id, created_at): one per way an available
    offer reaches the user, and the tasks assigned to them. One OR over all of them makes SQLite and
    PostgreSQL scan every open offer; each part alone reads only its own index range, in order.
    """
    task_filters = []
    if process_key:
        task_filters.append(HumanTask.process_key == process_key)
    if instance_id is not None:
        task_filters.append(HumanTask.instance_id == instance_id)
    parts = []
    for condition in offer_conditions(user):
        part = select(TaskOffer.task_id.label("id"), TaskOffer.created_at).where(TaskOffer.available.is_(True),
                                                                                 condition)
        if task_filters:
            part = part.join(HumanTask, HumanTask.id == TaskOffer.task_id).where(*task_filters)
        parts.append(part)
    parts.append(select(HumanTask.id, HumanTask.created_at)
                 .where(HumanTask.assignee_id == user.id, HumanTask.state == "open", *task_filters))
    return parts


def is_offered_to(session: Session, user: User, task: HumanTask) -> bool:
    return session.scalar(
        select(TaskOffer.id).where(TaskOffer.task_id == task.id, offer_filter(user)).limit(1)
    ) is not None


def offered_clause(user: User) -> ColumnElement[bool]:
    """SQL EXISTS, correlated with HumanTask: one of the task's offers reaches `user`."""
    return select(TaskOffer.id).where(TaskOffer.task_id == HumanTask.id, offer_filter(user)).exists()


def can_act_on_task(session: Session, user: User, task: HumanTask, *, offered: bool | None = None) -> bool:
    """May complete or claim: assigned to the user, or unassigned and offered to them.

    `offered` is the value of `offered_clause` when the caller read it with the task (saves a query).
    """
    if not user.active or task.state != "open":
        return False
    if task.assignee_id is not None:
        return task.assignee_id == user.id
    return offered if offered is not None else is_offered_to(session, user, task)


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
