"""Build the .docx templates of the official documents (Decree 30/2020 layout, docxtpl/Jinja tags).

Run from the repository root:  .venv/bin/python document_templates/build_templates.py
The generated files are committed; administrators may edit them in Word or LibreOffice afterwards (keep the
{{ … }} and {%p … %} tags). Context keys are produced by service/documents/*_contexts.py.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))  # the service package (word pairs)

from docx.document import Document as DocumentObject
from docx_parts import (
    TEXT_WIDTH,
    Column,
    addressee_block,
    appendix_heading,
    appendix_section,
    header_block,
    keep_row_whole,
    labelled,
    list_table,
    loop,
    new_document,
    new_table,
    no_cell_padding,
    para,
    recipients_cell,
    signature_block,
    tag,
    title_block,
)

OUTPUT = Path(__file__).resolve().parent

STT = Column("STT", 680, "{{ n.stt }}", "VD Table Center")
NAME = Column("Tên tập thể / Họ và tên", 2268, "{{ n.name }}")
POSITION = Column("Chức vụ, đơn vị", 2268, "{{ n.position_unit }}")
ACHIEVEMENT = Column("Tóm tắt thành tích", 2495, "{{ n.achievement }}")
FORM = Column("Hình thức đề nghị", TEXT_WIDTH - 680 - 2268 * 2 - 2495, "{{ n.form }}")


def submission(columns: list[Column]) -> Callable[[], DocumentObject]:
    """A Tờ trình (Mẫu 1.4) followed by its attached list on a new page."""

    def build() -> DocumentObject:
        document = new_document()
        header_block(document)
        title_block(document)
        addressee_block(document)
        loop(document, "body", "{{ line }}", "Normal")
        signature_block(document)
        appendix_section(document)
        appendix_heading(document)
        list_table(document, columns, source="nominees")
        return document

    return build


def guidance() -> DocumentObject:
    """Hướng dẫn (Mẫu 1.4) with the quota appendix."""
    document = new_document()
    header_block(document)
    title_block(document)
    loop(document, "legal_bases", "{{ line }}", "VD Legal Basis")
    para(document, "{{ intro }}")
    tag(document, "for s in sections")
    para(document, "{{ s.title }}", "VD Heading")
    loop(document, "s.paragraphs", "{{ line }}", "Normal")
    tag(document, "endfor")
    para(document, "{{ closing }}")
    signature_block(document)
    tag(document, "if quotas")
    appendix_section(document)
    para(document, "Phụ lục", "VD Appendix Title")
    para(document, "SỐ LƯỢNG ĐỀ NGHỊ KHEN THƯỞNG TỐI ĐA CỦA CÁC ĐƠN VỊ", "VD Appendix Title")
    para(document, "{{ appendix_reference }}", "VD Appendix Reference")
    table = list_table(
        document,
        [
            STT,
            Column("Đơn vị", 4800, "{{ n.unit }}"),
            Column("Số lượng tối đa", 1700, "{{ n.quota }}", "VD Table Center"),
            Column("Ghi chú", TEXT_WIDTH - 680 - 4800 - 1700, "{{ n.note }}"),
        ],
        source="quotas",
    )
    total = table.add_row()
    keep_row_whole(total)
    merged = total.cells[0].merge(total.cells[1])
    para(merged, "Tổng cộng", "VD Table Header")
    para(total.cells[2], "{{ quota_total }}", "VD Table Header")
    tag(document, "endif")
    return document


def council_minutes() -> DocumentObject:
    """Biên bản (Mẫu 1.9): meeting facts, ballot table, conclusion, secretary and chair signatures."""
    document = new_document()
    header_block(document)
    title_block(document)
    para(document, "Thời gian bắt đầu: {{ started_text }}.")
    para(document, "Địa điểm: {{ location }}.")
    para(document, "Thành phần tham dự: {{ attendance_text }}, gồm:")
    loop(document, "attendees", "{{ line }}", "Normal")
    tag(document, "if absent_note")
    para(document, "{{ absent_note }}")
    tag(document, "endif")
    para(document, "Chủ trì: {{ chair_text }}.")
    para(document, "Thư ký: {{ secretary_text }}.")
    para(document, "Nội dung cuộc họp:", "VD Heading")
    loop(document, "content", "{{ line }}", "Normal")
    para(document, "Kết quả bỏ phiếu kín như sau:")
    list_table(
        document,
        [
            STT,
            Column("Tên tập thể / Họ và tên", 2100, "{{ n.name }}"),
            Column("Chức vụ, đơn vị", 2000, "{{ n.position_unit }}"),
            Column("Hình thức đề nghị", 1900, "{{ n.form }}"),
            Column("Số phiếu đồng ý", 1000, "{{ n.votes }}", "VD Table Center"),
            Column("Tỷ lệ (%)", 850, "{{ n.percent }}", "VD Table Center"),
            Column("Kết quả", TEXT_WIDTH - 680 - 2100 - 2000 - 1900 - 1000 - 850, "{{ n.result }}", "VD Table Center"),
        ],
        source="votes",
    )
    para(document, "")
    para(document, "Kết luận: {{ conclusion }}")
    loop(document, "failed_lines", "{{ line }}", "Normal")
    para(
        document,
        "Cuộc họp kết thúc vào {{ ended_text }}{% if same_day %} cùng ngày{% endif %}; nội dung biên bản đã "
        "được đọc lại cho các thành viên dự họp cùng nghe, thống nhất thông qua và cùng ký tên./.",
    )
    table = new_table(document, 1, (TEXT_WIDTH // 2, TEXT_WIDTH - TEXT_WIDTH // 2), grid=False)
    no_cell_padding(table)
    keep_row_whole(table.rows[0])
    para(table.cell(0, 0), "THƯ KÝ", "VD Signature Title")
    for _ in range(4):
        para(table.cell(0, 0), "", "VD Signature Space")
    para(table.cell(0, 0), "{{ secretary_name }}", "VD Signer Name")
    para(table.cell(0, 1), "CHỦ TỌA", "VD Signature Title")
    for _ in range(4):
        para(table.cell(0, 1), "", "VD Signature Space")
    para(table.cell(0, 1), "{{ chair_name }}", "VD Signer Name")
    recipients_cell(document)
    return document


AWARDS = [
    Column("Năm", 1000, "{{ n.year }}", "VD Table Center"),
    Column("Hình thức khen thưởng", 3800, "{{ n.form }}"),
    Column("Số, ngày, tháng, năm của quyết định; cơ quan ban hành", TEXT_WIDTH - 1000 - 3800, "{{ n.decision }}"),
]


def _prior_awards(document: DocumentObject, heading: str) -> None:
    para(document, heading, "VD Heading")
    tag(document, "if prior_awards")
    list_table(document, AWARDS, source="prior_awards")
    tag(document, "else")
    para(document, "Chưa được khen thưởng.")
    tag(document, "endif")


def _block(cell, source: str) -> None:
    """A confirmation block: its title, a hint for a signature by hand, the signer's authority lines."""
    para(cell, "{{ " + source + ".title }}", "VD Signature Title")
    tag(cell, f"if {source}.text")
    para(cell, "{{ " + source + ".text }}", "VD Signature Note")
    tag(cell, "endif")
    loop(cell, f"{source}.signature_lines", "{{ line }}", "VD Signature Title")


