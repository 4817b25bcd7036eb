"""Shape checks of BPMN processes: sequence flow ends, dangling nodes, gateway conditions, lanes.

Each process and each (non ad-hoc) sub-process is a scope of its own: a sequence flow may only connect
elements that are direct children of the same scope.
"""

from __future__ import annotations

from collections import defaultdict

from lxml import etree

from service.engine.bundle.namespaces import BPMN_NS, bpmn, display_name, local_name
from service.engine.bundle.problems import ProblemCollector

_TASKS = {
    "task", "userTask", "manualTask", "scriptTask", "serviceTask", "sendTask", "receiveTask",
    "businessRuleTask", "callActivity",
}  # fmt: skip
_SUBPROCESSES = {"subProcess", "transaction", "adHocSubProcess"}
_GATEWAYS = {"exclusiveGateway", "inclusiveGateway", "parallelGateway", "eventBasedGateway", "complexGateway"}
_EVENTS = {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"}
FLOW_NODES = _TASKS | _SUBPROCESSES | _GATEWAYS | _EVENTS

_CONDITIONAL_GATEWAYS = {"exclusiveGateway", "inclusiveGateway"}


def check_process_graph(filename: str, process: etree._Element, collector: ProblemCollector) -> None:
    """Check one bpmn:process and, recursively, its sub-processes; then its lanes."""
    _check_scope(filename, process, collector)
    _check_lanes(filename, process, collector)


def _is_flow_node(element: etree._Element) -> bool:
    return (
        isinstance(element.tag, str)
        and element.tag.startswith(f"{{{BPMN_NS}}}")
        and (local_name(element) in FLOW_NODES)
    )


def _check_scope(filename: str, scope: etree._Element, collector: ProblemCollector) -> None:
    nodes = {child.get("id"): child for child in scope if _is_flow_node(child) and child.get("id")}
    incoming: dict[str, list[etree._Element]] = defaultdict(list)
    outgoing: dict[str, list[etree._Element]] = defaultdict(list)
    for flow in scope.iterchildren(bpmn("sequenceFlow")):
        for attr, ends in (("sourceRef", outgoing), ("targetRef", incoming)):
            ref = flow.get(attr)
            if ref is None:
                continue  # the XSD marks the attribute required and reports it
            if ref not in nodes:
                collector.at("flow_unknown_ref", filename, flow, attr=attr, ref=ref)
            else:
                ends[ref].append(flow)

    ad_hoc = local_name(scope) == "adHocSubProcess"
    # Without a start event every node without incoming flow starts with its scope (BPMN 10.5.2).
    implicit_start = not any(local_name(node) == "startEvent" for node in nodes.values())
    for node_id, node in nodes.items():
        if not ad_hoc:
            # Activities of an ad-hoc sub-process are deliberately unconnected.
            _check_connected(filename, node, incoming[node_id] or implicit_start, outgoing[node_id], collector)
        kind = local_name(node)
        if kind in _CONDITIONAL_GATEWAYS:
            _check_gateway_conditions(filename, node, outgoing[node_id], collector)
        elif kind == "boundaryEvent":
            attached = node.get("attachedToRef")
            if attached is not None and attached not in nodes:
                collector.at("boundary_unknown_attached", filename, node, ref=attached)
        if kind in _SUBPROCESSES:
            _check_scope(filename, node, collector)


def _has_definition(node: etree._Element, definition: str) -> bool:
    return node.find(bpmn(definition)) is not None


def _is_event_subprocess(node: etree._Element) -> bool:
    return local_name(node) in _SUBPROCESSES and node.get("triggeredByEvent") == "true"


def _needs_incoming(node: etree._Element) -> bool:
    kind = local_name(node)
    if kind in ("startEvent", "boundaryEvent"):
        return False
    if node.get("isForCompensation") == "true" or _is_event_subprocess(node):
        return False
    # A link catch event continues a path that a link throw event ended; it never has incoming flows.
    return not (kind == "intermediateCatchEvent" and _has_definition(node, "linkEventDefinition"))


def _needs_outgoing(node: etree._Element) -> bool:
    kind = local_name(node)
    if kind == "endEvent":
        return False
    if node.get("isForCompensation") == "true" or _is_event_subprocess(node):
        return False
    if kind == "boundaryEvent" and _has_definition(node, "compensateEventDefinition"):
        return False  # linked to its handler by an association, not a sequence flow
    return not (kind == "intermediateThrowEvent" and _has_definition(node, "linkEventDefinition"))


def _check_connected(
    filename: str,
    node: etree._Element,
    incoming: list[etree._Element] | bool,
    outgoing: list[etree._Element],
    collector: ProblemCollector,
) -> None:
    if not incoming and _needs_incoming(node):
        collector.at("no_incoming", filename, node, name=display_name(node))
    if not outgoing and _needs_outgoing(node):
        # BPMN 2.0 lets an activity end its path implicitly (both engines run it); a gateway or an event
        # without a way out is a modelling error.
        is_activity = local_name(node) in _TASKS | _SUBPROCESSES
        collector.at("implicit_end" if is_activity else "no_outgoing", filename, node, name=display_name(node))


def _check_gateway_conditions(
    filename: str, gateway: etree._Element, outgoing: list[etree._Element], collector: ProblemCollector
) -> None:
    default = gateway.get("default")
    if default is not None and default not in {flow.get("id") for flow in outgoing}:
        collector.at("gateway_bad_default", filename, gateway, ref=default)
    if len(outgoing) < 2:
        return
    for flow in outgoing:
        if flow.get("id") == default:
            continue
        condition = flow.find(bpmn("conditionExpression"))
        if condition is None or not (condition.text or "").strip():
            collector.at(
                "gateway_missing_condition", filename, flow, flow=display_name(flow), gateway=display_name(gateway)
            )


def _check_lanes(filename: str, process: etree._Element, collector: ProblemCollector) -> None:
    # bpmn-js lists nodes nested in expanded sub-processes in the lane too, so any depth counts.
    node_ids = {e.get("id") for e in process.iter(tag=etree.Element) if _is_flow_node(e)}
    for lane in process.iter(bpmn("lane")):
        for ref in lane.iterchildren(bpmn("flowNodeRef")):
            target = (ref.text or "").strip()
            if target not in node_ids:
                collector.add(
                    "lane_unknown_ref",
                    filename,
                    element_id=lane.get("id"),
                    line=ref.sourceline,
                    lane=display_name(lane),
                    ref=target,
                )
