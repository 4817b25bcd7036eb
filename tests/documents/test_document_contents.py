from datetime import date

import pytest

from service.documents import (
    DocumentKind,
    build_council_minutes_context,
    render_document,
)
from service.documents import template_samples as samples
from service.documents.template_samples import NOMINEES, REWARD_POLICY
from tests.documents.docx_inspection import open_docx, text_of


def _decision_text(context) -> str:
    return text_of(open_docx(render_document(DocumentKind.AWARD_DECISION, context).content))


def test_decision_cash_reward_article_in_figures_and_words(build_decision_context):
    text = _decision_text(build_decision_context())
    # 2 collectives × 3.0, 2 individuals × 1.0, 1 household × 1.5 of 2,340,000, rounded up to 10,000.
    assert (
        "3,0 lần mức lương cơ sở (2.340.000 đồng), là 7.020.000 đồng (Bảy triệu không trăm hai mươi nghìn đồng)" in text
    )
    assert "số lượng: 2 tập thể, thành tiền: 14.040.000 đồng;" in text
    assert "1,0 lần mức lương cơ sở (2.340.000 đồng), là 2.340.000 đồng (Hai triệu ba trăm bốn mươi nghìn đồng)" in text
    assert "1,5 lần mức lương cơ sở (2.340.000 đồng), là 3.510.000 đồng (Ba triệu năm trăm mười nghìn đồng)" in text
    assert "Tổng số tiền thưởng: 22.230.000 đồng (Hai mươi hai triệu hai trăm ba mươi nghìn đồng)." in text
    assert "Kinh phí khen thưởng: Quỹ Thi đua, khen thưởng thành phố năm 2026." in text


def test_decision_amount_follows_the_configured_multiplier(build_decision_context):
    policy = {**REWARD_POLICY, "rates": [{**REWARD_POLICY["rates"][0], "multiplier": "2.0"}]}
    ward = {**NOMINEES[0]}
    context = build_decision_context([ward], reward_policy=policy)
    text = _decision_text(context)
    assert "là 4.680.000 đồng (Bốn triệu sáu trăm tám mươi nghìn đồng)" in text
    assert context["reward_total"] == 4_680_000


def test_decision_without_a_configured_rate_is_refused(build_decision_context):
    other = {**NOMINEES[2], "award_code": "unknown_form"}
    with pytest.raises(ValueError, match="Chưa cấu hình mức tiền thưởng"):
        build_decision_context([other])


def test_decision_list_groups_collectives_individuals_households(build_decision_context):
    text = _decision_text(build_decision_context())
    assert text.index("I. TẬP THỂ") < text.index("II. CÁ NHÂN") < text.index("III. HỘ GIA ĐÌNH")
    assert "Bà Nguyễn Thị Thu Hà" in text and "Ông Trần Văn Đức" in text
    assert "(Kèm theo Quyết định số 12/QĐ-UBND ngày 05 tháng 01 năm 2026 của Chủ tịch Ủy ban nhân dân thành phố" in text
    assert "Tặng Bằng khen của Chủ tịch Ủy ban nhân dân thành phố cho 02 tập thể, 02 cá nhân và 01 hộ gia đình" in text
    assert "QUYẾT ĐỊNH:" in text and "chịu trách nhiệm thi hành Quyết định này./." in text


def test_decision_legal_bases_end_with_semicolons_and_a_period(build_decision_context):
    context = build_decision_context()
    bases = context["legal_bases"]
    assert all(line.endswith(";") for line in bases[:-1])
    assert bases[-1].startswith("Theo đề nghị") and bases[-1].endswith(".")


def test_draft_decision_has_a_blank_number(build_decision_context):
    context = build_decision_context(meta=samples.meta(samples.CITY, samples.VICE_CHAIRMAN, number=None))
    line = next(p for p in _decision_text(context).splitlines() if p.startswith("Số:"))
    assert line.endswith("/QĐ-UBND") and not any(ch.isdigit() for ch in line)


