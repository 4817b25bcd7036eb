"""The notification sweep over a city's open tasks: due-soon and overdue rows for 100,000 open tasks.

    .venv/bin/python -m bench.notification_sweep [--quick] [--backend sqlite|postgresql]

The tasks are those of bench.inbox_data (offered by role across 226 units, one in ten claimed, due
five days after they arrived, so most are overdue). The first sweep writes a row per task and
recipient; the second, the same day, must write nothing (the dedupe key), and is timed too.
Target: ≤ 5 s per sweep at 100,000 open tasks.
"""

from __future__ import annotations

import argparse
import time

from sqlalchemy import func, select, text

from service.db import make_engine, make_session_factory, utcnow
from service.models import Notification
from service.notifications import sender

from . import inbox_data, seeding

TARGET_SECONDS = 5.0


def measure(url: str, open_tasks: int) -> dict:
    seeding.seed(url, units=0)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    try:
        with factory() as session:
            inbox_data.populate(session, open_tasks)
            session.commit()
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM (ANALYZE)"))
        now = utcnow()
        started = time.perf_counter()
        first = sender.sweep(factory, now)
        first_seconds = time.perf_counter() - started
        started = time.perf_counter()
        second = sender.sweep(factory, now)
        second_seconds = time.perf_counter() - started
        with factory() as session:
            rows = session.scalar(select(func.count()).select_from(Notification))
    finally:
        engine.dispose()
    return {"open_tasks": open_tasks, "first": first, "first_seconds": round(first_seconds, 2),
            "second": second, "second_seconds": round(second_seconds, 2), "rows": rows,
            "within_target": max(first_seconds, second_seconds) <= TARGET_SECONDS,
            "nothing_twice": second == {"due_soon": 0, "overdue": 0}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20,000 open tasks")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"))
    args = parser.parse_args()
    open_tasks = 20_000 if args.quick else 100_000
    if args.backend in (None, "sqlite"):
        with seeding.sqlite_database() as url:
            print("sqlite", measure(url, open_tasks))
    if args.backend in (None, "postgresql") and seeding.postgres_available():
        with seeding.postgres_database("vinhdanh_bench_sweep") as url:
            print("postgresql", measure(url, open_tasks))


if __name__ == "__main__":
    main()
