"""The diff between two versions of a diagram: added, removed and changed elements with their properties."""

from __future__ import annotations

from service.operations.version_diff import diff_xml

from ..conftest import read_fixture


def _by_id(changes):
    return {change.element_id: change for change in changes}


def test_identical_diagrams_have_no_changes():
    xml = read_fixture("three_lanes.bpmn")
    assert diff_xml(xml, xml) == []


def test_added_removed_and_changed_with_properties():
    old = read_fixture("three_lanes.bpmn").decode()
    new = (old.replace('<bpmn:userTask id="t2"', '<bpmn:userTask camunda:candidateGroups="unit_head" id="t2"')
           .replace("<bpmn:flowNodeRef>t3</bpmn:flowNodeRef>", "")
           .replace('<bpmn:flowNodeRef>t2</bpmn:flowNodeRef>', "<bpmn:flowNodeRef>t2</bpmn:flowNodeRef>"
                    "<bpmn:flowNodeRef>t3</bpmn:flowNodeRef>")
           .replace("</bpmn:process>", '<bpmn:userTask id="t_new" name="Bước mới" /></bpmn:process>'))
    changes = _by_id(diff_xml(old.encode(), new.encode()))
    assert changes["t_new"].kind == "added" and changes["t_new"].name == "Bước mới"
    assert changes["t2"].kind == "changed"
    assert changes["t2"].properties["camunda:candidateGroups"] == (None, "unit_head")
    assert changes["t3"].properties["lane"] == ("Cấp trên", "Unit_Head")
    removed = _by_id(diff_xml(new.encode(), old.encode()))
    assert removed["t_new"].kind == "removed"
    assert "t1" not in changes
