"""Does a step cost more when the dossier has a long history? The demo process, returned 50 times.

workflows/demo_approval.bpmn: the officer drafts (form demo_draft.form), the unit head signs or
returns the dossier to the draft. Several dossiers are served over HTTP (SQLite, `make run`'s
server) and each is returned 50 times; one cycle is the draft completion plus the sign completion.
At the 1st, 10th, 25th and 50th return we report the median cycle time (over the dossiers and the
cycles either side of it), the server's CPU per cycle, the stored state JSON size, and the engine
alone: runtime.complete_task of the draft on the stored state, in this process and never saved.

The ratios compare the 50th return with a 1st return timed beside it: at each checkpoint as many
new dossiers go through their first cycle, taking turns with the old ones (same moment, same server), and
their engine-only time is taken interleaved with the old ones'. This machine's speed drifts from
minute to minute (a cycle at the 1st return, taken minutes before the 50th, measured 4.8 ms in one
run and 11.4 ms in the next), so a 1st return timed minutes earlier says more about the machine
than about the history; that ratio is still printed ("apart"). Server CPU is read per thread to
the nanosecond (`cpu.tree_thread_cpu`): a cycle costs a few milliseconds, /proc's ticks are 10 ms.
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


def _checkpoint_of(cycle: int) -> int | None:
    """The checkpoint whose window holds `cycle` (the windows do not overlap)."""
    return next((k for k in CHECKPOINTS if cycle in _window(k)), None)


def _start(officer: ApiClient, count: int) -> dict[int, str]:
    """`count` new dossiers at their draft: instance id -> draft task id."""
    started = {}
    for _ in range(count):
        reply = officer.call("POST", "/api/v1/process-instances", {"process_key": PROCESS})
        if reply.status != 201:
            raise RuntimeError(f"start: HTTP {reply.status} {reply.body}")
        started[reply.body["id"]] = _task(reply.body, "draft")
    return started


def _cycle(officer: ApiClient, head: ApiClient, draft_id: str) -> tuple[float, float, str]:
    """Draft and return one dossier: cycle seconds, draft seconds, the new draft's task id."""
    draft_seconds, instance = _complete(officer, draft_id, DRAFT)
    sign_seconds, instance = _complete(head, _task(instance, "sign"), RETURN)
    return draft_seconds + sign_seconds, draft_seconds, _task(instance, "draft")


def measure(port: int, url: str, cast: seeding.Cast, dossiers: int, server_pid: int | None = None) -> dict:
    officer = ApiClient(port).login(cast.officers[0], seeding.PASSWORD)
    head = ApiClient(port).login(cast.heads[0], seeding.PASSWORD)
    superior = ApiClient(port).login(cast.superior, seeding.PASSWORD)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    cycles: dict[int, list[float]] = {k: [] for k in range(1, RETURNS + 1)}
    drafts: dict[int, list[float]] = {k: [] for k in range(1, RETURNS + 1)}
    beside: dict[int, list[float]] = {k: [] for k in CHECKPOINTS}  # 1st cycles of new dossiers, per window
    sizes: dict[int, list[int]] = {k: [] for k in CHECKPOINTS}
    engine_ms: dict[int, list[float]] = {k: [] for k in CHECKPOINTS}
    engine_beside: dict[int, list[float]] = {k: [] for k in CHECKPOINTS}
    # Server CPU ms of each cycle (draft + sign) in the checkpoints' windows: the old dossiers', the new ones'.
    server_cpu: dict[int, list[float]] = {k: [] for k in CHECKPOINTS}
    cpu_beside: dict[int, list[float]] = {k: [] for k in CHECKPOINTS}
    deadline = time.monotonic() + DEADLINE_SECONDS
    try:
        open_drafts = _start(officer, dossiers)
        for cycle in range(1, RETURNS + 1):
            if time.monotonic() > deadline:
                break
            checkpoint = _checkpoint_of(cycle)
            counted = bool(checkpoint and server_pid)  # server CPU is read in the checkpoints' windows only
            # New dossiers for a 1st return beside this one (their start is not part of a cycle).
            fresh = _start(officer, dossiers) if checkpoint else {}
            fresh_items = list(fresh.items())
            for index, (instance_id, draft_id) in enumerate(list(open_drafts.items())):
                turns = [(False, instance_id, draft_id)]
                if fresh_items:
                    turns.append((True, *fresh_items[index]))
                if index % 2:
                    turns.reverse()  # the old and the new dossier take turns going first: neither gains by it
                for is_fresh, turn_id, turn_draft in turns:
                    before = cpu.tree_thread_cpu(server_pid) if counted else {}
                    seconds, draft_seconds, next_draft = _cycle(officer, head, turn_draft)
                    if is_fresh:
                        fresh[turn_id] = next_draft
                        beside[checkpoint].append(seconds)
                    else:
                        open_drafts[turn_id] = next_draft
                        cycles[cycle].append(seconds)
                        drafts[cycle].append(draft_seconds)
                    if counted:
                        used = cpu.spent(before, cpu.tree_thread_cpu(server_pid)) * 1000
                        (cpu_beside if is_fresh else server_cpu)[checkpoint].append(used)
            if cycle in CHECKPOINTS:  # outside the CPU readings: this runs in our process, not the server
                pairs = zip(open_drafts.items(), fresh.items(), strict=True)
                for (instance_id, draft_id), (fresh_id, fresh_draft) in pairs:
                    stored, spec, subs = _stored(factory, instance_id)
                    sizes[cycle].append(len(stored))
                    fresh_stored, _spec, _subs = _stored(factory, fresh_id)
                    for _ in range(3):  # interleaved: the machine's speed of the moment is the same for both
                        engine_ms[cycle].append(_engine_only(stored, spec, subs, draft_id, 3))
                        engine_beside[cycle].append(_engine_only(fresh_stored, spec, subs, fresh_draft, 3))
        finished = _finish(officer, head, superior, open_drafts)
    finally:
        engine.dispose()
        for client in (officer, head, superior):
            client.close()
    return _summary(cycles, drafts, beside, sizes, engine_ms, engine_beside, server_cpu, cpu_beside, finished)


