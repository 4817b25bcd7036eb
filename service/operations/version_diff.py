"""What changed between two versions of a process: elements added, removed and changed, with the properties.

Elements are matched by id (what the modeler keeps when an element is edited or moved). An element's
properties are its attributes, its Camunda extension properties and form fields, the texts of its
conditions, scripts and timers, and the lane it is drawn in; layout (BPMNDI) is not compared.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree
from sqlalchemy.orm import Session

from ..engine.xml_safety import parse_xml
from ..errors import NotFound
from ..i18n import msg
from ..models import User
from . import deployments
from .modeling import can_view_processes

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
# Child elements whose text is behaviour (a condition, a script, a timer), compared by their text.
TEXT_CHILDREN = ("conditionExpression", "script", "timeDate", "timeDuration", "timeCycle", "completionCondition",
                 "loopCardinality", "documentation")
SKIPPED = {"incoming", "outgoing", "flowNodeRef", "extensionElements", "laneSet"}


@dataclass
class ElementChange:
    element_id: str
    kind: str  # added | removed | changed
    name: str
    type: str
    properties: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)  # name -> (old, new)


@dataclass
class VersionDiff:
    process_key: str
    old_version: int
    new_version: int
    old_xml: str
    new_xml: str
    changes: list[ElementChange]

    def of_kind(self, kind: str) -> list[ElementChange]:
        return [change for change in self.changes if change.kind == kind]


def _local(tag: str) -> str:
    return etree.QName(tag).localname


def _extension_values(element: etree._Element) -> dict[str, str]:
    values = {}
    for prop in element.iterfind(f"{{{BPMN}}}extensionElements/{{{CAMUNDA}}}properties/{{{CAMUNDA}}}property"):
        values[f"camunda:property {prop.get('name')}"] = prop.get("value") or ""
    for form_field in element.iterfind(f"{{{BPMN}}}extensionElements/{{{CAMUNDA}}}formData/{{{CAMUNDA}}}formField"):
        values[f"camunda:formField {form_field.get('id')}"] = " ".join(
            f"{key}={value}" for key, value in sorted(form_field.attrib.items()))
    return values


def _properties(element: etree._Element, lanes: dict[str, str]) -> dict[str, str]:
    props: dict[str, str] = {}
    for key, value in element.attrib.items():
        if key == "id":
            continue
        qname = etree.QName(key)
        props[f"camunda:{qname.localname}" if qname.namespace == CAMUNDA else qname.localname] = value
    props.update(_extension_values(element))
    for child in element:
        if isinstance(child.tag, str) and _local(child.tag) in TEXT_CHILDREN:
            props[_local(child.tag)] = (child.text or "").strip()
        elif isinstance(child.tag, str) and _local(child.tag).endswith("EventDefinition"):
            props[_local(child.tag)] = " ".join(
                f"{_local(k)}={v}" for k, v in sorted(child.attrib.items()) if _local(k) != "id")
            for grandchild in child:
                if isinstance(grandchild.tag, str) and _local(grandchild.tag) in TEXT_CHILDREN:
                    props[_local(grandchild.tag)] = (grandchild.text or "").strip()
    element_id = element.get("id")
    if element_id in lanes:
        props["lane"] = lanes[element_id]
    return props


def _elements(xml: bytes, filename: str) -> dict[str, tuple[str, str, dict[str, str]]]:
    """id -> (type, name, properties) of every semantic element of the file's processes."""
    root = parse_xml(xml, filename=filename)
    lanes = {ref.text.strip(): lane.get("name") or lane.get("id")
             for lane in root.iter(f"{{{BPMN}}}lane") for ref in lane.iterfind(f"{{{BPMN}}}flowNodeRef") if ref.text}
    found = {}
    for process in root.iter(f"{{{BPMN}}}process"):
        for element in process.iter():
            if not isinstance(element.tag, str) or etree.QName(element).namespace != BPMN:
                continue
            local = _local(element.tag)
            if element.get("id") is None or local in SKIPPED or local in TEXT_CHILDREN:
                continue
            if local.endswith("EventDefinition"):
                continue
            found[element.get("id")] = (local, element.get("name") or "", _properties(element, lanes))
    return found


def diff_xml(old: bytes, new: bytes) -> list[ElementChange]:
    """The element changes from `old` to `new` (both BPMN files), added first, then changed, then removed."""
    before, after = _elements(old, "old.bpmn"), _elements(new, "new.bpmn")
    changes = [ElementChange(element_id, "added", after[element_id][1], after[element_id][0])
               for element_id in after if element_id not in before]
    for element_id in after:
        if element_id not in before:
            continue
        old_props, new_props = before[element_id][2], after[element_id][2]
        differing = {key: (old_props.get(key), new_props.get(key))
                     for key in sorted(set(old_props) | set(new_props)) if old_props.get(key) != new_props.get(key)}
        if differing or before[element_id][0] != after[element_id][0]:
            if before[element_id][0] != after[element_id][0]:
                differing["type"] = (before[element_id][0], after[element_id][0])
            changes.append(ElementChange(element_id, "changed", after[element_id][1], after[element_id][0], differing))
    changes += [ElementChange(element_id, "removed", before[element_id][1], before[element_id][0])
                for element_id in before if element_id not in after]
    return changes


def version_diff(session: Session, *, actor: User, process_key: str, old: int, new: int) -> VersionDiff:
    """The diff between two deployed versions of a process."""
    if not can_view_processes(actor):
        raise NotFound(msg("Không tìm thấy trang."))
    versions = {number: deployments.get_version(session, process_key, number) for number in (old, new)}
    if any(found.version != number for number, found in versions.items()):
        raise NotFound(msg("Không tìm thấy trang."))
    old_xml = deployments.bpmn_xml(session, process_key, old)
    new_xml = deployments.bpmn_xml(session, process_key, new)
    return VersionDiff(process_key=process_key, old_version=old, new_version=new, old_xml=old_xml.decode("utf-8"),
                       new_xml=new_xml.decode("utf-8"), changes=diff_xml(old_xml, new_xml))
