"""Rendering keeps each template version's compiled parts and styles: a new version of a kind is rendered
from its own text and styles, never from what an earlier version left in the caches."""

from __future__ import annotations

import io
import zipfile

from service.documents import DocumentKind, render
from service.documents.rendering import DEFAULT_TEMPLATE_DIR, TEMPLATE_FILES
from tests.documents.docx_inspection import all_paragraphs, open_docx, text_of

KIND = DocumentKind.AWARD_DECISION


def _edited(template: bytes, member: str, old: str, new: str) -> bytes:
    """The template with `old` replaced by `new` in one of its members (a new version an administrator uploads)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(template)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == member:
                assert old.encode() in data
                data = data.replace(old.encode(), new.encode())
            target.writestr(info, data)
    return out.getvalue()


def _text(docx: bytes) -> str:
    return text_of(open_docx(docx))


def _motto_rule_indent(docx: bytes) -> int:
    for paragraph in all_paragraphs(open_docx(docx)):
        if paragraph.style is not None and paragraph.style.name == "VD Motto Rule":
            return paragraph.paragraph_format.left_indent.twips
    raise AssertionError("no rule under the motto")


def test_a_new_version_renders_its_own_text_after_the_previous_one_was_cached(build_context):
    context = build_context(KIND)
    first = (DEFAULT_TEMPLATE_DIR / TEMPLATE_FILES[KIND]).read_bytes()
    second = _edited(first, "word/document.xml", "Độc lập", "Độc lập (phiên bản 2)")
    before = _text(render(first, context))
    after = _text(render(second, context))
    assert "Độc lập (phiên bản 2)" in after
    assert "phiên bản 2" not in before
    assert _text(render(first, context)) == before  # and the first version is still itself


def test_a_new_version_with_other_styles_is_measured_with_its_own(build_context):
    context = build_context(KIND)
    first = (DEFAULT_TEMPLATE_DIR / TEMPLATE_FILES[KIND]).read_bytes()
    motto = '<w:name w:val="VD Motto"/>'
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        styles = archive.read("word/styles.xml").decode()
    start = styles.index(motto)
    size = styles[start:styles.index("</w:style>", start)].rindex('<w:sz w:val="26"/>') + start
    # Version 2 prints the motto at 11 pt instead of 13: the rule under it (its full width) is narrower.
    second = _edited(first, "word/styles.xml", styles[start:size + 18], styles[start:size] + '<w:sz w:val="22"/>')
    assert _motto_rule_indent(render(first, context)) < _motto_rule_indent(render(second, context))
    assert _motto_rule_indent(render(first, context)) == _motto_rule_indent(render(first, context))
