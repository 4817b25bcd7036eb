"""Fixtures of the domain tests: a small org tree with the roles of DOMAIN A2, the seed, and factories for
open rounds and submitted dossiers built through the operations (no diagrams needed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.db import utcnow
from service.models import AwardRound, Dossier, User
from service.nomination import dossiers, rounds, seed
from service.operations import admin

MOVEMENT = "CDS_2021_2030"

UNITS = [
    # code, kind, parent, abbreviation
    ("UBND_DN", "city_peoples_committee", None, "UBND"),
    ("STTTT", "department", "UBND_DN", "STTTT"),
    ("SKHCN", "department", "UBND_DN", "SKHCN"),
    ("SNV", "department", "UBND_DN", "SNV"),
    ("SNV_TDKT", "ec_office", "SNV", "TĐKT"),
    ("STC", "department", "UBND_DN", "STC"),
    ("SYT", "department", "UBND_DN", "SYT"),
    ("PX_HAI_CHAU", "commune_peoples_committee", "UBND_DN", "UBND"),
    ("DN_SOFTECH", "enterprise", "SKHCN", "SHS"),
]
USERS = [
    ("officer_stc", "STC", ["unit_officer"]),
    ("head_stc", "STC", ["unit_head"]),
    ("officer_syt", "SYT", ["unit_officer"]),
    ("officer_hc", "PX_HAI_CHAU", ["unit_officer"]),
    ("officer_dn", "DN_SOFTECH", ["unit_officer"]),
    ("superior_city", "UBND_DN", ["superior_head"]),
    ("reviewer", "SKHCN", ["lead_reviewer"]),
    ("lead_head", "SKHCN", ["lead_head"]),
    ("old_reviewer", "STTTT", ["lead_reviewer"]),
    ("ec", "SNV_TDKT", ["ec_officer"]),
    ("director", "SNV", ["home_affairs_head"]),
    ("chairman", "UBND_DN", ["chairman"]),
    ("sysadmin", "UBND_DN", ["system_admin"]),
    ("auditor", "UBND_DN", ["auditor"]),
]


@dataclass
class Domain:
    session: Session

    def user(self, username: str) -> User:
        return self.session.scalar(select(User).where(User.username == username))

    def planned_round(self, year: int = 2026, kind: str = "annual") -> AwardRound:
        return self.session.scalar(select(AwardRound).where(AwardRound.year == year, AwardRound.kind == kind))

    def open_round(self, year: int = 2026, *, total_quota: int | None = None, quotas: dict[str, int] | None = None,
                   opens_on: date | None = None) -> AwardRound:
        round_ = rounds.open_round(self.session, actor=self.user("reviewer"), round_id=self.planned_round(year).id,
                                   values={"opens_on": opens_on, "deadline": utcnow() + timedelta(days=30),
                                           "total_quota": total_quota,
                                           "quotas": [{"org_unit_code": code, "quota": quota}
                                                      for code, quota in (quotas or {}).items()]})
        self.session.commit()
        return round_

    def dossier(self, round_: AwardRound, officer: str, nominees: list[dict]) -> Dossier:
        dossier = dossiers.create_dossier(self.session, actor=self.user(officer), round_id=round_.id)
        for values in nominees:
            dossiers.add_nominee(self.session, actor=self.user(officer), dossier_id=dossier.id, values=values)
        self.session.commit()
        return dossier

    def submit(self, dossier: Dossier) -> Dossier:
        self.session.expire_all()  # HTTP calls may have changed the round meanwhile
        dossiers.submit_dossier(self.session, actor=None, dossier_id=dossier.id)
        self.session.commit()
        return dossier


def build_domain(session: Session) -> Domain:
    """The org tree, users and seed in an emptied database (each test file wraps this in its fixture)."""
    for code, kind, parent, abbreviation in UNITS:
        admin.create_org_unit(session, actor=None, values={
            "code": code, "name": f"Đơn vị {code}", "kind": kind, "parent_code": parent,
            "abbreviation": abbreviation})
    for username, unit, roles in USERS:
        admin.create_user(session, actor=None, values={
            "username": username, "password": "correct-horse-battery", "full_name": username,
            "org_unit_code": unit, "roles": roles})
    seed.seed(session)
    session.commit()
    return Domain(session)


def collective(name: str, **extra) -> dict:
    return {"kind": "collective", "name": name, "tasks_completed": True, **extra}


def individual(name: str, born: date, **extra) -> dict:
    return {"kind": "individual", "name": name, "date_of_birth": born, "annual_rating": "excellent",
            "initiatives": [{"name": "Sáng kiến 1", "recognised": True}, {"name": "Sáng kiến 2", "recognised": True}],
            **extra}

