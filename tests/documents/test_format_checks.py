"""The format check fails the documents an office could not send: a blank number line, a missing type line or
"Nơi nhận", an empty member list, a decision whose first legal basis is not the local-government law."""

from __future__ import annotations

import io

from service.documents import DocumentKind, build_council_minutes_context, render_document
from service.documents import template_samples as samples
from service.documents.format_checks import format_problems
from tests.documents.docx_inspection import all_paragraphs, open_docx


def problems_of(kind: str, context: dict, *, numbered: bool = True) -> list[str]:
    return format_problems(render_document(kind, context).content, kind=kind, numbered=numbered)


def test_the_sample_documents_of_every_kind_pass(build_context):
    for kind in DocumentKind:
        context = build_context(kind)
        assert problems_of(kind.value, context, numbered=bool(context.get("document_symbol"))) == [], kind


def test_minutes_with_a_blank_number_and_no_members_fail():
    meeting = {"council_name": "Hội đồng Thi đua - Khen thưởng", "started_at": "2026-11-20T08:00:00",
               "ended_at": "2026-11-20T10:00:00", "location": "Hội trường", "chair": {"name": "Nguyễn Văn A"},
               "secretary": {"name": "Lê Thị B"}, "members_total": 9, "members_present": 8}
    context = build_council_minutes_context(
        samples.meta(samples.WARD_COUNCIL, samples.WARD_CHAIR, number=None, place="Hải Châu"),
        subject="Họp xét", meeting=meeting, votes=[], conclusion="Thống nhất.")
    problems = problems_of("council_minutes", context, numbered=False)
    assert any("Dòng số để trống" in problem for problem in problems), problems
    assert any("'gồm:'" in problem for problem in problems), problems

    complete = build_council_minutes_context(
        samples.meta(samples.WARD_COUNCIL, samples.WARD_CHAIR, number=None, numbered=False, place="Hải Châu"),
        subject="Họp xét", meeting={**meeting, "attendees": [{"name": "Nguyễn Văn A", "title": "Chủ tịch Hội đồng"}]},
        votes=[], conclusion="Thống nhất.")
    assert problems_of("council_minutes", complete, numbered=False) == []


def test_a_decision_must_start_from_the_local_government_law(build_decision_context):
    assert build_decision_context()["legal_bases"][0].startswith(samples.LOCAL_GOVERNMENT_LAW)  # the sample passes
    problems = problems_of("award_decision", build_decision_context(legal_bases=samples.BASES))
    assert problems == ["Căn cứ đầu tiên phải là 'Căn cứ Luật Tổ chức chính quyền địa phương…'"]


def test_a_submission_without_its_recipients_or_type_line_fails(build_context):
    content = render_document("unit_submission", build_context("unit_submission")).content
    document = open_docx(content)
    for paragraph in all_paragraphs(document):
        if paragraph.text in ("Nơi nhận:", "TỜ TRÌNH"):
            paragraph.runs[0].text, *_ = ("Ghi chú:" if paragraph.text == "Nơi nhận:" else "TO TRINH",)
            for run in paragraph.runs[1:]:
                run.text = ""
    buffer = io.BytesIO()
    document.save(buffer)
    problems = format_problems(buffer.getvalue(), kind="unit_submission", numbered=True)
    assert "Thiếu 'Nơi nhận:'" in problems, problems
    assert "Thiếu tên loại văn bản 'TỜ TRÌNH'" in problems, problems
    assert format_problems(content, kind="unit_submission", numbered=False) == [
        "Văn bản chưa được cấp số"]
