"""Demo data for `make run`: a small org tree, one user per role, the demo process deployed.

The passwords are for the demo only and are documented in the README; never load this into a
production database (DEMO_DATA defaults to 0 outside `make run`).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .config import PROJECT_ROOT
from .models import User
from .operations import admin, deployments

DEMO_PASSWORD = "demo-vinhdanh-2026"

DEMO_UNITS = [
    # code, name, abbreviation, kind, parent
    ("UBND_DN", "Ủy ban nhân dân thành phố Đà Nẵng", "UBND", "city_peoples_committee", None),
    ("SKHCN", "Sở Khoa học và Công nghệ", "SKHCN", "department", "UBND_DN"),
    ("SNV", "Sở Nội vụ", "SNV", "department", "UBND_DN"),
    ("SNV_TDKT", "Ban Thi đua - Khen thưởng", "TĐKT", "ec_office", "SNV"),
    ("STC", "Sở Tài chính", "STC", "department", "UBND_DN"),
    ("PX_HAI_CHAU", "Phường Hải Châu", "UBND", "commune_peoples_committee", "UBND_DN"),
    ("DN_SOFTECH", "Công ty Cổ phần Phần mềm Sông Hàn", "SHS", "enterprise", "SKHCN"),
]

DEMO_USERS = [
    # username, full name, unit, roles
    ("officer_stc", "Nguyễn Thị Lan", "STC", ["unit_officer"]),
    ("head_stc", "Trần Văn Minh", "STC", ["unit_head"]),
    ("officer_haichau", "Lê Thị Hoa", "PX_HAI_CHAU", ["unit_officer"]),
    ("head_haichau", "Phạm Văn Đức", "PX_HAI_CHAU", ["unit_head"]),
    ("officer_softech", "Võ Thị Mai", "DN_SOFTECH", ["unit_officer"]),
    ("head_softech", "Hoàng Quốc Việt", "DN_SOFTECH", ["unit_head"]),
    ("superior_city", "Đặng Văn Hùng", "UBND_DN", ["superior_head"]),
    ("superior_skhcn", "Bùi Thị Thu", "SKHCN", ["superior_head"]),
    ("reviewer_skhcn", "Ngô Văn Nam", "SKHCN", ["lead_reviewer"]),
    ("head_skhcn", "Đỗ Thị Hằng", "SKHCN", ["lead_head"]),
    ("ec_snv", "Huỳnh Văn Tâm", "SNV_TDKT", ["ec_officer"]),
    ("director_snv", "Lương Thị Ngọc", "SNV", ["home_affairs_head"]),
    ("council_city", "Trịnh Văn Sơn", "UBND_DN", ["council_standing"]),
    ("chairman", "Lê Trung Chinh", "UBND_DN", ["chairman"]),
    ("process_admin", "Quản trị quy trình", "SNV", ["process_admin"]),
    ("auditor", "Thanh tra viên", "UBND_DN", ["auditor"]),
]


def demo_bundle() -> dict[str, bytes]:
    """The shipped demo process with its forms."""
    files = {"demo_approval.bpmn": (PROJECT_ROOT / "workflows" / "demo_approval.bpmn").read_bytes()}
    files["demo_draft.form"] = (PROJECT_ROOT / "forms" / "demo_draft.form").read_bytes()
    return files


def load_demo(session: Session) -> None:
    for code, name, abbreviation, kind, parent in DEMO_UNITS:
        admin.create_org_unit(session, actor=None, values={
            "code": code, "name": name, "abbreviation": abbreviation, "kind": kind, "parent_code": parent})
    for username, full_name, unit, roles in DEMO_USERS:
        admin.create_user(session, actor=None, values={
            "username": username, "password": DEMO_PASSWORD, "full_name": full_name,
            "org_unit_code": unit, "roles": roles})
    deployer = session.scalar(select(User).where(User.username == "process_admin"))
    deployments.deploy(session, actor=deployer, files=demo_bundle())

