"""Demo data for `make run`: Da Nang's 2026 org tree plus a demo enterprise, users for every role in a
department, a ward and an enterprise, the lead agency, Home Affairs and the Chairman's office; the legal
parameters and the QĐ 3970 movement; demo DX scores; the demo and nomination processes deployed.

The passwords are for the demo only and are documented in the README; never load this into a
production database (DEMO_DATA defaults to 0 outside `make run`).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..config import PROJECT_ROOT
from ..models import AwardRound, User
from ..operations import admin, deployments

DEMO_PASSWORD = "demo-vinhdanh-2026"  # noqa: S105 - documented demo-only password

# Units added to the Da Nang tree for the demo: an enterprise whose achievements the lead agency (Sở KH&CN,
# which manages the digital-technology sector) confirms as its direct superior.
DEMO_UNITS = [
    # code, name, abbreviation, kind, parent
    ("DN_SOFTECH", "Công ty Cổ phần Phần mềm Sông Hàn", "SHS", "enterprise", "SKHCN"),
]
# Demo DX ranking results (year 2025, QĐ 2386/QĐ-UBND scale); invented for the demo only.
DEMO_DX_SCORES = "org_unit_code,year,score,rank\nSKHCN,2025,96.53,1\nSTC,2025,88.40,2\nPX_HAI_CHAU,2025,81.25,3\n" \
    "PX_THANH_KHE,2025,78.10,4\n"
NOMINATION_BUNDLE_MARKER = "award_round.bpmn"
# The round the demo opens, so that a newcomer after `make run` can create a dossier at once: its deadline is
# this many working days ahead of the day the database is seeded (a fixed date would soon lie in the past).
DEMO_ROUND = "CDS_2021_2030_2026"
DEMO_ROUND_WORKING_DAYS = 20
DEMO_ROUND_TOTAL_QUOTA = 3
DEMO_ROUND_QUOTAS = [{"org_unit_code": "STC", "quota": 2}]

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
    ("sysadmin", "Quản trị hệ thống", "VPUBND", ["system_admin"]),
    ("vice_chairman", "Trần Chí Cường", "UBND_DN", ["chairman"]),
    ("officer_vpubnd", "Phan Thị Thảo", "VPUBND", ["unit_officer"]),
    ("head_vpubnd", "Nguyễn Hà Nam", "VPUBND", ["unit_head"]),
    ("officer_skhcn", "Lê Minh Khoa", "SKHCN", ["unit_officer"]),
    ("officer_thanhkhe", "Đoàn Thị Yến", "PX_THANH_KHE", ["unit_officer"]),
    ("head_thanhkhe", "Võ Văn Bình", "PX_THANH_KHE", ["unit_head"]),
    ("integration", "Tích hợp hệ thống", "VPUBND", ["integration"]),
]


def demo_bundle() -> dict[str, bytes]:
    """The shipped demo process with its forms."""
    files = {"demo_approval.bpmn": (PROJECT_ROOT / "workflows" / "demo_approval.bpmn").read_bytes()}
    files["demo_draft.form"] = (PROJECT_ROOT / "forms" / "demo_draft.form").read_bytes()
    return files


def nomination_bundle() -> dict[str, bytes]:
    """The shipped nomination diagrams, decision tables and forms (empty until they are shipped)."""
    workflows, forms = PROJECT_ROOT / "workflows", PROJECT_ROOT / "forms"
    if not (workflows / NOMINATION_BUNDLE_MARKER).exists():
        return {}
    files = {path.name: path.read_bytes() for pattern in ("*.bpmn", "*.dmn") for path in workflows.glob(pattern)
             if not path.name.startswith("demo_")}
    files.update({path.name: path.read_bytes() for path in forms.glob("*.form") if not path.name.startswith("demo_")})
    return files


def load_demo(session: Session) -> None:
    from ..nomination import dx_scores, reference_import, seed

    reference_import.load_org_units(session)
    for code, name, abbreviation, kind, parent in DEMO_UNITS:
        admin.create_org_unit(session, actor=None, values={
            "code": code, "name": name, "abbreviation": abbreviation, "kind": kind, "parent_code": parent})
    for username, full_name, unit, roles in DEMO_USERS:
        admin.create_user(session, actor=None, values={
            "username": username, "password": DEMO_PASSWORD, "full_name": full_name,
            "org_unit_code": unit, "roles": roles})
    seed.seed(session)
    sysadmin = session.scalar(select(User).where(User.username == "sysadmin"))
    dx_scores.import_scores(session, actor=sysadmin, source=DEMO_DX_SCORES.encode(), edition_number="2386/QĐ-UBND")
    deployer = session.scalar(select(User).where(User.username == "process_admin"))
    deployments.deploy(session, actor=deployer, files=demo_bundle())
    bundle = nomination_bundle()
    if bundle:
        deployments.deploy(session, actor=deployer, files=bundle, key="award_round")
        open_demo_round(session)


def open_demo_round(session: Session) -> None:
    """Open the 2026 round as the lead agency's reviewer, deadline DEMO_ROUND_WORKING_DAYS working days ahead."""
    from ..nomination import config, processes, rounds, wiring

    # Opening starts the round's process, whose first steps write the guidance document: the domain's
    # handlers must be registered even when the demo data is loaded outside the app and the CLI (benches).
    wiring.install()
    round_ = session.scalar(select(AwardRound).where(AwardRound.code == DEMO_ROUND))
    if round_ is None or round_.status != "planned":
        return
    reviewer = session.scalar(select(User).where(User.username == "reviewer_skhcn"))
    due = config.calendar(session).add_working_days(config.today(), DEMO_ROUND_WORKING_DAYS)
    rounds.open_round(session, actor=reviewer, round_id=round_.id, values={
        "deadline": processes.end_of_day(due), "total_quota": DEMO_ROUND_TOTAL_QUOTA, "quotas": DEMO_ROUND_QUOTAS})

