"""Benchmark: DOMContentLoaded of a page in Debian's Chromium through Playwright (target: the task page ≤ 300 ms).

The service runs under `make run`'s server (Granian) on a fresh SQLite database with the demo data. By default
the page is the browser tests' task-form page (tests/web/static/task_form.html: the site chrome, app.js,
task-form.js and the shipped sign-off form), which measures what the JS islands cost; with --path (and --user to
sign in first) any real page, e.g. `--path /tasks/<id> --user officer_stc`.

Run from the repository root after `make assets`:
    .venv/bin/python bench/bench_page_load.py [--runs 15] [--path /inbox --user officer_stc]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.server import make_run
from service import migrate
from service.bootstrap import bootstrap
from service.db import make_engine, make_session_factory
from tests.web.browser import login, serve_test_pages

CHROMIUM = "/usr/bin/chromium"
TARGET_MS = 300.0
TEST_PAGE = "/__test__/task_form.html"
NAVIGATION_TIMING = """() => {
    const entry = performance.getEntriesByType('navigation')[0];
    return {dcl: entry.domContentLoadedEventEnd, load: entry.loadEventEnd};
}"""


def prepare(url: str, task_of: str | None = None) -> str | None:
    """Demo data; with `task_of`, that demo user also starts the demo approval: the id of its open task."""
    from sqlalchemy import select

    from service.models import User
    from service.nomination import wiring
    from service.operations import instances

    migrate.upgrade(url)
    engine = make_engine(url)
    task_id = None
    with make_session_factory(engine)() as session:
        bootstrap(session, admin_password=None, demo_data=True)
        if task_of:
            wiring.install()
            user = session.scalar(select(User).where(User.username == task_of))
            outcome = instances.start(session, actor=user, process_key="demo_approval")
            task_id = str(outcome.open_tasks[0].id)
        session.commit()
    engine.dispose()
    return task_id


def open_page(context, base_url: str, path: str):
    page = context.new_page()
    if path == TEST_PAGE:
        schema = json.loads((Path(__file__).resolve().parents[1] / "forms" / "sign_off.form").read_text())
        serve_test_pages(page, base_url, {"SCHEMA": schema, "DATA": {"decision": "return"}, "ERRORS": {}})
    return page


def measure(browser, base_url: str, path: str, user: str | None, runs: int) -> dict:
    """Cold: a new browser profile per run (nothing cached). Warm: reloads in one profile (bundles cached)."""
    cold, warm = [], []
    for _ in range(runs):
        context = browser.new_context(base_url=base_url, locale="vi-VN")
        page = open_page(context, base_url, path)
        if user:
            login(page, user)
        page.goto(path, wait_until="load")
        cold.append(page.evaluate(NAVIGATION_TIMING)["dcl"])
        page.reload(wait_until="load")
        warm.append(page.evaluate(NAVIGATION_TIMING)["dcl"])
        context.close()
    return {"cold_ms": cold, "warm_ms": warm}


def summary(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {statistics.median(ordered):6.1f} ms, p95 {p95:6.1f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--path", default=TEST_PAGE)
    parser.add_argument("--user", help="sign in as this demo user first")
    parser.add_argument("--task-of", help="this demo user starts the demo approval; the page is its open task's "
                                          "(the real task page: --task-of officer_stc)")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    url = f"sqlite:///{tempfile.mkdtemp(prefix='vinhdanh-bench-page-')}/bench.db"
    task_id = prepare(url, args.task_of)
    if task_id:
        args.path, args.user = f"/tasks/{task_id}", args.user or args.task_of
    with make_run(url, workers=1, threads=4) as served, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        result = measure(browser, f"http://127.0.0.1:{served.port}", args.path, args.user, args.runs)
        browser.close()
    print(f"{args.path} ({served.description}, {args.runs} runs)")
    print(f"  DOMContentLoaded cold cache: {summary(result['cold_ms'])}")
    print(f"  DOMContentLoaded warm cache: {summary(result['warm_ms'])}")
    verdict = "PASS" if statistics.median(result["cold_ms"]) <= TARGET_MS else "FAIL"
    print(f"  target ≤ {TARGET_MS:.0f} ms (median, cold): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
