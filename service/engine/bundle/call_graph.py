"""Call activities that make a process call itself, directly or through others, are refused.

SpiffWorkflow 3.2 expands a called process when the call activity is reached and keeps no bound on
nesting, so a recursive call never returns (the request that started the instance would spin). The
cycle is reported on the call activity that closes it.
"""

from __future__ import annotations

from lxml import etree

from service.engine.bundle.namespaces import bpmn
from service.engine.bundle.problems import ProblemCollector


def check_call_cycles(bpmn_files: list[tuple[str, etree._Element]], collector: ProblemCollector) -> None:
    """Report each call activity through which a process of the bundle reaches itself again."""
    calls: dict[str, list[tuple[str, str, etree._Element]]] = {}
    for filename, root in bpmn_files:
        for process in root.iterchildren(bpmn("process")):
            process_id = process.get("id")
            if not process_id:
                continue
            for call in process.iter(bpmn("callActivity")):
                called = (call.get("calledElement") or "").strip()
                if called:
                    calls.setdefault(process_id, []).append((called, filename, call))
    reported: set[int] = set()
    for start in calls:
        for path, (filename, call) in _cycles_from(start, calls):
            if id(call) not in reported:
                reported.add(id(call))
                collector.at("call_cycle", filename, call, process=start, path=" → ".join(path))


def _cycles_from(start: str, calls: dict) -> list[tuple[list[str], tuple[str, etree._Element]]]:
    found = []
    stack = [(start, [start])]
    seen = {start}
    while stack:
        current, path = stack.pop()
        for called, filename, call in calls.get(current, []):
            if called == start:
                found.append(([*path, called], (filename, call)))
            elif called not in seen:
                seen.add(called)
                stack.append((called, [*path, called]))
    return found