def _finish(officer: ApiClient, head: ApiClient, superior: ApiClient, open_drafts: dict) -> int:
    """Approve and confirm every dossier: the long history must still run to the end."""
    completed = 0
    for draft_id in open_drafts.values():
        _seconds, instance = _complete(officer, draft_id, DRAFT)
        _seconds, instance = _complete(head, _task(instance, "sign"), {"decision": "approve"})
        _seconds, instance = _complete(superior, _task(instance, "confirm"), {})
        completed += instance["status"] == "completed"
    return completed


def _ratio(checkpoints: dict, key: str, baseline: int = 1, baseline_key: str | None = None) -> float | None:
    last = checkpoints.get(RETURNS, {}).get(key)
    first = checkpoints.get(baseline, {}).get(baseline_key or key)
    return last / first if first and last else None


def _summary(cycles, drafts, beside, sizes, engine_ms, engine_beside, server_cpu, cpu_beside, finished: int) -> dict:
    checkpoints = {}
    for k in CHECKPOINTS:
        window = [value for c in _window(k) for value in cycles[c]]
        draft_window = [value for c in _window(k) for value in drafts[c]]
        if not window:
            continue
        checkpoints[k] = {
            "cycle_median_ms": statistics.median(window) * 1000,
            "draft_median_ms": statistics.median(draft_window) * 1000,
            "beside_median_ms": statistics.median(beside[k]) * 1000 if beside[k] else None,
            "state_bytes": int(statistics.median(sizes[k])) if sizes[k] else None,
            "engine_only_ms": statistics.median(engine_ms[k]) if engine_ms[k] else None,
            "engine_beside_ms": statistics.median(engine_beside[k]) if engine_beside[k] else None,
            # Medians: the server's background work (timer loop, the PDF converter) lands in whichever cycle
            # is being counted when it runs.
            "server_cpu_ms": statistics.median(server_cpu[k]) if server_cpu[k] else None,
            "server_cpu_beside_ms": statistics.median(cpu_beside[k]) if cpu_beside[k] else None,
            "samples": len(window),
        }
    return {"checkpoints": checkpoints,
            # The 50th return against a 1st return timed beside it (see the module's docstring).
            "cycle_ratio_50_1": _ratio(checkpoints, "cycle_median_ms", RETURNS, "beside_median_ms"),
            "server_cpu_ratio_50_1": _ratio(checkpoints, "server_cpu_ms", RETURNS, "server_cpu_beside_ms"),
            "engine_ratio_50_1": _ratio(checkpoints, "engine_only_ms", RETURNS, "engine_beside_ms"),
            "state_size_ratio_50_1": _ratio(checkpoints, "state_bytes"),
            # The same against the dossiers' own 1st return, minutes earlier: the machine's drift included.
            "cycle_ratio_50_1_apart": _ratio(checkpoints, "cycle_median_ms"),
            "server_cpu_ratio_50_1_apart": _ratio(checkpoints, "server_cpu_ms"),
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
    print("  return  cycle (draft+sign)  1st return beside  server CPU/cycle  beside      engine only (draft)"
          "  beside     state JSON")
    for k, c in result["checkpoints"].items():
        print(f"  {k:>6}  {c['cycle_median_ms']:14.3f} ms  {_ms(c['beside_median_ms']):>17}"
              f"  {_ms(c['server_cpu_ms']):>16}  {_ms(c['server_cpu_beside_ms']):>10}"
              f"  {_ms(c['engine_only_ms']):>19}  {_ms(c['engine_beside_ms']):>9}  {c['state_bytes']:>9} B")
    print(f"  50th return / a 1st return beside it: cycle {_x(result['cycle_ratio_50_1'])},"
          f" server CPU {_x(result['server_cpu_ratio_50_1'])}, engine {_x(result['engine_ratio_50_1'])};"
          f" state size 50th/1st {_x(result['state_size_ratio_50_1'])}")
    print(f"  50th / the dossiers' own 1st return, minutes apart: cycle {_x(result['cycle_ratio_50_1_apart'])},"
          f" server CPU {_x(result['server_cpu_ratio_50_1_apart'])}; dossiers completed afterwards"
          f" {result['dossiers_completed_after_50_returns']}/{result['dossiers']}")


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f} ms"


def _x(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


if __name__ == "__main__":
    report(run(quick=True))
