"""The whole sign-off loop in Vietnamese, in Chromium, on the demo data: the officer of Sở Tài chính drafts,
meets a field error, fixes it, attaches a PDF and submits; the unit head returns it with a reason; the officer
sees the reason, changes one field and resubmits; the head sees exactly that change and approves; the instance
page shows the steps done, the diagram and the files. Then scope (another unit gets the 404 page), CSRF and
accessibility, with screenshots of each page at both layouts."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from service.models import Attachment, HumanTask, User
from service.operations import instances

from .browser import axe_check, login, screenshot

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SUMMARY = "Hoàn thành xuất sắc nhiệm vụ năm 2026; tiết kiệm 1.234.567 đồng chi thường xuyên."
CHANGED = "Hoàn thành xuất sắc nhiệm vụ năm 2026; đã bổ sung số liệu tiết kiệm chi thường xuyên."


def _start(live_server, nominee: str) -> int:
    """A demo approval started by Sở Tài chính's officer (the page to start one is not part of this loop)."""
    with live_server.session() as session:
        officer = session.scalar(select(User).where(User.username == "officer_stc"))
        instance = instances.start_instance(session, actor=officer, process_key="demo_approval",
                                            data={"nominee_name": nominee, "nominee_kind": "collective"})
        session.commit()
        return instance.id


def _open_task(live_server, instance_id: int, element_id: str) -> str:
    with live_server.session() as session:
        return session.scalar(select(HumanTask.id).where(HumanTask.instance_id == instance_id,
                                                         HumanTask.element_id == element_id,
                                                         HumanTask.state == "open"))


def _no_serious_violations(page) -> None:
    violations = axe_check(page)
    assert violations == [], violations


def _open_from_inbox(page, tab: str, nominee: str, task_name: str) -> None:
    page.goto(f"/inbox/{tab}")
    row = page.locator("tbody tr", has_text=nominee)
    row.get_by_role("link", name=task_name).click()
    page.wait_for_selector("[data-task-form][data-ready=true], .return-reason, [name=decision]")


