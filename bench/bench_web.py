"""The officers' pages: server time of the inbox page for a user with 10,000 open tasks offered to them,
of a task page, and of completing a task from its page (POST answered with the redirect) against the
API's completion in the same run.

Server time is measured in process through the WSGI test client (the whole Flask request: session
cookie, CSRF, queries, templates), so no network or client time is in it. The database is made by
`bench.seeding` (migrations, roles, people, the demo process deployed through the service) and holds
10,000 instances of `demo_approval`, each with its open draft task offered to Sở số 0's officers
(bulk-inserted like `bench.inbox_data`), plus real instances started through the service for the task
page and the completions.

    .venv/bin/python -m bench.bench_web [--backend sqlite|postgresql] [--tasks 10000] [--samples 200]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import time
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select, text

from service.app import create_app
from service.config import Settings
from service.db import make_engine, make_session_factory
from service.models import HumanTask, ProcessInstance, ProcessVersion, TaskOffer, User
from service.operations import instances

from . import seeding
from .stats import line, summarize

DRAFT = {"nominee_name": "Phòng Quản lý ngân sách", "nominee_kind": "collective",
         "achievement_summary": "Hoàn thành xuất sắc nhiệm vụ năm 2026."}
CHUNK = 5_000


def _bulk_open_tasks(url: str, count: int) -> None:
    """`count` demo_approval instances whose draft task is offered to unit_officer in DEPT0."""
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            version = session.scalar(select(ProcessVersion).where(ProcessVersion.process_key == "demo_approval"))
            unit_id = session.scalar(select(User.org_unit_id).where(User.username == "officer0"))
            first = (session.scalar(select(ProcessInstance.id).order_by(ProcessInstance.id.desc()).limit(1)) or 0) + 1
            now = datetime.now(UTC)
            connection = session.connection()
            rows: tuple[list, list, list] = ([], [], [])
            for n in range(count):
                created = now - timedelta(minutes=7 * (count - n))
                task_id = str(uuid.uuid4())
                rows[0].append({"id": first + n, "process_version_id": version.id, "process_key": "demo_approval",
                                "version": version.version, "status": "running", "org_unit_id": unit_id,
                                "started_by_id": None, "state": {}, "data": {"nominee_name": f"Đối tượng số {n}",
                                                                             "round_code": f"R{n % 4}"},
                                "error": None, "lock_version": 1, "created_at": created, "updated_at": created,
                                "completed_at": None})
                rows[1].append({"id": task_id, "instance_id": first + n, "process_key": "demo_approval",
                                "element_id": "draft", "name": "Lập hồ sơ đề nghị", "lane": "unit_officer",
                                "role_key": "unit_officer", "org_unit_id": unit_id, "assignee_id": None,
                                "claimed": False, "state": "open", "created_at": created,
                                "due_at": created + timedelta(days=n % 20), "completed_at": None,
                                "completed_by_id": None})
                rows[2].append({"task_id": task_id, "role_key": "unit_officer", "org_unit_id": unit_id,
                                "user_id": None, "available": True, "shared": False, "created_at": created,
                                "process_key": "demo_approval"})
                if len(rows[0]) >= CHUNK or n == count - 1:
                    for table, batch in zip((ProcessInstance, HumanTask, TaskOffer), rows, strict=True):
                        connection.execute(insert(table.__table__), batch)
                        batch.clear()
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT setval(pg_get_serial_sequence('process_instances', 'id'),"
                                        " (SELECT max(id) FROM process_instances))"))
            session.commit()
        if engine.dialect.name == "postgresql":  # as autovacuum would after such a load
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM (ANALYZE)"))
    finally:
        engine.dispose()


def _start(app, count: int) -> list[str]:
    """Start `count` real instances as officer0; the ids of their open draft tasks."""
    ids = []
    with app.extensions["vinhdanh"].session_factory() as session:
        officer = session.scalar(select(User).where(User.username == "officer0"))
        for _ in range(count):
            instance = instances.start_instance(session, actor=officer, process_key="demo_approval", data={})
            ids.append(instances.open_tasks(session, instance)[0].id)
        session.commit()
    return ids


def _signed_in(app, username: str):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    reply = client.post("/login", data={"username": username, "password": seeding.PASSWORD, "csrf_token": token})
    assert reply.status_code == 302, reply.status_code
    inbox = client.get("/inbox/mine").get_data(as_text=True)
    return client, re.search(r'name="csrf_token" value="([^"]+)"', inbox).group(1)


Samples = tuple[list[float], list[float]]  # wall-clock and CPU seconds of the same requests


def _time(call, samples: int, expect: int) -> Samples:
    """Wall-clock seconds of `samples` requests, and their CPU seconds (this process: app and SQLite), the
    figure that does not depend on how busy the shared machine is."""
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(samples):
        started, started_cpu = time.perf_counter(), time.process_time()
        reply = call()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        assert reply.status_code == expect, (reply.status_code, reply.get_data(as_text=True)[:300])
    return wall, cpu


def _summary(samples: Samples) -> dict:
    summary = summarize(samples[0])
    cpu = summarize(samples[1])
    summary["cpu_median_ms"], summary["cpu_p95_ms"] = cpu["median_ms"], cpu["p95_ms"]
    return summary


def measure(url: str, tasks: int, samples: int) -> dict:
    seeding.seed(url)
    _bulk_open_tasks(url, tasks)
    engine = make_engine(url)
    app = create_app(Settings(database_url=url, secret_key="bench-web", token_max_age=3600), engine=engine)
    try:
        page_tasks = _start(app, 2)
        completions = _start(app, 2 * samples)
        browser, csrf = _signed_in(app, "officer0")
        inbox_first = browser.get("/inbox/group").get_data(as_text=True)
        shown = len(re.findall(r'<tr>\s*<td class="select-cell">', inbox_first))
        assert f"{tasks + len(page_tasks) + len(completions):,}".replace(",", ".") in inbox_first, "total shown"
        result = {
            "open_tasks": tasks + len(page_tasks) + len(completions), "rows_on_page": shown,
            "inbox_group": _summary(_time(lambda: browser.get("/inbox/group"), samples, 200)),
            "inbox_group_by_due": _summary(_time(lambda: browser.get("/inbox/group?sort=due"), samples, 200)),
            "inbox_group_filtered": _summary(_time(
                lambda: browser.get("/inbox/group?round=R1&q=s%E1%BB%91+1"), samples, 200)),
            "task_page": _summary(_time(lambda: browser.get(f"/tasks/{page_tasks[0]}"), samples, 200)),
        }
        api = app.test_client()
        token = api.post("/api/v1/auth/token", json={"username": "officer0", "password": seeding.PASSWORD}
                         ).get_json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        data_json = json.dumps(DRAFT, ensure_ascii=False)
        page: Samples = ([], [])
        through_api: Samples = ([], [])
        # Alternated, one of each in turn: neither side gets the quieter moments or the smaller database.
        for page_id, api_id in zip(completions[::2], completions[1::2], strict=True):
            for into, one in ((page, _time(lambda page_id=page_id: browser.post(
                    f"/tasks/{page_id}", data={"csrf_token": csrf, "action": "submit", "data_json": data_json}),
                    1, 302)),
                              (through_api, _time(lambda api_id=api_id: api.post(
                                  f"/api/v1/tasks/{api_id}/complete", json={"data": DRAFT}, headers=headers),
                                  1, 200))):
                into[0].extend(one[0])
                into[1].extend(one[1])
        result["complete_from_page"] = _summary(page)
        result["complete_api"] = _summary(through_api)
        result["page_over_api"] = result["complete_from_page"]["median_ms"] / result["complete_api"]["median_ms"]
        result["page_over_api_cpu"] = (result["complete_from_page"]["cpu_median_ms"]
                                       / result["complete_api"]["cpu_median_ms"])
        return result
    finally:
        engine.dispose()


def report(backend: str, result: dict) -> None:
    print(f"bench_web ({backend}): {result['open_tasks']:,} open tasks offered to the officer, "
          f"{result['rows_on_page']} rows a page; load average {os.getloadavg()[0]:.2f}")
    for key, label in (("inbox_group", "inbox page (group tab)"), ("inbox_group_by_due", "inbox page sorted by due"),
                       ("inbox_group_filtered", "inbox page round + text filter"), ("task_page", "task page"),
                       ("complete_from_page", "complete from the page (POST→302)"),
                       ("complete_api", "complete through the API")):
        cpu = f"   cpu median {result[key]['cpu_median_ms']:7.3f} ms p95 {result[key]['cpu_p95_ms']:7.3f} ms"
        print(line(label, result[key]) + cpu)
    print(f"  page completion / API completion (medians): {result['page_over_api']:.2f}× wall, "
          f"{result['page_over_api_cpu']:.2f}× CPU")
    print("  targets: inbox median ≤ 30 ms, p95 ≤ 60 ms; task page ≤ 30 ms; page completion ≤ 2× API")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args(argv)
    if args.backend == "postgresql":
        if not seeding.postgres_available():
            print("bench_web (postgresql): skipped, no PostgreSQL on 127.0.0.1:5432")
            return 0
        database = seeding.postgres_database("vinhdanh_bench_web")
    else:
        database = seeding.sqlite_database("vinhdanh-bench-web-")
    with database as url:
        report(args.backend, measure(url, args.tasks, args.samples))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
