"""The inbox at 100,000 open tasks, on SQLite and PostgreSQL, via the operation and over HTTP.

bench.inbox_data bulk-inserts the tasks; then for each kind of user (an officer and a head of one
sub-unit, a superior over 8 sub-units, a lead reviewer, the Home Affairs officer and a council
member who sees every council task) the first inbox page (limit 50, with its total) is timed:
`operations.tasks.list_tasks` in a fresh session per call, and `GET /api/v1/tasks` through `make run`'s server,
unfiltered and filtered by process (`?process_key=`, which every task matches: the filter's costliest case),
each with the server's CPU per request (app, and PostgreSQL's backends).
The SQL the operation sends is then EXPLAINed (EXPLAIN QUERY PLAN on SQLite, EXPLAIN ANALYZE on
PostgreSQL) to show whether human_tasks is read through an index or scanned.
"""

from __future__ import annotations

import time

from sqlalchemy import event, select, text

from service.db import make_engine, make_session_factory
from service.models import User
from service.operations import tasks

from . import cpu, inbox_data, seeding, server
from .client import ApiClient
from .stats import line, summarize

DATABASE = "vinhdanh_bench_inbox"
BUDGET_SECONDS = 10.0  # per user and per way of calling: a slow query gets fewer samples, not more time


def _time_operation(factory, username: str, calls: int, budget: float) -> tuple[list[float], int]:
    samples, total = [], 0
    deadline = time.monotonic() + budget
    for _ in range(calls):
        if time.monotonic() > deadline:
            break
        with factory() as session:
            user = session.scalar(select(User).where(User.username == username))
            started = time.perf_counter()
            _items, total = tasks.list_tasks(session, actor=user, limit=50)
            samples.append(time.perf_counter() - started)
    return samples, total


FILTERED = "/api/v1/tasks?process_key=three_lanes"  # every task matches: the filter's costliest case


def _time_http(port: int, username: str, calls: int, budget: float, path: str = "/api/v1/tasks") -> list[float]:
    client = ApiClient(port).login(username, seeding.PASSWORD)
    deadline = time.monotonic() + budget
    samples = []
    try:
        for _ in range(calls):
            if time.monotonic() > deadline:
                break
            reply = client.call("GET", path)
            if reply.status != 200:
                raise RuntimeError(f"inbox of {username}: HTTP {reply.status} {reply.body}")
            samples.append(reply.seconds)
    finally:
        client.close()
    return samples


def _statements(engine, factory, username: str) -> list[tuple[str, object]]:
    captured: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        captured.append((statement, parameters))

    with factory() as session:
        user = session.scalar(select(User).where(User.username == username))
        event.listen(engine, "before_cursor_execute", capture)
        try:
            tasks.list_tasks(session, actor=user, limit=50)
        finally:
            event.remove(engine, "before_cursor_execute", capture)
    return captured


def explain(engine, factory, username: str) -> list[dict]:
    """The plan of each statement list_tasks sends for `username`, and whether it scans human_tasks."""
    plans = []
    postgres = engine.dialect.name == "postgresql"
    prefix = "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " if postgres else "EXPLAIN QUERY PLAN "
    for statement, parameters in _statements(engine, factory, username):
        with engine.connect() as connection:
            rows = connection.exec_driver_sql(prefix + statement, parameters).all()
        lines = [row[0] for row in rows] if postgres else [row[3] for row in rows]
        plans.append({"sql": " ".join(statement.split())[:160], "plan": lines,
                      "verdict": _verdict(lines, postgres)})
    return plans


def _verdict(lines: list[str], postgres: bool) -> str:
    """How human_tasks is reached: by a selective index, or by reading (nearly) every open task."""
    if postgres:
        text_plan = "\n".join(lines)
        if "Seq Scan on human_tasks" in text_plan:
            return "SEQUENTIAL SCAN of human_tasks"
        removed = [int(entry.split(":")[1]) for entry in lines if "Rows Removed by Filter" in entry]
        if removed and max(removed) > 1000:
            return f"index used, but {max(removed)} rows read and discarded (not selective)"
        return "selective index access"
    for entry in lines:
        if entry.startswith("SCAN human_tasks"):
            return "FULL SCAN of human_tasks"
        if entry.startswith("SEARCH human_tasks") and entry.rstrip().endswith("(state=?)"):
            return "index on state only: reads every open task (not selective)"
    return "selective index access"


