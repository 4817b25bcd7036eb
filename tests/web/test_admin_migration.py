"""Chuyển phiên bản in the browser: a running instance previewed, moved to the new version, and continuing on
the new version's flow."""

from __future__ import annotations

from sqlalchemy import func, select

from service.models import HumanTask, ProcessInstance, ProcessVersion, User
from service.operations import deployments, instances, modeling, tasks

from .browser import screenshot

PROCESS = "demo_approval"
DRAFT = {"nominee_name": "Phường Hải Châu", "nominee_kind": "collective", "achievement_summary": "Thành tích"}


def test_migrate_a_running_instance_and_it_continues_on_the_new_version(page_as, live_server):
    with live_server.session() as session:
        officer = session.scalar(select(User).where(User.username == "officer_stc"))
        admin = session.scalar(select(User).where(User.username == "process_admin"))
        old = session.scalar(select(func.max(ProcessVersion.version)).where(ProcessVersion.process_key == PROCESS))
        instance_id = instances.start_instance(session, actor=officer, process_key=PROCESS, version=old).id
        xml = deployments.bpmn_xml(session, PROCESS, old).decode()
        renamed = xml.replace('name="Thủ trưởng ký tờ trình"', 'name="Thủ trưởng ký tờ trình (bản mới)"')
        assert renamed != xml
        modeling.deploy_diagram(session, actor=admin, process_key=PROCESS, version=old, xml=renamed)
        session.commit()
    page = page_as("process_admin")
    page.goto(f"/admin/processes/{PROCESS}/migration?from={old}&to={old + 1}")
    row = page.locator(f"tr[data-instance-id='{instance_id}']")
    assert row.get_attribute("data-possible") == "true"
    assert "draft" in row.inner_text()
    screenshot(page, "admin-migration-preview")
    page.get_by_role("button", name="Chuyển phiên bản").click()
    page.locator(".flash", has_text="Đã chuyển").wait_for()
    with live_server.session() as session:
        instance = session.get(ProcessInstance, instance_id)
        assert instance.version == old + 1
        officer = session.scalar(select(User).where(User.username == "officer_stc"))
        draft = session.scalar(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                       HumanTask.state == "open"))
        tasks.complete(session, actor=officer, task_id=draft.id, data=DRAFT)
        session.commit()
        following = session.scalar(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                           HumanTask.state == "open"))
        assert following.name == "Thủ trưởng ký tờ trình (bản mới)"
