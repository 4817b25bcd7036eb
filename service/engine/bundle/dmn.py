"""Checks of DMN files: schema by DMN version, and decision tables the engine can evaluate."""

from __future__ import annotations

from lxml import etree

from service.engine.bundle.element_ids import report_duplicate_ids
from service.engine.bundle.namespaces import DMN_NAMESPACES, local_name, namespace_of
from service.engine.bundle.problems import ProblemCollector
from service.engine.bundle.schemas import dmn_schema_errors, report_schema_errors


def check_dmn(filename: str, root: etree._Element, collector: ProblemCollector) -> dict[str, etree._Element]:
    """Check one DMN document; return its decisions by id (empty when the file is unusable)."""
    namespace = namespace_of(root) or ""
    if namespace not in DMN_NAMESPACES:
        collector.add("dmn_unknown_namespace", filename, line=root.sourceline, namespace=namespace)
        return {}
    if local_name(root) != "definitions":
        collector.add("wrong_root", filename, line=root.sourceline, expected="dmn:definitions", actual=local_name(root))
        return {}
    duplicates = report_duplicate_ids(filename, root, collector)
    errors = dmn_schema_errors(root, namespace) or []
    report_schema_errors(filename, root, errors, schema_name="DMN", duplicate_ids=duplicates, collector=collector)
    decisions = {d.get("id"): d for d in root.iterchildren(f"{{{namespace}}}decision") if d.get("id")}
    if not decisions:
        collector.add("dmn_no_decision", filename, line=root.sourceline)
    for decision_id, decision in decisions.items():
        _check_decision(filename, namespace, decision_id, decision, collector)
    return decisions


def _check_decision(
    filename: str, ns: str, decision_id: str, decision: etree._Element, collector: ProblemCollector
) -> None:
    # SpiffWorkflow evaluates only decision tables (decision.decisionTables[0]); literal expressions and
    # other boxed expressions would fail at run time.
    table = decision.find(f"{{{ns}}}decisionTable")
    if table is None:
        collector.at("dmn_no_decision_table", filename, decision, id=decision_id)
        return
    inputs = len(table.findall(f"{{{ns}}}input"))
    outputs = len(table.findall(f"{{{ns}}}output"))
    if outputs == 0:
        collector.add("dmn_no_output", filename, element_id=decision_id, line=table.sourceline, id=decision_id)
    for rule in table.iterchildren(f"{{{ns}}}rule"):
        for tag, expected, kind_vi, kind_en in (
            ("inputEntry", inputs, "đầu vào", "input"),
            ("outputEntry", outputs, "đầu ra", "output"),
        ):
            got = len(rule.findall(f"{{{ns}}}{tag}"))
            if got != expected:
                collector.at(
                    "dmn_rule_entries", filename, rule, got=got, expected=expected, kind_vi=kind_vi, kind_en=kind_en
                )
