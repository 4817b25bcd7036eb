"""CPU seconds used by processes, read from /proc: a cost that does not depend on how busy the
machine is (wall-clock latency on a shared machine does)."""

from __future__ import annotations

import os
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name is in parentheses and may hold spaces: split after its closing one.
    return text[text.rindex(")") + 2:].split()


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of one process (0 when it is gone)."""
    fields = _stat(pid)
    if fields is None:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime (fields 14 and 15 of stat)


def descendants(pid: int) -> list[int]:
    """`pid` and every process below it."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields is not None:
                children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        pending.extend(children.get(current, []))
    return found


def tree_cpu(pid: int) -> dict[int, float]:
    """CPU seconds of `pid` and its descendants, per process id."""
    return {member: process_cpu(member) for member in descendants(pid)}


def tree_thread_cpu(pid: int) -> dict[tuple[int, int], float]:
    """CPU seconds of every thread of `pid` and its descendants, per (process, thread), to the nanosecond
    (the scheduler's own count, /proc/.../schedstat) where `tree_cpu` counts 10 ms ticks: for costs of a
    few milliseconds. A thread that ends between two readings takes its time since the first with it."""
    found: dict[tuple[int, int], float] = {}
    for member in descendants(pid):
        try:
            threads = [entry.name for entry in Path(f"/proc/{member}/task").iterdir()]
        except OSError:
            continue
        for tid in threads:
            try:
                nanoseconds = int(Path(f"/proc/{member}/task/{tid}/schedstat").read_text().split()[0])
            except (OSError, ValueError, IndexError):
                continue
            found[(member, int(tid))] = nanoseconds / 1e9
    return found


def database_cpu(url: str) -> dict[int, float]:
    """CPU seconds of the PostgreSQL backends serving `url`'s database (they run on this machine); {} on SQLite."""
    if not url.startswith("postgresql"):
        return {}
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            pids = list(connection.scalars(text(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")))
    finally:
        engine.dispose()
    return {pid: process_cpu(pid) for pid in pids}


def spent(before: dict, after: dict) -> float:
    """CPU seconds used between two readings (processes born in between count from zero)."""
    return sum(value - before.get(pid, 0.0) for pid, value in after.items())


def context_switches() -> int:
    """Context switches on the whole machine since boot (/proc/stat's ctxt): a handoff between threads or
    processes costs a switch each way, so their count per request shows how much handing-off a
    server configuration does, a count the machine's speed does not change."""
    with open("/proc/stat", encoding="ascii") as stat:
        for line in stat:
            if line.startswith("ctxt "):
                return int(line.split()[1])
    return 0
