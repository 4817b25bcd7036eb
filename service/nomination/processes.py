"""Starting the shipped per-round, per-dossier and per-registration processes with the data fields the
diagrams read (docs/nomination_design.md "Instance data fields")."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..calendar.working_days import VIETNAM_TZ
from ..models import ProcessInstance, ProcessVersion, User
from ..operations import instances
from . import config

AWARD_ROUND = "award_round"
UNIT_NOMINATION = "unit_nomination"
EMULATION_REGISTRATION = "emulation_registration"
STATE_LEVEL_PROPOSAL = "state_level_proposal"


def is_deployed(session: Session, process_key: str) -> bool:
    query = select(ProcessVersion.id).where(ProcessVersion.process_key == process_key).limit(1)
    return session.scalar(query) is not None


def start_if_deployed(session: Session, *, actor: User, process_key: str, org_unit_code: str,
                      data: dict) -> ProcessInstance | None:
    """Start the process when it is deployed; the domain rows work without it (tests, imports)."""
    if not is_deployed(session, process_key):
        return None
    return instances.start_instance(session, actor=actor, process_key=process_key, org_unit_code=org_unit_code,
                                    data=data)


def end_of_day(day: date) -> datetime:
    """The last second of a Vietnamese calendar day, as an aware datetime."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=VIETNAM_TZ)


def organisation_codes(session: Session, *, on: date) -> dict[str, str | None]:
    """The city, Home Affairs and its emulation–commendation office in force on `on`."""
    return {
        "city_org_unit_code": config.param(session, "organisation.city_org_unit_code", on=on, default=None),
        "home_affairs_org_unit_code": config.param(session, "organisation.home_affairs_org_unit_code", on=on,
                                                   default=None),
        "ec_office_org_unit_code": config.param(session, "organisation.ec_office_org_unit_code", on=on,
                                                default=None),
    }
