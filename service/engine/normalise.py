"""Rewrite what BPMN lets an activity do implicitly into the explicit gateways SpiffWorkflow runs.

BPMN 2.0 (section 10.5.1 and 13.2.1) gives the outgoing sequence flows of an activity these meanings:
every unconditional flow is taken (an implicit parallel split), each conditional flow is taken when its
condition holds, and the activity's default flow is taken when no conditional flow is. SpiffWorkflow 3.2
refuses an activity with more than one outgoing flow and ignores a condition on a single one, so before
parsing, each such activity gets an explicit gateway of the same meaning inserted after it: a parallel
gateway when every flow is unconditional, otherwise an inclusive gateway whose unconditional flows carry
the condition `True`. An activity without outgoing flow (an implicit end) gets an end event after it.
Compensation boundary events, which SpiffWorkflow cannot parse and which never fire here, are removed
(the deploy warns about them). Bare ISO 8601 timer literals are quoted. The stored file keeps the
administrator's diagram; only the copy handed to the parser is rewritten.
"""

from __future__ import annotations

import re

from lxml import etree

from .juel import is_juel, juel_to_python

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_ACTIVITIES = {
    "task", "userTask", "manualTask", "scriptTask", "serviceTask", "sendTask", "receiveTask",
    "businessRuleTask", "callActivity", "subProcess", "transaction",
}  # fmt: skip
_SCOPES = {"process", "subProcess", "transaction", "adHocSubProcess"}
_FLOW_NODES = _ACTIVITIES | {
    "adHocSubProcess", "exclusiveGateway", "inclusiveGateway", "parallelGateway", "eventBasedGateway",
    "complexGateway", "intermediateCatchEvent", "intermediateThrowEvent", "endEvent",
}  # fmt: skip


# A bare ISO 8601 date, duration or repeating interval: what Camunda Modeler writes for a timer ("PT1H",
# "R3/PT10M", "2026-12-31T17:00:00+07:00"). Camunda reads it as a literal; this engine evaluates timer
# text as an expression, so such text is quoted first (a name like "P1D" is never a process variable).
_ISO_TIMER = re.compile(r"^(R\d*/)?(P(?=\d|T\d)[0-9YMWDTHS.,]+|\d{4}-\d{2}-\d{2}[0-9T:.+\-Z]*)(/[0-9A-Z:.+\-]+)?$")
_TIMER_TAGS = ("timeDate", "timeDuration", "timeCycle")


def timer_expression(text: str) -> str:
    """The expression to evaluate for a timer's text: a bare ISO 8601 literal becomes a quoted string."""
    stripped = text.strip()
    return repr(stripped) if _ISO_TIMER.match(stripped) else text


def _q(tag: str) -> str:
    return f"{{{BPMN_NS}}}{tag}"


def normalise_diagram(root: etree._Element, *, juel: bool = False) -> None:
    """Make implicit splits, conditional and default flows of activities explicit; drop compensation.

    With `juel` (Camunda and plain files), JUEL expressions become the Python of the same meaning.
    """
    if juel:
        _translate_juel(root)
    for scope in list(root.iter(*(_q(tag) for tag in _SCOPES))):
        _drop_compensation_boundaries(scope)
        _join_links(scope)
        _signal_end_events(scope)
        _implicit_start(scope)
        _split_activity_flows(scope)
    for timer in root.iter(*(_q(tag) for tag in _TIMER_TAGS)):
        if timer.text:
            timer.text = timer_expression(timer.text)


_EXPRESSION_TAGS = ("conditionExpression", "condition", "loopCardinality", "completionCondition", "loopCondition",
                    *_TIMER_TAGS)
_CAMUNDA_EXPRESSION_ATTRS = ("{http://camunda.org/schema/1.0/bpmn}collection",)


def _translate_juel(root: etree._Element) -> None:
    for element in root.iter(*(_q(tag) for tag in _EXPRESSION_TAGS)):
        if is_juel(element.text):
            element.text = juel_to_python(element.text or "")
    for loop in root.iter(_q("multiInstanceLoopCharacteristics")):
        for attr in _CAMUNDA_EXPRESSION_ATTRS:
            if is_juel(loop.get(attr)):
                loop.set(attr, juel_to_python(loop.get(attr) or ""))


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _drop_compensation_boundaries(scope: etree._Element) -> None:
    for event in list(scope.iterchildren(_q("boundaryEvent"))):
        if event.find(_q("compensateEventDefinition")) is not None:
            scope.remove(event)


def _taken_ids(scope: etree._Element) -> set[str | None]:
    return {e.get("id") for e in scope.getroottree().iter() if isinstance(e.tag, str) and e.get("id")}


def _link_name(event: etree._Element) -> str | None:
    definition = event.find(_q("linkEventDefinition"))
    return None if definition is None else (definition.get("name") or "")


def _join_links(scope: etree._Element) -> None:
    # A link throw continues at the link catch of the same name (BPMN 10.5.6): a sequence flow between
    # them, both becoming pass-through (none) intermediate events.
    catches = {_link_name(e): e for e in scope.iterchildren(_q("intermediateCatchEvent")) if _link_name(e) is not None}
    if not catches:
        return
    taken = _taken_ids(scope)
    for throw in list(scope.iterchildren(_q("intermediateThrowEvent"))):
        name = _link_name(throw)
        if name is None or name not in catches:
            continue
        throw.remove(throw.find(_q("linkEventDefinition")))
        flow_id = _fresh_id(f"{throw.get('id')}__link", taken)
        etree.SubElement(scope, _q("sequenceFlow"), id=flow_id, sourceRef=throw.get("id"),
                         targetRef=catches[name].get("id"))
    for catch in catches.values():
        definition = catch.find(_q("linkEventDefinition"))
        if definition is not None:
            catch.remove(definition)
            catch.tag = _q("intermediateThrowEvent")


