"""Does a step cost more when the dossier has a long history? The demo process, returned 50 times.

workflows/demo_approval.bpmn: the officer drafts (form demo_draft.form), the unit head signs or
returns the dossier to the draft. Several dossiers are served over HTTP (SQLite, `make run`'s
server) and each is returned 50 times; one cycle is the draft completion plus the sign completion.
At the 1st, 10th, 25th and 50th return we report the median cycle time (over the dossiers and the
cycles either side of it), the stored state JSON size, and the engine alone: runtime.complete_task
of the draft on the stored state, in this process and never saved.
"""

from __future__ import annotations

import json
import statistics
import time

from service.db import make_engine, make_session_factory
from service.engine import runtime
from service.models import ProcessInstance
from service.operations import stepping

from . import cpu, seeding, server
from .client import ApiClient

PROCESS = "demo_approval"
RETURNS = 50
CHECKPOINTS = (1, 10, 25, 50)
DEADLINE_SECONDS = 300
DRAFT = {"nominee_name": "Phòng Chuyển đổi số", "nominee_kind": "collective", "dx_index_score": 87.5,
         "achievement_summary": "Hoàn thành xuất sắc nhiệm vụ chuyển đổi số năm 2025."}
RETURN = {"decision": "return", "return_reason": "Bổ sung minh chứng thành tích."}


def _complete(client: ApiClient, task_id: str, data: dict) -> tuple[float, dict]:
    reply = client.call("POST", f"/api/v1/tasks/{task_id}/complete", {"data": data})
    if reply.status != 200:
        raise RuntimeError(f"complete {task_id}: HTTP {reply.status} {reply.body}")
    return reply.seconds, reply.body["instance"]


def _task(instance: dict, element_id: str) -> str:
    [task] = [t for t in instance["tasks"] if t["element_id"] == element_id]
    return task["id"]


def _stored(factory, instance_id: int):
    with factory() as session:
        instance = session.get(ProcessInstance, instance_id)
        spec, subs = stepping.spec_for(session, instance)
        return json.dumps(instance.state), spec, subs


def _engine_only(stored: str, spec, subs, task_id: str, repeats: int) -> float:
    """Median ms of deserialize + complete the draft + serialize, on the stored state; never saved."""
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        result = runtime.complete_task(json.loads(stored), spec, subs, task_id, DRAFT)
        json.dumps(result.state)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def _window(cycle: int) -> range:
    """The cycles whose times stand for `cycle`: it and its neighbours, inside 1..RETURNS."""
    low = max(1, min(cycle - 1, RETURNS - 2))
    return range(low, low + 3)


def measure(port: int, url: str, cast: seeding.Cast, dossiers: int, server_pid: int | None = None) -> dict:
    officer = ApiClient(port).login(cast.officers[0], seeding.PASSWORD)
    head = ApiClient(port).login(cast.heads[0], seeding.PASSWORD)
    superior = ApiClient(port).login(cast.superior, seeding.PASSWORD)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    cycles: dict[int, list[float]] = {k: [] for k in range(1, RETURNS + 1)}
    drafts: dict[int, list[float]] = {k: [] for k in range(1, RETURNS + 1)}
    sizes: dict[int, list[int]] = {k: [] for k in CHECKPOINTS}
    engine_ms: dict[int, list[float]] = {k: [] for k in CHECKPOINTS}
    server_cpu: dict[int, float] = {}  # server CPU ms per cycle (draft + sign), averaged over the dossiers
    deadline = time.monotonic() + DEADLINE_SECONDS
    try:
        open_drafts = {}
        for _ in range(dossiers):
            reply = officer.call("POST", "/api/v1/process-instances", {"process_key": PROCESS})
            if reply.status != 201:
                raise RuntimeError(f"start: HTTP {reply.status} {reply.body}")
            open_drafts[reply.body["id"]] = _task(reply.body, "draft")
        for cycle in range(1, RETURNS + 1):
            if time.monotonic() > deadline:
                break
            cpu_before = cpu.tree_cpu(server_pid) if server_pid else {}
            checkpoint_work = []
            for instance_id, draft_id in open_drafts.items():
                draft_seconds, instance = _complete(officer, draft_id, DRAFT)
                sign_seconds, instance = _complete(head, _task(instance, "sign"), RETURN)
                open_drafts[instance_id] = _task(instance, "draft")
                cycles[cycle].append(draft_seconds + sign_seconds)
                drafts[cycle].append(draft_seconds)
                if cycle in CHECKPOINTS:
                    checkpoint_work.append(instance_id)
            if server_pid:
                server_cpu[cycle] = cpu.spent(cpu_before, cpu.tree_cpu(server_pid)) * 1000 / len(open_drafts)
            for instance_id in checkpoint_work:  # after the CPU reading: this runs in our process, not the server
                stored, spec, subs = _stored(factory, instance_id)
                sizes[cycle].append(len(stored))
                engine_ms[cycle].append(_engine_only(stored, spec, subs, open_drafts[instance_id], 5))
        finished = _finish(officer, head, superior, open_drafts)
    finally:
        engine.dispose()
        for client in (officer, head, superior):
            client.close()
    return _summary(cycles, drafts, sizes, engine_ms, server_cpu, finished)


