"""`make demo-round`: one whole award round driven through the HTTP API as the demo users.

Without `--url` it starts the service itself on a temporary SQLite database (a real HTTP server on a free
local port, with the in-process timer loop), loads a small organisation and one user per role, deploys the
shipped workflows and walks: registrations, four unit dossiers (one returned by the lead agency and
resubmitted), consolidation, appraisal, the public notice (shortened through the dated parameter
`public_notice.duration`, never skipped) and the Chairman's decision; then prints the outcome per nominee.
With `--url` it drives a running service that already holds these users (password `--password`).
"""

from __future__ import annotations

import argparse
import json
import logging
import secrets
import tempfile
import threading
import time
import urllib.error
import urllib.request
from datetime import date, timedelta
from pathlib import Path

from . import DEMO_PASSWORD as PASSWORD

ROOT = Path(__file__).resolve().parents[2]
YEAR = 2026
MOVEMENT = "CDS_2021_2030"


class Api:
    """A tiny JSON client: one bearer token per demo user."""

    def __init__(self, base: str, password: str):
        self.base, self.password, self.tokens = base.rstrip("/"), password, {}

    def call(self, method: str, path: str, user: str | None = None, body: dict | None = None) -> dict:
        headers = {"Content-Type": "application/json"}
        if user:
            headers["Authorization"] = f"Bearer {self.token(user)}"
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, headers=headers,  # noqa: S310
                                         method=method)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - http(s) URL we were given
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            raise SystemExit(f"{method} {path} as {user}: {exc.code} {exc.read().decode()}") from None

    def token(self, user: str) -> str:
        if user not in self.tokens:
            reply = self.call("POST", "/api/v1/auth/token", body={"username": user, "password": self.password})
            self.tokens[user] = reply["access_token"]
        return self.tokens[user]

    def act(self, user: str, instance_id: int, element_id: str, data: dict | None = None) -> dict:
        """Complete the open task `element_id` of the instance as `user` (waits briefly for timers)."""
        for _ in range(100):
            tasks = self.call("GET", f"/api/v1/tasks?instance_id={instance_id}&limit=500", user)["items"]
            found = [task for task in tasks if task["element_id"] == element_id]
            if found:
                return self.call("POST", f"/api/v1/tasks/{found[0]['id']}/complete", user, {"data": data or {}})
            time.sleep(0.2)
        raise SystemExit(f"no open task {element_id!r} for {user} in instance {instance_id}")


def _prepare_database(url: str) -> None:
    """The product's own demo data (Da Nang's organisation, the README's demo users, the shipped workflows),
    plus one dated parameter that shortens the public notice to seconds — shortened, never skipped."""
    from ..bootstrap import bootstrap
    from ..db import make_engine, make_session_factory
    from ..migrate import upgrade
    from ..models import LegalParameter

    upgrade(url)
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        bootstrap(session, admin_password=None, demo_data=True)
        session.add(LegalParameter(key="public_notice.duration", value="PT3S", valid_from=date(2024, 1, 1),
                                   source="make demo-round: thời gian công khai rút ngắn để minh họa"))
        session.commit()
    engine.dispose()


def _serve(url: str) -> str:
    """Start the app on a free local port in this process, with its timer loop; returns the base URL."""
    from werkzeug.serving import make_server

    from ..app import create_app
    from ..config import Settings
    from ..worker import TimerLoop

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request would drown the outcome
    app = create_app(Settings(database_url=url, secret_key=secrets.token_hex(16)))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    TimerLoop(app.extensions["vinhdanh"].session_factory, interval=0.5).start()
    return f"http://127.0.0.1:{server.server_port}"


def _nominee(kind: str, name: str, **extra) -> dict:
    return {"kind": kind, "name": name, "achievement_key": f"CDS-{YEAR}-{name}", "award_form":
            "city_chairman_certificate_of_merit", "achievement_summary": f"{name}: thành tích chuyển đổi số.", **extra}


