"""What the process administration pages list: processes, their versions, who deployed them, instances on each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..errors import NotFound
from ..i18n import msg
from ..models import Deployment, ProcessInstance, ProcessVersion, Role, User
from . import deployments
from .modeling import can_view_processes


@dataclass(frozen=True)
class VersionRow:
    process_key: str
    version: int
    name: str
    deployed_at: datetime
    deployed_by: str | None
    instances: dict[str, int]  # status -> count
    warnings: int
    unmapped: int

    @property
    def total(self) -> int:
        return sum(self.instances.values())


def _require(actor: User) -> None:
    if not can_view_processes(actor):
        raise NotFound(msg("Không tìm thấy trang."))


def _counts(session: Session, version_ids: list[int]) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = {}
    if not version_ids:
        return counts
    query = (select(ProcessInstance.process_version_id, ProcessInstance.status, func.count())
             .where(ProcessInstance.process_version_id.in_(version_ids))
             .group_by(ProcessInstance.process_version_id, ProcessInstance.status))
    for version_id, status, count in session.execute(query):
        counts.setdefault(version_id, {})[status] = count
    return counts


def _rows(session: Session, versions: list[ProcessVersion]) -> list[VersionRow]:
    counts = _counts(session, [v.id for v in versions])
    users = {user.id: user.full_name for user in session.scalars(
        select(User).where(User.id.in_({v.deployment.deployed_by_id for v in versions} - {None})))}
    return [VersionRow(process_key=v.process_key, version=v.version, name=v.name, deployed_at=v.created_at,
                       deployed_by=users.get(v.deployment.deployed_by_id), instances=counts.get(v.id, {}),
                       warnings=len(v.deployment.warnings or []),
                       unmapped=sum(1 for row in v.lane_roles if row.role_key is None))
            for v in versions]


def processes(session: Session, *, actor: User) -> list[VersionRow]:
    """Each process at its latest version."""
    _require(actor)
    return _rows(session, deployments.latest_versions(session))


def versions(session: Session, *, actor: User, process_key: str) -> list[VersionRow]:
    """Every version of a process, newest first."""
    _require(actor)
    found = list(session.scalars(select(ProcessVersion).join(Deployment)
                                 .where(ProcessVersion.process_key == process_key)
                                 .order_by(ProcessVersion.version.desc())))
    if not found:
        raise NotFound(msg("Không tìm thấy quy trình {process_key!r}.", process_key=process_key))
    return _rows(session, found)


def lane_mappings(session: Session, *, actor: User, process_key: str, version: int) -> tuple[ProcessVersion, list]:
    """A version's lane/candidate-group -> role rows, for reading (editing is lane_roles.update_mappings)."""
    _require(actor)
    process_version = deployments.get_version(session, process_key, version)
    if process_version.version != version:
        raise NotFound(msg("Không tìm thấy trang."))
    return process_version, list(process_version.lane_roles)


def role_choices(session: Session) -> list[Role]:
    """The roles a lane can be mapped to, by name."""
    return list(session.scalars(select(Role).order_by(Role.name)))
