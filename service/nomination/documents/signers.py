"""Who signs a document and under which authority (Decree 30/2020 Art. 13, Phụ lục I §II.7).

The signer is a fact of the workflow or of the organisation, never "the last actor":

- a document generated after a signing step (the diagram names it with `param.signed_in`) is signed by the
  person who completed that step; a Chairman-role holder says in the step whether he signs as Chairman or as
  Vice Chairman (`signed_as`);
- a document with no signing step before it (the round's guidance) is signed by the person holding the
  issuer's signing role at issue time.

The authority line, the prefix (TM., KT.) and the title follow from the issuer's kind and the signer's
position, from the table below, not from per-document code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...errors import InvalidState
from ...i18n import msg
from ...models import HumanTask, OrgUnit, Role, User


@dataclass(frozen=True)
class Authority:
    """How an issuer's documents are signed: its head's and deputy's titles; a collegial body signs "TM."."""

    head: str
    deputy: str
    collegial_body: str | None = None


# Issuer kind → its signing titles. People's Committees are collegial bodies (their documents are signed
# "TM. ỦY BAN NHÂN DÂN"); departments, offices and enterprises are run by their head, who signs in his title.
AUTHORITIES: dict[str, Authority] = {
    "city_peoples_committee": Authority("Chủ tịch", "Phó Chủ tịch", collegial_body="Ủy ban nhân dân"),
    "commune_peoples_committee": Authority("Chủ tịch", "Phó Chủ tịch", collegial_body="Ủy ban nhân dân"),
    "department": Authority("Giám đốc", "Phó Giám đốc"),
    "ec_office": Authority("Trưởng ban", "Phó Trưởng ban"),
    "enterprise": Authority("Giám đốc", "Phó Giám đốc"),
}
# An office of a People's Committee is imported as a department but is headed by its Chief of Office.
NAME_AUTHORITIES: dict[str, Authority] = {"Văn phòng": Authority("Chánh Văn phòng", "Phó Chánh Văn phòng")}
DEFAULT_AUTHORITY = Authority("Thủ trưởng đơn vị", "Phó Thủ trưởng đơn vị")
# `signed_as` values of the signing forms → the signer's position.
POSITIONS = {"chairman": "head", "head": "head", "vice_chairman": "deputy", "deputy": "deputy"}
# The role whose holder signs for each kind of issuer when no signing step names the signer.
SIGNING_ROLES = {"unit": "unit_head", "lead": "lead_head", "home_affairs": "home_affairs_head", "city": "chairman"}


def authority_of(unit: OrgUnit) -> Authority:
    for prefix, authority in NAME_AUTHORITIES.items():
        if unit.name.startswith(prefix):
            return authority
    return AUTHORITIES.get(unit.kind, DEFAULT_AUTHORITY)


def signature(unit: OrgUnit, position: str, name: str, *, personal: bool = False) -> dict[str, Any]:
    """The signature block of `name` signing for `unit` as its head or deputy.

    `personal`: the document is issued in the head's own name (a Chairman's decision: "CHỦ TỊCH"), not by the
    collegial body ("TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH").
    """
    authority = authority_of(unit)
    on_behalf = None if personal else authority.collegial_body
    if position == "deputy":
        return {"title": authority.deputy, "name": name, "delegation": "KT.", "acting_title": authority.head,
                "on_behalf_of": on_behalf}
    if on_behalf:
        return {"title": authority.head, "name": name, "delegation": "TM.", "acting_title": on_behalf}
    return {"title": authority.head, "name": name}


def step_signer(session: Session, *, instance_id: int, element_id: str, actor: User | None) -> User:
    """The person who completed the signing step `element_id` of the instance (its latest completion).

    A document generated in the same engine step as its signing (the service task right after the user task)
    sees that task still open in the task table, which is written after the step: then the signer is the
    step's actor, the user completing that very task.
    """
    row = session.execute(
        select(HumanTask.state, HumanTask.completed_by_id)
        .where(HumanTask.instance_id == instance_id, HumanTask.element_id == element_id,
               HumanTask.state.in_(("open", "completed")))
        .order_by(HumanTask.created_at.desc(), HumanTask.completed_at.desc()).limit(1)).first()
    user = None
    if row is not None:
        user = actor if row.state == "open" else session.get(User, row.completed_by_id)
    if user is None:
        raise InvalidState(msg("Bước ký '{element_id}' chưa được hoàn thành.", element_id=element_id))
    return user


def role_holder(session: Session, unit: OrgUnit, role: str) -> User:
    """The active holder of the issuer's signing role (the first appointed if several hold it)."""
    user = session.scalar(
        select(User).join(User.roles).where(User.org_unit_id == unit.id, User.active.is_(True), Role.key == role)
        .order_by(User.id).limit(1))
    if user is None:
        raise InvalidState(msg("{name} chưa có người giữ chức danh ký ({role}).",
                               name=unit.name, role=role, code=unit.code))
    return user


def signer_record(session: Session, *, unit: OrgUnit, data: dict, params: dict, instance_id: int,
                  actor: User | None, issuer_role: str, personal: bool = False) -> dict[str, Any]:
    """The signature block of a step's document, with who signed (`user`) for the record."""
    element = params.get("signed_in")
    if element:
        user = step_signer(session, instance_id=instance_id, element_id=str(element), actor=actor)
        position = POSITIONS.get(str(data.get("signed_as") or "head"), "head")
    else:
        user = role_holder(session, unit, SIGNING_ROLES.get(issuer_role, "unit_head"))
        position = "head"
    record = signature(unit, position, user.full_name, personal=personal)
    return {**record, "user": {"id": user.id, "username": user.username, "signed_in": element, "position": position}}


def printable(record: dict[str, Any]) -> dict[str, Any]:
    """The signature block without the bookkeeping the renderer's `Signer` does not take."""
    return {key: value for key, value in record.items() if key != "user" and value is not None}
