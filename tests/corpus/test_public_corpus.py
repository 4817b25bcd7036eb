"""Public BPMN diagrams written by others, deployed and driven through the API (an external corpus).

Point VINHDANH_CORPUS at one or more directories (os.pathsep-separated) holding .bpmn files, e.g. checkouts
of the BPMN MIWG test suite, Camunda's examples or SpiffWorkflow's sample models; nothing from them is
kept in this repository. Each .bpmn is deployed with the .dmn and .form files of its own directory; the
test prints one line per diagram (refused with the reasons, deployed with its warnings, completed) and,
with VINHDANH_CORPUS_REPORT=path, writes them as JSON. Skipped when the variable is unset, CI included:
the corpus is not part of the project. It fails only if the service crashes (a 500) on a diagram.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from tests.corpus.driver import RUNNER, Driver

CORPUS = [Path(p) for p in os.environ.get("VINHDANH_CORPUS", "").split(os.pathsep) if p]
MAX_BYTES = 2_000_000


def _diagrams() -> list[Path]:
    found: list[Path] = []
    for root in CORPUS:
        found.extend(sorted(p for p in root.rglob("*") if p.suffix.lower() == ".bpmn" and p.is_file()))
    return [p for p in found if p.stat().st_size <= MAX_BYTES]


_PROCESS_ID = re.compile(rb"<(?:\w+:)?process\b[^>]*?\sid=\"([^\"]+)\"")
_CALLED = re.compile(rb"calledElement=\"([^\"$#{}]+)\"")


def _process_index(diagrams: list[Path]) -> dict[str, list[Path]]:
    """process id -> the files defining it (several tools export the same model)."""
    index: dict[str, list[Path]] = {}
    for path in diagrams:
        for process_id in _PROCESS_ID.findall(path.read_bytes()):
            index.setdefault(process_id.decode(), []).append(path)
    return index


_DECISION_ID = re.compile(rb"<(?:\w+:)?decision\b[^>]*?\sid=\"([^\"]+)\"")
_FORM_ID = re.compile(rb"\"id\"\s*:\s*\"([^\"]+)\"")


def _referenced(sibling: Path, diagram: bytes) -> bool:
    """Whether the diagram names this .dmn's decisions or this .form (by file name or form id)."""
    content = sibling.read_bytes()
    if sibling.suffix.lower() == ".dmn":
        return any(b'"' + d + b'"' in diagram or b">" + d + b"<" in diagram for d in _DECISION_ID.findall(content))
    names = {sibling.name.encode(), sibling.stem.encode(), *_FORM_ID.findall(content)[:1]}
    return any(name in diagram for name in names)


def _bundle(path: Path, index: dict[str, list[Path]]) -> dict[str, bytes]:
    """The diagram, the .dmn and .form files beside it that it names, and the diagrams defining what it
    calls (preferring one in the same directory)."""
    files = {path.name: path.read_bytes()}
    for sibling in sorted(path.parent.iterdir()):
        if sibling.suffix.lower() in (".dmn", ".form") and sibling.is_file() and _referenced(sibling, files[path.name]):
            files.setdefault(sibling.name, sibling.read_bytes())
    pending, defined = [files[path.name]], set()
    while pending:
        content = pending.pop()
        defined.update(p.decode() for p in _PROCESS_ID.findall(content))
        for called in {c.decode() for c in _CALLED.findall(content)} - defined:
            candidates = sorted(index.get(called, []), key=lambda c: (c.parent != path.parent, str(c)))
            if candidates and candidates[0].name not in files:
                files[candidates[0].name] = candidates[0].read_bytes()
                pending.append(files[candidates[0].name])
            defined.add(called)
    return files


@pytest.mark.skipif(not CORPUS, reason="VINHDANH_CORPUS is not set (an external corpus of public diagrams)")
def test_public_corpus(client, login, session, create_org_unit, create_user, capsys):
    create_org_unit("CITY", kind="city_peoples_committee")
    create_user(RUNNER, "CITY", ["process_admin", "system_admin"])
    driver = Driver(client, login, session)
    outcomes = []
    diagrams = _diagrams()
    index = _process_index(diagrams)
    for path in diagrams:
        outcome = driver.deploy(str(path), _bundle(path, index))
        assert outcome.status != 500, path
        if outcome.deployed:
            driver.run(outcome)
        outcomes.append(outcome)
        with capsys.disabled():
            print(outcome.line())
    summary = {
        "diagrams": len(outcomes),
        "deployed": sum(o.deployed for o in outcomes),
        "with_warnings": sum(bool(o.warnings) for o in outcomes if o.deployed),
        "refused": sum(not o.deployed for o in outcomes),
        "completed": sum(o.completed for o in outcomes),
    }
    with capsys.disabled():
        print(json.dumps(summary))
    report = os.environ.get("VINHDANH_CORPUS_REPORT")
    if report:
        Path(report).write_text(json.dumps({"summary": summary, "diagrams": [
            {"file": o.name, "status": o.status, "problems": o.problems, "warnings": o.warnings,
             "processes": o.processes} for o in outcomes]}, ensure_ascii=False, indent=1), encoding="utf-8")
    assert outcomes
    crashed = [(o.name, v) for o in outcomes for v in o.processes.values() if "500" in v.split(":")[0]]
    assert not crashed, crashed  # a diagram may be refused or fail its instance, never crash the service
