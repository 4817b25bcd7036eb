"""Drafts, attachments and comments beside a task."""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlalchemy import select

from service.errors import Conflict, NotFound, ValidationFailed
from service.models import AuditEvent, TaskDraft
from service.operations import attachments, comments, drafts, instance_view, task_workspace

from .conftest import DRAFT
from .test_sign_off import PDF


def test_draft_is_per_user_resumed_and_dropped_on_completion(session, people, start_case):
    _, task = start_case()
    drafts.save_draft(session, actor=people["officer"], task_id=task.id, data={"nominee_name": "Bản nháp"})
    drafts.save_draft(session, actor=people["officer"], task_id=task.id, data={"nominee_name": "Bản nháp 2"})
    session.commit()
    resumed = task_workspace.task_workspace(session, actor=people["officer"], task_id=task.id)
    assert resumed.initial_data["nominee_name"] == "Bản nháp 2" and resumed.draft is not None
    other = task_workspace.task_workspace(session, actor=people["officer2"], task_id=task.id)
    assert "nominee_name" not in other.initial_data and other.draft is None
    with pytest.raises(NotFound):
        drafts.save_draft(session, actor=people["other"], task_id=task.id, data={})
    task_workspace.submit(session, actor=people["officer"], task_id=task.id, data=DRAFT)
    session.commit()
    assert session.scalars(select(TaskDraft)).all() == []
    with pytest.raises(Conflict):
        drafts.save_draft(session, actor=people["officer"], task_id=task.id, data={})


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_attachment_types_by_content_size_and_names(session, people, start_case):
    _, task = start_case()
    officer = people["officer"]
    ok = attachments.add_attachment(session, actor=officer, task_id=task.id, filename="../../Báo cáo.pdf", content=PDF)
    assert ok.filename == "Báo cáo.pdf" and ok.content_type == "application/pdf" and ok.size == len(PDF)
    docx = attachments.add_attachment(session, actor=officer, task_id=task.id, filename="to_trinh.docx",
                                      content=_docx())
    assert docx.content_type.endswith("wordprocessingml.document")
    for name, content in [("virus.pdf", b"MZ\x90\x00 not a pdf"), ("script.html", b"<script>alert(1)</script>"),
                          ("fake.docx", PDF), ("empty.pdf", b""), ("zip.docx", b"PK\x03\x04broken")]:
        with pytest.raises(ValidationFailed):
            attachments.add_attachment(session, actor=officer, task_id=task.id, filename=name, content=content)
    with pytest.raises(ValidationFailed) as big:
        attachments.add_attachment(session, actor=officer, task_id=task.id, filename="big.pdf",
                                   content=PDF + b"0" * attachments.MAX_BYTES)
    assert big.value.details["reason"] == "too_large"
    session.commit()
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.action == "attachment.added")).all()
    assert len(actions) == 2


def test_attachment_download_only_within_scope(session, people, start_case):
    instance, task = start_case()
    file = attachments.add_attachment(session, actor=people["officer"], task_id=task.id, filename="a.pdf", content=PDF)
    session.commit()
    assert attachments.get_for_download(session, actor=people["head"], attachment_id=file.id).content == PDF
    assert attachments.get_for_download(session, actor=people["auditor"], attachment_id=file.id).content == PDF
    with pytest.raises(NotFound):
        attachments.get_for_download(session, actor=people["other"], attachment_id=file.id)
    with pytest.raises(NotFound):
        attachments.get_for_download(session, actor=people["officer"], attachment_id=file.id + 1000)
    with pytest.raises(NotFound):
        instance_view.instance_page(session, actor=people["other"], instance_id=instance.id)
    # Another officer of the unit may not take back someone else's file.
    with pytest.raises(Conflict):
        attachments.remove_attachment(session, actor=people["officer2"], task_id=task.id, attachment_id=file.id)


def test_comments_go_into_the_history(session, people, start_case):
    instance, task = start_case()
    comments.add_comment(session, actor=people["officer"], task_id=task.id, text="Đã liên hệ phòng Kế hoạch")
    session.commit()
    with pytest.raises(ValidationFailed):
        comments.add_comment(session, actor=people["officer"], task_id=task.id, text="   ")
    with pytest.raises(NotFound):
        comments.add_comment(session, actor=people["other"], task_id=task.id, text="xen vào")
    page = instance_view.instance_page(session, actor=people["head"], instance_id=instance.id)
    [event] = [e for e in page.history if e.action == "task.commented"]
    assert event.actor == "officer" and event.details["text"] == "Đã liên hệ phòng Kế hoạch"
    assert [c.text for c in comments.comments_of(session, instance_id=instance.id, task_id=task.id)] == [
        "Đã liên hệ phòng Kế hoạch"]


def test_instance_page_marks_and_data_view(session, people, start_case):
    instance, task = start_case({"nominee_name": "A"})
    task_workspace.submit(session, actor=people["officer"], task_id=task.id, data=DRAFT)
    session.commit()
    page = instance_view.instance_page(session, actor=people["officer"], instance_id=instance.id)
    assert page.marks.completed == ["draft"] and page.marks.active == ["sign"] and page.marks.waiting == []
    assert page.data is None  # officers do not get the raw data view
    audited = instance_view.instance_page(session, actor=people["auditor"], instance_id=instance.id)
    assert audited.data["nominee_name"] == DRAFT["nominee_name"]
    assert b"demo_approval" in instance_view.diagram_xml(session, actor=people["officer"], instance_id=instance.id)
    workspace = task_workspace.task_workspace(session, actor=people["officer"], task_id=task.id)
    assert workspace.documentation.startswith("Nhập tên tập thể") and not workspace.may_act


def test_a_finished_task_shows_what_was_submitted(session, people, start_case):
    _, task = start_case()
    task_workspace.submit(session, actor=people["officer"], task_id=task.id, data=DRAFT)
    session.commit()
    done = task_workspace.task_workspace(session, actor=people["officer"], task_id=task.id)
    assert not done.may_act and done.initial_data == DRAFT
