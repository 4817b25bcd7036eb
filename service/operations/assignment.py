"""Who a new human task is offered to (API.md 'Who is offered a task') and when it is due."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import utcnow
from ..engine.timing import parse_due
from ..models import OrgUnit, ProcessInstance, User
from . import lane_roles

_EXPRESSION = re.compile(r"^\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}$")


@dataclass
class Offer:
    role_key: str | None = None
    org_unit_id: int | None = None
    user_id: int | None = None


@dataclass
class Assignment:
    lane: str | None
    role_key: str | None
    org_unit_id: int | None
    assignee_id: int | None
    offers: list[Offer] = field(default_factory=list)
    due_at: datetime | None = None


def _role_key(name: str) -> str:
    """Without a mapping row (versions deployed before the table), a lane's name is taken as a role key."""
    return name.strip().lower()


def _mapped_roles(session: Session, meta: dict, instance: ProcessInstance) -> tuple[str | None, list[str]]:
    """The role of the task's lane and of its candidate groups, through the version's lane mapping."""
    groups = meta.get("candidate_groups") or []
    lane = None if meta.get("role") else meta.get("lane")  # an explicit role property needs no mapping
    mapping = lane_roles.role_lookup(session, instance.process_version_id) if (lane or groups) else {}

    def through(kind: str, name: str) -> str:
        if (kind, name) in mapping:
            return mapping[(kind, name)] or _role_key(name)  # unmapped: offered to nobody until it is set
        return _role_key(name)

    lane_role = _role_key(meta["role"]) if meta.get("role") else (through("lane", lane) if lane else None)
    return lane_role, [through("group", group) for group in groups]


def _user_id(session: Session, reference: str, data: dict, instance: ProcessInstance) -> int | None:
    match = _EXPRESSION.match(reference)
    if match:
        variable = match.group(1)
        if variable in ("initiator", "starter"):
            return instance.started_by_id
        reference = str(data.get(variable) or "")
    return session.scalar(select(User.id).where(User.username == reference)) if reference else None


def _scope_unit(session: Session, meta: dict, data: dict, instance: ProcessInstance) -> int | None:
    field_name = meta.get("org_unit_from")
    if field_name:
        code = data.get(field_name)
        unit_id = session.scalar(select(OrgUnit.id).where(OrgUnit.code == str(code))) if code else None
        if unit_id is None:
            raise LookupError(f"org_unit_from: data field {field_name!r} holds no known org unit code ({code!r})")
        return unit_id
    return instance.org_unit_id


def resolve(session: Session, *, meta: dict, data: dict, instance: ProcessInstance,
            calendar=None, working_days_param: Callable[[str], int] | None = None) -> Assignment:
    """The offers and assignee for a human task described by its deployment metadata.

    The due date is `dueDate`, else `due_in_working_days`, else property `due_param` (a parameter key holding
    a number of working days, read through `working_days_param`), counted on `calendar` when given.
    """
    unit_id = _scope_unit(session, meta, data, instance)
    role_key, group_roles = _mapped_roles(session, meta, instance)
    offers: list[Offer] = []
    if role_key:
        offers.append(Offer(role_key=role_key, org_unit_id=unit_id))
    for group_role in group_roles:
        offers.append(Offer(role_key=group_role, org_unit_id=unit_id))
    for reference in meta.get("candidate_users") or []:
        user_id = _user_id(session, reference, data, instance)
        if user_id is not None:
            offers.append(Offer(user_id=user_id))
    assignee_id = _user_id(session, meta["assignee"], data, instance) if meta.get("assignee") else None
    if assignee_id is None and not offers:
        assignee_id = instance.started_by_id  # no lane, no candidates: the starter's own task
    now = utcnow()
    due_at = parse_due(meta.get("due_date"), data, now)
    working_days = meta.get("due_in_working_days")
    due_param = (meta.get("properties") or {}).get("due_param")
    if due_at is None and not working_days and due_param and working_days_param is not None:
        working_days = working_days_param(due_param)
    if due_at is None and working_days and calendar is not None:
        due_at = calendar.add_working_days(now, int(working_days))
    elif due_at is None and working_days:
        due_at = now + timedelta(days=int(working_days))
    return Assignment(meta.get("lane"), role_key, unit_id, assignee_id, offers, due_at)
