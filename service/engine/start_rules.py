"""Who may start each process, read from the diagram (a property process admins edit by deploying).

`starter_roles` (comma-separated role keys) on the process's extension properties, or on the lane
holding its start event. A process that declares neither leaves the choice to the default rule in
`service/permissions.py`.
"""

from __future__ import annotations

from lxml import etree

from .task_metadata import _properties, _q, _split

STARTER_ROLES = "starter_roles"


def starter_roles_declared(process: etree._Element) -> list[tuple[etree._Element, list[str]]]:
    """Every place the process says who may start it, in the order they count: the process itself,
    then the lanes holding one of its start events."""
    declared = []
    value = _properties(process).get(STARTER_ROLES)
    if value is not None:
        declared.append((process, _split(value)))
    starts = {node.get("id") for node in process.findall(_q("startEvent"))}
    for lane in process.iter(_q("lane")):
        refs = {ref.text.strip() for ref in lane.findall(_q("flowNodeRef")) if ref.text}
        value = _properties(lane).get(STARTER_ROLES) if refs & starts else None
        if value is not None:
            declared.append((lane, _split(value)))
    return declared


def extract_starter_roles(root: etree._Element) -> dict[str, list[str] | None]:
    """process id -> the role keys allowed to start it, or None when the diagram does not say."""
    out: dict[str, list[str] | None] = {}
    for process in root.iter(_q("process")):
        declared = starter_roles_declared(process)
        out[process.get("id")] = declared[0][1] if declared else None
    return out
