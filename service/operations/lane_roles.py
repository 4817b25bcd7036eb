"""Which role serves each lane and candidate group of a process version: matched at deploy, edited later.

A lane matches a role when its name equals the role's key or the role's name, compared after Unicode
NFC normalisation, case folding and collapsing runs of white space (so "Unit Head", "unit  head" and
"unit_head" all find the role unit_head, and "Phòng Thi đua – Khen thưởng" finds the role of that name).
A lane's explicit `role` property names its role directly and needs no mapping.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from uuid import uuid4

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import NotFound, ValidationFailed
from ..i18n import msg
from ..models import LaneRoleMapping, ProcessVersion, Role, User
from ..permissions import can_deploy
from . import audit

KINDS = ("lane", "group")
_SPACES = re.compile(r"\s+")


def normalise_name(name: str) -> str:
    """NFC, case-folded, white space collapsed to one space and trimmed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", name)).strip().casefold()


def _key_form(name: str) -> str:
    # Role keys are snake_case: "Unit Head" is meant as unit_head.
    return normalise_name(name).replace(" ", "_")


@dataclass(frozen=True)
class RoleIndex:
    """Every role, findable by its normalised key or name."""

    by_name: dict[str, str]

    @classmethod
    def load(cls, session: Session) -> RoleIndex:
        """Read every role once."""
        roles = session.execute(select(Role.key, Role.name).order_by(Role.key)).all()
        by_name = {normalise_name(name): key for key, name in roles}
        by_name.update({normalise_name(key): key for key, _name in roles})  # a key beats another role's name
        return cls(by_name)

    def match(self, name: str) -> str | None:
        """The key of the role this lane or group name designates, or None."""
        return self.by_name.get(normalise_name(name)) or self.by_name.get(_key_form(name))


@dataclass(frozen=True)
class Needed:
    """A lane or candidate group of a deployed bundle that a role must serve."""

    kind: str
    name: str


def needed_names(lanes: dict[str, list[dict]], task_metadata: dict[str, dict]) -> list[Needed]:
    """Lanes without an explicit role property, and candidate groups, of every process in the bundle."""
    found: dict[tuple[str, str], Needed] = {}
    for process_lanes in lanes.values():
        for lane in process_lanes:
            if not lane.get("role") and lane.get("name"):
                found.setdefault(("lane", lane["name"]), Needed("lane", lane["name"]))
    for tasks in task_metadata.values():
        for meta in tasks.values():
            for group in meta.get("candidate_groups") or []:
                if "${" not in group:  # an expression is resolved per instance, not mapped
                    found.setdefault(("group", group), Needed("group", group))
    return sorted(found.values(), key=lambda n: (n.kind, n.name))


def fill(session: Session, version: ProcessVersion, needed: Iterable[Needed], roles: RoleIndex,
         previous: ProcessVersion | None) -> list[LaneRoleMapping]:
    """Create the version's mapping rows: an administrator's earlier choice first, then a name match."""
    chosen = {(m.kind, m.name): m.role_key for m in (previous.lane_roles if previous else []) if not m.auto}
    rows = []
    for item in needed:
        if (item.kind, item.name) in chosen:
            row = LaneRoleMapping(kind=item.kind, name=item.name, role_key=chosen[(item.kind, item.name)], auto=False)
        else:
            row = LaneRoleMapping(kind=item.kind, name=item.name, role_key=roles.match(item.name), auto=True)
        version.lane_roles.append(row)
        rows.append(row)
    session.flush()
    return rows


def _version(session: Session, actor: User, process_key: str, version: int) -> ProcessVersion:
    found = session.scalar(select(ProcessVersion).where(ProcessVersion.process_key == process_key,
                                                        ProcessVersion.version == version))
    if found is None or not can_deploy(actor):
        raise NotFound(msg("Không tìm thấy quy trình."))
    return found


def list_mappings(session: Session, *, actor: User, process_key: str, version: int) -> list[LaneRoleMapping]:
    """The lane/candidate-group -> role rows of a process version (process admins only)."""
    return list(_version(session, actor, process_key, version).lane_roles)


