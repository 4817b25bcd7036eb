"""XSD validation of BPMN and DMN documents against the schemas SpiffWorkflow ships.

Schemas are built once per process and reused: building is cheap on this machine (~10 ms) but not free,
and a deploy validates several files. lxml validators keep their error log on the object, so each one is
used under its own lock.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import XSD_PATH as BPMN_XSD_PATH
from SpiffWorkflow.dmn.parser.BpmnDmnParser import SCHEMAS as DMN_XSD_PATHS
from SpiffWorkflow.spiff.parser.process import SPIFF_XSD as SPIFF_XSD_PATH

from service.engine.bundle.element_ids import NearestIdFinder
from service.engine.bundle.namespaces import BPMN_NS, DMN12_NS, SPIFF_NS, shorten
from service.engine.bundle.problems import ProblemCollector

_XSD_NS = "http://www.w3.org/2001/XMLSchema"
_DMN12_DMNDI_NS = "http://www.omg.org/spec/DMN/20180521/DMNDI/"

MAX_SCHEMA_ERRORS = 500
BPMN_SCHEMA = "BPMN"
SPIFF_BPMN_SCHEMA = "BPMN+spiffworkflow"


@dataclass(frozen=True)
class SchemaError:
    """One XSD violation, with the line libxml2 reported."""

    line: int | None
    message: str


class _CachedSchema:
    def __init__(self, schema: etree.XMLSchema):
        self.schema = schema
        self.lock = threading.Lock()

    def errors(self, root: etree._Element) -> list[SchemaError]:
        with self.lock:
            if self.schema.validate(root):
                return []
            # The collector stops at a few hundred problems anyway; do not convert a huge error log.
            entries = itertools.islice(self.schema.error_log, MAX_SCHEMA_ERRORS)
            return [SchemaError(line=entry.line or None, message=shorten(entry.message)) for entry in entries]


_cache: dict[str, _CachedSchema] = {}
_cache_lock = threading.Lock()


def _build_bpmn(with_spiff_extensions: bool) -> etree.XMLSchema:
    document = etree.parse(BPMN_XSD_PATH)
    if with_spiff_extensions:
        # Same approach as SpiffWorkflow's BpmnValidator(imports=...): add an xsd:import to the BPMN
        # schema document. SpiffWorkflow passes the prefix "spiffworkflow" as the namespace; we pass the
        # real namespace URI, which is what xsd:import means.
        document.getroot().insert(
            0, etree.Element(f"{{{_XSD_NS}}}import", namespace=SPIFF_NS, schemaLocation=SPIFF_XSD_PATH)
        )
    return etree.XMLSchema(document)


def _build_dmn(namespace: str) -> etree.XMLSchema:
    path = DMN_XSD_PATHS[namespace]
    document = etree.parse(path)
    if namespace == DMN12_NS:
        _patch_dmn12(document)
    return etree.XMLSchema(document)


def _patch_dmn12(document: etree._ElementTree) -> None:
    """Make SpiffWorkflow 3.2's DMN 1.2 schema loadable.

    Its DMN12.xsd imports the DMNDI namespace from DMNDI12.xsd, but that file actually holds the DI
    schema, so building fails ("dmndi:DMNDI does not resolve"). Diagram interchange is layout only, so we
    drop the import and accept any DMNDI content without checking it.
    """
    root = document.getroot()
    for imported in root.findall(f"{{{_XSD_NS}}}import"):
        if imported.get("namespace") == _DMN12_DMNDI_NS:
            root.remove(imported)
    for ref in root.iter(f"{{{_XSD_NS}}}element"):
        if ref.get("ref") == "dmndi:DMNDI":
            ref.tag = f"{{{_XSD_NS}}}any"
            del ref.attrib["ref"]
            ref.set("namespace", _DMN12_DMNDI_NS)
            ref.set("processContents", "skip")


def _get(key: str) -> _CachedSchema:
    cached = _cache.get(key)
    if cached is not None:
        return cached
    with _cache_lock:
        if key not in _cache:
            if key == BPMN_SCHEMA:
                schema = _build_bpmn(with_spiff_extensions=False)
            elif key == SPIFF_BPMN_SCHEMA:
                schema = _build_bpmn(with_spiff_extensions=True)
            else:
                schema = _build_dmn(key)
            _cache[key] = _CachedSchema(schema)
        return _cache[key]


def preload_schemas() -> None:
    """Build every schema now (call at app start so the first deploy does not pay for it)."""
    for key in (BPMN_SCHEMA, SPIFF_BPMN_SCHEMA, *DMN_XSD_PATHS):
        _get(key)


def bpmn_schema_errors(root: etree._Element, *, spiff_extensions: bool) -> list[SchemaError]:
    """XSD errors of a BPMN document; with spiff_extensions, spiffworkflow: elements are checked too."""
    _rename_bpmn_js_correlation_expressions(root)
    return _get(SPIFF_BPMN_SCHEMA if spiff_extensions else BPMN_SCHEMA).errors(root)


def dmn_schema_errors(root: etree._Element, namespace: str) -> list[SchemaError] | None:
    """XSD errors of a DMN document, or None when the namespace is not a DMN version we know."""
    if namespace not in DMN_XSD_PATHS:
        return None
    return _get(namespace).errors(root)


def _rename_bpmn_js_correlation_expressions(root: etree._Element) -> None:
    # bpmn-js writes correlationPropertyRetrievalExpression/formalExpression, which the XSD rejects;
    # SpiffWorkflow's BpmnValidator.preprocess renames it to messagePath before validating, and so do we
    # (on our own parsed copy, so nothing downstream sees the change).
    for expr in root.iter(f"{{{BPMN_NS}}}formalExpression"):
        parent = expr.getparent()
        if parent is not None and parent.tag == f"{{{BPMN_NS}}}correlationPropertyRetrievalExpression":
            expr.tag = f"{{{BPMN_NS}}}messagePath"


def report_schema_errors(
    filename: str,
    root: etree._Element,
    errors: list[SchemaError],
    *,
    schema_name: str,
    duplicate_ids: set[str],
    collector: ProblemCollector,
) -> None:
    """Turn XSD errors into problems located at the nearest element id."""
    finder = NearestIdFinder(root)
    for error in errors:
        # A repeated id also breaks xs:ID; it is already reported as a duplicate with a clearer message.
        if "xs:ID" in error.message and any(f"'{dup}'" in error.message for dup in duplicate_ids):
            continue
        collector.add(
            "xsd_invalid",
            filename,
            element_id=finder.find(error.line),
            line=error.line,
            schema=schema_name,
            detail=error.message,
        )