def _report_signatures(document: DocumentObject, *, own_title: str | None) -> None:
    # The first confirmation (left) and the report's own signature (right) stand at the same height: titles in
    # the first row, names in the second, so both names sit on one line whatever the length of the titles.
    # A further confirmation (the superior's, on an individual's report) follows below, centred.
    table = new_table(document, 2, (TEXT_WIDTH // 2, TEXT_WIDTH - TEXT_WIDTH // 2), grid=False)
    no_cell_padding(table)
    for row in table.rows:
        keep_row_whole(row)
    left, right = table.cell(0, 0), table.cell(0, 1)
    tag(left, "if confirmation_left")
    _block(left, "confirmation_left")
    tag(left, "endif")
    # Keeps the cell valid (a cell needs a paragraph) when there is no confirmation beside the signature.
    para(left, "", "VD Signature Space")
    if own_title:
        para(right, own_title, "VD Signature Title")
        para(right, "(Ký, ghi rõ họ và tên)", "VD Signature Note")
    else:
        loop(right, "signature_lines", "{{ line }}", "VD Signature Title")
    for cell, name in ((table.cell(1, 0), "{{ confirmation_left.name if confirmation_left else '' }}"),
                       (table.cell(1, 1), "{{ signer_name }}")):
        for _ in range(4):
            para(cell, "", "VD Signature Space")
        para(cell, name, "VD Signer Name")
    tag(document, "for c in confirmations_below")
    first = len(document.paragraphs)
    para(document, "")
    _block(document, "c")
    for _ in range(4):
        para(document, "", "VD Signature Space")
    # The block stays on one page: every line is kept with the next, down to the name.
    for paragraph in document.paragraphs[first:]:
        paragraph.paragraph_format.keep_with_next = True
    para(document, "{{ c.name }}", "VD Signer Name")
    tag(document, "endfor")


def collective_report() -> DocumentObject:
    """Báo cáo thành tích of a collective (NĐ 152 appendix layout) with confirmation blocks."""
    document = new_document()
    header_block(document)
    title_block(document)
    para(document, "I. SƠ LƯỢC ĐẶC ĐIỂM, TÌNH HÌNH", "VD Heading")
    loop(document, "profile", "{{ line }}", "Normal")
    para(document, "II. THÀNH TÍCH ĐẠT ĐƯỢC", "VD Heading")
    loop(document, "achievements", "{{ line }}", "Normal")
    _prior_awards(document, "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG")
    para(document, "")
    _report_signatures(document, own_title=None)
    return document


def individual_report() -> DocumentObject:
    """Báo cáo thành tích of an individual: profile, duties, achievements, initiatives, prior awards."""
    document = new_document()
    header_block(document)
    title_block(document)
    para(document, "I. SƠ LƯỢC LÝ LỊCH", "VD Heading")
    loop(document, "profile", "{{ line }}", "Normal")
    para(document, "II. THÀNH TÍCH ĐẠT ĐƯỢC", "VD Heading")
    tag(document, "if duties")
    para(document, "1. Quyền hạn, nhiệm vụ được giao", "VD Heading")
    loop(document, "duties", "{{ line }}", "Normal")
    tag(document, "endif")
    para(document, "{% if duties %}2{% else %}1{% endif %}. Thành tích đạt được", "VD Heading")
    loop(document, "achievements", "{{ line }}", "Normal")
    tag(document, "if initiatives")
    para(document, "{% if duties %}3{% else %}2{% endif %}. Sáng kiến, đề tài khoa học đã được công nhận",
         "VD Heading")
    list_table(
        document,
        [
            STT,
            Column("Tên sáng kiến, đề tài", 4200, "{{ n.name }}"),
            Column("Quyết định công nhận (số, ngày, cơ\u00a0quan)", TEXT_WIDTH - 680 - 4200, "{{ n.recognition }}"),
        ],
        source="initiatives",
    )
    tag(document, "endif")
    _prior_awards(document, "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG")
    para(document, "")
    _report_signatures(document, own_title="NGƯỜI BÁO CÁO THÀNH TÍCH")
    return document


def award_decision() -> DocumentObject:
    """Quyết định (Mẫu 1.2) with the cash-reward article and the attached list."""
    document = new_document()
    header_block(document)
    title_block(document)
    para(document, "{{ authority }}", "VD Authority")
    loop(document, "legal_bases", "{{ line }}", "VD Legal Basis")
    para(document, "QUYẾT ĐỊNH:", "VD Centered Heading")
    labelled(document, "Điều 1. ", "{{ article1 }}")
    labelled(document, "Điều 2. ", "{{ article2_intro }}")
    loop(document, "reward_lines", "{{ line }}", "Normal")
    para(document, "{{ reward_total_line }}")
    tag(document, "if funding_line")
    para(document, "{{ funding_line }}")
    tag(document, "endif")
    labelled(document, "Điều 3. ", "{{ article3 }}")
    signature_block(document)
    appendix_section(document)
    appendix_heading(document)
    list_table(
        document,
        [
            STT,
            Column("Tên tập thể / Họ và tên", 3000, "{{ n.name }}"),
            Column("Chức vụ, đơn vị", 2900, "{{ n.position_unit }}"),
            Column("Hình thức khen thưởng", TEXT_WIDTH - 680 - 3000 - 2900, "{{ n.form }}"),
        ],
        source="groups",
        grouped=True,
    )
    return document


RANKED = [
    STT,
    NAME,
    Column("Chức vụ, đơn vị", 1900, "{{ n.position_unit }}"),
    Column("Điểm chỉ số", 900, "{{ n.score }}", "VD Table Center"),
    Column("Tóm tắt thành tích", 2200, "{{ n.achievement }}"),
    Column("Hình thức đề nghị", TEXT_WIDTH - 680 - 2268 - 1900 - 900 - 2200, "{{ n.form }}"),
]

TEMPLATES: dict[str, Callable[[], DocumentObject]] = {
    "hd_huong_dan_dot_khen_thuong.docx": guidance,
    "ttr_don_vi_de_nghi.docx": submission([STT, NAME, POSITION, ACHIEVEMENT, FORM]),
    "bb_hop_hoi_dong.docx": council_minutes,
    "bc_thanh_tich_tap_the.docx": collective_report,
    "bc_thanh_tich_ca_nhan.docx": individual_report,
    "ttr_co_quan_chu_tri.docx": submission(RANKED),
    "ttr_so_noi_vu.docx": submission([STT, NAME, POSITION, ACHIEVEMENT, FORM]),
    "qd_khen_thuong.docx": award_decision,
    "ttr_cap_nha_nuoc.docx": submission([STT, NAME, POSITION, ACHIEVEMENT, FORM]),
}


def main() -> None:
    for filename, build in TEMPLATES.items():
        document = build()
        # Fixed metadata so that rebuilding unchanged templates gives the same properties.
        properties = document.core_properties
        properties.author = properties.last_modified_by = "Vinh Danh"
        properties.title = filename.removesuffix(".docx")
        properties.created = properties.modified = datetime(2026, 1, 1, tzinfo=UTC)
        properties.revision = 1
        document.save(OUTPUT / filename)
        print(f"wrote {OUTPUT / filename}")


if __name__ == "__main__":
    main()
