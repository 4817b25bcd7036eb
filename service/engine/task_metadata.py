"""Read what the service needs about each human task straight from the XML, once per deployment.

SpiffWorkflow's CamundaParser ignores camunda:assignee, candidateGroups, candidateUsers and dueDate,
and neither parser resolves lane properties; the assignment rules (API.md) need all of them. The
result is plain JSON stored with the process version, so the runtime never re-reads XML.
"""

from __future__ import annotations

from lxml import etree

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"

HUMAN_TASK_TAGS = ("userTask", "manualTask")


def _q(tag: str) -> str:
    return f"{{{BPMN_NS}}}{tag}"


def _properties(node: etree._Element) -> dict[str, str]:
    """camunda:properties and spiffworkflow:properties of a node's extensionElements."""
    props: dict[str, str] = {}
    ext = node.find(_q("extensionElements"))
    if ext is None:
        return props
    for prop in ext.iter(f"{{{CAMUNDA_NS}}}property", f"{{{SPIFF_NS}}}property"):
        name = prop.get("name")
        if name:
            props[name] = prop.get("value", "")
    return props


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def _form_data(node: etree._Element) -> list[dict] | None:
    ext = node.find(_q("extensionElements"))
    if ext is None:
        return None
    form_data = ext.find(f"{{{CAMUNDA_NS}}}formData")
    if form_data is None:
        return None
    fields = []
    for field in form_data.findall(f"{{{CAMUNDA_NS}}}formField"):
        fields.append(
            {
                "id": field.get("id"),
                "label": field.get("label") or field.get("id"),
                "type": field.get("type") or "string",
                "default_value": field.get("defaultValue"),
                "values": [
                    {"id": v.get("id"), "name": v.get("name") or v.get("id")}
                    for v in field.findall(f"{{{CAMUNDA_NS}}}value")
                ],
                "validation": [
                    {"name": c.get("name"), "config": c.get("config")}
                    for c in field.iterfind(f"{{{CAMUNDA_NS}}}validation/{{{CAMUNDA_NS}}}constraint")
                ],
            }
        )
    return fields


def _documentation(node: etree._Element) -> str | None:
    """The instructions written on the element in the diagram (bpmn:documentation), as plain text."""
    texts = ["".join(doc.itertext()).strip() for doc in node.findall(_q("documentation"))]
    return "\n\n".join(text for text in texts if text) or None


def normalise_form_ref(form_key: str | None) -> str | None:
    """'camunda-forms:deployment:x.form', 'embedded:deployment:x.form', 'x.form' or 'x' -> 'x'."""
    if not form_key:
        return None
    ref = form_key.rsplit(":", 1)[-1].strip()
    return ref[: -len(".form")] if ref.endswith(".form") else ref


def _lanes(process: etree._Element) -> dict[str, dict]:
    """flow node id -> {'lane': name, 'properties': {...}} for every lane, nested lanes included."""
    result: dict[str, dict] = {}
    for lane in process.iter(_q("lane")):
        info = {"lane": lane.get("name") or lane.get("id"), "properties": _properties(lane)}
        for ref in lane.findall(_q("flowNodeRef")):
            if ref.text:
                result[ref.text.strip()] = info
    return result


def extract_lanes(root: etree._Element, *, filename: str) -> dict[str, list[dict]]:
    """process id -> every named lane holding a human task: its name, `role` property and location."""
    out: dict[str, list[dict]] = {}
    human = {n.get("id") for tag in HUMAN_TASK_TAGS for n in root.iter(_q(tag))}
    for process in root.iter(_q("process")):
        lanes = []
        for lane in process.iter(_q("lane")):
            refs = {(ref.text or "").strip() for ref in lane.findall(_q("flowNodeRef"))}
            if not refs & human:
                continue  # a lane with no human task needs no role (e.g. a parent lane or a system lane)
            lanes.append({"lane_id": lane.get("id"), "name": lane.get("name") or lane.get("id"),
                          "role": _properties(lane).get("role"), "file": filename, "line": lane.sourceline})
        out[process.get("id")] = lanes
    return out


def extract_task_metadata(root: etree._Element, *, filename: str) -> dict[str, dict]:
    """process id -> element id -> metadata of each human task (lane, role, assignment, form, due)."""
    out: dict[str, dict] = {}
    for process in root.iter(_q("process")):
        lanes = _lanes(process)
        tasks: dict[str, dict] = {}
        for tag in HUMAN_TASK_TAGS:
            for node in process.iter(_q(tag)):
                element_id = node.get("id")
                lane = lanes.get(element_id, {"lane": None, "properties": {}})
                props = {**lane["properties"], **_properties(node)}
                form_key = node.get(f"{{{CAMUNDA_NS}}}formKey") or props.get("formJsonSchemaFilename")
                tasks[element_id] = {
                    "element_id": element_id,
                    "name": node.get("name") or element_id,
                    "kind": tag,
                    "file": filename,
                    "line": node.sourceline,
                    "lane": lane["lane"],
                    "role": props.get("role") or lane["properties"].get("role"),
                    "org_unit_from": props.get("org_unit_from"),
                    "assignee": node.get(f"{{{CAMUNDA_NS}}}assignee"),
                    "candidate_groups": _split(node.get(f"{{{CAMUNDA_NS}}}candidateGroups")),
                    "candidate_users": _split(node.get(f"{{{CAMUNDA_NS}}}candidateUsers")),
                    "due_date": node.get(f"{{{CAMUNDA_NS}}}dueDate"),
                    "due_in_working_days": props.get("due_in_working_days"),
                    "form_ref": normalise_form_ref(form_key),
                    "form_data": _form_data(node),
                    "documentation": _documentation(node),
                    "properties": props,
                }
        out[process.get("id")] = tasks
    return out
