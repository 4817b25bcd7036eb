"""First-start seeding: the standard roles, the admin user, the demo data — on an empty database only."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .i18n import msg
from .models import Role, User
from .operations import admin

# DOMAIN.md A2: role key, Vietnamese name, scope.
STANDARD_ROLES = [
    ("unit_officer", "Cán bộ thi đua – khen thưởng của đơn vị", "unit"),
    ("unit_head", "Thủ trưởng đơn vị", "unit"),
    ("superior_head", "Thủ trưởng cơ quan cấp trên trực tiếp", "parent_unit"),
    ("lead_reviewer", "Chuyên viên cơ quan chủ trì phong trào", "unit"),
    ("lead_head", "Thủ trưởng cơ quan chủ trì phong trào", "unit"),
    ("ec_officer", "Chuyên viên Ban Thi đua – Khen thưởng, Sở Nội vụ", "unit"),
    ("home_affairs_head", "Giám đốc Sở Nội vụ", "unit"),
    ("council_standing", "Thường trực Hội đồng Thi đua – Khen thưởng thành phố", "any"),
    ("chairman", msg("Chủ tịch"), "any"),
    ("process_admin", "Quản trị quy trình", "any"),
    ("system_admin", "Quản trị hệ thống", "any"),
    ("auditor", "Kiểm tra, giám sát (chỉ xem)", "any"),
    ("integration", "Tích hợp hệ thống (gửi thông điệp)", "any"),
]


def ensure_roles(session: Session) -> None:
    existing = set(session.scalars(select(Role.key)))
    for key, name, scope in STANDARD_ROLES:
        if key not in existing:
            admin.create_role(session, actor=None, values={"key": key, "name": name, "scope": scope})


def is_new_database(session: Session) -> bool:
    return (session.scalar(select(func.count()).select_from(User)) or 0) == 0


def bootstrap(session: Session, *, admin_password: str | None, demo_data: bool) -> list[str]:
    """Seed a new, empty database; returns what was done (nothing on a database that has users)."""
    if not is_new_database(session):
        return []
    done = []
    ensure_roles(session)
    from .nomination import seed  # legal parameters first; the movement follows once the org tree is loaded

    done.extend(seed.seed(session))
    from .operations.documents import ensure_templates  # version 1 of each document template, from document_templates/

    if ensure_templates(session):
        done.append("document templates")
    if admin_password:
        admin.create_user(session, actor=None, values={
            "username": "admin", "password": admin_password, "full_name": "Quản trị hệ thống",
            "roles": ["system_admin", "process_admin"]})
        done.append("admin user")
    if demo_data:
        from .demo import load_demo  # demo data is optional: keep it off the normal import path

        load_demo(session)
        done.append("demo data")
    return done
