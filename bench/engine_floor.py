"""The engine floor: what one completion costs inside SpiffWorkflow alone, without HTTP or SQL.

Raw: SpiffWorkflow 3.2.0 as shipped — the CamundaParser and the stock BpmnWorkflowSerializer, whose
JSON embeds the process spec in every state. Ours: service.engine.runtime.complete_task on the
spec-less state the service stores (specs deserialised once per version). Both are timed from the
stored JSON text to the new JSON text: deserialize + complete one user task + do_engine_steps +
serialize.

SpiffWorkflow is imported here (outside service/engine/) on purpose: the floor is the library used
the way its documentation shows, with none of our code in the way.
"""

from __future__ import annotations

import json
import time

from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG
from SpiffWorkflow.util.task import TaskState

from service.engine import runtime
from service.engine.parsing import parse_bundle
from service.engine.serialization import specs_from_dict, specs_to_dict

from .seeding import THREE_LANES
from .stats import line, summarize

PROCESS = "three_lanes"
SUBMITTED = {"note": "Hồ sơ đã soạn xong"}


class RawStepper:
    """Raw SpiffWorkflow on three_lanes.bpmn, ready to walk instances one at a time: the floor can be sampled
    between other measurements (interleaved, both see the machine as it is at that moment)."""

    def __init__(self) -> None:
        parser = CamundaParser()
        parser.add_bpmn_file(str(THREE_LANES))
        spec, subs = parser.get_spec(PROCESS), parser.get_subprocess_specs(PROCESS)
        self.serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(CAMUNDA_CONFIG))
        workflow = BpmnWorkflow(spec, subs)
        workflow.do_engine_steps()
        self.initial = self.serializer.serialize_json(workflow)

    def walk(self) -> list[float]:
        """One instance's three completions, each from stored JSON to stored JSON; seconds per step."""
        stored, samples, workflow = self.initial, [], None
        for _step in range(3):
            started = time.perf_counter()
            workflow = self.serializer.deserialize_json(stored)
            [task] = workflow.get_tasks(state=TaskState.READY, manual=True)
            task.data.update(SUBMITTED)
            task.run()
            workflow.do_engine_steps()
            stored = self.serializer.serialize_json(workflow)
            samples.append(time.perf_counter() - started)
        if workflow is None or not workflow.completed:
            raise RuntimeError("raw SpiffWorkflow run did not complete the three lanes")
        return samples


def _raw_samples(instances: int) -> tuple[list[float], int]:
    stepper = RawStepper()
    samples: list[float] = []
    for _ in range(instances):
        samples.extend(stepper.walk())
    return samples, len(stepper.initial)


def _our_samples(instances: int) -> tuple[list[float], int]:
    bundle = parse_bundle({THREE_LANES.name: THREE_LANES.read_bytes()}, {}, {})
    # The same round trip the service makes: specs stored once per version, loaded into the cache.
    specs, subs = specs_from_dict(json.loads(json.dumps(specs_to_dict(
        {PROCESS: bundle.specs[PROCESS]}, bundle.subprocess_specs))))
    spec = specs[PROCESS]
    first = runtime.start(spec, subs, {})
    initial = json.dumps(first.state)
    first_task = first.human_tasks[0].task_id
    samples: list[float] = []
    for _ in range(instances):
        stored, task_id = initial, first_task
        result = None
        for _step in range(3):
            started = time.perf_counter()
            result = runtime.complete_task(json.loads(stored), spec, subs, task_id, SUBMITTED)
            stored = json.dumps(result.state)
            samples.append(time.perf_counter() - started)
            task_id = result.human_tasks[0].task_id if result.human_tasks else ""
        if result is None or result.status != "completed":
            raise RuntimeError("our runtime did not complete the three lanes")
    return samples, len(initial)


def run(quick: bool = False) -> dict:
    """Per-completion cost of raw SpiffWorkflow and of our runtime on three_lanes.bpmn."""
    instances = 100 if quick else 300
    _raw_samples(10)  # warm-up: imports, caches, first-call costs
    _our_samples(10)
    raw, raw_size = _raw_samples(instances)
    ours, our_size = _our_samples(instances)
    result = {
        "raw": summarize(raw), "ours": summarize(ours),
        "raw_state_bytes": raw_size, "our_state_bytes": our_size,
    }
    result["ours_over_raw"] = result["ours"]["median_ms"] / result["raw"]["median_ms"]
    return result


def report(result: dict) -> None:
    print("engine floor (three_lanes.bpmn, deserialize + complete + engine steps + serialize)")
    print(line("raw SpiffWorkflow, stock serializer", result["raw"]))
    print(line("our runtime, spec-less state", result["ours"]))
    print(f"  state JSON after start: stock {result['raw_state_bytes']} B, ours {result['our_state_bytes']} B;"
          f" ours/raw median {result['ours_over_raw']:.2f}x")


if __name__ == "__main__":
    report(run(quick=True))