# Agencies' DX index scores are not typed here: eligibility reads the imported 2025 ranking of the demo data
# (STC 88.40, Hải Châu 81.25, Thanh Khê 78.10 — below the threshold of 80).
DOSSIERS = [  # officer, head, direct superior (confirms the reports), nominees, votes, clearances
    ("officer_stc", "head_stc", "superior_city", [_nominee("collective", "Sở Tài chính", subject_org_unit_code="STC",
                                          tasks_completed=True, propose_state_level=True),
                                 _nominee("individual", "Nguyễn Văn An", annual_rating="excellent", initiatives=[
                                     {"title": "Số hóa hồ sơ", "recognised": True},
                                     {"title": "Chữ ký số", "recognised": True}])], [8, 7], None),
    ("officer_haichau", "head_haichau", "superior_city", [_nominee("collective", "Ủy ban nhân dân phường Hải Châu",
                                        subject_org_unit_code="PX_HAI_CHAU",
                                        tasks_completed=True)], [8], None),
    ("officer_softech", "head_softech", "superior_skhcn",
     [_nominee("enterprise", "Công ty Cổ phần Phần mềm Sông Hàn")], [8],
     [{"tax_clearance": True, "social_insurance_clearance": True}]),
    ("officer_thanhkhe", "head_thanhkhe", "superior_city",
     [_nominee("collective", "Ủy ban nhân dân phường Thanh Khê",
                                                    subject_org_unit_code="PX_THANH_KHE",
                                          tasks_completed=True)], [8], None),
]


# The unit council's members present at the demo meetings (8 of 9), as the minutes list them.
COUNCIL = [("Trần Văn Minh", "Chủ tịch Hội đồng, Thủ trưởng đơn vị"), ("Lê Thị Hồng", "Phó Chủ tịch Hội đồng"),
           ("Nguyễn Văn Phúc", "Ủy viên"), ("Phan Thị Mỹ", "Ủy viên"), ("Đỗ Quang Vinh", "Ủy viên"),
           ("Hồ Thị Lệ", "Ủy viên"), ("Vũ Đình Khang", "Ủy viên"), ("Nguyễn Thị Lan", "Ủy viên, Thư ký Hội đồng")]


def _walk_dossier(api: Api, round_id: int, officer: str, head: str, superior: str, rows: list, votes: list,
                  clearances: list | None, *, returned: bool) -> int:
    """One unit's dossier from draft to the lead agency's acceptance; returns its instance id."""
    dossier = api.call("POST", "/api/v1/dossiers", officer, {"round_id": round_id})
    instance = dossier["instance_id"]
    for attempt in range(2 if returned else 1):
        api.act(officer, instance, "draft", {"nominees": rows})
        api.act(officer, instance, "council_minutes", {
            "meeting_date": f"{YEAR}-11-20", "meeting_start": "08:00", "meeting_end": "10:30",
            "council_chair": COUNCIL[0][0], "council_chair_position": COUNCIL[0][1],
            "council_secretary": COUNCIL[-1][0], "council_secretary_position": "Thư ký Hội đồng",
            "council_attendees": [{"name": name, "position": position} for name, position in COUNCIL],
            "council_members_total": 9, "council_members_present": 8,
            "nominees": [{"votes_for": count} for count in votes]})
        api.act(head, instance, "head_sign", {"decision": "approve"})
        api.act(superior, instance, "superior_confirm", {"decision": "approve"})
        if clearances is not None:
            api.act(officer, instance, "clearances", {"nominees": clearances})
        api.act(officer, instance, "submit", {})
        if returned and attempt == 0:
            api.act("reviewer_skhcn", instance, "lead_review",
                    {"decision": "return", "return_reason": "Bổ sung biên bản họp xét có chữ ký"})
            print(f"  {dossier['unit_name']}: trả lại, đơn vị bổ sung và gửi lại")
    api.act("reviewer_skhcn", instance, "lead_review", {"decision": "accept"})
    return instance


