"""Element-level BPMN checks: references to definitions, processes, decisions and forms; event support.

One pass over the document dispatches each element to the check for its tag (expression checks
included), so a large diagram costs a single walk plus dictionary look-ups.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from service.engine.bundle.bpmn_expressions import EXPRESSION_HANDLERS, ElementContext, SourceCheckers
from service.engine.bundle.namespaces import bpmn, camunda, spiff
from service.engine.bundle.problems import ProblemCollector
from service.engine.bundle.references import BundleIndex

# Event definition tag -> (reference attribute, Vietnamese kind, English kind, defining tag)
_DEFINITION_REFS = {
    "messageEventDefinition": ("messageRef", "thông điệp (message)", "message", "message"),
    "errorEventDefinition": ("errorRef", "lỗi (error)", "error", "error"),
    "escalationEventDefinition": ("escalationRef", "leo thang (escalation)", "escalation", "escalation"),
    "signalEventDefinition": ("signalRef", "tín hiệu (signal)", "signal", "signal"),
}
_FORM_PROPERTY = "formJsonSchemaFilename"

# Event definitions SpiffWorkflow 3.2's event parsers understand, per event kind
# (bpmn/parser/event_parsers.py). Others are silently dropped (the event then behaves as a "none"
# event) or make the parser raise NotImplementedError, so we refuse them up front.
_SUPPORTED_EVENT_DEFINITIONS = {
    "startEvent": {"message", "signal", "timer", "conditional"},
    # signal end events and link events are rewritten before parsing (service/engine/normalise.py)
    "endEvent": {"message", "cancel", "error", "escalation", "terminate", "signal"},
    "intermediateCatchEvent": {"message", "signal", "timer", "conditional", "link"},
    "intermediateThrowEvent": {"escalation", "message", "signal", "timer", "link"},
    "boundaryEvent": {"cancel", "error", "escalation", "message", "signal", "timer", "conditional"},
}

# What becomes of a compensation event here, SpiffWorkflow 3.2 having no compensation at all.
_COMPENSATION_EFFECT = {
    "boundaryEvent": ("sự kiện biên bồi hoàn và hoạt động bồi hoàn của nó không bao giờ chạy",
                      "the compensation boundary event and its handler never run"),
    "intermediateThrowEvent": ("sự kiện ném bồi hoàn đi qua như một sự kiện không định nghĩa",
                               "the compensation throw event passes through as a none event"),
    "endEvent": ("sự kiện kết thúc bồi hoàn kết thúc như một sự kiện kết thúc thường",
                 "the compensation end event ends like a none end event"),
    "intermediateCatchEvent": ("sự kiện bắt bồi hoàn đi qua như một sự kiện không định nghĩa",
                               "the compensation catch event passes through as a none event"),
}


def check_elements(
    filename: str,
    root: etree._Element,
    *,
    dialect: str,
    index: BundleIndex,
    checkers: SourceCheckers,
    collector: ProblemCollector,
) -> None:
    """Run every element-level check over one BPMN document."""
    definitions = {
        kind: {e.get("id") for e in root.iter(bpmn(kind)) if e.get("id")}
        for kind in ("message", "error", "escalation", "signal")
    }
    process_ids = {p.get("id") for p in root.iter(bpmn("process")) if p.get("id")}
    ctx = ElementContext(filename, dialect, index, checkers, collector, definitions, process_ids)
    for element in root.iter(tag=etree.Element):
        handler = _HANDLERS.get(element.tag)
        if handler is not None:
            handler(ctx, element)


def _definition_ref(event_definition: str) -> Callable[[ElementContext, etree._Element], None]:
    attr, kind_vi, kind_en, defining_tag = _DEFINITION_REFS[event_definition]

    def check(ctx: ElementContext, element: etree._Element) -> None:
        ref = element.get(attr)
        if ref is None:
            return  # e.g. a catch-all error boundary event
        local_ref = ref.rsplit(":", 1)[-1]  # tolerate QName-style "tns:Message_1"
        if local_ref not in ctx.definitions[defining_tag]:
            owner = element.getparent() if element.tag.endswith("EventDefinition") else element
            ctx.collector.add(
                "undefined_reference",
                ctx.filename,
                element_id=(owner if owner is not None else element).get("id"),
                line=element.sourceline,
                attr=attr,
                ref=ref,
                kind_vi=kind_vi,
                kind_en=kind_en,
            )

    return check


def _event(ctx: ElementContext, event: etree._Element) -> None:
    supported = _SUPPORTED_EVENT_DEFINITIONS[etree.QName(event).localname]
    for child in event.iterchildren(tag=etree.Element):
        kind = etree.QName(child).localname
        if child.tag.startswith(bpmn("")) and kind.endswith("EventDefinition"):
            definition = kind.removesuffix("EventDefinition")
            if definition == "compensate" and event.tag != bpmn("startEvent"):
                what = _COMPENSATION_EFFECT[etree.QName(event).localname]
                ctx.collector.add("compensation_ignored", ctx.filename, element_id=event.get("id"),
                                  line=child.sourceline, what=what[0], what_en=what[1])
            elif definition not in supported:
                ctx.collector.add(
                    "unsupported_event_definition",
                    ctx.filename,
                    element_id=event.get("id"),
                    line=child.sourceline,
                    event=etree.QName(event).localname,
                    definition=kind,
                )


def _call_activity(ctx: ElementContext, call: etree._Element) -> None:
    called = (call.get("calledElement") or "").strip()
    if not called:
        ctx.collector.at("call_missing_element", ctx.filename, call)
    elif not ctx.index.has_process(called):
        ctx.collector.at("call_unknown_process", ctx.filename, call, ref=called)


def _business_rule_task(ctx: ElementContext, task: etree._Element) -> None:
    decision = task.get(camunda("decisionRef"))
    if decision is None:
        called = task.find(f"{bpmn('extensionElements')}/{spiff('calledDecisionId')}")
        decision = called.text if called is not None else None
    decision = (decision or "").strip()
    if not decision:
        how = "camunda:decisionRef / spiffworkflow:calledDecisionId"
        ctx.collector.at("decision_missing_ref", ctx.filename, task, how=how)
    elif not ctx.index.has_decision(decision):
        ctx.collector.at("decision_unknown", ctx.filename, task, ref=decision)


def _user_task(ctx: ElementContext, task: etree._Element) -> None:
    references: list[tuple[str, int | None]] = []
    for attr in ("formKey", "formRef"):
        value = task.get(camunda(attr))
        if value and value.strip():
            references.append((value, task.sourceline))
    properties = f"{bpmn('extensionElements')}/{spiff('properties')}/{spiff('property')}"
    for prop in task.iterfind(properties):
        if prop.get("name") == _FORM_PROPERTY and (prop.get("value") or "").strip():
            references.append((prop.get("value") or "", prop.sourceline))
    for reference, line in references:
        if not ctx.index.has_form(reference):
            ctx.collector.add("form_unknown", ctx.filename, element_id=task.get("id"), line=line, ref=reference.strip())


def _participant(ctx: ElementContext, participant: etree._Element) -> None:
    ref = participant.get("processRef")
    if ref is not None and ref not in ctx.process_ids:
        ctx.collector.at("participant_unknown_process", ctx.filename, participant, ref=ref)


_HANDLERS: dict[str, Callable[[ElementContext, etree._Element], None]] = {
    **EXPRESSION_HANDLERS,
    bpmn("callActivity"): _call_activity,
    bpmn("businessRuleTask"): _business_rule_task,
    bpmn("userTask"): _user_task,
    bpmn("participant"): _participant,
    bpmn("sendTask"): _definition_ref("messageEventDefinition"),
    bpmn("receiveTask"): _definition_ref("messageEventDefinition"),
    **{bpmn(tag): _definition_ref(tag) for tag in _DEFINITION_REFS},
    **{bpmn(tag): _event for tag in _SUPPORTED_EVENT_DEFINITIONS},
}
