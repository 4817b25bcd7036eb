"""A .docx template that inflates to hundreds of megabytes is refused before docxtpl reads it."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from service.models import DocumentTemplate
from service.zip_limits import MAX_INFLATED_BYTES

SHIPPED_DECISION = Path(__file__).resolve().parents[2] / "document_templates" / "qd_khen_thuong.docx"
MB = 1024 * 1024


@pytest.fixture
def templater(create_org_unit, create_user):
    create_org_unit("UBND_DN", kind="city_peoples_committee")
    create_user("templater", "UBND_DN", ["process_admin"])


def upload(client, login, content: bytes):
    return client.post("/api/v1/document-templates", headers=login("templater"), content_type="multipart/form-data",
                       data={"kind": "award_decision", "file": (io.BytesIO(content), "qd.docx")})


def _status() -> dict[str, int]:
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if value.strip().endswith("kB"):
            fields[name] = int(value.split()[0]) * 1024
    return fields


def _bombed_template(inflated: int) -> bytes:
    """The shipped template plus one member of `inflated` zero bytes (compressed about a thousandfold)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(SHIPPED_DECISION) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb:
        for member in source.infolist():
            bomb.writestr(member, source.read(member))
        with bomb.open("word/media/padding.bin", "w") as padding:
            chunk = bytes(MB)
            for _ in range(inflated // MB):
                padding.write(chunk)
    return buffer.getvalue()


def _many_members(count: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(SHIPPED_DECISION) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb:
        for member in source.infolist():
            bomb.writestr(member, source.read(member))
        for index in range(count):
            bomb.writestr(f"customXml/probe{index}.xml", b"<a/>")
    return buffer.getvalue()


def test_a_template_inflating_past_the_cap_is_refused_without_inflating_it(client, login, templater, session):
    bomb = _bombed_template(256 * MB)  # below 500 KB: the test client spools bigger bodies to a file
    assert len(bomb) < 2 * MB
    Path("/proc/self/clear_refs").write_text("5")  # reset the peak resident size
    before = _status()["VmRSS"]
    response = upload(client, login, bomb)
    grown = _status()["VmHWM"] - before
    assert response.status_code == 422
    assert "giải nén ra quá lớn" in response.get_json()["error"]["details"]["fields"]["file"][0]
    assert grown < MAX_INFLATED_BYTES // 4, f"the server grew by {grown / MB:.0f} MB"
    versions = session.scalars(select(DocumentTemplate.version).where(DocumentTemplate.kind == "award_decision"))
    assert list(versions) in ([], [1])


def test_a_template_with_thousands_of_members_is_refused(client, login, templater):
    response = upload(client, login, _many_members(3000))
    assert response.status_code == 422
    assert "thành phần" in response.get_json()["error"]["details"]["fields"]["file"][0]