def _signal_end_events(scope: etree._Element) -> None:
    # A signal end event throws its signal and ends: SpiffWorkflow throws signals from intermediate
    # events only, so it becomes one followed by a none end event.
    taken: set[str | None] | None = None
    for end in list(scope.iterchildren(_q("endEvent"))):
        if end.find(_q("signalEventDefinition")) is None:
            continue
        taken = taken if taken is not None else _taken_ids(scope)
        end.tag = _q("intermediateThrowEvent")
        end_id = _fresh_id(f"{end.get('id')}__end", taken)
        etree.SubElement(scope, _q("endEvent"), id=end_id)
        etree.SubElement(scope, _q("sequenceFlow"), id=_fresh_id(f"{end.get('id')}__to_end", taken),
                         sourceRef=end.get("id"), targetRef=end_id)


def _implicit_start(scope: etree._Element) -> None:
    # Without a start event, every flow node without incoming flow starts with the scope (BPMN 10.5.2).
    if _local(scope) == "adHocSubProcess" or scope.get("triggeredByEvent") == "true":
        return
    if scope.find(_q("startEvent")) is not None:
        return
    targets = {flow.get("targetRef") for flow in scope.iterchildren(_q("sequenceFlow"))}
    firsts = [node for node in scope if _local(node) in _FLOW_NODES and node.get("id") not in targets
              and node.get("isForCompensation") != "true" and node.get("triggeredByEvent") != "true"
              and _link_name(node) is None]
    if not firsts:
        return
    taken = _taken_ids(scope)
    start_id = _fresh_id(f"{scope.get('id')}__implicit_start", taken)
    etree.SubElement(scope, _q("startEvent"), id=start_id)
    source = start_id
    if len(firsts) > 1:
        source = _fresh_id(f"{scope.get('id')}__implicit_fork", taken)
        etree.SubElement(scope, _q("parallelGateway"), id=source)
        etree.SubElement(scope, _q("sequenceFlow"), id=_fresh_id(f"{start_id}__flow", taken),
                         sourceRef=start_id, targetRef=source)
    for node in firsts:
        etree.SubElement(scope, _q("sequenceFlow"), id=_fresh_id(f"{node.get('id')}__from_start", taken),
                         sourceRef=source, targetRef=node.get("id"))


def _has_condition(flow: etree._Element) -> bool:
    condition = flow.find(_q("conditionExpression"))
    return condition is not None and bool((condition.text or "").strip())


def _split_activity_flows(scope: etree._Element) -> None:
    outgoing: dict[str, list[etree._Element]] = {}
    for flow in scope.iterchildren(_q("sequenceFlow")):
        outgoing.setdefault(flow.get("sourceRef") or "", []).append(flow)
    taken_ids = _taken_ids(scope)
    for node in list(scope):
        if _local(node) not in _ACTIVITIES or node.get("isForCompensation") == "true":
            continue
        flows = outgoing.get(node.get("id") or "", [])
        if len(flows) > 1 or any(_has_condition(flow) for flow in flows):
            _insert_gateway(scope, node, flows, taken_ids)
        elif not flows and _local(scope) != "adHocSubProcess" and node.get("triggeredByEvent") != "true":
            _insert_end(scope, node, taken_ids)


def _fresh_id(base: str, taken_ids: set[str | None]) -> str:
    candidate, number = base, 1
    while candidate in taken_ids:
        number += 1
        candidate = f"{base}_{number}"
    taken_ids.add(candidate)
    return candidate


def _insert_end(scope: etree._Element, node: etree._Element, taken_ids: set[str | None]) -> None:
    # An implicit end is an end event without a name: the path's data then reaches the process's end
    # like any other path's, instead of being dropped with the branch.
    node_id = node.get("id") or ""
    end_id = _fresh_id(f"{node_id}__implicit_end", taken_ids)
    etree.SubElement(scope, _q("endEvent"), id=end_id)
    link_id = _fresh_id(f"{node_id}__to_end", taken_ids)
    etree.SubElement(scope, _q("sequenceFlow"), id=link_id, sourceRef=node_id, targetRef=end_id)


def _insert_gateway(
    scope: etree._Element, node: etree._Element, flows: list[etree._Element], taken_ids: set[str | None]
) -> None:
    node_id = node.get("id") or ""
    default = node.attrib.pop("default", None)
    conditional = default is not None or any(_has_condition(flow) for flow in flows)
    gateway_id = _fresh_id(f"{node_id}__implicit_split", taken_ids)
    gateway = etree.SubElement(scope, _q("inclusiveGateway" if conditional else "parallelGateway"), id=gateway_id)
    gateway.set("name", node.get("name") or node_id)
    if default is not None:
        gateway.set("default", default)
    link_id = _fresh_id(f"{node_id}__to_split", taken_ids)
    etree.SubElement(scope, _q("sequenceFlow"), id=link_id, sourceRef=node_id, targetRef=gateway_id)
    for flow in flows:
        flow.set("sourceRef", gateway_id)
        if conditional and flow.get("id") != default and not _has_condition(flow):
            # An unconditional flow out of an activity is always taken, next to the conditional ones.
            condition = flow.find(_q("conditionExpression"))
            if condition is None:
                condition = etree.SubElement(flow, _q("conditionExpression"))
            condition.text = "True"
