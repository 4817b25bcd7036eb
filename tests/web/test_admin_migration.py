"""Chuyển phiên bản in the browser: running instances previewed, a selection moved in the background with a
progress page that updates itself (one instance suspended meanwhile stays behind, with the reason), and a moved
instance continuing on the new version's flow."""

from __future__ import annotations

from sqlalchemy import func, select

from service.models import HumanTask, ProcessInstance, ProcessVersion, User
from service.operations import deployments, instance_control, instances, modeling, tasks

from .browser import axe_check, screenshot

PROCESS = "demo_approval"
DRAFT = {"nominee_name": "Phường Hải Châu", "nominee_kind": "collective", "achievement_summary": "Thành tích"}


def test_migrate_a_selection_in_the_background_and_it_continues_on_the_new_version(page_as, live_server):
    with live_server.session() as session:
        officer = session.scalar(select(User).where(User.username == "officer_stc"))
        admin = session.scalar(select(User).where(User.username == "process_admin"))
        old = session.scalar(select(func.max(ProcessVersion.version)).where(ProcessVersion.process_key == PROCESS))
        instance_id, held_id = (instances.start_instance(session, actor=officer, process_key=PROCESS, version=old).id
                                for _ in range(2))
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
    # Only this test's two instances (others' tests leave theirs on the same version).
    page.evaluate("""(keep) => document.querySelectorAll("input[name='instance']")
                      .forEach((box) => { box.checked = keep.includes(Number(box.value)); })""", [instance_id, held_id])
    with live_server.session() as session:  # changed after the preview: it will stay behind, with the reason
        admin = session.scalar(select(User).where(User.username == "process_admin"))
        instance_control.suspend(session, actor=admin, instance_id=held_id, reason="Chờ xác minh")
        session.commit()
    page.get_by_role("button", name="Chuyển các hồ sơ đã chọn").click()
    page.wait_for_url("**/migration/jobs/*")
    # The worker's loop (the live server's timer loop) runs the job; the section polls until it is done.
    page.locator("#migration-progress[data-finished='true']").wait_for(timeout=20_000)
    assert page.locator("[data-count='moved']").inner_text() == "1"
    assert page.locator("[data-count='failed']").inner_text() == "1"
    assert page.locator("[data-count='pending']").inner_text() == "0"
    failure = page.locator(f"[data-failures] tr[data-instance-id='{held_id}']")
    assert "tạm dừng" in failure.inner_text()
    screenshot(page, "admin-migration-progress")
    assert axe_check(page) == []
    with live_server.session() as session:
        assert session.get(ProcessInstance, held_id).version == old
        admin = session.scalar(select(User).where(User.username == "process_admin"))
        instance_control.resume(session, actor=admin, instance_id=held_id, reason="Đã xác minh")
        session.commit()
    page.get_by_role("button", name="Chạy lại các hồ sơ chưa chuyển").click()
    page.locator(".flash", has_text="Đã xếp lại 1 hồ sơ").wait_for()
    page.locator("#migration-progress[data-finished='true']").wait_for(timeout=20_000)
    assert page.locator("[data-count='moved']").inner_text() == "2"
    assert page.locator("[data-count='failed']").inner_text() == "0"
    with live_server.session() as session:
        assert session.get(ProcessInstance, held_id).version == old + 1
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
