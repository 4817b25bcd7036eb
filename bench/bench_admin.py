"""Benchmark: process administration.

- modeler first paint: the award-round diagram opened in the modeler page in Debian's Chromium, from navigation
  start to the diagram drawn with its panel (`data-ready`), cold and warm cache (target ≤ 1.5 s);
- server validation of each shipped diagram in its bundle, as the modeler's "Kiểm tra" runs it (target ≤ 200 ms);
- the heat map of a version with 10,000 instances (open tasks, timers, completions), server time (target ≤ 200 ms).

Run from the repository root after `make assets`:
    .venv/bin/python bench/bench_admin.py [--runs 7] [--instances 10000] [--skip-browser]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, select

from service import migrate
from service.bootstrap import bootstrap
from service.db import make_engine, make_session_factory, utcnow
from service.models import AuditEvent, HumanTask, ProcessInstance, ProcessVersion, User
from service.operations import modeling, monitoring

CHROMIUM = "/usr/bin/chromium"
TARGETS_MS = {"first_paint": 1500.0, "validation": 200.0, "heat_map": 200.0}
MODELER_PATH = "/admin/processes/award_round/modeler"
READY = "() => performance.now()"


def prepare(url: str) -> None:
    migrate.upgrade(url)
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        bootstrap(session, admin_password=None, demo_data=True)
        session.commit()
    engine.dispose()


def summary(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {statistics.median(ordered):7.1f} ms, p95 {p95:7.1f} ms"


def verdict(name: str, values: list[float]) -> str:
    return "PASS" if statistics.median(values) <= TARGETS_MS[name] else "FAIL"


def first_paint(url: str, runs: int) -> dict[str, list[float]]:
    """Navigation start → modeler ready (diagram imported and drawn, panel mounted)."""
    from playwright.sync_api import sync_playwright

    from bench.server import make_run
    from tests.web.browser import login

    cold, warm = [], []
    with make_run(url, workers=1, threads=4) as served, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        base = f"http://127.0.0.1:{served.port}"
        for _ in range(runs):
            context = browser.new_context(base_url=base, locale="vi-VN", viewport={"width": 1366, "height": 768})
            page = context.new_page()
            login(page, "process_admin")
            for bucket in (cold, warm):
                page.goto(MODELER_PATH)
                page.wait_for_selector("[data-bpmn-modeler][data-ready='true']", timeout=30_000)
                bucket.append(page.evaluate(READY))
            context.close()
        browser.close()
    return {"cold": cold, "warm": warm}


def validation(url: str, runs: int) -> dict[str, list[float]]:
    """modeling.validate_diagram on each process of the shipped bundle (its file replaced by itself)."""
    engine = make_engine(url)
    figures: dict[str, list[float]] = {}
    with make_session_factory(engine)() as session:
        admin = session.scalar(select(User).where(User.username == "process_admin"))
        for version in session.scalars(select(ProcessVersion).where(ProcessVersion.version == 1)):
            xml = next(f.content for f in version.deployment.files if f.filename == version.bpmn_filename).decode()
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                modeling.validate_diagram(session, actor=admin, process_key=version.process_key, version=1, xml=xml)
                times.append((time.perf_counter() - started) * 1000)
            figures[version.process_key] = times
    engine.dispose()
    return figures


def fill_instances(url: str, count: int) -> tuple[str, int]:
    """`count` instances of the unit nomination process: a third finished, the rest at one of its user tasks."""
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        version = session.scalar(select(ProcessVersion).where(ProcessVersion.process_key == "unit_nomination"))
        elements = sorted(version.task_metadata["unit_nomination"])[:6]
        unit_id = session.scalar(select(User.org_unit_id).where(User.username == "officer_haichau"))
        now = utcnow()
        rows = [{"process_version_id": version.id, "process_key": "unit_nomination", "version": version.version,
                 "status": "completed" if n % 3 == 0 else "waiting", "org_unit_id": unit_id, "state": {},
                 "data": {}, "lock_version": 1, "created_at": now, "updated_at": now} for n in range(count)]
        session.execute(insert(ProcessInstance), rows)
        ids = list(session.scalars(select(ProcessInstance.id).where(ProcessInstance.process_version_id == version.id)
                                   .order_by(ProcessInstance.id)))
        tasks, events = [], []
        for n, instance_id in enumerate(ids):
            element = elements[n % len(elements)]
            tasks.append({"id": f"bench-{instance_id}", "instance_id": instance_id, "element_id": element,
                          "process_key": "unit_nomination", "claimed": False,
                          "name": element, "state": "completed" if n % 3 == 0 else "open", "org_unit_id": unit_id,
                          "created_at": now, "form_key": None})
            events.append({"stream": f"instance:{instance_id}", "seq": 1, "at": now, "actor": None,
                           "action": "element.completed", "instance_id": instance_id, "element_id": "take_draft",
                           "details": {}, "prev_hash": "0" * 64, "hash": f"{instance_id:064d}"})
        session.execute(insert(HumanTask), _known_columns(HumanTask, tasks))
        session.execute(insert(AuditEvent), events)
        session.commit()
        key, number = version.process_key, version.version
    engine.dispose()
    return key, number


def _known_columns(model, rows: list[dict]) -> list[dict]:
    columns = set(model.__table__.columns.keys())
    return [{key: value for key, value in row.items() if key in columns} for row in rows]


def heat_map(url: str, key: str, number: int, runs: int) -> list[float]:
    engine = make_engine(url)
    times = []
    with make_session_factory(engine)() as session:
        admin = session.scalar(select(User).where(User.username == "process_admin"))
        for _ in range(runs):
            started = time.perf_counter()
            monitoring.heat_map(session, actor=admin, process_key=key, version=number)
            times.append((time.perf_counter() - started) * 1000)
    engine.dispose()
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--instances", type=int, default=10_000)
    parser.add_argument("--skip-browser", action="store_true")
    args = parser.parse_args(argv)
    url = f"sqlite:///{tempfile.mkdtemp(prefix='vinhdanh-bench-admin-')}/bench.db"
    prepare(url)
    if not args.skip_browser:
        painted = first_paint(url, args.runs)
        print(f"modeler first paint ({MODELER_PATH}, {args.runs} runs)")
        print(f"  cold cache: {summary(painted['cold'])}   target ≤ {TARGETS_MS['first_paint']:.0f} ms: "
              f"{verdict('first_paint', painted['cold'])}")
        print(f"  warm cache: {summary(painted['warm'])}")
    print("server validation of the shipped diagrams")
    for process_key, times in validation(url, args.runs).items():
        print(f"  {process_key:<24}{summary(times)}   {verdict('validation', times)}")
    key, number = fill_instances(url, args.instances)
    times = heat_map(url, key, number, args.runs)
    print(f"heat map, {args.instances:,} instances of {key} v{number} (SQLite)")
    print(f"  {summary(times)}   target ≤ {TARGETS_MS['heat_map']:.0f} ms: {verdict('heat_map', times)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