def _sign_out(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng xuất").click()


def test_sign_off_loop_in_vietnamese(page, live_server, tmp_path: Path):
    nominee = f"Phòng Quản lý ngân sách {uuid.uuid4().hex[:6]}"
    instance_id = _start(live_server, nominee)

    # The officer finds the task in the inbox (offered to the unit's officers) and opens it.
    login(page, "officer_stc")
    page.goto("/inbox/group")
    assert page.locator("tbody tr", has_text=nominee).locator(".badge").inner_text().startswith("Còn ")
    _no_serious_violations(page)
    screenshot(page, "inbox-group")
    _open_from_inbox(page, "group", nominee, "Lập hồ sơ đề nghị")
    assert "Nhập tên tập thể hoặc cá nhân" in page.locator(".instructions").inner_text()
    page.wait_for_selector("[data-bpmn-diagram][data-ready=true]")

    # Submitting without the achievement summary: the message at the field (form-js checks the same rules
    # the server does before anything is posted), the typed name kept.
    page.get_by_label("Tên tập thể/cá nhân được đề nghị").fill(nominee + " (sửa)")
    page.get_by_role("button", name="Gửi", exact=True).click()
    page.wait_for_selector(".fjs-has-errors")
    summary = page.get_by_label("Tóm tắt thành tích")
    assert "Tóm tắt thành tích" in page.locator(".fjs-has-errors").inner_text()
    assert "Vui lòng nhập trường này." in page.locator(".fjs-has-errors").inner_text()
    assert page.get_by_label("Tên tập thể/cá nhân được đề nghị").input_value() == nominee + " (sửa)"
    assert "/tasks/" in page.url  # nothing was posted
    screenshot(page, "task-field-error")

    # A summary of blanks passes form-js's "required" (it only sees an empty value) but not the server's: the
    # page comes back (422) with the server's message at that field, and what was typed is kept.
    summary.fill("   ")
    with page.expect_navigation() as answer:
        page.get_by_role("button", name="Gửi", exact=True).click()
    assert answer.value.status == 422
    page.wait_for_selector("[data-task-form][data-ready=true]")
    field = page.locator(".fjs-form-field.fjs-has-errors")
    assert field.count() == 1 and "Tóm tắt thành tích" in field.inner_text()
    assert "Trường này là bắt buộc." in field.inner_text()  # the server's words (form-js says "Vui lòng nhập…")
    assert page.get_by_label("Tên tập thể/cá nhân được đề nghị").input_value() == nominee + " (sửa)"
    assert _open_task(live_server, instance_id, "draft")  # nothing was kept: the step is still open
    screenshot(page, "task-server-field-error")

    # Fix it, attach a PDF (the typed values stay: the file goes up by htmx), submit.
    summary = page.get_by_label("Tóm tắt thành tích")
    summary.fill(SUMMARY)
    pdf = tmp_path / "Báo cáo thành tích.pdf"
    pdf.write_bytes(PDF)
    page.set_input_files("input[name=file]", str(pdf))
    page.get_by_role("button", name="Đính kèm tệp").click()
    page.locator("#attachments").get_by_role("link", name="Báo cáo thành tích.pdf").wait_for()
    assert summary.input_value() == SUMMARY
    _no_serious_violations(page)
    screenshot(page, "task-draft", full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="Gửi", exact=True).click()
    assert "Đã gửi hồ sơ" in page.locator("main").inner_text()
    _sign_out(page)

    # The unit head returns it; the reason is required.
    login(page, "head_stc")
    _open_from_inbox(page, "group", nominee, "Thủ trưởng ký tờ trình")
    assert page.get_by_role("button", name="Duyệt").is_visible()
    page.get_by_role("button", name="Trả lại").click()
    page.wait_for_load_state()
    assert "Vui lòng nhập lý do trả lại" in page.locator(".field--error").inner_text()
    page.get_by_label("Lý do trả lại").fill("Bổ sung số liệu tiết kiệm chi năm 2026")
    with page.expect_navigation():
        page.get_by_role("button", name="Trả lại").click()
    assert "Đã trả lại hồ sơ cho Sở Tài chính" in page.locator("main").inner_text()
    _sign_out(page)

    # The officer sees the reason on top, changes one field and resubmits.
    login(page, "officer_stc")
    _open_from_inbox(page, "group", nominee, "Lập hồ sơ đề nghị")
    assert "Bổ sung số liệu tiết kiệm chi năm 2026" in page.locator(".return-reason").inner_text()
    page.wait_for_selector("[data-task-form][data-ready=true]")
    screenshot(page, "task-returned", full_page=True)
    page.get_by_label("Tóm tắt thành tích").fill(CHANGED)
    with page.expect_navigation():
        page.get_by_role("button", name="Gửi", exact=True).click()
    _sign_out(page)

    # The head sees exactly that change, and approves.
    login(page, "head_stc")
    _open_from_inbox(page, "group", nominee, "Thủ trưởng ký tờ trình")
    rows = page.locator("table.diff tbody tr")
    assert rows.count() == 1
    assert rows.first.locator("th").inner_text() == "Tóm tắt thành tích"
    assert rows.first.locator("del").inner_text() == SUMMARY and rows.first.locator("ins").inner_text() == CHANGED
    _no_serious_violations(page)
    screenshot(page, "task-review-diff", full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="Duyệt").click()
    assert "Đã duyệt hồ sơ" in page.locator("main").inner_text()

    # The instance page: the steps done, the diagram with them marked, the file, the history.
    page.goto(f"/instances/{instance_id}")
    page.wait_for_selector("[data-bpmn-diagram][data-ready=true]")
    marked = page.evaluate("() => document.querySelector('[data-bpmn-diagram]').markedElements")
    assert set(marked["completed"]) >= {"draft", "sign"} and marked["active"] == ["confirm"]
    assert page.locator("#documents").get_by_role("link", name="Báo cáo thành tích.pdf").is_visible()
    history = page.locator(".timeline").inner_text()
    assert "Trả lại" in history and "Bổ sung số liệu tiết kiệm chi năm 2026" in history and "Duyệt" in history
    _no_serious_violations(page)
    screenshot(page, "instance", full_page=True)
    _sign_out(page)

    # Another unit's officer gets the 404 page for the instance and for its file.
    with live_server.session() as session:
        attachment_id = session.scalar(select(Attachment.id).where(Attachment.instance_id == instance_id))
    login(page, "officer_haichau")
    for url in (f"/instances/{instance_id}", f"/attachments/{attachment_id}"):
        response = page.goto(url)
        assert response.status == 404, url
        assert "Không tìm thấy trang" in page.locator("main").inner_text()
    screenshot(page, "not-found")


def test_a_post_without_the_csrf_token_is_refused(page, live_server):
    instance_id = _start(live_server, "Kiểm tra CSRF")
    task_id = _open_task(live_server, instance_id, "draft")
    login(page, "officer_stc")
    response = page.request.post(f"/tasks/{task_id}/claim", form={"next": "/inbox"}, max_redirects=0)
    assert response.status == 400
    assert "Vui lòng tải lại trang" in response.text()
    with live_server.session() as session:
        assert session.get(HumanTask, task_id).assignee_id is None  # nothing changed


@pytest.mark.parametrize("tab", ["mine", "group", "done"])
def test_inbox_tabs_are_accessible(page, live_server, tab):
    login(page, "officer_stc")
    page.goto(f"/inbox/{tab}")
    assert re.search(r"Việc của tôi|Việc của nhóm|Đã xử lý", page.locator("h1").inner_text())
    _no_serious_violations(page)
