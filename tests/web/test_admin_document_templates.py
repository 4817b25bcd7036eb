"""Mẫu văn bản in the browser: upload a version with a placeholder the data lacks (listed, activation refused),
upload a correct one, see its check, format check and preview, activate it; the shipped version is put back."""

from __future__ import annotations

import io

from docx import Document
from sqlalchemy import select

from service.documents.rendering import DEFAULT_TEMPLATE_DIR
from service.models import DocumentTemplate

from .browser import axe_check, screenshot


def _template(text: str) -> bytes:
    document = Document(str(DEFAULT_TEMPLATE_DIR / "qd_khen_thuong.docx"))
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _upload(page, content: bytes, name: str) -> None:
    page.goto("/admin/document-templates")
    page.get_by_label("Loại văn bản").select_option("award_decision")
    page.get_by_label("Tệp mẫu (.docx)").set_input_files(
        {"name": name, "mimeType": "application/octet-stream", "buffer": content})
    with page.expect_navigation():
        page.get_by_role("button", name="Tải lên").click()


def test_upload_check_preview_and_activate(page_as, live_server):
    page = page_as("process_admin")
    page.goto("/admin/document-templates")
    assert page.locator("section[data-kind]").count() == 9
    screenshot(page, "admin-document-templates")

    _upload(page, _template("Kính gửi: {{ nguoi_nhan_moi }}"), "qd-loi.docx")
    assert page.locator("[data-check='failed']").count() == 1
    unresolved = page.locator("[data-unresolved]")
    assert "nguoi_nhan_moi" in unresolved.inner_text()
    assert "Kính gửi: {{ nguoi_nhan_moi }}" in unresolved.inner_text()  # the paragraph it sits in
    assert page.get_by_role("button", name="Dùng phiên bản này").is_disabled()
    screenshot(page, "admin-document-template-unresolved", full_page=True)

    _upload(page, _template("Bản sửa đổi: {{ signer_name }}"), "qd-moi.docx")
    assert page.locator("[data-check='passed']").count() == 1
    assert page.locator("[data-format-problems='0']").count() == 1
    assert page.locator("[data-preview-docx]").count() == 1
    if page.locator("[data-preview-pdf]").count():
        with page.expect_response(lambda response: response.url.endswith("/preview.pdf")) as pdf:
            page.reload()
        assert pdf.value.status == 200 and pdf.value.headers["content-type"] == "application/pdf"
    assert axe_check(page) == []
    screenshot(page, "admin-document-template-checked", full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="Dùng phiên bản này").click()
    assert "được tạo theo phiên bản" in page.locator(".flash").first.inner_text()
    with live_server.session() as session:
        rows = session.scalars(select(DocumentTemplate).where(DocumentTemplate.kind == "award_decision")
                               .order_by(DocumentTemplate.version)).all()
        assert [(row.active, row.filename) for row in rows][-2:] == [(False, "qd-loi.docx"), (True, "qd-moi.docx")]
        shipped = rows[0].id
    # Put the shipped version back for the other browser tests of this run (activating an older version is allowed).
    page.goto(f"/admin/document-templates/{shipped}")
    with page.expect_navigation():
        page.get_by_role("button", name="Dùng phiên bản này").click()
    with live_server.session() as session:
        assert session.scalar(select(DocumentTemplate.version).where(DocumentTemplate.kind == "award_decision",
                                                                     DocumentTemplate.active.is_(True))) == 1


def test_auditors_read_the_versions_without_changing_them(page_as):
    page = page_as("auditor")
    page.goto("/admin/document-templates")
    assert page.locator("[data-template-upload]").count() == 0
    page.locator("section[data-kind='guidance']").get_by_role("link", name="Kiểm tra và xem trước").first.click()
    assert page.locator("[data-check='passed']").count() == 1
    assert page.get_by_role("button", name="Dùng phiên bản này").count() == 0