def measure_backend(url: str, open_tasks: int, calls: int) -> dict:
    cast_started = time.perf_counter()
    seeding.seed(url, units=0)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    try:
        with factory() as session:
            population = inbox_data.populate(session, open_tasks)
            session.commit()
        if engine.dialect.name == "postgresql":
            # What autovacuum does soon after a bulk load (its insert threshold is far below 100,000
            # rows): statistics, and the visibility map that lets counts read only the indexes.
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM (ANALYZE)"))
        load_seconds = time.perf_counter() - cast_started
        operation, totals = {}, {}
        for label, username in population.users.items():
            _time_operation(factory, username, 3, BUDGET_SECONDS)  # warm-up
            samples, totals[label] = _time_operation(factory, username, calls, BUDGET_SECONDS)
            operation[label] = summarize(samples)
        plans = {label: explain(engine, factory, population.users[label])
                 for label in ("officer", "superior", "council")}
    finally:
        engine.dispose()
    http, server_cpu = {}, {}
    with server.make_run(url) as served:
        for label, username in population.users.items():
            for key, path in ((label, "/api/v1/tasks"), (f"{label}, filtered", FILTERED)):
                _time_http(served.port, username, 3, BUDGET_SECONDS, path)
                before = (cpu.tree_cpu(served.pid), cpu.database_cpu(url))
                samples = _time_http(served.port, username, calls, BUDGET_SECONDS, path)
                after = (cpu.tree_cpu(served.pid), cpu.database_cpu(url))
                http[key] = summarize(samples)
                server_cpu[key] = {"app_ms": cpu.spent(before[0], after[0]) * 1000 / len(samples),
                                   "db_ms": cpu.spent(before[1], after[1]) * 1000 / len(samples)}
        description = served.description
    return {"open_tasks": population.open_tasks, "history_tasks": population.history_tasks,
            "load_seconds": load_seconds, "inbox_totals": totals, "operation": operation, "http": http,
            "plans": plans, "server": description, "server_cpu_ms": server_cpu,
            "worst_http_median_ms": max(s["median_ms"] for s in http.values()),
            "worst_http_p95_ms": max(s["p95_ms"] for s in http.values())}


def run(quick: bool = False) -> dict:
    """Inbox latency at 100,000 open tasks (20,000 with quick) on SQLite and, if reachable, PostgreSQL."""
    open_tasks = 20_000 if quick else 100_000
    calls = 60 if quick else 300
    result = {}
    with seeding.sqlite_database() as url:
        result["sqlite"] = measure_backend(url, open_tasks, calls)
    if seeding.postgres_available():
        with seeding.postgres_database(DATABASE) as url:
            result["postgresql"] = measure_backend(url, open_tasks, calls)
    else:
        result["postgresql"] = {"skipped": "PostgreSQL is not reachable on 127.0.0.1:5432"}
    return result


def report(result: dict) -> None:
    for backend, r in result.items():
        if "skipped" in r:
            print(f"inbox on {backend}: skipped ({r['skipped']})")
            continue
        print(f"inbox on {backend}: {r['open_tasks']} open + {r['history_tasks']} completed tasks"
              f" (loaded in {r['load_seconds']:.1f} s), {r['server']}")
        for label in r["operation"]:
            print(line(f"{label} ({r['inbox_totals'][label]} tasks) operation", r["operation"][label]))
            for key, shown in ((label, "GET /api/v1/tasks"), (f"{label}, filtered", "  ?process_key=")):
                spent = r["server_cpu_ms"][key]
                print(line(f"{label} {shown}", r["http"][key])
                      + f"  CPU app {spent['app_ms']:.2f} + db {spent['db_ms']:.2f} ms")
        for label, plans in r["plans"].items():
            for plan in plans:
                print(f"  plan for {label}: {plan['verdict']}")
                print(f"    {plan['sql'][:110]}...")
                for entry in plan["plan"][:14]:
                    print(f"      {entry}")


if __name__ == "__main__":
    report(run(quick=True))
