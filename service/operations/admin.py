"""Org units, roles and users: the system administrator's operations."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ..i18n import msg
from ..models import OrgUnit, Role, User
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


def create_user(session: Session, *, actor: User | None, values: dict) -> User:
    if actor is not None:
        _require_admin(actor)
    if session.scalar(select(User.id).where(User.username == values["username"])):
        raise Conflict(msg("Tên đăng nhập {username!r} đã tồn tại.", username=values["username"]), code="duplicate")
    unit = _unit_by_code(session, values["org_unit_code"], "org_unit_code") if values.get("org_unit_code") else None
    user = User(username=values["username"], full_name=values["full_name"], email=values.get("email"),
                password_hash=hash_password(values["password"]), org_unit_id=unit.id if unit else None,
                active=True, token_generation=0)
    user.roles = _roles(session, values.get("roles") or [])
    session.add(user)
    session.flush()
    audit.record(session, action="user.created", actor=actor.username if actor else None,
                 details={"username": user.username, "roles": sorted(user.role_keys()),
                          "org_unit_code": values.get("org_unit_code")})
    return user


def list_users(session: Session, *, actor: User) -> list[User]:
    _require_admin(actor, read=True)
    return list(session.scalars(select(User).order_by(User.username)))


def update_user(session: Session, *, actor: User, username: str, values: dict) -> User:
    _require_admin(actor)
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(msg("Không tìm thấy người dùng."))
    changed = sorted(key for key in values if key != "password") + (["password"] if "password" in values else [])
    if "full_name" in values:
        user.full_name = values["full_name"]
    if "email" in values:
        user.email = values["email"]
    if "org_unit_code" in values:
        code = values["org_unit_code"]
        user.org_unit_id = _unit_by_code(session, code, "org_unit_code").id if code else None
    if "roles" in values:
        user.roles = _roles(session, values["roles"])
    if "password" in values:
        user.password_hash = hash_password(values["password"])
        user.token_generation += 1
    if "active" in values and values["active"] != user.active:
        user.active = values["active"]
        user.token_generation += 1
    session.flush()
    audit.record(session, action="user.updated", actor=actor.username, details={"username": username,
                                                                                  "changed": changed})
    return user