def run(api: Api) -> dict:
    """Play the round; returns what it printed: the round's id, the decision's number and date, each nominee's
    outcome and every document produced (for the browser test that compares the pages with it)."""
    rounds = api.call("GET", f"/api/v1/rounds?movement={MOVEMENT}&year={YEAR}", "reviewer_skhcn")["items"]
    annual = next(item for item in rounds if item["kind"] == "annual")
    from ..db import utcnow
    from . import DEMO_ROUND_QUOTAS, DEMO_ROUND_TOTAL_QUOTA

    quotas = {"total_quota": DEMO_ROUND_TOTAL_QUOTA, "quotas": DEMO_ROUND_QUOTAS}
    if annual["status"] == "planned":
        opened = api.call("POST", f"/api/v1/rounds/{annual['id']}/open", "reviewer_skhcn", {
            "deadline": (utcnow() + timedelta(days=14)).isoformat(), **quotas})
    else:  # the demo data opens it (so that `make run` accepts dossiers at once): only the quotas are set here
        opened = api.call("PUT", f"/api/v1/rounds/{annual['id']}/quotas", "reviewer_skhcn", quotas)
    round_id, round_instance = opened["id"], opened["instance_id"]
    print(f"Đợt {opened['code']} mở; hạn nộp {opened['deadline']}")
    for officer, head in (("officer_haichau", "head_haichau"), ("officer_stc", "head_stc")):
        registration = api.call("POST", "/api/v1/registrations", officer, {"movement_code": MOVEMENT, "year": YEAR + 1})
        api.act(officer, registration["instance_id"], "register",
                {"titles": ["excellent_collective"], "commitments": "Hoàn thành 100% chỉ tiêu chuyển đổi số"})
        api.act(head, registration["instance_id"], "unit_head_sign", {"decision": "approve"})
        api.act("reviewer_skhcn", registration["instance_id"], "acknowledge", {"decision": "acknowledge"})
    print("Đăng ký thi đua năm sau: 2 đơn vị đã được tiếp nhận")
    dossier_instances = [
        _walk_dossier(api, round_id, officer, head, superior, rows, votes, clearances, returned=index == 0)
        for index, (officer, head, superior, rows, votes, clearances) in enumerate(DOSSIERS)
    ]
    api.call("POST", f"/api/v1/rounds/{round_id}/close", "reviewer_skhcn", {"reason": "Đã nhận đủ hồ sơ"})
    api.act("reviewer_skhcn", round_instance, "review_consolidation", {"consolidation_note": "Đã rà soát"})
    api.act("head_skhcn", round_instance, "lead_sign", {"decision": "approve"})
    api.act("ec_snv", round_instance, "appraise", {"decision": "approve"})
    print("Công khai danh sách (thời gian rút ngắn theo cấu hình)…")
    for _ in range(150):  # the notice timer fires in the server's timer loop
        tasks = api.call("GET", f"/api/v1/tasks?instance_id={round_instance}", "council_city")["items"] + \
            api.call("GET", f"/api/v1/tasks?instance_id={round_instance}", "director_snv")["items"] + \
            api.call("GET", f"/api/v1/tasks?instance_id={round_instance}", "ec_snv")["items"]
        if tasks:
            break
        time.sleep(0.2)
    open_now = {task["element_id"] for task in tasks}
    if "review_comments" in open_now:
        api.act("ec_snv", round_instance, "review_comments", {})
    if "council_standing_review" in open_now or api.call(
            "GET", f"/api/v1/tasks?instance_id={round_instance}", "council_city")["items"]:
        api.act("council_city", round_instance, "council_standing_review", {"decision": "approve"})
    api.act("director_snv", round_instance, "home_affairs_submit", {"decision": "approve"})
    api.act("chairman", round_instance, "chairman_decide", {"decision": "approve_all", "signed_as": "chairman"})
    shown = api.call("GET", f"/api/v1/rounds/{round_id}", "reviewer_skhcn")
    decided = date.fromisoformat(str(shown["decision_date"])[:10])
    print(f"Quyết định số {shown['decision_number']} ngày {decided:%d/%m/%Y}")
    nominees = api.call("GET", f"/api/v1/rounds/{round_id}/nominees", "reviewer_skhcn")["items"]
    print(f"{'Đối tượng':45} {'Kết quả':30} Lý do")
    for row in nominees:
        label = OUTCOME_LABELS.get(row["outcome"], row["outcome"])
        print(f"{row['name'][:45]:45} {label:30} {row.get('outcome_reason') or ''}")
    state_level = api.call("GET", "/api/v1/process-instances?process_key=state_level_proposal", "chairman")["items"]
    for proposal in state_level:  # the Chairman's submission to the Prime Minister, via the Ministry
        api.act("ec_snv", proposal["id"], "prepare_state_dossier", {"state_award_form": "pm_certificate_of_merit"})
        api.act("chairman", proposal["id"], "chairman_sign_state", {"decision": "approve"})
        api.act("ec_snv", proposal["id"], "dispatch_to_ministry", {"dispatch_reference": "Gửi qua Bộ Nội vụ"})
        print(f"Đề nghị cấp Nhà nước (hồ sơ {proposal['id']}): đã trình Thủ tướng qua Bộ Nội vụ, chờ kết quả")
    produced = _print_documents(api, [("reviewer_skhcn", round_instance),
                                      *(("reviewer_skhcn", instance) for instance in dossier_instances),
                                      *(("chairman", item["id"]) for item in state_level)])
    return {"round_id": round_id, "decision_number": shown["decision_number"], "decision_date": decided,
            "nominees": [(row["name"], row["outcome"], row.get("outcome_reason")) for row in nominees],
            "documents": produced}


