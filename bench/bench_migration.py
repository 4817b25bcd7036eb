"""A background migration of 1,000 instances, and what it does to completions meanwhile (PostgreSQL).

`make run`'s server (Granian, each worker with its timer loop, which also runs migration jobs) serves a
database holding 1,000 instances of three_lanes version 1 waiting at t1, and more instances of version 2
whose t1 tasks the benchmark completes. First one client completes tasks one after another with nothing
else running (idle); then a job migrating all 1,000 instances to version 2 is queued, as the page's
"Chuyển tất cả" does, and the same client completes tasks until the job is finished (during). Reported:
completion latency idle and during (median, p95), their ratio (the issue's target: during <= 2x idle), and
the migration's throughput (instances per second, from the job's queueing to its end).

    .venv/bin/python -m bench.bench_migration [--quick]
"""

from __future__ import annotations

import argparse
import time

from sqlalchemy import func, select

from service.db import make_engine, make_session_factory
from service.models import HumanTask, MigrationJob, MigrationJobItem, ProcessInstance, User
from service.operations import deployments, instance_migration, instances

from . import seeding, server
from .client import ApiClient
from .stats import line, summarize

DATABASE = "vinhdanh_bench_migration"
PROCESS = "three_lanes"
MIGRATED = 1_000
IDLE_SAMPLES = 200
# Completions during the migration: enough tasks that the client never runs out before the job ends.
DURING_POOL = 3_000
JOB_TIMEOUT = 900.0


def _version_2() -> bytes:
    """three_lanes with t2 renamed: every waiting instance can move."""
    xml = seeding.THREE_LANES.read_text(encoding="utf-8")
    renamed = xml.replace('name="Thủ trưởng ký"', 'name="Thủ trưởng ký (bản mới)"')
    assert renamed != xml
    return renamed.encode()


def _prepare(url: str, cast: seeding.Cast, *, migrated: int, pool: int) -> list[str]:
    """Instances of version 1 to migrate, then version 2, and the pool's open t1 task ids (oldest first)."""
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            officer = session.scalar(select(User).where(User.username == cast.officers[0]))
            deployer = session.scalar(select(User).where(User.username == "deployer"))
            for index in range(migrated):
                instances.start_instance(session, actor=officer, process_key=PROCESS, version=1)
                if index % 100 == 99:
                    session.commit()
            deployments.deploy(session, actor=deployer, files={seeding.THREE_LANES.name: _version_2()})
            session.commit()
            started = []
            for index in range(pool):
                started.append(instances.start_instance(session, actor=officer, process_key=PROCESS, version=2).id)
                if index % 100 == 99:
                    session.commit()
            session.commit()
            return list(session.scalars(select(HumanTask.id).where(HumanTask.instance_id.in_(started),
                                                                   HumanTask.state == "open")
                                        .order_by(HumanTask.instance_id)))
    finally:
        engine.dispose()


def _complete(client: ApiClient, task_id: str) -> float:
    reply = client.call("POST", f"/api/v1/tasks/{task_id}/complete", {"data": {}})
    if reply.status != 200:
        raise RuntimeError(f"completion of {task_id}: {reply.status} {reply.body}")
    return reply.seconds


def _job_took(session_factory, job_id: int) -> float | None:
    """Seconds from the job's queueing to its end; None while items are pending."""
    with session_factory() as session:
        job = session.get(MigrationJob, job_id)
        took = (job.finished_at - job.created_at).total_seconds() if job.finished_at else None
        session.rollback()
    return took


def run(quick: bool = False) -> dict:
    migrated = 300 if quick else MIGRATED
    idle_samples = 60 if quick else IDLE_SAMPLES
    pool = 1_000 if quick else DURING_POOL
    if not seeding.postgres_available():
        return {"skipped": "PostgreSQL is not reachable on 127.0.0.1:5432"}
    with seeding.postgres_database(DATABASE) as url:
        cast = seeding.seed(url, units=1)
        tasks = _prepare(url, cast, migrated=migrated, pool=pool)
        engine = make_engine(url)
        session_factory = make_session_factory(engine)
        try:
            with server.make_run(url) as served:
                client = ApiClient(served.port).login(cast.officers[0], seeding.PASSWORD)
                queue = iter(tasks)
                for task_id in [next(queue) for _ in range(10)]:  # warm-up: connections, caches
                    _complete(client, task_id)
                idle = [_complete(client, next(queue)) for _ in range(idle_samples)]

                with session_factory() as session:
                    admin = session.scalar(select(User).where(User.username == "deployer"))
                    job = instance_migration.start_job(session, actor=admin, process_key=PROCESS,
                                                       from_version=1, to_version=2)
                    session.commit()
                    job_id = job.id
                during: list[float] = []
                ran_out = False
                deadline = time.monotonic() + JOB_TIMEOUT
                took = None
                while time.monotonic() < deadline:
                    task_id = next(queue, None)
                    if task_id is None:
                        ran_out = True
                        break
                    during.append(_complete(client, task_id))
                    if len(during) % 10 == 0:
                        took = _job_took(session_factory, job_id)
                        if took is not None:
                            break
                while took is None and time.monotonic() < deadline:  # the client's pool ran out first
                    time.sleep(0.5)
                    took = _job_took(session_factory, job_id)
                client.close()
                description = served.description
            with session_factory() as session:
                moved = session.scalar(select(func.count()).select_from(ProcessInstance)
                                       .where(ProcessInstance.process_key == PROCESS, ProcessInstance.version == 2,
                                              ProcessInstance.id.in_(select(MigrationJobItem.instance_id)
                                                                     .where(MigrationJobItem.job_id == job_id))))
                failed = session.scalar(select(func.count()).select_from(MigrationJobItem)
                                        .where(MigrationJobItem.job_id == job_id, MigrationJobItem.state == "failed"))
        finally:
            engine.dispose()
    idle_summary, during_summary = summarize(idle), summarize(during)
    return {
        "server": description,
        "instances": migrated,
        "moved": moved,
        "failed": failed,
        "migration_seconds": took,
        "instances_per_second": migrated / took if took else None,
        "idle": idle_summary,
        "during": during_summary,
        "median_ratio": during_summary["median_ms"] / idle_summary["median_ms"],
        "p95_ratio": during_summary["p95_ms"] / idle_summary["p95_ms"],
        "client_ran_out": ran_out,
    }


def report(result: dict) -> None:
    if "skipped" in result:
        print(f"  skipped: {result['skipped']}")
        return
    print(f"  {result['server']}")
    print(f"  migrated {result['moved']:,}/{result['instances']:,} instances ({result['failed']} failed) in "
          f"{result['migration_seconds'] or float('nan'):.1f} s: "
          f"{result['instances_per_second'] or float('nan'):.1f} instances/s")
    print(line("completion, idle", result["idle"]))
    print(line("completion, during the migration", result["during"]))
    print(f"  during / idle: median {result['median_ratio']:.2f}x, p95 {result['p95_ratio']:.2f}x (target <= 2x)")
    if result["client_ran_out"]:
        print("  (the client ran out of tasks before the migration ended: 'during' covers only part of it)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="300 instances instead of 1,000")
    args = parser.parse_args(argv)
    report(run(quick=args.quick))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
