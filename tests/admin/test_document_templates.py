"""Mẫu văn bản: template versions uploaded (inactive), checked against each kind's sample data, previewed and
activated by process admins (audited), read by auditors, not found for others; broken uploads change nothing;
the templates' Jinja runs sandboxed."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from docx import Document
from jinja2.exceptions import SecurityError
from sqlalchemy import func, select

from service.documents import render
from service.documents.rendering import DEFAULT_TEMPLATE_DIR
from service.documents.template_check import check_template
from service.documents.template_samples import sample_context
from service.models import AuditEvent, DocumentTemplate
from service.operations import documents
from service.zip_limits import MAX_INFLATED_BYTES

from ..conftest import PASSWORD
from ..documents.libreoffice_gate import require_libreoffice

SHIPPED_DECISION = DEFAULT_TEMPLATE_DIR / "qd_khen_thuong.docx"
MB = 1024 * 1024


@pytest.fixture
def world(create_org_unit, create_user):
    create_org_unit("UBND_DN", kind="city_peoples_committee")
    create_user("templater", "UBND_DN", ["process_admin"])
    create_user("watcher", "UBND_DN", ["auditor"])
    create_user("clerk", "UBND_DN", ["unit_officer"])


def _sign_in(client, username: str) -> str:
    token = re.search(rb'name="csrf_token" value="([^"]+)"', client.get("/login").data).group(1).decode()
    assert client.post("/login", data={"username": username, "password": PASSWORD,
                                       "csrf_token": token}).status_code == 302
    return re.search(rb'name="csrf-token" content="([^"]+)"', client.get("/inbox").data).group(1).decode()


def _template(*paragraphs: str, source: Path = SHIPPED_DECISION) -> bytes:
    document = Document(str(source))
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _zip_bomb() -> bytes:
    """The shipped template with one member inflating past the cap (a few hundred kilobytes compressed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(SHIPPED_DECISION) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb:
        for member in source.infolist():
            bomb.writestr(member, source.read(member))
        with bomb.open("word/media/padding.bin", "w") as padding:
            for _ in range(MAX_INFLATED_BYTES // MB + 8):
                padding.write(bytes(MB))
    return buffer.getvalue()


def _upload(client, token: str, content: bytes, kind: str = "award_decision", name: str = "qd moi.docx"):
    return client.post("/admin/document-templates", content_type="multipart/form-data",
                       data={"csrf_token": token, "kind": kind, "file": (io.BytesIO(content), name)})


def _versions(session, kind: str = "award_decision") -> list[tuple[int, bool]]:
    session.expire_all()
    return [(t.version, t.active) for t in session.scalars(
        select(DocumentTemplate).where(DocumentTemplate.kind == kind).order_by(DocumentTemplate.version))]


def _actions(session) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("document_template.%"))
                                .order_by(AuditEvent.id)))


def test_every_shipped_template_resolves_against_its_sample_data():
    for kind, filename in documents.TEMPLATE_FILES.items():
        result = check_template((DEFAULT_TEMPLATE_DIR / filename).read_bytes(),
                                documents.json_safe(sample_context(kind)))
        assert result.passed and result.content, (kind, result)


def test_the_list_shows_every_kind_to_admins_and_auditors_only(world, client):
    _sign_in(client, "templater")
    page = client.get("/admin/document-templates").data.decode()
    assert page.count("data-kind=") == 9 and page.count("data-active") == 9
    assert "Quyết định khen thưởng" in page and "Mẫu có sẵn" in page and "data-template-upload" in page
    auditor = client.application.test_client()
    _sign_in(auditor, "watcher")
    read_only = auditor.get("/admin/document-templates")
    assert read_only.status_code == 200 and "data-template-upload" not in read_only.data.decode()
    other = client.application.test_client()
    _sign_in(other, "clerk")
    assert other.get("/admin/document-templates").status_code == 404
    assert other.get("/admin/document-templates/1").status_code == 404


