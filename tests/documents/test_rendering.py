import hashlib
import re
import shutil

import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from service.documents import DocumentKind, render_document
from service.documents.rendering import TEMPLATE_FILES
from service.documents.template_samples import NOMINEES
from service.documents.text_width import text_width_twips
from tests.documents.conftest import LISTS_ALL_NOMINEES
from tests.documents.docx_inspection import all_paragraphs, effective_format, find, font_problems, open_docx, text_of

NUMBER_LINE = re.compile(r"^Số: \d{2,}/[A-ZĐ][A-Za-zĐ]*(-[A-ZĐ0-9]+)+$")
PLACE_DATE = re.compile(r"^[^,]+, ngày (0[1-9]|[12]\d|3[01]) tháng (0[12]|[3-9]|1[0-2]) năm \d{4}$")
ALL_KINDS = list(DocumentKind)
WITH_RECIPIENTS = [k for k in ALL_KINDS if k not in (DocumentKind.COLLECTIVE_REPORT, DocumentKind.INDIVIDUAL_REPORT)]


@pytest.fixture(params=ALL_KINDS, ids=lambda kind: kind.value)
def rendered(request, build_context):
    kind = request.param
    result = render_document(kind, build_context(kind))
    return kind, result, open_docx(result.content)


def test_page_is_a4_with_decree_margins(rendered):
    _, _, document = rendered
    for section in document.sections:
        page = section._sectPr.find(qn("w:pgSz"))
        assert (page.get(qn("w:w")), page.get(qn("w:h"))) == ("11906", "16838")
        assert page.get(qn("w:orient")) in (None, "portrait")
        assert 1134 <= section.top_margin.twips <= 1417
        assert 1134 <= section.bottom_margin.twips <= 1417
        assert 1701 <= section.left_margin.twips <= 1984
        assert 850 <= section.right_margin.twips <= 1134


def test_times_new_roman_everywhere(rendered):
    _, _, document = rendered
    assert font_problems(document) == []


def test_every_text_paragraph_is_between_11_and_14_pt(rendered):
    _, _, document = rendered
    for paragraph in all_paragraphs(document):
        if paragraph.text.strip():
            assert 11 <= effective_format(paragraph).size <= 14, paragraph.text


def test_no_template_tags_are_left(rendered):
    _, result, document = rendered
    text = text_of(document)
    assert "{{" not in text and "{%" not in text and "}}" not in text
    assert b"{{" not in result.content


