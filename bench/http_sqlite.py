"""Latency over HTTP on SQLite with one server worker: instance start, task completion, inbox query.

A fresh SQLite file is migrated and seeded (bench.seeding), served by the server `make run` starts
(`run.py`: Granian, one WSGI worker process on SQLite, with its timer loop and PDF converter),
and one keep-alive client measures each call from sending the request to reading the whole
response (one request at a time, like SpiffArena's one-worker figure).
"""

from __future__ import annotations

import time

from . import cpu, engine_floor, seeding, server
from .client import ApiClient
from .stats import line, summarize

PROCESS = "three_lanes"
DEADLINE_SECONDS = 300  # every phase stops here whatever the sample count
FLOOR_BLOCK = 10  # instances walked over HTTP, then as many raw, in turn


class UnexpectedReply(RuntimeError):
    pass


def _expect(reply, status: int, what: str):
    if reply.status != status:
        raise UnexpectedReply(f"{what}: HTTP {reply.status} {reply.body}")
    return reply


def _people(port: int, cast: seeding.Cast) -> tuple[ApiClient, ApiClient, ApiClient]:
    officer = ApiClient(port).login(cast.officers[0], seeding.PASSWORD)
    head = ApiClient(port).login(cast.heads[0], seeding.PASSWORD)
    superior = ApiClient(port).login(cast.superior, seeding.PASSWORD)
    return officer, head, superior


def measure(port: int, cast: seeding.Cast, samples: int, warmup: int = 20, server_pid: int | None = None) -> dict:
    """Start `samples` instances, query inboxes `samples` times, complete every task of every instance.

    With `server_pid`, the server's CPU time per request is measured for each phase too.
    """
    officer, head, superior = _people(port, cast)
    meter = _CpuMeter(server_pid)
    deadline = time.monotonic() + DEADLINE_SECONDS
    try:
        for _ in range(warmup):
            instance_id, task_id, _seconds = _start(officer)
            _walk(officer, head, superior, instance_id, task_id)
        starts, first_tasks = [], []
        meter.mark()
        for _ in range(samples):
            if time.monotonic() > deadline:
                break
            instance_id, task_id, seconds = _start(officer)
            starts.append(seconds)
            first_tasks.append((instance_id, task_id))
        meter.record("start", len(starts))
        inbox = {"officer": [], "head": [], "superior": []}
        inbox_total = {}
        for _ in range(samples):
            if time.monotonic() > deadline:
                break
            reply = _expect(officer.call("GET", "/api/v1/tasks"), 200, "inbox")
            inbox["officer"].append(reply.seconds)
            inbox_total["officer"] = reply.body["total"]
        meter.record("inbox", len(inbox["officer"]))
        by_step: dict[str, list[float]] = {"t1": [], "t2": [], "t3": []}
        # The engine floor is sampled between blocks of instances walked over HTTP (as many raw instances
        # after each block): on a shared machine whose speed drifts from minute to minute, the ratio of the
        # two compares them at the same moments. Blocks, not one by one, so that neither side runs mostly
        # on caches the other just emptied. The raw steps run here, in the client, while the server waits.
        stepper, floor = engine_floor.RawStepper(), []
        for _ in range(warmup):
            stepper.walk()
        meter.mark()  # the server idles while the client runs raw steps: its CPU is still per completion
        for index, (instance_id, task_id) in enumerate(first_tasks, start=1):
            if time.monotonic() > deadline:
                break
            for step, seconds in _walk(officer, head, superior, instance_id, task_id).items():
                by_step[step].append(seconds)
            if index % FLOOR_BLOCK == 0 or index == len(first_tasks):
                for _ in range(FLOOR_BLOCK if index % FLOOR_BLOCK == 0 else index % FLOOR_BLOCK):
                    floor.extend(stepper.walk())
        meter.record("complete", sum(len(values) for values in by_step.values()))
        for _ in range(len(inbox["officer"])):  # the other lanes' inboxes, now that they are empty again
            if time.monotonic() > deadline:
                break
            inbox["head"].append(_expect(head.call("GET", "/api/v1/tasks"), 200, "inbox").seconds)
            inbox["superior"].append(_expect(superior.call("GET", "/api/v1/tasks"), 200, "inbox").seconds)
        retries = officer.retries + head.retries + superior.retries
    finally:
        for client in (officer, head, superior):
            client.close()
    completions = by_step["t1"] + by_step["t2"] + by_step["t3"]
    return {
        "start": summarize(starts),
        "complete": summarize(completions),
        "complete_by_step": {step: summarize(values) for step, values in by_step.items()},
        "inbox": summarize(inbox["officer"]),
        "inbox_by_user": {who: summarize(values) for who, values in inbox.items()},
        "inbox_officer_open_tasks": inbox_total.get("officer"),
        "client_retries": retries,
        "server_cpu_ms": meter.per_request,
        "floor_interleaved": summarize(floor),
    }


