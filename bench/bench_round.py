"""The award round's step cost with 10 vs 1,000 dossiers: median ms per round step, and the ratio.

The round instance never holds the dossiers (docs/nomination_design.md), so a round step — the lead head
signing, Home Affairs appraising — should cost the same whatever the number of dossiers. Dossiers and
their nominees are inserted as accepted rows (walking 1,000 dossiers through their own process is not what
is measured); the round itself is opened, closed and walked through the HTTP API (Flask test client,
temporary SQLite). Consolidation, the one-off set-based step, is reported separately.

    .venv/bin/python -m bench.bench_round [--small 10] [--large 1000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import timedelta

from sqlalchemy import insert, select

from service.app import create_app
from service.config import Settings
from service.db import make_engine, utcnow
from service.demo.round import PASSWORD, _prepare_database
from service.models import AwardRound, Dossier, Nominee, OrgUnit

ROUND_STEPS = [  # (user, element id, data): the per-round human steps after consolidation
    ("lead_reviewer", "review_consolidation", {"consolidation_note": "Đã rà soát"}),
    ("lead_head", "lead_sign", {"decision": "return", "return_reason": "Rà soát lại thứ tự xếp hạng"}),
    ("lead_reviewer", "review_consolidation", {"consolidation_note": "Đã sửa"}),
    ("lead_head", "lead_sign", {"decision": "approve"}),
    ("ec_officer", "appraise", {"decision": "return", "return_reason": "Bổ sung xác nhận"}),
    ("lead_reviewer", "review_consolidation", {}),
    ("lead_head", "lead_sign", {"decision": "approve"}),
]


def _insert_dossiers(url: str, round_code: str, count: int) -> None:
    """`count` accepted dossiers, one per new unit, two nominees each, in a few set-based inserts."""
    engine = make_engine(url)
    with engine.begin() as connection:
        round_id = connection.scalar(select(AwardRound.id).where(AwardRound.code == round_code))
        parent = connection.scalar(select(OrgUnit.id).where(OrgUnit.code == "UBND_DN"))
        connection.execute(insert(OrgUnit), [
            {"code": f"BENCH_{i:04d}", "name": f"Ủy ban nhân dân xã {i:04d}", "abbreviation": "UBND",
             "kind": "commune_peoples_committee", "parent_id": parent, "parent_confirms_reports": False}
            for i in range(count)])
        units = connection.execute(select(OrgUnit.id, OrgUnit.name).where(OrgUnit.code.like("BENCH_%"))).all()
        now = utcnow()
        connection.execute(insert(Dossier), [
            {"round_id": round_id, "org_unit_id": unit_id, "unit_name": name, "unit_kind": "commune_peoples_committee",
             "status": "accepted", "return_count": 0, "submitted_at": now, "accepted_at": now, "created_at": now,
             "updated_at": now} for unit_id, name in units])
        dossiers = connection.execute(select(Dossier.id, Dossier.org_unit_id, Dossier.unit_name)
                                      .where(Dossier.round_id == round_id)).all()
        connection.execute(insert(Nominee), [
            {"dossier_id": dossier_id, "round_id": round_id, "kind": kind, "name": f"{name} – {kind}",
             "identity_key": f"{kind}:{unit_id}", "subject_org_unit_id": unit_id if kind == "collective" else None,
             "unit_name": name, "achievement_summary": "Thành tích chuyển đổi số",
             "achievement_key": f"CDS-2026-{unit_id}-{kind}", "award_form": "city_chairman_certificate_of_merit",
             "dx_index_score": 80 + (unit_id % 20), "tasks_completed": True, "annual_rating": "excellent",
             "initiatives": [], "environment_clearance_required": False, "on_hold": False, "outcome": "accepted",
             "eligible": True, "eligibility_reasons": [], "propose_state_level": False,
             "public_comment_flag": False, "created_at": now, "updated_at": now}
            for dossier_id, unit_id, name in dossiers for kind in ("collective", "individual")])
    engine.dispose()


class Walker:
    def __init__(self, client):
        self.client, self.tokens = client, {}

    def headers(self, user: str) -> dict:
        if user not in self.tokens:
            reply = self.client.post("/api/v1/auth/token", json={"username": user, "password": PASSWORD})
            self.tokens[user] = {"Authorization": f"Bearer {reply.get_json()['access_token']}"}
        return self.tokens[user]

    def call(self, method: str, path: str, user: str, body: dict | None = None) -> dict:
        response = self.client.open(path, method=method, json=body, headers=self.headers(user))
        if response.status_code >= 400:
            raise SystemExit(f"{method} {path} as {user}: {response.status_code} {response.get_json()}")
        return response.get_json()

    def act(self, user: str, instance_id: int, element_id: str, data: dict) -> float:
        tasks = self.call("GET", f"/api/v1/tasks?instance_id={instance_id}", user)["items"]
        [task] = [task for task in tasks if task["element_id"] == element_id]
        started = time.perf_counter()
        self.call("POST", f"/api/v1/tasks/{task['id']}/complete", user, {"data": data})
        return (time.perf_counter() - started) * 1000


def measure(dossiers: int) -> dict:
    url = f"sqlite:///{tempfile.mkdtemp(prefix='vinhdanh-bench-round-')}/bench.db"
    _prepare_database(url)
    app = create_app(Settings(database_url=url, secret_key="bench-round"))
    walker = Walker(app.test_client())
    planned = walker.call("GET", "/api/v1/rounds?year=2026", "lead_reviewer")["items"]
    round_ = next(item for item in planned if item["kind"] == "annual")
    opened = walker.call("POST", f"/api/v1/rounds/{round_['id']}/open", "lead_reviewer", {
        "deadline": (utcnow() + timedelta(days=10)).isoformat(), "total_quota": dossiers})
    _insert_dossiers(url, opened["code"], dossiers)
    started = time.perf_counter()
    walker.call("POST", f"/api/v1/rounds/{opened['id']}/close", "lead_reviewer", {"reason": "bench"})
    consolidation_ms = (time.perf_counter() - started) * 1000
    instance = opened["instance_id"]
    steps = [walker.act(user, instance, element, data) for user, element, data in ROUND_STEPS]
    state_bytes = len(str(walker.call("GET", f"/api/v1/process-instances/{instance}", "lead_reviewer")["data"]))
    app.extensions["vinhdanh"].engine.dispose()
    return {"dossiers": dossiers, "median_ms": statistics.median(steps), "steps_ms": steps,
            "consolidation_ms": consolidation_ms, "round_data_chars": state_bytes}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=10)
    parser.add_argument("--large", type=int, default=1000)
    args = parser.parse_args(argv)
    small, large = measure(args.small), measure(args.large)
    for result in (small, large):
        print(f"{result['dossiers']:>5} hồ sơ: bước của đợt trung vị {result['median_ms']:.1f} ms "
              f"(tổng hợp một lần {result['consolidation_ms']:.0f} ms; dữ liệu đợt {result['round_data_chars']} ký tự)")
    print(f"tỷ lệ {large['dossiers']}/{small['dossiers']} hồ sơ: {large['median_ms'] / small['median_ms']:.2f}×")


if __name__ == "__main__":
    main()