def test_header_elements_have_decree_formats(rendered):
    _, _, document = rendered
    national = find(document, lambda t: t == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert effective_format(national) == effective_format(national).__class__(12, True, False)
    motto = find(document, lambda t: t == "Độc lập - Tự do - Hạnh phúc")
    assert (effective_format(motto).size, effective_format(motto).bold) == (13, True)
    place_date = find(document, lambda t: ", ngày " in t and " năm " in t)
    assert PLACE_DATE.match(place_date.text), place_date.text
    assert "ngày 05 tháng 01 năm 2026" in place_date.text
    fmt = effective_format(place_date)
    assert (fmt.size, fmt.italic, fmt.bold) == (13, True, False)
    header_cell = document.tables[0].cell(0, 0)
    agency = [p for p in header_cell.paragraphs if p.text.strip()]
    assert agency, "agency name missing"
    for paragraph in agency:
        fmt = effective_format(paragraph)
        assert fmt.size in (12, 13) and not fmt.italic
    assert effective_format(agency[-1]).bold, "issuing agency must be bold"
    doc_type = find(document, lambda t: t in {"TỜ TRÌNH", "BIÊN BẢN", "HƯỚNG DẪN", "QUYẾT ĐỊNH", "BÁO CÁO THÀNH TÍCH"})
    fmt = effective_format(doc_type)
    assert fmt.size in (13, 14) and fmt.bold
    assert doc_type.alignment == WD_ALIGN_PARAGRAPH.CENTER or doc_type.style.paragraph_format.alignment == 1


def test_number_line(rendered):
    kind, result, document = rendered
    numbers = [p for p in all_paragraphs(document) if p.text.startswith("Số:")]
    if kind is DocumentKind.INDIVIDUAL_REPORT:
        assert numbers == []  # written by the person, not numbered by the unit
        return
    assert len(numbers) == 1
    assert NUMBER_LINE.match(numbers[0].text), numbers[0].text
    fmt = effective_format(numbers[0])
    assert (fmt.size, fmt.bold, fmt.italic) == (13, False, False)
    symbol = numbers[0].text.removeprefix("Số: ")
    assert result.filename.endswith(".docx") and result.filename.isascii()
    assert symbol.split("/")[0].isdigit()


def test_recipients_block(rendered):
    kind, _, document = rendered
    titles = [p for p in all_paragraphs(document) if p.text == "Nơi nhận:"]
    if kind not in WITH_RECIPIENTS:
        assert titles == []
        return
    assert len(titles) == 1
    fmt = effective_format(titles[0])
    assert (fmt.size, fmt.bold, fmt.italic) == (12, True, True)
    paragraphs = all_paragraphs(document)
    start = next(i for i, p in enumerate(paragraphs) if p.text == "Nơi nhận:")
    lines = []
    for paragraph in paragraphs[start + 1 :]:
        if not paragraph.text.startswith("- "):
            break
        lines.append(paragraph)
    assert len(lines) >= 2
    for paragraph in lines[:-1]:
        assert paragraph.text.endswith(";"), paragraph.text
        assert effective_format(paragraph) == effective_format(paragraph).__class__(11, False, False)
    assert lines[-1].text.startswith("- Lưu: VT") and lines[-1].text.endswith(".")
    assert effective_format(lines[-1]).size == 11


def test_body_is_justified_14pt_with_first_line_indent(rendered):
    _, _, document = rendered
    body = [p for p in all_paragraphs(document) if p.style.name == "Normal" and len(p.text) > 60]
    assert body
    for paragraph in body:
        fmt = paragraph.style.paragraph_format
        assert fmt.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
        assert fmt.first_line_indent.twips in (567, 720)
        assert fmt.space_after.pt >= 6
        assert effective_format(paragraph).size in (13, 14)


def test_nominees_are_listed_with_diacritics(rendered):
    kind, _, document = rendered
    text = text_of(document)
    if kind in LISTS_ALL_NOMINEES:
        expected = NOMINEES
    elif kind is DocumentKind.STATE_SUBMISSION:
        expected = NOMINEES[:3]
    else:
        return
    for nominee in expected:
        assert nominee["name"] in text, nominee["name"]
    assert "Công ty Cổ phần Phần mềm Sông Hàn & Cộng sự" in text  # escaped, not broken


def test_lists_repeat_their_header_row_and_keep_rows_whole(rendered):
    _, _, document = rendered
    grids = [t for t in document.tables if t.style is not None and t.style.name == "Table Grid"]
    for table in grids:
        rows = table._tbl.findall(qn("w:tr"))
        assert rows[0].find(qn("w:trPr")).find(qn("w:tblHeader")) is not None
        for row in rows:
            assert row.find(qn("w:trPr")).find(qn("w:cantSplit")) is not None
        for row in rows[1:]:
            assert row.find(qn("w:trPr")).find(qn("w:tblHeader")) is None


def test_page_numbers_start_on_page_two(rendered):
    _, _, document = rendered
    for section in document.sections:
        assert section.different_first_page_header_footer
        header_xml = section.header._element.xml
        assert "PAGE" in header_xml
        assert "PAGE" not in section.first_page_header._element.xml
    header = section.header.paragraphs[0]
    assert header.alignment == WD_ALIGN_PARAGRAPH.CENTER or header.style.paragraph_format.alignment == 1
    assert effective_format(header).size in (13, 14)


def test_appendix_pages_are_numbered_separately(build_context):
    document = open_docx(render_document(DocumentKind.AWARD_DECISION, build_context("award_decision")).content)
    assert len(document.sections) == 2
    restart = document.sections[1]._sectPr.find(qn("w:pgNumType"))
    assert restart is not None and restart.get(qn("w:start")) == "1"


def test_rules_are_sized_to_the_text_above(rendered):
    _, _, document = rendered
    header = document.tables[0]
    motto_rule = next(p for p in header.cell(0, 1).paragraphs if p.style.name == "VD Motto Rule")
    width = header.cell(0, 1).width.twips
    motto = text_width_twips("Độc lập - Tự do - Hạnh phúc", 13, bold=True)
    rule = width - 2 * motto_rule.paragraph_format.left_indent.twips
    assert abs(rule - motto) <= 30
    agency_rule = next(p for p in header.cell(0, 0).paragraphs if p.style.name == "VD Agency Rule")
    names = [p.text for p in header.cell(0, 0).paragraphs if p.style.name == "VD Issuing Agency"]
    longest = max(text_width_twips(n, 12, bold=True) for n in names)
    rule = header.cell(0, 0).width.twips - 2 * agency_rule.paragraph_format.left_indent.twips
    assert longest / 3 <= rule <= longest / 2


def test_signature_block_prints_the_delegation(build_context):
    decision = text_of(open_docx(render_document("award_decision", build_context("award_decision")).content))
    assert "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH" in decision
    assert "Trần Chí Cường" in decision
    state = text_of(open_docx(render_document("state_submission", build_context("state_submission")).content))
    assert "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH" in state
    guidance = text_of(open_docx(render_document("guidance", build_context("guidance")).content))
    assert "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC" in guidance


def test_rendered_document_records_template_and_hashes(build_context, tmp_path):
    context = build_context("award_decision")
    result = render_document(DocumentKind.AWARD_DECISION, context)
    template = TEMPLATE_FILES[DocumentKind.AWARD_DECISION]
    assert result.template_name == template
    assert result.filename == "award_decision_12-QD-UBND.docx"
    assert result.sha256 == hashlib.sha256(result.content).hexdigest()
    from service.documents.rendering import DEFAULT_TEMPLATE_DIR

    template_bytes = (DEFAULT_TEMPLATE_DIR / template).read_bytes()
    assert result.template_sha256 == hashlib.sha256(template_bytes).hexdigest()


def test_template_directory_is_configurable(build_context, tmp_path):
    from service.documents.rendering import DEFAULT_TEMPLATE_DIR

    for name in TEMPLATE_FILES.values():
        shutil.copy(DEFAULT_TEMPLATE_DIR / name, tmp_path / name)
    result = render_document("guidance", build_context("guidance"), template_dir=tmp_path)
    assert "HƯỚNG DẪN" in text_of(open_docx(result.content))
    with pytest.raises(FileNotFoundError):
        render_document("guidance", build_context("guidance"), template_dir=tmp_path / "missing")


def test_subject_rule_spans_a_third_to_a_half_of_the_subject(rendered):
    _, _, document = rendered
    paragraphs = document.paragraphs
    rule_index = next(i for i, p in enumerate(paragraphs) if p.style.name == "VD Subject Rule")
    subject = [p.text for p in paragraphs[:rule_index] if p.style.name == "VD Subject"]
    assert subject
    section = document.sections[0]
    text_width = section.page_width.twips - section.left_margin.twips - section.right_margin.twips
    longest = min(text_width, max(text_width_twips(line, 14, bold=True) for line in subject))
    rule = text_width - 2 * paragraphs[rule_index].paragraph_format.left_indent.twips
    assert longest / 3 <= rule <= longest / 2


def test_long_subjects_are_split_into_even_lines(build_context):
    context = build_context("council_minutes")
    assert len(context["subject_lines"]) == 2
    first, second = context["subject_lines"]
    assert not second.startswith("-") and not first.endswith("-")
    assert abs(len(first) - len(second)) < 25


def _cells_without_paragraphs(document) -> int:
    return sum(1 for cell in document.element.body.iter(qn("w:tc")) if cell.find(qn("w:p")) is None)


def test_every_table_cell_keeps_a_paragraph(rendered):
    # A cell without a paragraph is invalid OOXML: Word refuses the file, LibreOffice shifts the layout.
    _, _, document = rendered
    assert _cells_without_paragraphs(document) == 0


def test_optional_parts_can_be_empty(build_context):
    from datetime import date

    from service.documents import build_guidance_context, build_individual_report_context
    from service.documents import template_samples as samples

    report = build_individual_report_context(
        samples.meta(samples.WARD, {"title": "Người báo cáo thành tích", "name": "Lê Thị Ơn"}, number=None),
        award_form=samples.CITY_FORM,
        context_line="",
        profile=[],
        duties=[],
        achievements=[],
        initiatives=[],
        prior_awards=[],
        confirmations=[],
    )
    document = open_docx(render_document("individual_report", report).content)
    assert _cells_without_paragraphs(document) == 0
    text = text_of(document)
    assert "Sáng kiến, đề tài" not in text and "Chưa được khen thưởng." in text and "Lê Thị Ơn" in text
    guidance = build_guidance_context(
        samples.meta(samples.SCIENCE, samples.DIRECTOR),
        subject="Xét khen thưởng",
        legal_bases=[],
        intro="Hướng dẫn như sau:",
        sections=[],
        deadline=date(2025, 12, 10),
        quotas=[],
        closing="./.",
    )
    document = open_docx(render_document("guidance", guidance).content)
    assert len(document.sections) == 1
    assert document.sections[0].different_first_page_header_footer
    assert "PAGE" in document.sections[0].header._element.xml
    assert "Phụ lục" not in text_of(document)