def _finish(officer: ApiClient, head: ApiClient, superior: ApiClient, open_drafts: dict) -> int:
    """Approve and confirm every dossier: the long history must still run to the end."""
    completed = 0
    for draft_id in open_drafts.values():
        _seconds, instance = _complete(officer, draft_id, DRAFT)
        _seconds, instance = _complete(head, _task(instance, "sign"), {"decision": "approve"})
        _seconds, instance = _complete(superior, _task(instance, "confirm"), {})
        completed += instance["status"] == "completed"
    return completed


def _ratio(checkpoints: dict, key: str) -> float | None:
    first, last = checkpoints.get(1, {}).get(key), checkpoints.get(RETURNS, {}).get(key)
    return last / first if first and last else None


def _summary(cycles, drafts, sizes, engine_ms, server_cpu, finished: int) -> dict:
    checkpoints = {}
    for k in CHECKPOINTS:
        window = [value for c in _window(k) for value in cycles[c]]
        draft_window = [value for c in _window(k) for value in drafts[c]]
        if not window:
            continue
        checkpoints[k] = {
            "cycle_median_ms": statistics.median(window) * 1000,
            "draft_median_ms": statistics.median(draft_window) * 1000,
            "state_bytes": int(statistics.median(sizes[k])) if sizes[k] else None,
            "engine_only_ms": statistics.median(engine_ms[k]) if engine_ms[k] else None,
            # A mean, not a median: /proc counts CPU in 10 ms ticks, so single cycles are coarse.
            "server_cpu_ms": (statistics.fmean([server_cpu[c] for c in _window(k) if c in server_cpu])
                              if any(c in server_cpu for c in _window(k)) else None),
            "samples": len(window),
        }
    return {"checkpoints": checkpoints, "cycle_ratio_50_1": _ratio(checkpoints, "cycle_median_ms"),
            "server_cpu_ratio_50_1": _ratio(checkpoints, "server_cpu_ms"),
            "engine_ratio_50_1": _ratio(checkpoints, "engine_only_ms"),
            "state_size_ratio_50_1": _ratio(checkpoints, "state_bytes"),
            "dossiers_completed_after_50_returns": finished,
            "returns": max((k for k, v in cycles.items() if v), default=0)}


def run(quick: bool = False) -> dict:
    """A fresh SQLite service; `dossiers` demo dossiers each returned 50 times."""
    dossiers = 3 if quick else 7
    with seeding.sqlite_database() as url:
        cast = seeding.seed(url)
        with server.make_run(url) as served:
            result = measure(served.port, url, cast, dossiers, server_pid=served.pid)
            result["server"] = served.description
    result["dossiers"] = dossiers
    return result


def report(result: dict) -> None:
    print(f"history growth (demo_approval returned {result['returns']} times, {result['dossiers']} dossiers,"
          f" HTTP on SQLite, {result['server']})")
    print("  return  cycle (draft+sign)  of which draft  server CPU/cycle  engine only (draft)  state JSON")
    for k, c in result["checkpoints"].items():
        print(f"  {k:>6}  {c['cycle_median_ms']:14.3f} ms  {c['draft_median_ms']:10.3f} ms"
              f"  {_ms(c['server_cpu_ms']):>16}  {_ms(c['engine_only_ms']):>19}  {c['state_bytes']:>9} B")
    print(f"  50th/1st: cycle {_x(result['cycle_ratio_50_1'])}, server CPU {_x(result['server_cpu_ratio_50_1'])},"
          f" engine {_x(result['engine_ratio_50_1'])}, state size {_x(result['state_size_ratio_50_1'])};"
          f" dossiers completed afterwards {result['dossiers_completed_after_50_returns']}/{result['dossiers']}")


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f} ms"


def _x(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


if __name__ == "__main__":
    report(run(quick=True))
