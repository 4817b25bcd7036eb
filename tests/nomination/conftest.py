"""The nomination world: Da Nang's org tree in small, a user per role, the shipped workflows deployed.

Tests walk the shipped diagrams (workflows/, forms/) through the HTTP API as the real roles. `World` keeps
the walking short: `world.act(user, element_id, data)` completes the one open task of that element that
`user` sees, and asserts the call succeeded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from service.calendar.working_days import VIETNAM_TZ
from service.db import utcnow
from service.models import AwardRound
from service.nomination import seed

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SHIPPED_ONLY_ELSEWHERE = {"demo_approval.bpmn", "demo_draft.form"}
MOVEMENT = "CDS_2021_2030"
YEAR = 2026

# code, name, kind, parent, whether the parent confirms the unit's achievement reports
ORG_UNITS = [
    ("UBND_DN", "Ủy ban nhân dân thành phố Đà Nẵng", "city_peoples_committee", None, False),
    ("SKHCN", "Sở Khoa học và Công nghệ", "department", "UBND_DN", True),
    ("SNV", "Sở Nội vụ", "department", "UBND_DN", True),
    ("SNV_TDKT", "Ban Thi đua – Khen thưởng", "ec_office", "SNV", True),
    ("STC", "Sở Tài chính", "department", "UBND_DN", True),
    ("SYT", "Sở Y tế", "department", "UBND_DN", False),
    ("P_HAICHAU", "Ủy ban nhân dân phường Hải Châu", "commune_peoples_committee", "UBND_DN", False),
    ("DN_FPT", "Công ty Cổ phần Phần mềm FPT Đà Nẵng", "enterprise", "SKHCN", False),
]

ABBREVIATIONS = {
    "UBND_DN": "UBND",
    "SKHCN": "SKHCN",
    "SNV": "SNV",
    "SNV_TDKT": "BTĐKT",
    "STC": "STC",
    "SYT": "SYT",
    "P_HAICHAU": "UBND",
    "DN_FPT": "FPTDN",
}

# username, org unit, roles
USERS = [
    ("stc_officer", "STC", ["unit_officer"]),
    ("stc_head", "STC", ["unit_head"]),
    ("syt_officer", "SYT", ["unit_officer"]),
    ("syt_head", "SYT", ["unit_head"]),
    ("hc_officer", "P_HAICHAU", ["unit_officer"]),
    ("hc_head", "P_HAICHAU", ["unit_head"]),
    ("fpt_officer", "DN_FPT", ["unit_officer"]),
    ("fpt_head", "DN_FPT", ["unit_head"]),
    ("city_superior", "UBND_DN", ["superior_head"]),
    ("khcn_superior", "SKHCN", ["superior_head"]),
    ("lead_reviewer", "SKHCN", ["lead_reviewer"]),
    ("lead_head", "SKHCN", ["lead_head"]),
    ("ec_officer", "SNV_TDKT", ["ec_officer"]),
    ("snv_director", "SNV", ["home_affairs_head"]),
    ("council_member", "UBND_DN", ["council_standing"]),
    ("chairman", "UBND_DN", ["chairman"]),
]


def shipped_bundle() -> dict[str, bytes]:
    """Every shipped diagram, decision table and form of the nomination path."""
    files = {}
    for pattern in ("workflows/*.bpmn", "workflows/*.dmn", "forms/*.form"):
        for path in sorted(PROJECT_ROOT.glob(pattern)):
            if path.name not in SHIPPED_ONLY_ELSEWHERE:
                files[path.name] = path.read_bytes()
    return files


@dataclass
class World:
    client: FlaskClient
    session: Session
    login: Callable[[str], dict]
    round_id: int | None = None
    notes: dict = field(default_factory=dict)

    # --- HTTP plumbing -------------------------------------------------------------------------------------
    def get(self, user: str, url: str, status: int = 200) -> dict:
        response = self.client.get(url, headers=self.login(user))
        assert response.status_code == status, (url, response.get_json())
        return response.get_json()

    def post(self, user: str, url: str, body: dict | None = None, status: int | tuple = (200, 201)) -> dict:
        response = self.client.post(url, json=body or {}, headers=self.login(user))
        expected = status if isinstance(status, tuple) else (status,)
        assert response.status_code in expected, (url, response.status_code, response.get_json())
        return response.get_json()

    def patch(self, user: str, url: str, body: dict, status: int = 200) -> dict:
        response = self.client.patch(url, json=body, headers=self.login(user))
        assert response.status_code == status, (url, response.get_json())
        return response.get_json()

    # --- tasks ---------------------------------------------------------------------------------------------
    def task(self, user: str, instance_id: int, element_id: str) -> dict:
        """The one open task of `element_id` in the instance that `user` may act on (with form and data)."""
        inbox = self.get(user, f"/api/v1/tasks?instance_id={instance_id}&limit=500")["items"]
        found = [task for task in inbox if task["element_id"] == element_id]
        if len(found) != 1:
            instance = self.instance(instance_id)
            raise AssertionError((user, element_id, [task["element_id"] for task in inbox], instance["status"],
                                  [task["element_id"] for task in instance["tasks"]],
                                  (instance.get("error") or instance["data"].get("council_result"))))
        return self.get(user, f"/api/v1/tasks/{found[0]['id']}")

    def act(self, user: str, instance_id: int, element_id: str, data: dict | None = None,
            status: int = 200) -> dict:
        """Complete the task as `user`; returns the response body (the instance on success)."""
        task = self.task(user, instance_id, element_id)
        response = self.client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": data or {}},
                                    headers=self.login(user))
        assert response.status_code == status, (element_id, response.status_code, response.get_json())
        body = response.get_json()
        return body["instance"] if status == 200 else body

    def instance(self, instance_id: int, user: str = "auditor") -> dict:
        return self.get(user, f"/api/v1/process-instances/{instance_id}")

    def open_elements(self, instance_id: int) -> list[str]:
        return sorted(task["element_id"] for task in self.instance(instance_id)["tasks"])

    def history(self, instance_id: int) -> list[dict]:
        return self.get("auditor", f"/api/v1/process-instances/{instance_id}/history?limit=500")["items"]

    # --- the round and its dossiers --------------------------------------------------------------------------
    def round_code(self) -> str:
        return f"{MOVEMENT}_{YEAR}"

    def open_round(self, *, deadline: datetime | None = None, total_quota: int | None = None,
                   quotas: dict[str, int] | None = None, award_form: str | None = None) -> dict:
        planned = self.session.scalar(select(AwardRound.id).where(AwardRound.code == self.round_code()))
        body = {"deadline": (deadline or utcnow() + timedelta(days=30)).isoformat(),
                "total_quota": total_quota,
                "quotas": [{"org_unit_code": code, "quota": quota} for code, quota in (quotas or {}).items()]}
        if award_form:
            body["award_form"] = award_form
        opened = self.post("lead_reviewer", f"/api/v1/rounds/{planned}/open", body)
        self.round_id = opened["id"]
        assert opened["instance_id"], "award_round must start when the round opens"
        return opened

    def round(self) -> dict:
        return self.get("lead_reviewer", f"/api/v1/rounds/{self.round_id}")

    def move_deadline(self, moment: datetime) -> None:
        """The calendar moving on: the round's stored deadline, as the guard and the report read it."""
        self.session.execute(update(AwardRound).where(AwardRound.id == self.round_id).values(deadline=moment))
        self.session.commit()

    def start_dossier(self, officer: str) -> dict:
        dossier = self.post(officer, "/api/v1/dossiers", {"round_id": self.round_id})
        assert dossier["instance_id"], "unit_nomination must start with the dossier"
        return dossier

    def dossier(self, dossier_id: int, user: str = "auditor") -> dict:
        return self.get(user, f"/api/v1/dossiers/{dossier_id}")

    def nominees(self, dossier_id: int) -> dict[str, dict]:
        return {nominee["name"]: nominee for nominee in self.dossier(dossier_id)["nominees"]}

    def ranking(self) -> dict[str, dict]:
        items = self.get("lead_reviewer", f"/api/v1/rounds/{self.round_id}/ranking")["items"]
        return {item["name"]: item for item in items}


