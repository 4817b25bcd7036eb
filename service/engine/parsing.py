"""Parse a deployment bundle (BPMN, DMN, forms) into SpiffWorkflow specs, one dialect per file.

Camunda 7 files (camunda:formKey, formData, properties) and SpiffWorkflow files (spiffworkflow:
extensions) can be deployed together: each BPMN file goes to the parser of its own dialect and the
resulting process specs are pooled, so a Camunda process can call a Spiff one.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import full_tag
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.camunda.parser.task_spec import CamundaTaskParser
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.specs.defaults import ServiceTask as SpiffServiceTask

from ..i18n import msg
from .bundle.validation import detect_dialect
from .normalise import normalise_diagram
from .start_rules import extract_starter_roles
from .task_metadata import BPMN_NS, CAMUNDA_NS, extract_lanes, extract_task_metadata
from .xml_safety import XmlProblem, parse_xml


class CamundaServiceTaskParser(CamundaTaskParser):
    """Service tasks name a registered Python handler (camunda:topic or a `handler` property).

    Diagrams never carry code for service tasks: the handler name is looked up in the service
    registry at run time (service/engine/service_tasks.py).
    """

    def create_task(self):
        extensions = self.parse_extensions()
        handler = (
            extensions.get("handler")
            or self.node.get(f"{{{CAMUNDA_NS}}}topic")
            or self.node.get(f"{{{CAMUNDA_NS}}}delegateExpression")
        )
        if not handler:
            java = self.node.get(f"{{{CAMUNDA_NS}}}class") or self.node.get(f"{{{CAMUNDA_NS}}}expression")
            self.raise_validation_exception(
                msg("Tác vụ dịch vụ phải gọi một trình xử lý đã đăng ký (camunda:topic hoặc thuộc tính 'handler'); "
                    "mã Java của Camunda không chạy ở đây{named}.",
                    named=f" (sơ đồ gọi mã Java: {java!r})" if java else "")
            )
        result_variable = self.node.get(f"{{{CAMUNDA_NS}}}resultVariable") or extensions.get(
            "resultVariable"
        )
        params = {
            name[len("param.") :]: {"value": value, "type": "any"}
            for name, value in extensions.items()
            if name.startswith("param.")
        }
        return self.spec_class(
            self.spec,
            self.bpmn_id,
            operation_name=handler,
            operation_params=params,
            result_variable=result_variable,
            **self.bpmn_attributes,
        )


class VinhDanhCamundaParser(CamundaParser):
    OVERRIDE_PARSER_CLASSES = {  # noqa: RUF012 - SpiffWorkflow's own class attribute pattern
        **CamundaParser.OVERRIDE_PARSER_CLASSES,
        full_tag("serviceTask"): (CamundaServiceTaskParser, SpiffServiceTask),
    }


@dataclass
class ParsedBundle:
    """The specs of a bundle: every executable process, the shared sub-specs and task metadata."""

    specs: dict[str, object] = field(default_factory=dict)  # process id -> BpmnProcessSpec
    subprocess_specs: dict[str, object] = field(default_factory=dict)
    executable: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # process id -> BPMN file name
    task_metadata: dict[str, dict] = field(default_factory=dict)  # process id -> element id -> meta
    forms: dict[str, dict] = field(default_factory=dict)  # form file name / form id -> schema
    lanes: dict[str, list[dict]] = field(default_factory=dict)  # process id -> lanes (name, role, where)
    starter_roles: dict[str, list[str] | None] = field(default_factory=dict)  # process id -> roles, None: unsaid


class BundleParseError(Exception):
    def __init__(self, problems: list[dict]):
        super().__init__("; ".join(p["message"] for p in problems))
        self.problems = problems


def _problem(file: str | None, element_id: str | None, line: int | None, message: str) -> dict:
    return {"file": file, "element_id": element_id, "line": line, "message": message}


def parse_bundle(bpmn_files: dict[str, bytes], dmn_files: dict[str, bytes], forms: dict[str, dict]) -> ParsedBundle:
    """Parse all files; raise BundleParseError listing every problem SpiffWorkflow reports."""
    parsers = {"camunda": VinhDanhCamundaParser(), "spiff": SpiffBpmnParser()}
    used: dict[str, list[str]] = {"camunda": [], "spiff": []}
    roots: dict[str, etree._Element] = {}
    problems: list[dict] = []
    for name, content in dmn_files.items():
        try:
            root = parse_xml(content, filename=name)
        except XmlProblem as exc:
            problems.append(_problem(name, None, exc.line, exc.message))
            continue
        for parser in parsers.values():
            try:
                parser.add_dmn_xml(root, filename=name)
            except ValidationException as exc:
                problems.append(_spiff_problem(name, exc))
                break
    for name, content in bpmn_files.items():
        try:
            root = parse_xml(content, filename=name)
        except XmlProblem as exc:
            problems.append(_problem(name, None, exc.line, exc.message))
            continue
        # Plain BPMN runs on the Camunda parser: it reads standard elements like the base parser.
        dialect = "spiff" if detect_dialect(root) == "spiff" else "camunda"
        roots[name] = root
        # Interrupting event subprocesses run non-interrupting: the bundle validation warns about them.
        normalise_diagram(root, juel=dialect == "camunda")
        if dialect == "camunda":
            problems.extend(_camunda_message_throws_without_payload(name, root))
        try:
            parsers[dialect].add_bpmn_xml(root, filename=name)
        except ValidationException as exc:
            problems.append(_spiff_problem(name, exc))
            continue
        used[dialect].append(name)
    if problems:
        raise BundleParseError(problems)

    bundle = ParsedBundle(forms=forms)
    all_specs: dict[str, object] = {}
    for dialect, parser in parsers.items():
        if not used[dialect]:
            continue
        for process_id in parser.get_process_ids():
            try:
                # SpiffWorkflow warns about deprecated but still supported extension placements
                # (spiffworkflow:messagePayload on bpmn:message); a strict warnings filter would turn
                # that into a parse error, so whether a bundle deploys would depend on the filter.
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", DeprecationWarning)
                    spec = parser.get_spec(process_id)
                    subs = parser.get_subprocess_specs(process_id, require_call_activity_specs=False)
            except ValidationException as exc:
                problems.append(_spiff_problem(exc.file_name or "", exc))
                continue
            except Exception as exc:  # SpiffWorkflow raises bare exceptions for some model errors
                problems.append(_problem(None, process_id, None, str(exc)))
                continue
            all_specs[process_id] = spec
            # A callee of the other dialect comes back as None (not known to this parser): it is
            # filled in from the pooled specs below, which a None entry would otherwise shadow.
            bundle.subprocess_specs.update({name: sub for name, sub in subs.items() if sub is not None})
            process_parser = parser.get_process_parser(process_id)
            bundle.names[process_id] = process_parser.get_name()
            bundle.files[process_id] = process_parser.filename
            if process_parser.node.get("isExecutable", "true") == "true":
                bundle.executable.append(process_id)
    if problems:
        raise BundleParseError(problems)
    # Called processes live in other files or dialects: pool every spec so any call resolves.
    for process_id, spec in all_specs.items():
        bundle.specs[process_id] = spec
        bundle.subprocess_specs.setdefault(process_id, spec)
    for name, root in roots.items():
        bundle.task_metadata.update(extract_task_metadata(root, filename=name))
        bundle.lanes.update(extract_lanes(root, filename=name))
        bundle.starter_roles.update(extract_starter_roles(root))
    return bundle


def _camunda_message_throws_without_payload(filename: str, root: etree._Element) -> list[dict]:
    """Camunda message throw events without camunda:expression: refused.

    SpiffWorkflow's Camunda dialect evaluates camunda:expression as the message payload when such an
    event fires; without one every firing fails with "Error evaluating expression 'None'". A send
    task needs none (it sends the task data).
    """
    problems = []
    for tag in ("intermediateThrowEvent", "endEvent"):
        for event in root.iter(f"{{{BPMN_NS}}}{tag}"):
            definition = event.find(f"{{{BPMN_NS}}}messageEventDefinition")
            if definition is not None and not definition.get(f"{{{CAMUNDA_NS}}}expression"):
                problems.append(_problem(
                    filename, event.get("id"), event.sourceline,
                    msg("Sự kiện gửi thông điệp cần camunda:expression (biểu thức cho nội dung gửi) trên "
                        "messageEventDefinition; hoặc dùng sendTask để gửi dữ liệu của bước."),
                ))
    return problems


def _spiff_problem(filename: str, exc: ValidationException) -> dict:
    message = str(getattr(exc, "msg", None) or exc).split("\n")[0]
    line = getattr(exc, "line_number", None) or None
    return _problem(getattr(exc, "file_name", None) or filename, getattr(exc, "id", None) or None, line, message)