def test_minutes_print_votes_against_total_members(build_context):
    context = build_context("council_minutes")
    text = text_of(open_docx(render_document(DocumentKind.COUNCIL_MINUTES, context).content))
    assert "Có mặt 7/9 thành viên Hội đồng Thi đua - Khen thưởng phường (đạt tỷ lệ 77,8%)" in text
    assert "Thời gian bắt đầu: 14 giờ 00 phút, ngày 20 tháng 11 năm 2025." in text
    assert "Cuộc họp kết thúc vào 16 giờ 30 phút cùng ngày" in text
    rows = context["votes"]
    assert [(r["votes"], r["percent"], r["result"]) for r in rows[:2]] == [
        ("7/9", "77,8", "Đạt"),
        ("6/9", "66,7", "Đạt"),
    ]
    assert rows[4]["result"] == "Không đạt"
    assert "- Hộ ông Lê Văn Ưng: không đạt (không đủ tỷ lệ phiếu);" in text
    assert "THƯ KÝ" in text and "CHỦ TỌA" in text and "Võ Minh Tuấn" in text


def test_minutes_reject_impossible_counts(build_context):
    meeting = {
        "council_name": "Hội đồng",
        "started_at": "2025-11-20T14:00:00",
        "ended_at": "2025-11-20T15:00:00",
        "location": "Hội trường",
        "chair": {"name": "A"},
        "secretary": {"name": "B"},
        "members_total": 5,
        "members_present": 4,
    }
    with pytest.raises(ValueError):
        build_council_minutes_context(
            samples.meta(samples.WARD_COUNCIL, samples.WARD_CHAIR),
            subject="Họp xét",
            meeting=meeting,
            votes=[{"nominee": NOMINEES[0], "votes_for": 6, "passed": True}],
            conclusion="",
        )


def test_submissions_address_and_reference_their_list(build_context):
    unit = text_of(open_docx(render_document("unit_submission", build_context("unit_submission")).content))
    assert "Kính gửi: Sở Khoa học và Công nghệ thành phố Đà Nẵng" in unit
    assert "(Kèm theo Tờ trình số 12/TTr-UBND ngày 05 tháng 01 năm 2026 của Ủy ban nhân dân phường Hải Châu)" in unit
    assert "Kính trình Sở Khoa học và Công nghệ thành phố Đà Nẵng xem xét, quyết định./." in unit
    state = text_of(open_docx(render_document("state_submission", build_context("state_submission")).content))
    assert "Kính gửi:\t- Thủ tướng Chính phủ;" in state
    assert "\t- Bộ Nội vụ (Ban Thi đua - Khen thưởng Trung ương)." in state
    consolidated = build_context("consolidated_submission")
    assert consolidated["nominees"][0]["score"] == "92,15"


def test_reports_carry_their_confirmation_blocks(build_context):
    collective = text_of(open_docx(render_document("collective_report", build_context("collective_report")).content))
    assert "XÁC NHẬN CỦA CẤP TRÌNH KHEN THƯỞNG" in collective
    assert "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC" in collective
    assert "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG" in collective
    assert "Quyết định số 45/QĐ-SKHCN" in collective
    individual = text_of(open_docx(render_document("individual_report", build_context("individual_report")).content))
    assert "NGƯỜI BÁO CÁO THÀNH TÍCH" in individual and "THỦ TRƯỞNG ĐƠN VỊ XÁC NHẬN, ĐỀ NGHỊ" in individual
    assert "XÁC NHẬN CỦA CẤP TRÌNH KHEN THƯỞNG" in individual
    assert "Sáng kiến số hóa hồ sơ một cửa" in individual
    assert "Quyết định số 30/QĐ-UBND ngày 20/12/2024" in individual and "Chưa được khen thưởng." not in individual
    never_awarded = build_context("individual_report", prior_awards=[])
    assert "Chưa được khen thưởng." in text_of(open_docx(render_document("individual_report", never_awarded).content))


def test_guidance_has_the_quota_appendix(build_context):
    context = build_context("guidance")
    text = text_of(open_docx(render_document("guidance", context).content))
    assert "SỐ LƯỢNG ĐỀ NGHỊ KHEN THƯỞNG TỐI ĐA CỦA CÁC ĐƠN VỊ" in text
    assert "Ủy ban nhân dân xã Hòa Vang" in text and "Tổng cộng" in text
    assert context["quota_total"] == "5"
    assert context["deadline_text"] == date(2025, 12, 10).strftime("%d/%m/%Y")
