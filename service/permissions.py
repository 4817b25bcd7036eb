"""Who may see or act on what: named predicates and the matching SQL filters.

A task or instance outside the caller's scope is reported as not found by the callers, so these
functions only answer yes or no; they never raise.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, bindparam, distinct, false, func, or_, select
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


def must_change_password(user: User, *, external_sign_in: bool = False) -> bool:
    """The user must replace the password an administrator set before doing anything else.

    A page session opened through the city's identity provider (OIDC) used no local password: it is
    not held (the flag stays for the next sign-in with the password).
    """
    return bool(user.password_must_change) and not external_sign_in


def can_reassign_task(user: User) -> bool:
    return is_system_admin(user) or is_process_admin(user)


# Accounts that read or post messages and never start work of their own.
NON_STARTING_ROLES = frozenset({AUDITOR, INTEGRATION})


def _scope_reaches(scope: str, user: User, org_unit: OrgUnit) -> bool:
    """A role of this scope, held by `user`, reaches `org_unit`: its own unit always."""
    if scope == "any":
        return True
    if user.org_unit_id is None:
        return False
    return org_unit.id == user.org_unit_id or (scope == "parent_unit" and org_unit.parent_id == user.org_unit_id)


def can_start_process(user: User, starter_roles: list[str] | None, org_unit: OrgUnit) -> bool:
    """Right to start: a role the diagram allows to start the process (`starter_roles`; when it says
    nothing, any role but the read-only ones) whose scope reaches the owning unit. The auditor starts
    nothing, whatever a diagram says."""
    if not user.active or AUDITOR in user.role_keys():
        return False
    for role in user.roles:
        allowed = role.key in starter_roles if starter_roles is not None else role.key not in NON_STARTING_ROLES
        if allowed and _scope_reaches(role.scope, user, org_unit):
            return True
    return False


@dataclass(frozen=True)
class OfferRoutes:
    """Every way an offer can reach a user: one rule, rendered as SQL (`offer_conditions`, for lists)
    and as a predicate (`reaches`, for the one task a request acts on)."""

    user_id: int
    org_unit_id: int | None
    any_roles: frozenset[str]  # roles of scope "any": offers of that role anywhere
    unit_roles: frozenset[str]  # scope "unit": offers of that role in the user's own unit
    parent_roles: frozenset[str]  # scope "parent_unit": offers of that role in the units directly below

    def reaches(self, role_key: str | None, org_unit_id: int | None, user_id: int | None,
                unit_parent_id: int | None) -> bool:
        """Does an offer (its role, unit, named user and that unit's parent) reach the user?"""
        if user_id is not None and user_id == self.user_id:
            return True
        if role_key is None:
            return False
        if role_key in self.any_roles:
            return True
        if self.org_unit_id is None or org_unit_id is None:
            return False
        return ((role_key in self.unit_roles and org_unit_id == self.org_unit_id)
                or (role_key in self.parent_roles and unit_parent_id == self.org_unit_id))


def offer_routes(user: User) -> OfferRoutes:
    scopes = _roles_by_scope(user)
    return OfferRoutes(user_id=user.id, org_unit_id=user.org_unit_id, any_roles=frozenset(scopes["any"]),
                       unit_roles=frozenset(scopes["unit"]), parent_roles=frozenset(scopes["parent_unit"]))


@dataclass(frozen=True)
class InboxShape:
    """Which routes a user has, and which filters a list applies: the SQL's structure. The values
    (ids, role lists) are parameters, so each shape's statements are built and compiled once."""

    any_roles: bool
    unit_roles: bool
    parent_roles: bool
    by_process: bool = False
    by_instance: bool = False


def inbox_shape(routes: OfferRoutes, *, by_process: bool = False, by_instance: bool = False) -> InboxShape:
    in_unit = routes.org_unit_id is not None
    return InboxShape(any_roles=bool(routes.any_roles), unit_roles=bool(routes.unit_roles) and in_unit,
                      parent_roles=bool(routes.parent_roles) and in_unit, by_process=by_process,
                      by_instance=by_instance)


def route_params(routes: OfferRoutes) -> dict:
    """The parameters of the shape's conditions."""
    return {"uid": routes.user_id, "org_unit_id": routes.org_unit_id, "any_roles": sorted(routes.any_roles),
            "unit_roles": sorted(routes.unit_roles), "parent_roles": sorted(routes.parent_roles)}


def _route_conditions(shape: InboxShape, values: dict | None = None) -> list[ColumnElement[bool]]:
    """Each way an offer can reach a user of this shape, as a separate SQL condition on TaskOffer:
    with named parameters, or with `values` (those of `route_params`) bound in."""

    def param(name: str, expanding: bool = False):
        if values is None:
            return bindparam(name, expanding=expanding)
        return bindparam(name, values[name], expanding=expanding, unique=True)

    conditions = [TaskOffer.user_id == param("uid")]
    if shape.any_roles:
        conditions.append(TaskOffer.role_key.in_(param("any_roles", expanding=True)))
    if shape.unit_roles:
        conditions.append(and_(TaskOffer.role_key.in_(param("unit_roles", expanding=True)),
                               TaskOffer.org_unit_id == param("org_unit_id")))
    if shape.parent_roles:
        children = select(OrgUnit.id).where(OrgUnit.parent_id == param("org_unit_id")).scalar_subquery()
        conditions.append(and_(TaskOffer.role_key.in_(param("parent_roles", expanding=True)),
                               TaskOffer.org_unit_id.in_(children)))
    return conditions


def offer_conditions(user: User) -> list[ColumnElement[bool]]:
    """Each way an offer can reach `user`, as a separate SQL condition on TaskOffer (values bound)."""
    routes = offer_routes(user)
    return _route_conditions(inbox_shape(routes), route_params(routes))


def offer_filter(user: User) -> ColumnElement[bool]:
    """SQL condition on TaskOffer rows that reach `user`."""
    return or_(*offer_conditions(user))


def _task_filters(shape: InboxShape) -> list[ColumnElement[bool]]:
    task_filters = []
    if shape.by_process:
        task_filters.append(HumanTask.process_key == bindparam("process_key"))
    if shape.by_instance:
        task_filters.append(HumanTask.instance_id == bindparam("instance_id"))
    return task_filters


def _filtered_offers(query: Select, shape: InboxShape) -> Select:
    """`query` on TaskOffer with the shape's filters: the process from the offer itself (the inbox
    indexes end with it), the instance from the task."""
    if shape.by_process:
        query = query.where(TaskOffer.process_key == bindparam("process_key"))
    if shape.by_instance:
        query = query.join(HumanTask, HumanTask.id == TaskOffer.task_id).where(
            HumanTask.instance_id == bindparam("instance_id"))
    return query


def inbox_parts(shape: InboxShape) -> list[Select]:
    """The inbox as index-friendly parts, each selecting (id, created_at): one per way an available
    offer reaches the user, and the tasks assigned to them. One OR over all of them makes SQLite and
    PostgreSQL scan every open offer; each part alone reads only its own index range, in order.
    Parameters: those of `route_params`, and `process_key` / `instance_id` when the shape filters.
    """
    parts = [_filtered_offers(select(TaskOffer.task_id.label("id"), TaskOffer.created_at)
                              .where(TaskOffer.available.is_(True), condition), shape)
             for condition in _route_conditions(shape)]
    parts.append(select(HumanTask.id, HumanTask.created_at)
                 .where(HumanTask.assignee_id == bindparam("uid"), HumanTask.state == "open", *_task_filters(shape)))
    return parts


def inbox_count(shape: InboxShape) -> Select:
    """How many tasks `inbox_parts` lists together, without de-duplicating thousands of rows.

    The parts never share an offer (an offer names a user or one role, and a role has one scope),
    and a task assigned to someone has no available offer; so the sum of the parts' counts is exact
    except for tasks reached by two of their offers. Only a task with several offers can be
    (`TaskOffer.shared`): those few are de-duplicated.
    """
    parts = inbox_parts(shape)
    counts = [select(func.count()).select_from(part.subquery()).scalar_subquery() for part in parts]
    shared = _filtered_offers(select(TaskOffer.task_id).where(
        TaskOffer.available.is_(True), TaskOffer.shared.is_(True), or_(*_route_conditions(shape))), shape)
    reached = shared.subquery()
    twice = select(func.count() - func.count(distinct(reached.c.task_id))).scalar_subquery()
    return select(sum(counts[1:], counts[0]) - twice)


_offers, _units = TaskOffer.__table__, OrgUnit.__table__
_TASK_OFFERS = (
    select(_offers.c.role_key, _offers.c.org_unit_id, _offers.c.user_id, _units.c.parent_id)
    .select_from(_offers.outerjoin(_units, _units.c.id == _offers.c.org_unit_id))
    .where(_offers.c.task_id == bindparam("task_id"))
)


def is_offered_to(session: Session, user: User, task: HumanTask, offers: Iterable[tuple] | None = None) -> bool:
    """One of the task's offers reaches the user. `offers` are the task's offers as (role_key,
    org_unit_id, user_id, parent of org_unit_id) when the caller read them with the task; otherwise
    they are read here (one prebuilt statement: every action asks)."""
    if offers is None:
        session.flush()  # offers added in this transaction count
        offers = session.connection().execute(_TASK_OFFERS, {"task_id": task.id})
    routes = offer_routes(user)
    return any(routes.reaches(*offer) for offer in offers)


def can_act_on_task(session: Session, user: User, task: HumanTask, *, offers: Iterable[tuple] | None = None) -> bool:
    """May complete or claim: assigned to the user, or unassigned and offered to them (`offers`: see
    `is_offered_to`)."""
    if not user.active or task.state != "open":
        return False
    if task.assignee_id is not None:
        return task.assignee_id == user.id
    return is_offered_to(session, user, task, offers)


def can_see_task(session: Session, user: User, task: HumanTask, *, offers: Iterable[tuple] | None = None) -> bool:
    if can_read_everything(user) or task.assignee_id == user.id or task.completed_by_id == user.id:
        return True
    return is_offered_to(session, user, task, offers)


def visible_instances_filter(user: User) -> ColumnElement[bool]:
    """SQL condition on ProcessInstance for what the user may see: started by them, owned by a unit
    their unit-scoped roles reach, holding a task of theirs, or everything for a read-all role."""
    if can_read_everything(user):
        return ProcessInstance.id.isnot(None)
    scopes = _roles_by_scope(user)
    conditions: list[ColumnElement[bool]] = [ProcessInstance.started_by_id == user.id]
    # A role of scope "any" says whose tasks its holders act on, not what they read: they read the
    # instances their tasks are in (below), as the domain objects' rules let them.
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
