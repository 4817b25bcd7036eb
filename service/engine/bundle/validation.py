"""Validate a whole deployment bundle (.bpmn, .dmn, .form files) before anything is deployed.

The engine calls validate_bundle() before handing files to SpiffWorkflow's parser; any problem means the
deploy is refused with 422 and `details.problems` (API.md). Every check reports where it found the
problem (file, element id, line) so an administrator can fix the diagram in the modeller.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from lxml import etree

from service.engine.bundle.bpmn_elements import check_elements
from service.engine.bundle.bpmn_expressions import SourceCheckers, default_expression_checker, default_script_checker
from service.engine.bundle.bpmn_graph import check_process_graph
from service.engine.bundle.call_graph import check_call_cycles
from service.engine.bundle.dmn import check_dmn
from service.engine.bundle.element_ids import report_duplicate_ids
from service.engine.bundle.extensions import check_extensions
from service.engine.bundle.forms import check_form
from service.engine.bundle.namespaces import BPMN_NS, CAMUNDA_NS, SPIFF_NS, bpmn, local_name, namespace_of
from service.engine.bundle.problems import DEFAULT_MAX_PROBLEMS, Problem, ProblemCollector, ProblemLimitReached
from service.engine.bundle.references import BundleIndex
from service.engine.bundle.schemas import bpmn_schema_errors, report_schema_errors
from service.engine.start_rules import STARTER_ROLES, starter_roles_declared
from service.engine.xml_safety import DEFAULT_MAX_BYTES, XmlProblem, parse_xml

Dialect = Literal["camunda", "spiff", "plain"]
FileKind = Literal["bpmn", "dmn", "form"]
DEFAULT_MAX_FILES = 100
# libxml2 builds a node path for every XSD error by walking the preceding siblings, so validating a file
# full of errors costs roughly (errors x siblings): ~0.6 s at 10 000 elements, ~10 s at 20 000. Real
# diagrams stay far below this (a 200-node Camunda diagram with its layout is ~3 000 elements).
DEFAULT_MAX_ELEMENTS = 10_000

_EXTENSIONS: tuple[tuple[str, FileKind], ...] = (
    (".bpmn20.xml", "bpmn"),
    (".bpmn", "bpmn"),
    (".dmn", "dmn"),
    (".form", "form"),
    (".json", "form"),
)

__all__ = ["Problem", "detect_dialect", "file_kind", "validate_bundle"]


def file_kind(filename: str) -> FileKind | None:
    """The kind of a bundle file from its extension (case-insensitive), or None if unsupported."""
    lowered = filename.lower()
    for suffix, kind in _EXTENSIONS:
        if lowered.endswith(suffix) and len(lowered) > len(suffix):
            return kind
    return None


def detect_dialect(root: etree._Element) -> Dialect:
    """Which modeller dialect a BPMN document uses: "camunda", "spiff" or "plain".

    Decided by the extension namespaces actually used in tags and attribute names; a namespace that is
    only declared (Camunda Modeler always declares camunda:) counts only when neither is used. When both
    are used, the one used more often wins, ties going to "spiff".
    """
    camunda_uses = spiff_uses = 0
    for element in root.iter(tag=etree.Element):
        namespaces = [namespace_of(element)] + [
            name[1:].split("}", 1)[0] for name in element.attrib if name.startswith("{")
        ]
        camunda_uses += namespaces.count(CAMUNDA_NS)
        spiff_uses += namespaces.count(SPIFF_NS)
    if camunda_uses or spiff_uses:
        return "camunda" if camunda_uses > spiff_uses else "spiff"
    declared = set(root.nsmap.values())
    if SPIFF_NS in declared:
        return "spiff"
    if CAMUNDA_NS in declared:
        return "camunda"
    return "plain"


@dataclass
class _Bundle:
    bpmn: list[tuple[str, etree._Element]] = field(default_factory=list)
    dmn: list[tuple[str, etree._Element]] = field(default_factory=list)
    forms: list[tuple[str, bytes]] = field(default_factory=list)
    order: dict[str, int] = field(default_factory=dict)
    loaded: bool = False
    unreadable_bpmn: int = 0


def validate_bundle(
    files: Mapping[str, bytes] | Iterable[tuple[str, bytes]],
    *,
    known_process_ids: set[str] | frozenset[str] = frozenset(),
    known_decision_ids: set[str] | frozenset[str] = frozenset(),
    known_form_ids: set[str] | frozenset[str] = frozenset(),
    known_role_keys: set[str] | frozenset[str] | None = None,
    expression_checker: Callable[[str], str | None] | None = None,
    script_checker: Callable[[str], str | None] | None = None,
    max_problems: int = DEFAULT_MAX_PROBLEMS,
    max_file_bytes: int = DEFAULT_MAX_BYTES,
    max_files: int = DEFAULT_MAX_FILES,
    max_elements: int = DEFAULT_MAX_ELEMENTS,
) -> list[Problem]:
    """Check every file of a bundle and the references between them; an empty list means deployable.

    `files` maps file name to content; a sequence of (name, content) pairs is accepted too, so repeated
    upload names can be reported. `expression_checker(source)` returns an error message or None; it
    checks conditions, timers and multi-instance expressions, and scripts as well unless
    `script_checker` is given. Without either, Python syntax is checked (eval mode for expressions,
    exec mode for scripts). With `known_role_keys`, every role a `starter_roles` property names must be
    one of them (without, as in an editor that has no database, they are not checked).
    """
    items = list(files.items()) if isinstance(files, Mapping) else list(files)
    collector = ProblemCollector(max_problems)
    if expression_checker is not None:
        checkers = SourceCheckers(expression_checker, script_checker or expression_checker)
    else:
        checkers = SourceCheckers(default_expression_checker, script_checker or default_script_checker)
    index = BundleIndex(frozenset(known_process_ids), frozenset(known_decision_ids), frozenset(known_form_ids))
    bundle = _Bundle()
    try:
        _load_files(items, bundle, collector, _Limits(max_file_bytes, max_files, max_elements))
        _check_dmn_files(bundle, index, collector)
        _check_form_files(bundle, index, collector)
        _index_processes(bundle, index, collector)
        for filename, root in bundle.bpmn:
            _check_bpmn_file(filename, root, index, checkers, collector)
        check_call_cycles(bundle.bpmn, collector)
        if known_role_keys is not None:
            _check_starter_roles(bundle, frozenset(known_role_keys), collector)
        _check_executable(bundle, collector)
    except ProblemLimitReached:
        pass
    # Upload order, then line: the order an administrator reads the files in.
    collector.problems.sort(key=lambda p: (bundle.order.get(p.file, len(bundle.order)), p.line or 0))
    return collector.finish()


@dataclass(frozen=True)
class _Limits:
    max_file_bytes: int
    max_files: int
    max_elements: int


def _load_files(items: list[tuple[str, bytes]], bundle: _Bundle, collector: ProblemCollector, limits: _Limits) -> None:
    if not items:
        collector.add("empty_bundle", "")
        return
    if len(items) > limits.max_files:
        collector.add("too_many_files", "", count=len(items), limit=limits.max_files)
        return
    seen: dict[str, str] = {}
    for filename, data in items:
        bundle.order.setdefault(filename, len(bundle.order))
        kind = file_kind(filename)
        folded = filename.rsplit("/", 1)[-1].casefold()
        if kind is None:
            collector.add("unknown_extension", filename)
        elif folded in seen:
            collector.add("duplicate_filename", filename, other=seen[folded])
        elif not data.strip():
            collector.add("empty_file", filename)
        elif len(data) > limits.max_file_bytes:
            collector.add("file_too_large", filename, size=len(data), limit=limits.max_file_bytes)
        elif kind == "form":
            bundle.forms.append((filename, data))
        else:
            root = _read_xml(filename, data, collector, limits)
            if root is not None:
                (bundle.bpmn if kind == "bpmn" else bundle.dmn).append((filename, root))
            elif kind == "bpmn":
                bundle.unreadable_bpmn += 1
        seen.setdefault(folded, filename)
    bundle.loaded = True


def _read_xml(filename: str, data: bytes, collector: ProblemCollector, limits: _Limits) -> etree._Element | None:
    try:
        root = parse_xml(data, filename=filename, max_bytes=limits.max_file_bytes)
    except XmlProblem as exc:
        collector.add("xml_refused", filename, line=exc.line, detail=exc.message, detail_en=exc.message_en)
        return None
    elements = sum(1 for _ in root.iter(tag=etree.Element))
    if elements > limits.max_elements:
        collector.add("too_many_elements", filename, count=elements, limit=limits.max_elements)
        return None
    return root


def _check_dmn_files(bundle: _Bundle, index: BundleIndex, collector: ProblemCollector) -> None:
    for filename, root in bundle.dmn:
        for decision_id, decision in check_dmn(filename, root, collector).items():
            other = index.decision_files.get(decision_id)
            if other is not None:
                collector.at("duplicate_decision_id", filename, decision, id=decision_id, other=other)
            else:
                index.decision_files[decision_id] = filename


def _check_form_files(bundle: _Bundle, index: BundleIndex, collector: ProblemCollector) -> None:
    form_ids: dict[str, str] = {}
    for filename, data in bundle.forms:
        form_id = check_form(filename, data, collector)
        if form_id is not None:
            if form_id in form_ids:
                collector.add("duplicate_form_id", filename, element_id=form_id, id=form_id, other=form_ids[form_id])
            form_ids.setdefault(form_id, filename)
        index.add_form(filename, form_id)


def _index_processes(bundle: _Bundle, index: BundleIndex, collector: ProblemCollector) -> None:
    for filename, root in bundle.bpmn:
        for process in root.iterchildren(bpmn("process")):
            process_id = process.get("id")
            if not process_id:
                continue  # the XSD reports a process without id
            other = index.process_files.get(process_id)
            if other is not None and other != filename:
                collector.at("duplicate_process_id", filename, process, id=process_id, other=other)
            index.process_files.setdefault(process_id, filename)


# The columns a diagram's ids and names are stored in (process_versions.process_key; human_tasks.element_id,
# name and lane): longer ones are refused here rather than by PostgreSQL when a step stores them, or kept
# whole by SQLite. tests/api/test_input_bounds.py keeps these in step with the models.
MAX_PROCESS_ID = 128
MAX_ELEMENT_ID = 255
MAX_NAME = 255


def _check_lengths(filename: str, root: etree._Element, collector: ProblemCollector) -> None:
    for element in root.iter(tag=etree.Element):
        if namespace_of(element) != BPMN_NS:
            continue
        limit = MAX_PROCESS_ID if local_name(element) == "process" else MAX_ELEMENT_ID
        if len(element.get("id") or "") > limit:
            collector.at("id_too_long", filename, element, length=len(element.get("id")), limit=limit)
        if len(element.get("name") or "") > MAX_NAME:
            collector.at("name_too_long", filename, element, length=len(element.get("name")), limit=MAX_NAME)


def _check_bpmn_file(
    filename: str, root: etree._Element, index: BundleIndex, checkers: SourceCheckers, collector: ProblemCollector
) -> None:
    if namespace_of(root) != BPMN_NS or local_name(root) != "definitions":
        collector.add("wrong_root", filename, line=root.sourceline, expected="bpmn:definitions", actual=str(root.tag))
        return
    dialect = detect_dialect(root)
    _check_lengths(filename, root, collector)
    duplicates = report_duplicate_ids(filename, root, collector)
    errors = bpmn_schema_errors(root, spiff_extensions=dialect == "spiff")
    report_schema_errors(filename, root, errors, schema_name="BPMN", duplicate_ids=duplicates, collector=collector)
    for process in root.iterchildren(bpmn("process")):
        check_process_graph(filename, process, collector)
    check_elements(filename, root, dialect=dialect, index=index, checkers=checkers, collector=collector)
    check_extensions(filename, root, collector)


def _check_starter_roles(bundle: _Bundle, known_role_keys: frozenset[str], collector: ProblemCollector) -> None:
    """A role key nobody holds in `starter_roles` would silently let no one start the process."""
    for filename, root in bundle.bpmn:
        for process in root.iterchildren(bpmn("process")):
            for element, roles in starter_roles_declared(process):
                for role in roles:
                    if role not in known_role_keys:
                        collector.at("unknown_starter_role", filename, element, owner=element.get("id"),
                                     property=STARTER_ROLES, role=role)


def _check_executable(bundle: _Bundle, collector: ProblemCollector) -> None:
    if not bundle.loaded or bundle.unreadable_bpmn:
        return  # nothing was read, or an unreadable diagram may hold the executable process
    executable = any(
        process.get("isExecutable") == "true"
        for _, root in bundle.bpmn
        for process in root.iterchildren(bpmn("process"))
    )
    if not executable:
        first_bpmn = bundle.bpmn[0][0] if bundle.bpmn else ""
        collector.add("no_executable_process", first_bpmn)
