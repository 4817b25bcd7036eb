"""What the sandbox's backstop costs: guarded code run in a helper process instead of the server's own.

Two figures, in process (`isolated=False`, the static guards alone) and isolated (the service's
setting: guarded code goes to a helper process over a pipe):
- one run of code the shipped diagrams use: a guard-free condition (`decision == "return"`, which
  stays in the server either way), a guarded condition and a return script;
- one completion in the engine (`runtime.complete_task`: deserialize, complete the user task, run the
  script task after it, serialize) on tests/fixtures/elements/script_error.bpmn.
The HTTP benchmarks' diagrams (three_lanes, demo_approval) run no guarded code, so their completions
never reach a helper: compare them before and after for the cost of the guards alone.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from service.engine import runtime, script_engine
from service.engine.parsing import parse_bundle
from service.engine.sandbox import SandboxedEnvironment
from service.engine.serialization import specs_from_dict, specs_to_dict

from .stats import line, summarize

FIXTURE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "elements" / "script_error.bpmn"
PROCESS = "el_script_error"
DATA = {
    "decision": "return", "return_reason": "Thiếu bản sao quyết định khen thưởng năm 2024",
    "flagged": [{"nominee_id": i, "reason": "Chưa đủ điều kiện"} for i in range(3)],
    "nominees": [{"nominee_id": i, "full_name": f"Nguyễn Văn {i}", "kind": "individual"} for i in range(10)],
}
SNIPPETS = {
    "guard-free condition": ("eval", 'decision == "return"'),
    "guarded condition": ("eval", "len(flagged) > 0"),
    "return script": ("exec", 'revision_request = {"step": "Thủ trưởng đơn vị", "reason": return_reason, '
                              '"decision": decision}'),
}  # fmt: skip


def _runs(environment: SandboxedEnvironment, mode: str, code: str, count: int) -> list[float]:
    samples = []
    for _ in range(count):
        data = json.loads(json.dumps(DATA))
        started = time.perf_counter()
        if mode == "eval":
            environment.evaluate(code, data)
        else:
            environment.execute(code, data)
        samples.append(time.perf_counter() - started)
    return samples


def _completions(count: int) -> list[float]:
    bundle = parse_bundle({FIXTURE.name: FIXTURE.read_bytes()}, {}, {})
    specs, subs = specs_from_dict(
        json.loads(json.dumps(specs_to_dict({PROCESS: bundle.specs[PROCESS]}, bundle.subprocess_specs)))
    )
    first = runtime.start(specs[PROCESS], subs, {})
    stored, task_id = json.dumps(first.state), first.human_tasks[0].task_id
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        result = runtime.complete_task(json.loads(stored), specs[PROCESS], subs, task_id, {"total": 10, "count": 4})
        json.dumps(result.state)
        samples.append(time.perf_counter() - started)
        if result.error or result.human_tasks[0].element_id != "after":
            raise RuntimeError(f"the script task did not run: {result.error}")
    return samples


def run(quick: bool = False) -> dict:
    """Per-run and per-completion cost, in process and isolated."""
    count = 200 if quick else 1000
    result: dict = {}
    for isolated in (False, True):
        mode = "isolated" if isolated else "in_process"
        environment = SandboxedEnvironment(isolated=isolated)
        for name, (kind, code) in SNIPPETS.items():
            _runs(environment, kind, code, 20)  # warm-up: the helper starts, code is compiled once
            result[f"{mode}: {name}"] = summarize(_runs(environment, kind, code, count))
        script_engine._environment.isolated = isolated  # the service's own environment
        try:
            _completions(20)
            result[f"{mode}: completion with a script task"] = summarize(_completions(count))
        finally:
            script_engine._environment.isolated = True
    return result


def report(result: dict) -> None:
    print("sandbox: one run, and one engine completion running a script task (in process vs isolated)")
    for label, summary in result.items():
        print(line(label, summary))


if __name__ == "__main__":
    report(run(quick=True))
