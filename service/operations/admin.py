"""Org units, roles and users: the system administrator's operations."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import utcnow
from ..errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ..i18n import Message, msg
from ..models import ROLE_SCOPES, OrgUnit, OrgUnitName, Role, User
from ..permissions import can_administer, can_read_everything
from . import audit
from .auth import hash_password

NOT_ALLOWED = msg("Chỉ quản trị hệ thống được làm việc này.")


def _require_admin(actor: User, *, read: bool = False) -> None:
    if not (can_administer(actor) or (read and can_read_everything(actor))):
        raise PermissionDenied(NOT_ALLOWED)


def _unit_by_code(session: Session, code: str, field: str) -> OrgUnit:
    unit = session.scalar(select(OrgUnit).where(OrgUnit.code == code))
    if unit is None:
        raise ValidationFailed(msg("Đơn vị không tồn tại."),
                               details={"fields": {field: [msg("Không có đơn vị mã {code!r}.", code=code)]}})
    return unit


def _roles(session: Session, keys: list[str]) -> list[Role]:
    roles = list(session.scalars(select(Role).where(Role.key.in_(keys)))) if keys else []
    missing = sorted(set(keys) - {role.key for role in roles})
    if missing:
        raise ValidationFailed(msg("Vai trò không tồn tại."),
                               details={"fields": {"roles": [f"Không có vai trò: {', '.join(missing)}"]}})
    return roles


def create_org_unit(session: Session, *, actor: User | None, values: dict) -> OrgUnit:
    """Add an org unit under its parent; codes are unique."""
    if actor is not None:
        _require_admin(actor)
    if session.scalar(select(OrgUnit.id).where(OrgUnit.code == values["code"])):
        raise Conflict(msg("Mã đơn vị {code!r} đã tồn tại.", code=values["code"]), code="duplicate")
    parent = _unit_by_code(session, values["parent_code"], "parent_code") if values.get("parent_code") else None
    unit = OrgUnit(
        code=values["code"], name=values["name"], kind=values["kind"],
        abbreviation=values.get("abbreviation"), parent_id=parent.id if parent else None,
        valid_from=values.get("valid_from"), valid_to=values.get("valid_to"),
        parent_confirms_reports=values.get("parent_confirms_reports", True),
        admin_code=values.get("admin_code"), notes=values.get("notes"),
    )
    session.add(unit)
    session.flush()
    audit.record(session, action="org_unit.created", actor=actor.username if actor else None,
                 details={"code": unit.code, "parent_code": values.get("parent_code")})
    return unit


def list_org_units(session: Session, *, actor: User) -> list[OrgUnit]:
    return list(session.scalars(select(OrgUnit).order_by(OrgUnit.parent_id.is_not(None), OrgUnit.code)))


def get_org_unit(session: Session, *, actor: User, code: str) -> OrgUnit:
    _require_admin(actor, read=True)
    unit = session.scalar(select(OrgUnit).where(OrgUnit.code == code))
    if unit is None:
        raise NotFound(msg("Không tìm thấy đơn vị."))
    return unit


def _field_error(field: str, message) -> ValidationFailed:
    return ValidationFailed(message, details={"fields": {field: [message]}})


def _today() -> date:
    from ..nomination import config  # the day the dossier rules read validity on (Vietnam time)

    return config.today()


def rename_org_unit(session: Session, *, actor: User, code: str, values: dict) -> OrgUnit:
    """Give a unit a new name from `effective_from`; the name it had until then goes into its name history,
    so papers dated before keep printing it (`OrgUnit.name_on`). A rename dated in the future is refused: the
    tree shows the name in force today."""
    _require_admin(actor)
    unit = get_org_unit(session, actor=actor, code=code)
    record_rename(session, unit, actor=actor, name=values.get("name") or "",
                  abbreviation=values.get("abbreviation"), day=values.get("effective_from"),
                  reason=values.get("reason"))
    return unit


def rename_problem(unit: OrgUnit, *, name: str, abbreviation: str | None, day: date | None
                   ) -> tuple[str, Message] | None:
    """Why `unit` cannot take `name` (and `abbreviation`) from `day`: the field at fault and the message;
    None when it can. Names and abbreviations come stripped, an empty abbreviation as None."""
    if not name:
        return "name", msg("Vui lòng nhập tên mới.")
    if day is None:
        return "effective_from", msg("Vui lòng nhập ngày có hiệu lực (dd/mm/yyyy).")
    if name == unit.name and abbreviation == unit.abbreviation:
        return "name", msg("Tên mới trùng tên hiện tại.")
    if day > _today():
        return "effective_from", msg("Ngày đổi tên không được sau hôm nay.")
    current_since = _current_name_since(unit)
    if current_since is not None and day <= current_since:
        return "effective_from", msg("Ngày đổi tên phải sau ngày {day:%d/%m/%Y} (tên hiện tại có hiệu lực từ ngày "
                                     "đó).", day=current_since)
    if unit.valid_to is not None and day >= unit.valid_to:
        return "effective_from", msg("Đơn vị đã ngừng hoạt động từ ngày {day:%d/%m/%Y}.", day=unit.valid_to)
    return None


def _current_name_since(unit: OrgUnit) -> date | None:
    return max([former.valid_to for former in unit.former_names], default=unit.valid_from)


def record_rename(session: Session, unit: OrgUnit, *, actor: User | None, name: str, abbreviation: str | None,
                  day: date | None, reason: str | None = None, source: str | None = None) -> OrgUnitName:
    """The one way a unit's name changes (the rename page, the API, the CSV/XLSX import): the current name and
    abbreviation go into `org_unit_names` until `day`, the unit takes the new ones, audited as
    `org_unit.renamed` (`source` says where from when not the rename itself). Refused (ValidationFailed on the
    field) for `rename_problem`'s reasons; callers check who may rename."""
    name, abbreviation = (name or "").strip(), (abbreviation or "").strip() or None
    problem = rename_problem(unit, name=name, abbreviation=abbreviation, day=day)
    if problem is not None:
        raise _field_error(*problem)
    assert day is not None  # rename_problem refuses a rename without its day
    former = OrgUnitName(name=unit.name, abbreviation=unit.abbreviation, valid_from=_current_name_since(unit),
                         valid_to=day, reason=(reason or "").strip()[:2000] or None, created_at=utcnow())
    unit.former_names.append(former)
    old_name = unit.name
    unit.name, unit.abbreviation = name, abbreviation
    session.flush()
    details = {"code": unit.code, "from": old_name, "to": name, "effective_from": day.isoformat(),
               "reason": former.reason}
    if source:
        details["source"] = source
    audit.record(session, action="org_unit.renamed", actor=actor.username if actor else None, details=details)
    return former


