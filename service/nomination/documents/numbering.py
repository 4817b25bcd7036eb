"""`generate_document`: which document a step produces, who issues it and its number and symbol.

The kinds (HD, TTr_unit, BB, BC, TTr_lead, TTr_home_affairs, QD, TTr_state) and their issuers are the dated
parameter `document.kinds`; numbered kinds take the next number of the issuer's yearly register.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...errors import InvalidState
from ...i18n import msg
from ...models import OrgUnit, User
from .. import config, registers, rounds

ISSUER_FIELDS = {
    "unit": "unit_org_unit_code",
    "lead": "lead_org_unit_code",
    "home_affairs": "home_affairs_org_unit_code",
    "city": "city_org_unit_code",
}
ISSUER_PARAMETERS = {
    "home_affairs": "organisation.home_affairs_org_unit_code",
    "city": "organisation.city_org_unit_code",
}


def issuer_of(session: Session, role: str, data: dict) -> OrgUnit:
    code = data.get(ISSUER_FIELDS.get(role, ""))
    if not code and role in ISSUER_PARAMETERS:
        code = config.param(session, ISSUER_PARAMETERS[role])
    unit = session.scalar(select(OrgUnit).where(OrgUnit.code == code)) if code else None
    if unit is None:
        raise InvalidState(msg("Không xác định được cơ quan ban hành ({role}).", role=role))
    return unit


def generate(session: Session, *, kind: str, data: dict, actor: User | None, instance_id: int | None) -> dict:
    """Number and register the document of `kind`; an award decision keeps the number `issue_decision` took."""
    day = config.today()
    kinds = config.param(session, "document.kinds", on=day)
    spec = kinds.get(kind)
    if spec is None:
        raise InvalidState(msg("Loại văn bản không được cấu hình: {kind!r}.", kind=kind))
    issuer = issuer_of(session, spec["issuer"], data)
    result = {"kind": kind, "document_type": spec["type"], "issuer_role": spec["issuer"],
              "issuer_org_unit_code": issuer.code,
              "issuer_name": issuer.name, "symbol": None, "number": None, "issued_on": day.isoformat()}
    round_id = data.get("round_id")
    if kind == "QD" and round_id:
        round_ = rounds.get_round(session, int(round_id))
        if round_.decision_number:
            result.update(symbol=round_.decision_number, issued_on=round_.decision_date.isoformat())
            return result
    if spec.get("numbered"):
        document = registers.register_document(
            session, issuer=issuer, document_type=spec["type"], kind=kind, issued_on=day,
            subject=str(data.get("round_code") or ""), actor=actor, round_id=int(round_id) if round_id else None,
            dossier_id=int(data["dossier_id"]) if data.get("dossier_id") else None, instance_id=instance_id)
        result.update(symbol=document.symbol, number=document.number)
    return result
