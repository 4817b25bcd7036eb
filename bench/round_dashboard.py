"""The lead agency's round dashboard with 1,000 dossiers: server time of GET /rounds/<id> ≤ 100 ms.

    .venv/bin/python -m bench.round_dashboard [--dossiers 1000] [--backend sqlite|postgresql]

One round of a movement, 1,000 units (communes, departments, enterprises) each registered, one
dossier each in a mix of statuses (a tenth returned with a reason), three nominees per dossier,
quotas for fifty units. The page is requested through Flask's test client by a signed-in lead
reviewer, so the figure is the server's time (queries and template), without a network.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from datetime import date, timedelta

from sqlalchemy import insert, text

from service.app import create_app
from service.bootstrap import ensure_roles
from service.config import Settings
from service.db import make_engine, make_session_factory, utcnow
from service.models import AwardRound, Dossier, Movement, Nominee, Registration, RoundQuota
from service.nomination import seed
from service.operations import admin

from . import seeding

TARGET_MS = 100.0
STATUSES = ("submitted",) * 5 + ("accepted",) * 2 + ("returned", "draft", "rejected")
KINDS = ("commune", "department", "enterprise")


def populate(url: str, dossiers: int) -> int:
    seeding.migrate.upgrade(url)
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        ensure_roles(session)
        lead = admin.create_org_unit(session, actor=None, values={"code": "LEAD", "name": "Sở Khoa học và Công nghệ",
                                                                   "kind": "department"})
        admin.create_user(session, actor=None, values={"username": "lead", "password": seeding.PASSWORD,
                                                       "full_name": "Chuyên viên Sở", "org_unit_code": "LEAD",
                                                       "roles": ["lead_reviewer"]})
        seed.seed_parameters(session)
        year = utcnow().year
        movement = Movement(code="BENCH", name="Phong trào", decision_number="1/QĐ", decision_date=date(year, 1, 1),
                            start_year=year, end_year=year + 1, phases=[], award_forms=[], criteria={})
        session.add(movement)
        session.flush()
        round_ = AwardRound(code="BENCH_ROUND", movement_id=movement.id, year=year, kind="annual", name="Đợt thử",
                            opens_on=date(year, 1, 1), status="open", lead_org_unit_id=lead.id,
                            deadline=utcnow() + timedelta(days=20), total_quota=300)
        session.add(round_)
        session.flush()
        units = [admin.create_org_unit(session, actor=None, values={
            "code": f"U{i:04d}", "name": f"Đơn vị số {i}", "kind": KINDS[i % 3]}) for i in range(dossiers)]
        now = utcnow()
        session.execute(insert(Registration), [
            {"movement_id": movement.id, "year": year, "org_unit_id": unit.id, "unit_name": unit.name,
             "status": "acknowledged", "titles": []} for unit in units])
        session.execute(insert(RoundQuota), [{"round_id": round_.id, "org_unit_id": unit.id, "quota": 3}
                                             for unit in units[:50]])
        rows = [{"round_id": round_.id, "org_unit_id": unit.id, "unit_name": unit.name, "unit_kind": unit.kind,
                 "status": STATUSES[i % len(STATUSES)], "return_count": 0, "created_at": now, "updated_at": now,
                 "return_reason": "Thiếu biên bản họp xét" if STATUSES[i % len(STATUSES)] == "returned" else None,
                 "returned_at": now if STATUSES[i % len(STATUSES)] == "returned" else None}
                for i, unit in enumerate(units)]
        session.execute(insert(Dossier), rows)
        session.flush()
        ids = [d.id for d in session.query(Dossier.id).filter(Dossier.round_id == round_.id)]
        session.execute(insert(Nominee), [
            {"dossier_id": dossier_id, "round_id": round_.id, "kind": "collective", "name": f"Tập thể {dossier_id}-{n}",
             "achievement_summary": "", "achievement_key": f"K{dossier_id}-{n}", "award_form": "bang_khen",
             "identity_key": f"I{dossier_id}-{n}", "initiatives": [], "eligibility_reasons": [],
             "outcome": "proposed_to_city" if n == 0 else "proposed", "rank": dossier_id if n == 0 else None,
             "on_hold": False, "environment_clearance_required": False, "food_safety_clearance_required": False,
             "propose_state_level": False, "public_comment_flag": False, "created_at": now, "updated_at": now}
            for dossier_id in ids for n in range(3)])
        session.commit()
        round_id = round_.id
    if engine.dialect.name == "postgresql":  # what autovacuum soon does after a bulk load
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM (ANALYZE)"))
    engine.dispose()
    return round_id


def measure(url: str, dossiers: int, calls: int = 30) -> dict:
    round_id = populate(url, dossiers)
    app = create_app(Settings(database_url=url, secret_key="bench", pdf_background=False))
    client = app.test_client()
    login = client.get("/login").data
    token = re.search(rb'name="csrf_token" value="([^"]+)"', login).group(1).decode()
    client.post("/login", data={"username": "lead", "password": seeding.PASSWORD, "csrf_token": token})
    first = client.get(f"/rounds/{round_id}")
    assert first.status_code == 200, first.status_code
    samples = []
    for _ in range(calls):
        started = time.perf_counter()
        response = client.get(f"/rounds/{round_id}")
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    app.extensions["vinhdanh"].engine.dispose()
    median = statistics.median(samples)
    return {"dossiers": dossiers, "median_ms": round(median, 1), "max_ms": round(max(samples), 1),
            "within_target": median <= TARGET_MS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=1000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"))
    args = parser.parse_args()
    if args.backend in (None, "sqlite"):
        with seeding.sqlite_database() as url:
            print("sqlite", measure(url, args.dossiers))
    if args.backend in (None, "postgresql") and seeding.postgres_available():
        with seeding.postgres_database("vinhdanh_bench_dashboard") as url:
            print("postgresql", measure(url, args.dossiers))


if __name__ == "__main__":
    main()
