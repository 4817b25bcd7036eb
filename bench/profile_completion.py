"""Where a request's time goes: SQL statements per request and a CPU profile, in process.

    .venv/bin/python -m bench.profile_completion [--backend sqlite|postgresql] [--top 30]

The app is called through Flask's test client (no HTTP server, no network) on a fresh database;
the statement counts do not depend on machine load, so they are comparable from run to run.
The profile uses CPU time (cProfile with time.process_time), so waiting on PostgreSQL is not in it.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import time
from contextlib import contextmanager

from sqlalchemy import event

from service.app import create_app
from service.config import Settings

from . import seeding

PROCESS = "three_lanes"


class _App:
    """A seeded app and three logged-in lanes."""

    def __init__(self, url: str, cast: seeding.Cast):
        self.app = create_app(Settings(database_url=url, secret_key="bench-profile-secret-key-0123456789"))
        self.client = self.app.test_client()
        self.engine = self.app.extensions["vinhdanh"].engine
        self.people = [self._headers(name) for name in (cast.officers[0], cast.heads[0], cast.superior)]

    def _headers(self, username: str) -> dict:
        reply = self.client.post("/api/v1/auth/token", json={"username": username, "password": seeding.PASSWORD})
        return {"Authorization": f"Bearer {reply.get_json()['access_token']}"}

    def start(self) -> str:
        reply = self.client.post("/api/v1/process-instances", json={"process_key": PROCESS}, headers=self.people[0])
        return reply.get_json()["tasks"][0]["id"]

    def complete(self, task_id: str, lane: int) -> str | None:
        reply = self.client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": {"lane": lane}},
                                 headers=self.people[lane])
        tasks = reply.get_json()["instance"]["tasks"]
        return tasks[0]["id"] if tasks else None

    def walk(self) -> None:
        task_id = self.start()
        for lane in range(3):
            task_id = self.complete(task_id, lane)

    def inbox(self) -> None:
        self.client.get("/api/v1/tasks", headers=self.people[0])


@contextmanager
def _counting(engine):
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def statement_counts(app: _App) -> dict:
    """SQL statements sent by one start, one completion (t1) and one inbox query, with their text."""
    for _ in range(3):
        app.walk()  # warm caches (spec cache, compiled statements)
    found = {}
    with _counting(app.engine) as statements:
        task_id = app.start()
    found["start"] = list(statements)
    with _counting(app.engine) as statements:
        app.complete(task_id, 0)
    found["complete"] = list(statements)
    with _counting(app.engine) as statements:
        app.inbox()
    found["inbox"] = list(statements)
    return found


def cpu_profile(app: _App, walks: int) -> tuple[float, str]:
    """CPU ms per request over `walks` start + 3 completions, and the profile's top lines."""
    profiler = cProfile.Profile(time.process_time)
    started = time.process_time()
    profiler.enable()
    for _ in range(walks):
        app.walk()
    profiler.disable()
    per_request = (time.process_time() - started) * 1000 / (walks * 4)
    out = io.StringIO()
    wanted = r"service/|sqlalchemy/orm/session.py:.*\(execute\)"
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(wanted, 40)
    return per_request, out.getvalue()


def run(backend: str = "sqlite") -> dict:
    """Statement counts on a fresh database of `backend` (the counts alone, for bench.run_all)."""
    database = (seeding.postgres_database("vinhdanh_bench_profile") if backend == "postgresql"
                else seeding.sqlite_database())
    with database as url:
        app = _App(url, seeding.seed(url))
        try:
            found = statement_counts(app)
        finally:
            app.engine.dispose()
    return {name: len(statements) for name, statements in found.items()} | {"statements": found}


def report(result: dict) -> None:
    print(f"SQL statements per request (SQLite, in process): start {result['start']},"
          f" completion {result['complete']}, inbox {result['inbox']}"
          " (the list: python -m bench.profile_completion)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--walks", type=int, default=30, help="instances started and completed under the profiler")
    args = parser.parse_args()
    database = (seeding.postgres_database("vinhdanh_bench_profile") if args.backend == "postgresql"
                else seeding.sqlite_database())
    with database as url:
        app = _App(url, seeding.seed(url))
        try:
            for name, statements in statement_counts(app).items():
                print(f"== {name}: {len(statements)} SQL statements")
                for statement in statements:
                    print(f"   {statement[:150]}")
            per_request, profile = cpu_profile(app, min(args.walks, 200))
        finally:
            app.engine.dispose()
    print(f"\n== CPU profile ({per_request:.2f} ms CPU per request under the profiler, which inflates it)")
    print(profile)


if __name__ == "__main__":
    main()