def test_upload_check_preview_then_activate(world, client, session):
    token = _sign_in(client, "templater")
    uploaded = _upload(client, token, _template("Mẫu sửa đổi lần 2: {{ signer_name }}"))
    assert uploaded.status_code == 302
    assert _versions(session) == [(1, True), (2, False)]  # stored, not used yet
    version_page = client.get(uploaded.headers["Location"]).data.decode()
    assert 'data-check="passed"' in version_page and "Mọi chỗ điền đều có dữ liệu" in version_page
    assert 'data-format-problems="0"' in version_page
    template_id = int(uploaded.headers["Location"].rsplit("/", 1)[1])
    preview = client.get(f"/admin/document-templates/{template_id}/preview.docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(preview.data)).paragraphs)
    assert "Mẫu sửa đổi lần 2: Trần Chí Cường" in text  # the sample signer, filled in
    assert documents.active_template(session, "award_decision").version == 1

    assert client.post(f"/admin/document-templates/{template_id}/activate",
                       data={"csrf_token": token}).status_code == 302
    assert _versions(session) == [(1, False), (2, True)]
    assert documents.active_template(session, "award_decision").version == 2  # what generation uses now
    assert _actions(session) == ["document_template.uploaded", "document_template.activated"]
    listing = client.get("/admin/document-templates").data.decode()
    assert "Người dùng templater" in listing  # who uploaded it


def test_an_unresolved_placeholder_is_listed_with_its_paragraph_and_blocks_activation(world, client, session):
    token = _sign_in(client, "templater")
    content = _template("Kính gửi: {{ nguoi_nhan_moi }}",
                        "{% for group in groups %}{{ group.tieu_de }}{% endfor %}")
    uploaded = _upload(client, token, content)
    assert uploaded.status_code == 302
    page = client.get(uploaded.headers["Location"]).data.decode()
    assert 'data-check="failed"' in page and "2 chỗ điền không có dữ liệu" in page
    assert "<code>nguoi_nhan_moi</code>" in page and "Thân văn bản: Kính gửi: {{ nguoi_nhan_moi }}" in page
    assert "<code>groups[].tieu_de</code>" in page  # a field of the loop's items, named by its data path
    assert re.search(r'<button type="submit" class="btn btn--primary" disabled', page)
    template_id = int(uploaded.headers["Location"].rsplit("/", 1)[1])
    refused = client.post(f"/admin/document-templates/{template_id}/activate", data={"csrf_token": token})
    assert refused.status_code == 422 and "nguoi_nhan_moi" in refused.data.decode()
    assert _versions(session) == [(1, True), (2, False)]
    assert _actions(session) == ["document_template.uploaded"]


@pytest.mark.parametrize(("content", "message"), [
    (b"%PDF-1.4 not a docx", "Không phải tệp .docx"),
    (b"", "Tệp rỗng"),
    (_template(source=DEFAULT_TEMPLATE_DIR / "qd_khen_thuong.docx")[:4096], "Không phải tệp .docx"),
    (_template("{{ unclosed "), "Mẫu có thẻ không hợp lệ"),
    (_template("{{ ''.__class__.__mro__ }}"), "thành phần nội bộ của Python"),
    (_template("{% if false %}{{ signer_name|attr('__globals__') }}{% endif %}"), "__globals__"),
], ids=["pdf", "empty", "truncated", "syntax", "internals", "internals-in-a-branch-not-taken"])
def test_a_refused_upload_changes_nothing(world, client, session, content, message):
    token = _sign_in(client, "templater")
    client.get("/admin/document-templates")  # seeds version 1 of every kind
    before = _versions(session)
    refused = _upload(client, token, content)
    assert refused.status_code == 422 and message in refused.data.decode()
    assert _versions(session) == before and _actions(session) == []


def test_a_zip_bomb_is_refused_before_it_is_inflated(world, client, session):
    token = _sign_in(client, "templater")
    bomb = _zip_bomb()
    assert len(bomb) < 2 * MB
    refused = _upload(client, token, bomb)
    assert refused.status_code == 422 and "giải nén ra quá lớn" in refused.data.decode()
    assert _versions(session) in ([], [(1, True)]) and _actions(session) == []


def test_auditors_read_but_change_nothing(world, client, session):
    admin = client.application.test_client()
    admin_token = _sign_in(admin, "templater")
    template_id = int(_upload(admin, admin_token, _template("v2")).headers["Location"].rsplit("/", 1)[1])
    token = _sign_in(client, "watcher")
    page = client.get(f"/admin/document-templates/{template_id}")
    assert page.status_code == 200 and "Dùng phiên bản này" not in page.data.decode()
    assert client.get(f"/admin/document-templates/{template_id}/file").data.startswith(b"PK")
    assert _upload(client, token, _template("v3")).status_code == 403
    assert client.post(f"/admin/document-templates/{template_id}/activate",
                       data={"csrf_token": token}).status_code == 403
    assert _versions(session) == [(1, True), (2, False)]


def test_forms_without_the_csrf_token_are_refused(world, client, session):
    _sign_in(client, "templater")
    client.application.config["WTF_CSRF_ENABLED"] = True
    assert _upload(client, "wrong", _template("v2")).status_code == 400
    assert _versions(session) in ([], [(1, True)])


def test_the_sandbox_stops_a_template_reaching_python_internals():
    context = documents.json_safe(sample_context("award_decision"))
    hostile = _template("{{ ''.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(SecurityError):
        render(hostile, context)
    result = check_template(hostile, context)
    assert not result.passed and result.content is None
    assert [finding.name for finding in result.unsafe][:1] == ["__class__"]


def test_the_pdf_preview_is_shown_in_the_page(world, client):
    require_libreoffice()
    token = _sign_in(client, "templater")
    location = _upload(client, token, _template("Bản xem trước")).headers["Location"]
    page = client.get(location).data.decode()
    assert "data-preview-pdf" in page
    pdf = client.get(f"{location}/preview.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and pdf.mimetype == "application/pdf"


def test_the_api_shares_the_operations(world, client, login, session):
    def upload(content: bytes, activate: str | None = None):
        data = {"kind": "award_decision", "file": (io.BytesIO(content), "qd.docx")}
        if activate is not None:
            data["activate"] = activate
        return client.post("/api/v1/document-templates", headers=login("templater"),
                           content_type="multipart/form-data", data=data)

    unresolved = _template("{{ khong_co }}")
    refused = upload(unresolved)  # uploading and activating at once: refused whole
    assert refused.status_code == 422 and refused.get_json()["error"]["details"]["unresolved"] == ["khong_co"]
    assert _versions(session) in ([], [(1, True)])
    stored = upload(unresolved, activate="false")
    assert stored.status_code == 201 and stored.get_json()["active"] is False
    template_id = stored.get_json()["id"]
    check = client.get(f"/api/v1/document-templates/{template_id}/check", headers=login("watcher")).get_json()
    assert check["activatable"] is False and check["unresolved"][0]["name"] == "khong_co"
    assert check["unresolved"][0]["places"] == [{"part": "body", "text": "{{ khong_co }}"}]
    assert client.post(f"/api/v1/document-templates/{template_id}/activate",
                       headers=login("templater")).status_code == 422
    good = upload(_template("v3"), activate="false").get_json()
    preview = client.get(f"/api/v1/document-templates/{good['id']}/preview", headers=login("watcher"))
    assert preview.status_code == 200 and preview.data.startswith(b"PK")
    activated = client.post(f"/api/v1/document-templates/{good['id']}/activate", headers=login("templater"))
    assert activated.status_code == 200 and activated.get_json()["version"] == 3
    assert _versions(session) == [(1, False), (2, False), (3, True)]
    assert client.get(f"/api/v1/document-templates/{good['id']}/check",
                      headers=login("clerk")).status_code == 404
    count = session.scalar(select(func.count()).select_from(AuditEvent)
                           .where(AuditEvent.action == "document_template.activated"))
    assert count == 1


def test_the_pages_follow_the_chosen_language(world, client):
    token = _sign_in(client, "templater")
    client.post("/language", data={"csrf_token": token, "locale": "en", "next": "/admin/document-templates"})
    listing = client.get("/admin/document-templates").data.decode()
    assert "Document templates" in listing and "Award decision" in listing and "Mẫu văn bản" not in listing
    location = _upload(client, token, _template("{{ khong_co }}")).headers["Location"]
    page = client.get(location).data.decode()
    assert "Placeholders without data (1):" in page and "Body: {{ khong_co }}" in page