class _CpuMeter:
    """Server CPU milliseconds per request, per phase (empty without a server pid)."""

    def __init__(self, pid: int | None):
        self.pid = pid
        self.per_request: dict[str, float] = {}
        self._last: dict[int, float] = {}

    def mark(self) -> None:
        if self.pid:
            self._last = cpu.tree_cpu(self.pid)

    def record(self, phase: str, requests: int) -> None:
        if self.pid and requests:
            now = cpu.tree_cpu(self.pid)
            self.per_request[phase] = cpu.spent(self._last, now) * 1000 / requests
            self._last = now


def _start(officer: ApiClient) -> tuple[int, str, float]:
    reply = _expect(officer.call("POST", "/api/v1/process-instances", {"process_key": PROCESS, "data": {}}),
                    201, "start")
    return reply.body["id"], reply.body["tasks"][0]["id"], reply.seconds


def _walk(officer: ApiClient, head: ApiClient, superior: ApiClient, instance_id: int, task_id: str) -> dict:
    """Complete t1, t2, t3 of one instance as the people of each lane; seconds per step."""
    seconds = {}
    for step, who in (("t1", officer), ("t2", head), ("t3", superior)):
        reply = _expect(who.call("POST", f"/api/v1/tasks/{task_id}/complete", {"data": {"step": step}}),
                        200, f"complete {step}")
        seconds[step] = reply.seconds
        instance = reply.body["instance"]
        if step == "t3":
            if instance["status"] != "completed":
                raise UnexpectedReply(f"instance {instance_id} not completed after t3: {instance['status']}")
        else:
            task_id = instance["tasks"][0]["id"]
    return seconds


def run(quick: bool = False, floor_ms: float | None = None) -> dict:
    """Serve a fresh SQLite database and measure start, completion and inbox latency."""
    samples = 100 if quick else 320
    with seeding.sqlite_database() as url:
        cast = seeding.seed(url)
        with server.make_run(url) as served:
            result = measure(served.port, cast, samples, server_pid=served.pid)
            result["server"] = served.description
    # The ratio uses the floor sampled between the completions; `floor_ms` (the engine_floor section's,
    # measured minutes earlier) is shown beside it, to see how far the machine drifted meanwhile.
    result["floor_ms"] = result["floor_interleaved"]["median_ms"]
    result["floor_separate_ms"] = floor_ms
    result["complete_over_floor"] = result["complete"]["median_ms"] / result["floor_ms"]
    return result


def report(result: dict) -> None:
    print(f"HTTP on SQLite ({result['server']}, one keep-alive client)")
    print(line("POST /process-instances (start)", result["start"]))
    print(line("POST /tasks/{id}/complete", result["complete"]))
    for step, summary in result["complete_by_step"].items():
        print(line(f"  complete {step}", summary))
    print(line("GET /tasks (officer inbox)", result["inbox"]))
    for who, summary in result["inbox_by_user"].items():
        print(line(f"  inbox of {who}", summary))
    separate = result["floor_separate_ms"]
    print(f"  officer inbox held {result['inbox_officer_open_tasks']} open tasks;"
          f" completion / raw step = {result['complete_over_floor']:.2f}x"
          f" (raw step {result['floor_ms']:.3f} ms, sampled between the completions"
          + (f"; {separate:.3f} ms in the engine-floor section" if separate else "")
          + f"); client retries {result['client_retries']}")
    cpu_ms = ", ".join(f"{phase} {ms:.2f} ms" for phase, ms in result["server_cpu_ms"].items())
    print(f"  server CPU per request (independent of machine load): {cpu_ms}")


if __name__ == "__main__":
    report(run(quick=True))
