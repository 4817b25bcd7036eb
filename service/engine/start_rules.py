"""Who may start each process, read from the diagram (a property process admins edit by deploying).

`starter_roles` (comma-separated role keys) on the process's extension properties, or on the lane
holding its start event. A process that declares neither leaves the choice to the default rule in
`service/permissions.py`.
"""

from __future__ import annotations

from lxml import etree

from .task_metadata import _properties, _q, _split

STARTER_ROLES = "starter_roles"


def _start_event_lane_roles(process: etree._Element) -> list[str] | None:
    starts = {node.get("id") for node in process.findall(_q("startEvent"))}
    for lane in process.iter(_q("lane")):
        refs = {ref.text.strip() for ref in lane.findall(_q("flowNodeRef")) if ref.text}
        if refs & starts:
            value = _properties(lane).get(STARTER_ROLES)
            if value is not None:
                return _split(value)
    return None


def extract_starter_roles(root: etree._Element) -> dict[str, list[str] | None]:
    """process id -> the role keys allowed to start it, or None when the diagram does not say."""
    out: dict[str, list[str] | None] = {}
    for process in root.iter(_q("process")):
        value = _properties(process).get(STARTER_ROLES)
        out[process.get("id")] = _split(value) if value is not None else _start_event_lane_roles(process)
    return out