@pytest.fixture
def world(app, client, session, create_org_unit, create_user, login, deploy) -> World:
    """Org tree, users per role, the parameters and movement seeded, the shipped workflows deployed."""
    from service.operations import admin

    for code, name, kind, parent, confirms in ORG_UNITS:
        admin.create_org_unit(session, actor=None, values={
            "code": code, "name": name, "kind": kind, "parent_code": parent, "abbreviation": ABBREVIATIONS[code],
            "parent_confirms_reports": confirms})
    session.commit()
    for username, unit, roles in USERS:
        create_user(username, unit, roles)
    create_user("auditor", "UBND_DN", ["auditor"])
    create_user("integration", "UBND_DN", ["integration"])
    seed.seed(session)
    session.commit()
    deploy(files=shipped_bundle())
    return World(client=client, session=session, login=login)


# --- what units typically put in their dossiers ----------------------------------------------------------------

def collective(name: str, *, dx: float | None = 86.5, tasks_completed: bool = True, key: str | None = None,
               state_level: bool = False, subject: str | None = None) -> dict:
    row = {"kind": "collective", "name": name, "achievement_key": key or f"CDS-{YEAR}-{name}",
           "achievement_summary": f"{name}: dẫn đầu chỉ số chuyển đổi số năm {YEAR}.",
           "award_form": "city_chairman_certificate_of_merit", "tasks_completed": tasks_completed,
           "propose_state_level": state_level}
    if dx is not None:
        row["dx_index_score"] = dx
    if subject:
        row["subject_org_unit_code"] = subject
    return row


