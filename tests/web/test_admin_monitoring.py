"""Monitoring in the browser: the heat map's badges show the active tokens and completions per element."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from service.models import ProcessInstance, ProcessVersion, User
from service.operations import deployments, instances

from .browser import axe_check, screenshot

PROCESS = "demo_approval"


def _active_on(page, element_id: str) -> int:
    cell = page.locator(f"tr[data-element-id='{element_id}'] [data-active]")
    return int(cell.inner_text().replace(".", "")) if cell.count() else 0


def test_heat_map_counts_new_instances(page_as, live_server):
    page = page_as("process_admin")
    with live_server.session() as session:
        version = session.scalar(select(func.max(ProcessVersion.version)).where(ProcessVersion.process_key == PROCESS))
    page.goto(f"/admin/monitoring/{PROCESS}/{version}/heat-map")
    before = _active_on(page, "draft")
    with live_server.session() as session:
        officer = session.scalar(select(User).where(User.username == "officer_stc"))
        for _ in range(2):
            instances.start_instance(session, actor=officer, process_key=PROCESS, version=version)
        session.commit()
    page.reload()
    page.wait_for_selector("[data-admin-diagram][data-ready='true']")
    assert _active_on(page, "draft") == before + 2
    badge = page.locator(".vd-mark-badge[data-element-id='draft']")
    assert badge.inner_text() == f"● {before + 2}"
    assert page.locator(".djs-element.vd-mark--active[data-element-id='draft']").count() == 1
    screenshot(page, "admin-heat-map")
    assert axe_check(page) == []
    page.goto(f"/admin/monitoring?process={PROCESS}")
    assert page.locator("[data-groups] tr", has_text="Đang chờ").count() + page.locator(
        "[data-groups] tr", has_text="Đang chạy").count() >= 1
    screenshot(page, "admin-monitoring")


def _routed_process(key: str) -> bytes:
    """start → prepare (script) → route? → await_signal (waits for a message) | quick (script) → ends; with its
    diagram, so the heat map draws every element."""
    shapes = {"start": ("startEvent", 100, 200, 36, 36), "prepare": ("scriptTask", 180, 178, 100, 80),
              "route": ("exclusiveGateway", 330, 193, 50, 50), "await_signal": ("receiveTask", 430, 100, 100, 80),
              "quick": ("scriptTask", 430, 260, 100, 80), "end_wait": ("endEvent", 600, 122, 36, 36),
              "end_quick": ("endEvent", 600, 282, 36, 36)}
    flows = {"f1": ("start", "prepare"), "f2": ("prepare", "route"), "f_wait": ("route", "await_signal"),
             "f_quick": ("route", "quick"), "f3": ("await_signal", "end_wait"), "f4": ("quick", "end_quick")}

    def right(element: str) -> tuple[int, int]:
        _, x, y, w, h = shapes[element]
        return x + w, y + h // 2

    def left(element: str) -> tuple[int, int]:
        _, x, y, _, h = shapes[element]
        return x, y + h // 2

    def node(element: str) -> str:
        kind = shapes[element][0]
        incoming = "".join(f"<bpmn:incoming>{f}</bpmn:incoming>" for f, (_, t) in flows.items() if t == element)
        outgoing = "".join(f"<bpmn:outgoing>{f}</bpmn:outgoing>" for f, (s, _) in flows.items() if s == element)
        extra = {"prepare": ' scriptFormat="python"', "quick": ' scriptFormat="python"',
                 "await_signal": f' messageRef="m_{key}"', "route": ' default="f_quick"'}.get(element, "")
        body = {"prepare": "<bpmn:script>prepared = True</bpmn:script>",
                "quick": "<bpmn:script>done = True</bpmn:script>"}.get(element, "")
        name = {"prepare": "Chuẩn bị", "route": "Chờ ký?", "await_signal": "Chờ văn bản ký số",
                "quick": "Xử lý nhanh"}.get(element, "")
        return f'<bpmn:{kind} id="{element}" name="{name}"{extra}>{incoming}{outgoing}{body}</bpmn:{kind}>'

    def flow(flow_id: str) -> str:
        source, target = flows[flow_id]
        condition = ('<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">route == "wait"'
                     '</bpmn:conditionExpression>') if flow_id == "f_wait" else ""
        return (f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}">{condition}'
                "</bpmn:sequenceFlow>")

    di_shapes = "".join(f'<bpmndi:BPMNShape id="{e}_di" bpmnElement="{e}"><dc:Bounds x="{x}" y="{y}" width="{w}" '
                        f'height="{h}" /></bpmndi:BPMNShape>' for e, (_, x, y, w, h) in shapes.items())
    di_edges = "".join(
        f'<bpmndi:BPMNEdge id="{f}_di" bpmnElement="{f}"><di:waypoint x="{right(s)[0]}" y="{right(s)[1]}" />'
        f'<di:waypoint x="{left(t)[0]}" y="{left(t)[1]}" /></bpmndi:BPMNEdge>' for f, (s, t) in flows.items())
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  id="defs_{key}" targetNamespace="http://vinhdanh.vn/test">
  <bpmn:message id="m_{key}" name="signed_{key}" />
  <bpmn:process id="{key}" name="Kiểm tra bản đồ nhiệt" isExecutable="true">
    {"".join(node(e) for e in shapes)}{"".join(flow(f) for f in flows)}
  </bpmn:process>
  <bpmndi:BPMNDiagram id="diagram_{key}"><bpmndi:BPMNPlane id="plane_{key}" bpmnElement="{key}">
    {di_shapes}{di_edges}
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>""".encode()


