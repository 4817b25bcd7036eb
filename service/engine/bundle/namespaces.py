"""XML namespaces of the dialects a bundle may use, and tiny helpers to name elements by them."""

from __future__ import annotations

from lxml import etree

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"

DMN11_NS = "http://www.omg.org/spec/DMN/20151101/dmn.xsd"
DMN12_NS = "http://www.omg.org/spec/DMN/20180521/MODEL/"
DMN13_NS = "https://www.omg.org/spec/DMN/20191111/MODEL/"
DMN_NAMESPACES = (DMN11_NS, DMN12_NS, DMN13_NS)

# Shown instead of the full namespace in messages, so a schema error stays readable.
SHORT_PREFIXES = {
    BPMN_NS: "bpmn",
    CAMUNDA_NS: "camunda",
    SPIFF_NS: "spiffworkflow",
    DMN11_NS: "dmn",
    DMN12_NS: "dmn",
    DMN13_NS: "dmn",
}


def bpmn(local: str) -> str:
    """Clark notation for a BPMN model tag, e.g. bpmn("task") -> "{...MODEL}task"."""
    return f"{{{BPMN_NS}}}{local}"


def camunda(local: str) -> str:
    """Clark notation for a Camunda 7 extension tag or attribute."""
    return f"{{{CAMUNDA_NS}}}{local}"


def spiff(local: str) -> str:
    """Clark notation for a SpiffWorkflow extension tag."""
    return f"{{{SPIFF_NS}}}{local}"


def namespace_of(element: etree._Element) -> str | None:
    """The namespace URI of an element's tag (None for comments and processing instructions)."""
    if not isinstance(element.tag, str):
        return None
    return etree.QName(element).namespace


def local_name(element: etree._Element) -> str:
    """The tag without namespace ("" for comments and processing instructions)."""
    if not isinstance(element.tag, str):
        return ""
    return etree.QName(element).localname


def shorten(text: str) -> str:
    """Replace "{namespace}" prefixes in a message by their short, familiar prefix."""
    for uri, prefix in SHORT_PREFIXES.items():
        text = text.replace(f"{{{uri}}}", f"{prefix}:")
    return text


def display_name(element: etree._Element) -> str:
    """How to name an element to a person: its name if it has one, else its id, else its tag."""
    return element.get("name") or element.get("id") or local_name(element)