def individual(name: str, *, rating: str = "excellent", initiatives: int = 2, key: str | None = None,
               state_level: bool = False) -> dict:
    return {"kind": "individual", "name": name, "position": "Chuyên viên",
            "achievement_key": key or f"CDS-{YEAR}-{name}",
            "achievement_summary": f"{name}: {initiatives} sáng kiến chuyển đổi số được công nhận.",
            "award_form": "city_chairman_certificate_of_merit", "annual_rating": rating,
            "initiatives": [{"title": f"Sáng kiến {i + 1}", "recognised_by": "Hội đồng sáng kiến cơ sở",
                             "recognised": True} for i in range(initiatives)],
            "propose_state_level": state_level}


def enterprise(name: str, *, key: str | None = None) -> dict:
    return {"kind": "enterprise", "name": name, "achievement_key": key or f"CDS-{YEAR}-{name}",
            "achievement_summary": f"{name}: nền tảng số phục vụ người dân.",
            "award_form": "city_chairman_certificate_of_merit", "environment_clearance_required": False}


def vietnam(year: int, month: int, day: int, hour: int = 17) -> datetime:
    return datetime(year, month, day, hour, tzinfo=VIETNAM_TZ)


@dataclass(frozen=True)
class Unit:
    code: str
    officer: str
    head: str
    superior: str | None = None  # set when the parent confirms the unit's achievement reports


STC = Unit("STC", "stc_officer", "stc_head", superior="city_superior")
SYT = Unit("SYT", "syt_officer", "syt_head")
HAICHAU = Unit("P_HAICHAU", "hc_officer", "hc_head")
FPT = Unit("DN_FPT", "fpt_officer", "fpt_head")


COUNCIL = [("Nguyễn Văn Hải", "Chủ tịch Hội đồng, Giám đốc"), ("Lê Thị Thu", "Phó Chủ tịch Hội đồng, Phó Giám đốc"),
           ("Phạm Minh Tuấn", "Ủy viên thường trực, Chánh Văn phòng")] + [
    (f"Ủy viên {index}", "Ủy viên Hội đồng, Trưởng phòng") for index in range(4, 41)]


def minutes(votes: list[int], *, total: int = 9, present: int = 8) -> dict:
    """The council-minutes form as an officer fills it: the members present by name, chair, secretary, times."""
    attending = COUNCIL[:present]
    return {"meeting_date": f"{YEAR}-11-20", "meeting_start": "08:00", "meeting_end": "10:30",
            "council_chair": attending[0][0], "council_chair_position": "Chủ tịch Hội đồng, Giám đốc",
            "council_secretary": attending[-1][0] if present > 1 else attending[0][0],
            "council_secretary_position": "Thư ký Hội đồng",
            "council_attendees": [{"name": name, "position": position} for name, position in attending],
            "council_members_total": total, "council_members_present": present,
            "nominees": [{"votes_for": count} for count in votes]}


def walk_to_submission(world: World, unit: Unit, rows: list[dict], *, votes: list[int] | None = None,
                       clearances: list[dict] | None = None, dossier: dict | None = None) -> dict:
    """Draft → council → head signs → (superior confirms) → (clearances) → the officer's submit task is open."""
    dossier = dossier or world.start_dossier(unit.officer)
    instance_id = dossier["instance_id"]
    world.act(unit.officer, instance_id, "draft", {"nominees": rows})
    world.act(unit.officer, instance_id, "council_minutes", minutes(votes or [8] * len(rows)))
    world.act(unit.head, instance_id, "head_sign", {"decision": "approve"})
    if unit.superior:
        world.act(unit.superior, instance_id, "superior_confirm", {"decision": "approve"})
    if clearances is not None:
        world.act(unit.officer, instance_id, "clearances", {"nominees": clearances})
    assert world.open_elements(instance_id) == ["submit"]
    return dossier


def submit_and_review(world: World, unit: Unit, rows: list[dict], *, decision: str = "accept",
                      **kwargs) -> dict:
    """A whole dossier up to the lead agency's decision."""
    dossier = walk_to_submission(world, unit, rows, **kwargs)
    world.act(unit.officer, dossier["instance_id"], "submit", {"submission_note": "Kính gửi Sở KH&CN"})
    body = {"decision": decision} if decision == "accept" else {"decision": decision, "return_reason": "Bổ sung"}
    world.act("lead_reviewer", dossier["instance_id"], "lead_review", body)
    return dossier