def _heat_row(page, element_id: str) -> tuple[int, int]:
    row = page.locator(f"[data-heat-table] tr[data-element-id='{element_id}']")
    return (int(row.locator("[data-active]").inner_text().replace(".", "")),
            int(row.locator("[data-completed]").inner_text().replace(".", "")))


def test_heat_map_shows_the_counts_of_a_known_run(page_as, live_server):
    """Seven instances of a fresh process: four wait for a signature, three take the quick path. The map must
    show ● 4 on the waiting step, ✓ 7 on the step every instance passed and ✓ 3 on the quick one."""
    key = f"heat_check_{uuid.uuid4().hex[:8]}"
    with live_server.session() as session:
        admin = session.scalar(select(User).where(User.username == "process_admin"))
        officer = session.scalar(select(User).where(User.username == "officer_stc"))
        deployments.deploy(session, actor=admin, files={f"{key}.bpmn": _routed_process(key)})
        for route in ["wait"] * 4 + ["quick"] * 3:
            instances.start_instance(session, actor=officer, process_key=key, data={"route": route})
        session.commit()
    page = page_as("process_admin")
    page.goto(f"/admin/monitoring/{key}/1/heat-map")  # a new process key: its first version
    page.wait_for_selector("[data-admin-diagram][data-ready='true']")
    assert _heat_row(page, "prepare") == (0, 7)
    assert _heat_row(page, "await_signal") == (4, 0)
    assert _heat_row(page, "quick") == (0, 3)
    assert page.locator("[data-heat-table] tr[data-element-id='route']").count() == 0  # gateways are not counted
    for element_id, badge in (("prepare", "✓ 7"), ("await_signal", "● 4"), ("quick", "✓ 3")):
        assert page.locator(f".vd-mark-badge[data-element-id='{element_id}']").inner_text() == badge
    assert page.locator(".djs-element.vd-mark--active[data-element-id='await_signal']").count() == 1
    screenshot(page, "admin-heat-map-known-run")
    assert axe_check(page) == []


def test_suspend_and_resume_an_instance_from_its_monitoring_page(page_as, live_server):
    with live_server.session() as session:
        officer = session.scalar(select(User).where(User.username == "officer_stc"))
        instance_id = instances.start_instance(session, actor=officer, process_key=PROCESS).id
        session.commit()
    page = page_as("process_admin")
    page.goto(f"/admin/monitoring/instances/{instance_id}")
    page.get_by_label("Lý do tạm dừng").fill("Chờ kết luận thanh tra")
    page.get_by_role("button", name="Tạm dừng hồ sơ").click()
    page.locator("[data-instance-status='suspended']").wait_for()
    assert "Chờ kết luận thanh tra" in page.locator("[data-suspension]").inner_text()
    screenshot(page, "admin-instance-suspended")
    assert axe_check(page) == []
    page.get_by_label("Lý do cho chạy tiếp").fill("Đã có kết luận")
    page.get_by_role("button", name="Cho chạy tiếp").click()
    page.locator("[data-instance-status='running']").wait_for()
    with live_server.session() as session:
        assert session.get(ProcessInstance, instance_id).status == "running"