def _successor_chain_reaches(session: Session, start: OrgUnit, target_id: int) -> bool:
    seen: set[int] = set()
    unit: OrgUnit | None = start
    while unit is not None and unit.id not in seen:
        if unit.id == target_id:
            return True
        seen.add(unit.id)
        unit = session.get(OrgUnit, unit.successor_id) if unit.successor_id else None
    return False


def merge_org_unit(session: Session, *, actor: User, code: str, values: dict) -> OrgUnit:
    """Merge a unit into a successor from `effective_from`: the unit ends the day before (valid_to is
    exclusive) and keeps its name for its history. From that day the dossier rules refuse new papers under
    the old unit and name the successor (nomination.dossiers._require_current_unit). With `move_users`, its
    users act for the successor at once, and with `move_children` its units in operation go under the
    successor; both need the merger to have taken effect already."""
    _require_admin(actor)
    unit = get_org_unit(session, actor=actor, code=code)
    successor_code, day = values.get("successor_code") or "", values.get("effective_from")
    if not successor_code:
        raise _field_error("successor_code", msg("Vui lòng chọn đơn vị kế thừa."))
    successor = _unit_by_code(session, successor_code, "successor_code")
    if day is None:
        raise _field_error("effective_from", msg("Vui lòng nhập ngày có hiệu lực (dd/mm/yyyy)."))
    if unit.valid_to is not None:
        raise Conflict(msg("Đơn vị đã ngừng hoạt động từ ngày {day:%d/%m/%Y}.", day=unit.valid_to),
                       code="unit_ended")
    if _successor_chain_reaches(session, successor, unit.id):
        raise _field_error("successor_code", msg("Không thể sáp nhập một đơn vị vào chính nó hoặc vào đơn vị đã "
                                                 "sáp nhập vào nó."))
    if unit.valid_from is not None and day <= unit.valid_from:
        raise _field_error("effective_from", msg("Ngày sáp nhập phải sau ngày đơn vị bắt đầu hoạt động "
                                                 "({day:%d/%m/%Y}).", day=unit.valid_from))
    if not successor.is_valid_on(day):
        raise _field_error("successor_code", msg("Đơn vị kế thừa không hoạt động vào ngày {day:%d/%m/%Y}.", day=day))
    move_users, move_children = bool(values.get("move_users")), bool(values.get("move_children"))
    if move_users and day > _today():
        raise _field_error("move_users", msg("Chỉ chuyển người dùng khi việc sáp nhập đã có hiệu lực."))
    if move_children and day > _today():
        raise _field_error("move_children", msg("Chỉ chuyển đơn vị trực thuộc khi việc sáp nhập đã có hiệu lực."))
    unit.valid_to, unit.successor_id = day, successor.id
    moved: list[str] = []
    if move_users:
        for person in session.scalars(select(User).where(User.org_unit_id == unit.id).order_by(User.username)):
            person.org_unit_id = successor.id
            moved.append(person.username)
    children: list[str] = []
    if move_children:  # units still in operation move under the successor, which now confirms their reports
        for child in session.scalars(select(OrgUnit).where(OrgUnit.parent_id == unit.id, OrgUnit.valid_to.is_(None))
                                     .order_by(OrgUnit.code)):
            child.parent_id = successor.id
            children.append(child.code)
    session.flush()
    audit.record(session, action="org_unit.merged", actor=actor.username,
                 details={"code": unit.code, "successor_code": successor.code, "effective_from": day.isoformat(),
                          "moved_users": moved, "moved_units": children})
    return unit


