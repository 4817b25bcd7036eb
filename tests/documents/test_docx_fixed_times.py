"""The rendered .docx is the same bytes every time: the converter's copy and an on-demand download match the
recorded hash. Only the members' time stamps are fixed; their content is what python-docx wrote."""

from __future__ import annotations

import io
import zipfile

from service.documents import DocumentKind, render
from service.documents.rendering import DEFAULT_TEMPLATE_DIR, TEMPLATE_FILES
from service.pdf.docx import FIXED_TIME, fixed_times, render_docx


def _members(archive: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(archive)) as source:
        assert source.testzip() is None
        return {member.filename: source.read(member) for member in source.infolist()}


def test_every_member_carries_the_fixed_time_and_its_own_content(build_context):
    template = (DEFAULT_TEMPLATE_DIR / TEMPLATE_FILES[DocumentKind.AWARD_DECISION]).read_bytes()
    context = build_context(DocumentKind.AWARD_DECISION)
    plain = render(template, context)
    fixed = render_docx(template, context)
    with zipfile.ZipFile(io.BytesIO(fixed)) as archive:
        assert {member.date_time for member in archive.infolist()} == {FIXED_TIME}
    assert _members(fixed) == _members(plain)
    assert len(fixed) == len(plain)


def test_the_same_template_and_context_give_the_same_bytes(build_context):
    template = (DEFAULT_TEMPLATE_DIR / TEMPLATE_FILES[DocumentKind.COUNCIL_MINUTES]).read_bytes()
    context = build_context(DocumentKind.COUNCIL_MINUTES)
    first = render_docx(template, context)
    assert render_docx(template, context) == first
    assert fixed_times(first) == first  # stamping is idempotent


def test_an_archive_written_at_another_time_gets_the_same_stamps():
    def archive(date_time: tuple[int, ...]) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for name in ("[Content_Types].xml", "word/document.xml"):
                target.writestr(zipfile.ZipInfo(name, date_time=date_time), f"<x>{name}</x>")
        return out.getvalue()

    assert fixed_times(archive((2026, 12, 3, 9, 15, 42))) == fixed_times(archive((2031, 1, 2, 23, 59, 58)))
