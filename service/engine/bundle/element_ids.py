"""Element ids in a parsed document: duplicates, and which id is nearest to a reported line."""

from __future__ import annotations

import bisect

from lxml import etree

from service.engine.bundle.problems import ProblemCollector


def _is_model_element(element: etree._Element) -> bool:
    # Only the OMG namespaces (BPMN, DMN, their diagram interchange) define element ids; an id inside an
    # extension (camunda:formField, camunda:value, spiffworkflow:...) is a key local to that extension.
    namespace = etree.QName(element).namespace or ""
    return namespace.startswith(("http://www.omg.org/", "https://www.omg.org/"))


def report_duplicate_ids(filename: str, root: etree._Element, collector: ProblemCollector) -> set[str]:
    """Report every repeated id of a BPMN/DMN element (diagram shapes included); return those ids."""
    first_line: dict[str, int | None] = {}
    duplicates: set[str] = set()
    for element in root.iter(tag=etree.Element):
        element_id = element.get("id")
        if element_id is None or not _is_model_element(element):
            continue
        if element_id in first_line:
            duplicates.add(element_id)
            collector.at("duplicate_id", filename, element, id=element_id, first_line=first_line[element_id])
        else:
            first_line[element_id] = element.sourceline
    return duplicates


class NearestIdFinder:
    """Answers "which element id is closest to line N", for errors that only carry a line number."""

    def __init__(self, root: etree._Element):
        elements = [e for e in root.iter(tag=etree.Element) if e.sourceline is not None]
        self._lines = [e.sourceline for e in elements]
        self._elements = elements

    def find(self, line: int | None) -> str | None:
        """The id of the last element starting on or before `line`, or of its nearest ancestor with one."""
        if line is None or not self._lines:
            return None
        index = bisect.bisect_right(self._lines, line) - 1
        if index < 0:
            return None
        element: etree._Element | None = self._elements[index]
        while element is not None:
            if element.get("id"):
                return element.get("id")
            element = element.getparent()
        return None