OUTCOME_LABELS = {  # what an officer reads; the API keeps the stable codes
    "awarded": "Được khen thưởng",
    "escalated": "Khen thưởng, đề nghị cấp Nhà nước",
    "excluded": "Chủ tịch không phê duyệt",
    "cut_by_quota": "Ngoài chỉ tiêu",
    "ineligible": "Không đủ tiêu chuẩn",
    "dropped_by_council": "Hội đồng không thông qua",
    "duplicate": "Trùng thành tích",
    "held": "Tạm dừng xét",
    "not_awarded": "Không được khen thưởng",
}


def _print_documents(api: Api, instances: list[tuple[str, int]]) -> list[tuple[int, str, str | None]]:
    """Every document the round produced, with the result of the Decree 30 format checks, each read by a user
    who may see its instance (the lead agency the round and the dossiers, the Chairman the State-level
    proposals); returns (instance, kind, symbol) per document."""
    print("\nVăn bản đã tạo (kiểm tra thể thức Nghị định 30/2020):")
    produced = []
    for reader, instance_id in instances:
        for item in api.call("GET", f"/api/v1/process-instances/{instance_id}/documents", reader)["items"]:
            detail = api.call("GET", f"/api/v1/documents/{item['id']}", reader)
            verdict = "đạt" if not detail["format_problems"] else "; ".join(detail["format_problems"])
            print(f"  hồ sơ {instance_id:<4} {item['kind']:24} {item.get('symbol') or '(không số)':14} {verdict}")
            produced.append((instance_id, item["kind"], item.get("symbol")))
    return produced


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Drive one award round through the HTTP API.")
    parser.add_argument("--url", help="a running service (default: start one on a temporary SQLite database)")
    parser.add_argument("--password", default=PASSWORD, help="the demo users' password on a running service")
    args = parser.parse_args(argv)
    if args.url:
        run(Api(args.url, args.password))
        return
    database = f"sqlite:///{tempfile.mkdtemp(prefix='vinhdanh-demo-round-')}/demo.db"
    _prepare_database(database)
    run(Api(_serve(database), PASSWORD))


if __name__ == "__main__":
    main()
