"""Who may see or change nomination data: named predicates (DOMAIN A2 roles and scopes).

Callers report anything outside the actor's scope as not found; these functions only answer yes or no.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, and_, false, or_, select, true
from sqlalchemy.orm import Session

from ..models import AwardRound, Dossier, OrgUnit, Registration, User
from ..permissions import can_administer, can_read_everything
from . import config

UNIT_ROLES = frozenset({"unit_officer", "unit_head"})
LEAD_ROLES = frozenset({"lead_reviewer", "lead_head"})
HOME_AFFAIRS_ROLES = frozenset({"ec_officer", "home_affairs_head"})
CITY_ROLES = frozenset({"council_standing", "chairman"})


def _has(user: User, roles: frozenset[str]) -> bool:
    return bool(roles & user.role_keys())


def home_affairs_unit_ids(session: Session, *, on: date | None = None) -> set[int]:
    """Home Affairs and its sub-units (the emulation–commendation office sits under it)."""
    code = config.param(session, "organisation.home_affairs_org_unit_code", on=on, default=None)
    if not code:
        return set()
    root = session.scalar(select(OrgUnit.id).where(OrgUnit.code == code))
    if root is None:
        return set()
    return {root, *session.scalars(select(OrgUnit.id).where(OrgUnit.parent_id == root))}


def is_home_affairs(session: Session, user: User) -> bool:
    return _has(user, HOME_AFFAIRS_ROLES) and user.org_unit_id in home_affairs_unit_ids(session)


def is_lead_of(user: User, org_unit_id: int | None) -> bool:
    return org_unit_id is not None and _has(user, LEAD_ROLES) and user.org_unit_id == org_unit_id


def can_manage_movements(user: User) -> bool:
    return can_administer(user)


def can_import_reference_data(user: User) -> bool:
    return can_administer(user)


def can_manage_round(user: User, lead_org_unit_id: int | None) -> bool:
    """Open, set quotas, close and consolidate: the round's lead agency (or a system administrator)."""
    return can_administer(user) or is_lead_of(user, lead_org_unit_id)


def can_register(user: User) -> bool:
    """A unit's emulation officer registers the unit for a movement year."""
    return user.org_unit is not None and "unit_officer" in user.role_keys()


def can_start_dossier(user: User, org_unit_id: int) -> bool:
    return "unit_officer" in user.role_keys() and user.org_unit_id == org_unit_id


def can_edit_dossier(user: User, dossier: Dossier) -> bool:
    return (dossier.status in ("draft", "returned") and "unit_officer" in user.role_keys()
            and user.org_unit_id == dossier.org_unit_id)


def visible_dossiers_filter(session: Session, user: User) -> ColumnElement[bool]:
    """SQL condition on Dossier (joined with its AwardRound) for what the user may see."""
    if can_read_everything(user):
        return true()
    conditions: list[ColumnElement[bool]] = []
    if _has(user, UNIT_ROLES) and user.org_unit_id is not None:
        conditions.append(Dossier.org_unit_id == user.org_unit_id)
    if "superior_head" in user.role_keys() and user.org_unit_id is not None:
        children = select(OrgUnit.id).where(OrgUnit.parent_id == user.org_unit_id).scalar_subquery()
        conditions.append(Dossier.org_unit_id.in_(children))
    submitted = Dossier.status != "draft"
    if _has(user, LEAD_ROLES) and user.org_unit_id is not None:
        conditions.append(and_(submitted, AwardRound.lead_org_unit_id == user.org_unit_id))
    if is_home_affairs(session, user) or _has(user, CITY_ROLES):
        conditions.append(submitted)
    return or_(*conditions) if conditions else false()


def can_see_dossier(session: Session, user: User, dossier: Dossier) -> bool:
    return session.scalar(
        select(Dossier.id).join(AwardRound, AwardRound.id == Dossier.round_id)
        .where(Dossier.id == dossier.id, visible_dossiers_filter(session, user))
    ) is not None


def visible_registrations_filter(session: Session, user: User, lead_unit_ids: set[int]) -> ColumnElement[bool]:
    """Units see their own registrations; the movement's lead agency and read-all roles see every one."""
    if can_read_everything(user) or (_has(user, LEAD_ROLES) and user.org_unit_id in lead_unit_ids):
        return true()
    if user.org_unit_id is not None and _has(user, UNIT_ROLES | {"superior_head"}):
        children = select(OrgUnit.id).where(OrgUnit.parent_id == user.org_unit_id).scalar_subquery()
        own = Registration.org_unit_id == user.org_unit_id
        return or_(own, Registration.org_unit_id.in_(children)) if "superior_head" in user.role_keys() else own
    return false()


def can_see_registration_report(user: User, lead_unit_ids: set[int]) -> bool:
    return can_read_everything(user) or (_has(user, LEAD_ROLES) and user.org_unit_id in lead_unit_ids)


def can_see_registers(session: Session, user: User) -> bool:
    """The awards and decision registers: read-all roles, Home Affairs, the city, lead agencies."""
    return (can_read_everything(user) or is_home_affairs(session, user) or _has(user, CITY_ROLES | LEAD_ROLES))


def can_see_round_details(user: User, round_: AwardRound) -> bool:
    """Ranking and consolidated lists: the lead agency, Home Affairs, the city and read-all roles."""
    return can_read_everything(user) or is_lead_of(user, round_.lead_org_unit_id) or _has(
        user, HOME_AFFAIRS_ROLES | CITY_ROLES)


def can_moderate_comments(session: Session, user: User) -> bool:
    """Publish, hide and answer the public's comments: Home Affairs' emulation–commendation office roles."""
    return is_home_affairs(session, user)