def update_mappings(session: Session, *, actor: User, process_key: str, version: int,
                    values: list[dict]) -> list[LaneRoleMapping]:
    """Set the role of listed lanes/groups (`role_key` None unmaps); audited as definition.lane_roles_changed."""
    process_version = _version(session, actor, process_key, version)
    rows = {(m.kind, m.name): m for m in process_version.lane_roles}
    known_roles = set(session.scalars(select(Role.key)))
    errors: dict[str, list[str]] = {}
    for index, value in enumerate(values):
        kind, name, role_key = value.get("kind", "lane"), value.get("name"), value.get("role_key")
        if (kind, name) not in rows:
            what = "làn" if kind == "lane" else "nhóm"
            errors[f"mappings.{index}.name"] = [msg("Quy trình không có {what} '{name}'.",
                                                    what=what, name=name, kind=kind)]
        elif role_key is not None and role_key not in known_roles:
            errors[f"mappings.{index}.role_key"] = [msg("Không có vai trò '{role_key}'.", role_key=role_key)]
    if errors:
        raise ValidationFailed(msg("Bảng ánh xạ không hợp lệ."), details={"fields": errors})
    changes = []
    for value in values:
        row = rows[(value.get("kind", "lane"), value["name"])]
        if row.role_key != value.get("role_key") or row.auto:
            changes.append({"kind": row.kind, "name": row.name, "from": row.role_key, "to": value.get("role_key")})
            row.role_key, row.auto, row.updated_by_id = value.get("role_key"), False, actor.id
    if changes:
        # Every process's cached mapping of this version is stale from the commit on (see role_lookup).
        process_version.lane_roles_token = uuid4().hex
        note_token(session, process_version.id, process_version.lane_roles_token)
    session.flush()
    audit.record(session, action="definition.lane_roles_changed", actor=actor.username,
                 details={"process_key": process_key, "version": version, "changes": changes})
    return list(process_version.lane_roles)


def unmapped(rows: Iterable[LaneRoleMapping]) -> list[dict]:
    """The lanes and groups no role serves yet, as the deploy response lists them."""
    return [{"kind": row.kind, "name": row.name} for row in rows if row.role_key is None]


# Per process: (database, version id) -> (lane_roles_token, mapping). The token is read in the
# step's own transaction (note_token), so a mapping edited and committed by any process is never
# used after that commit: the new token misses, the mapping is read again.
_cache: dict[tuple[str, int], tuple[str, dict[tuple[str, str], str | None]]] = {}
_cache_lock = threading.Lock()
_CACHE_MAX = 1024
_TOKENS = "vinhdanh_lane_roles_tokens"  # session.info key, dropped at the end of each transaction (db.py)


def note_token(session: Session, process_version_id: int, token: str) -> None:
    """Record the version's lane_roles_token as this transaction read it (with the instance, say)."""
    session.info.setdefault(_TOKENS, {})[process_version_id] = token


def _key(session: Session, process_version_id: int) -> tuple[str, int]:
    return session.get_bind().url.render_as_string(hide_password=True), process_version_id


def role_lookup(session: Session, process_version_id: int) -> dict[tuple[str, str], str | None]:
    """(kind, name) -> role key of a version's mapping (read when a human task is created).

    Without SQL when this transaction already read the version's token and the cached mapping was
    read under the same token; otherwise the token and the mapping are read together and cached.
    The returned dict is shared: callers only read it.
    """
    key = _key(session, process_version_id)
    token = session.info.get(_TOKENS, {}).get(process_version_id)
    cached = _cache.get(key)
    if token is not None and cached is not None and cached[0] == token:
        return cached[1]
    # The token and the mapping in one statement: one snapshot, so the cache never holds a mapping
    # under a token it was not read with.
    query = (select(ProcessVersion.lane_roles_token, LaneRoleMapping.kind, LaneRoleMapping.name,
                    LaneRoleMapping.role_key)
             .outerjoin(LaneRoleMapping, LaneRoleMapping.process_version_id == ProcessVersion.id)
             .where(ProcessVersion.id == process_version_id))
    # Mid-step: the instance is being changed and must not be flushed (a flush would bump its version).
    with session.no_autoflush:
        rows = session.execute(query).all()
    token = rows[0][0]
    mapping = {(kind, name): role_key for _token, kind, name, role_key in rows if kind is not None}
    note_token(session, process_version_id, token)
    with _cache_lock:
        if len(_cache) >= _CACHE_MAX:
            _cache.clear()
        _cache[key] = (token, mapping)
    return mapping
