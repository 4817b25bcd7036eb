"""The form editor in the browser: add a field, see it in the live preview, deploy, and the next instance's
task form carries it."""

from __future__ import annotations

from sqlalchemy import func, select

from service.models import HumanTask, ProcessVersion, User
from service.operations import instances, tasks

from .browser import screenshot

PROCESS = "demo_approval"


def test_add_a_field_preview_and_deploy(page_as, live_server):
    with live_server.session() as session:
        before = session.scalar(select(func.max(ProcessVersion.version)).where(ProcessVersion.process_key == PROCESS))
    page = page_as("process_admin")
    page.goto(f"/admin/processes/{PROCESS}/forms?version={before}")
    page.get_by_role("link", name="demo_draft.form").click()
    page.wait_for_selector("[data-form-editor][data-ready='true']")
    page.evaluate("""() => {
        const editor = document.querySelector('[data-form-editor]').formEditor;
        const root = editor._getState().schema;
        editor.get('modeling').addFormField(
            { type: 'textfield', key: 'contact_phone', label: 'Số điện thoại liên hệ' }, root,
            root.components.length);
    }""")
    page.wait_for_function("() => (document.querySelector('[data-form-editor]').dataset.previewFields || '')"
                           ".includes('contact_phone')")
    assert page.locator("[data-preview]").get_by_label("Số điện thoại liên hệ").count() == 1
    screenshot(page, "admin-form-editor")
    page.get_by_role("button", name="Triển khai").click()
    page.wait_for_selector("[data-form-editor][data-deployed-version]")
    with live_server.session() as session:
        officer = session.scalar(select(User).where(User.username == "officer_stc"))
        instance = instances.start_instance(session, actor=officer, process_key=PROCESS)
        session.commit()
        assert instance.version == before + 1
        task = session.scalar(select(HumanTask).where(HumanTask.instance_id == instance.id,
                                                      HumanTask.state == "open"))
        form = tasks.task_page(session, actor=officer, task_id=task.id).form
        keys = [component.get("key") for component in form.schema["components"]]
        assert "contact_phone" in keys