def create_role(session: Session, *, actor: User | None, values: dict) -> Role:
    if actor is not None:
        _require_admin(actor)
    if session.scalar(select(Role.id).where(Role.key == values["key"])):
        raise Conflict(msg("Vai trò {key!r} đã tồn tại.", key=values["key"]), code="duplicate")
    role = Role(key=values["key"], name=values["name"], scope=values["scope"])
    session.add(role)
    session.flush()
    audit.record(session, action="role.created", actor=actor.username if actor else None,
                 details={"key": role.key, "scope": role.scope})
    return role


def list_roles(session: Session, *, actor: User) -> list[Role]:
    return list(session.scalars(select(Role).order_by(Role.key)))


def update_role(session: Session, *, actor: User, key: str, values: dict) -> Role:
    """Rename a role, describe it or change its scope; its key stays, since the process diagrams and the
    permission rules name roles by key."""
    _require_admin(actor)
    role = session.scalar(select(Role).where(Role.key == key))
    if role is None:
        raise NotFound(msg("Không tìm thấy vai trò."))
    name = (values.get("name") or "").strip()
    if not name:
        raise _field_error("name", msg("Vui lòng nhập tên vai trò."))
    if values.get("scope") not in ROLE_SCOPES:
        raise _field_error("scope", msg("Phạm vi không hợp lệ."))
    before = {"name": role.name, "scope": role.scope, "description": role.description}
    role.name, role.scope = name[:255], values["scope"]
    role.description = (values.get("description") or "").strip()[:2000] or None
    changed = sorted(field for field, old in before.items() if getattr(role, field) != old)
    session.flush()
    if changed:
        audit.record(session, action="role.updated", actor=actor.username,
                     details={"key": role.key, "changed": changed,
                              "before": {field: before[field] for field in changed}})
    return role


def create_user(session: Session, *, actor: User | None, values: dict) -> User:
    if actor is not None:
        _require_admin(actor)
    if session.scalar(select(User.id).where(User.username == values["username"])):
        raise Conflict(msg("Tên đăng nhập {username!r} đã tồn tại.", username=values["username"]), code="duplicate")
    unit = _unit_by_code(session, values["org_unit_code"], "org_unit_code") if values.get("org_unit_code") else None
    # A password an administrator chose is a temporary one: its holder replaces it at the next sign-in.
    # Accounts the system seeds itself (actor None: the first admin from ADMIN_PASSWORD, demo and
    # benchmark data, test fixtures) sign in straight away.
    must_change = actor is not None
    user = User(username=values["username"], full_name=values["full_name"], email=values.get("email"),
                password_hash=hash_password(values["password"]), org_unit_id=unit.id if unit else None,
                active=True, token_generation=0, password_must_change=must_change)
    user.roles = _roles(session, values.get("roles") or [])
    session.add(user)
    session.flush()
    audit.record(session, action="user.created", actor=actor.username if actor else None,
                 details={"username": user.username, "roles": sorted(user.role_keys()),
                          "org_unit_code": values.get("org_unit_code"), "password_must_change": must_change})
    return user


def list_users(session: Session, *, actor: User) -> list[User]:
    _require_admin(actor, read=True)
    return list(session.scalars(select(User).order_by(User.username)))


def update_user(session: Session, *, actor: User, username: str, values: dict) -> User:
    _require_admin(actor)
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(msg("Không tìm thấy người dùng."))
    if user.id == actor.id and (values.get("active") is False
                                or ("roles" in values and "system_admin" not in values["roles"])):
        # Nobody locks themselves out: another system admin has to do it.
        raise Conflict(msg("Không thể tự khóa tài khoản hay tự bỏ quyền quản trị hệ thống của mình."),
                       code="own_account")
    def snapshot() -> dict:
        return {"full_name": user.full_name, "email": user.email, "active": user.active,
                "org_unit_code": user.org_unit.code if user.org_unit else None, "roles": sorted(user.role_keys())}

    before = snapshot()
    if "full_name" in values:
        user.full_name = values["full_name"]
    if "email" in values:
        user.email = values["email"]
    if "org_unit_code" in values:
        code = values["org_unit_code"]
        user.org_unit = _unit_by_code(session, code, "org_unit_code") if code else None
    if "roles" in values:
        user.roles = _roles(session, values["roles"])
    if "password" in values:
        user.password_hash = hash_password(values["password"])
        user.token_generation += 1
        # A reset by an administrator is temporary; an administrator setting their own is not.
        user.password_must_change = user.id != actor.id
    if "active" in values and values["active"] != user.active:
        user.active = values["active"]
        user.token_generation += 1
    session.flush()
    after = snapshot()
    # The trail says what changed and from what (never the password, only that it was reset).
    changed = sorted(field for field in before if before[field] != after[field])
    details: dict = {"username": username, "changed": changed + (["password"] if "password" in values else []),
                     "before": {field: before[field] for field in changed},
                     "after": {field: after[field] for field in changed}}
    if "password" in values:
        details["password_must_change"] = user.password_must_change
    audit.record(session, action="user.updated", actor=actor.username, details=details)
    return user
