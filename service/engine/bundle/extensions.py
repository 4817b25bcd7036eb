"""Warnings for what a diagram asks of its modeller's engine that this service does differently.

None of these stop a diagram from running, so they deploy with a warning that says what will differ:
Camunda listeners and async flags are ignored, external tasks run the registered handler of their topic,
input/output mappings and call-activity variable mappings are not applied, interrupting event
subprocesses run alongside the main flow.
"""

from __future__ import annotations

from lxml import etree

from service.engine.bundle.namespaces import bpmn, camunda, display_name
from service.engine.bundle.problems import ProblemCollector

_LISTENERS = (("executionListener", "thực thi", "execution"), ("taskListener", "tác vụ", "task"))
_ASYNC_FLAGS = ("asyncBefore", "asyncAfter", "async")


def check_extensions(filename: str, root: etree._Element, collector: ProblemCollector) -> None:
    """Report, once per element, every extension this engine ignores or runs differently."""
    for element in root.iter(tag=etree.Element):
        _listeners(filename, element, collector)
        _async_flags(filename, element, collector)
        if element.tag == bpmn("serviceTask") and element.get(camunda("type")) == "external":
            collector.at("external_task", filename, element, topic=element.get(camunda("topic")) or "")
        _mappings(filename, element, collector)
        if element.tag == bpmn("subProcess") and element.get("triggeredByEvent") == "true":
            _event_subprocess(filename, element, collector)


def _extensions(element: etree._Element) -> etree._Element | None:
    return element.find(bpmn("extensionElements"))


def _listeners(filename: str, element: etree._Element, collector: ProblemCollector) -> None:
    extensions = _extensions(element)
    if extensions is None:
        return
    for tag, kind_vi, kind_en in _LISTENERS:
        listener = extensions.find(camunda(tag))
        if listener is not None:
            collector.add("listener_ignored", filename, element_id=element.get("id"), line=listener.sourceline,
                          kind=kind_vi, kind_en=kind_en, tag=tag)


def _async_flags(filename: str, element: etree._Element, collector: ProblemCollector) -> None:
    flags = [flag for flag in _ASYNC_FLAGS if element.get(camunda(flag)) == "true"]
    if flags:
        collector.at("async_ignored", filename, element, flags=", ".join(f"camunda:{flag}" for flag in flags))


def _mappings(filename: str, element: etree._Element, collector: ProblemCollector) -> None:
    extensions = _extensions(element)
    if extensions is None:
        return
    input_output = extensions.find(camunda("inputOutput"))
    if input_output is not None:
        collector.add("input_output_ignored", filename, element_id=element.get("id"), line=input_output.sourceline)
    if element.tag == bpmn("callActivity"):
        mapping = extensions.find(camunda("in"))
        mapping = mapping if mapping is not None else extensions.find(camunda("out"))
        if mapping is not None:
            collector.add("call_variables_ignored", filename, element_id=element.get("id"), line=mapping.sourceline)


def _event_subprocess(filename: str, sub: etree._Element, collector: ProblemCollector) -> None:
    for start in sub.iterchildren(bpmn("startEvent")):
        if start.get("isInterrupting", "true") != "false":
            collector.at("interrupting_event_subprocess", filename, start, name=display_name(sub))
