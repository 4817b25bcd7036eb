"""Demo data for each document kind, passed through the real context builders: the data a template version is
checked and previewed with before it may be activated (service/operations/document_templates.py), and the sample
documents the document tests render.

The values look like a real Da Nang round so that the preview reads like a real document and the format
checks judge it as they would judge a generated one: every sample passes them. Every branch of a template is
reached: a nominee of each subject kind, an individual of each sex, a name with an ampersand (escaped, never
breaking the document), a prior award and both confirmations on each report.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from service.documents.decision_context import build_award_decision_context
from service.documents.rendering import DocumentKind
from service.documents.report_contexts import (
    build_collective_report_context,
    build_council_minutes_context,
    build_guidance_context,
    build_individual_report_context,
)
from service.documents.submission_contexts import (
    build_consolidated_submission_context,
    build_home_affairs_submission_context,
    build_state_submission_context,
    build_unit_submission_context,
)

CITY = {"name": "Ủy ban nhân dân thành phố Đà Nẵng", "abbreviation": "UBND"}
SCIENCE = {"name": "Sở Khoa học và Công nghệ", "abbreviation": "SKHCN", "parent_name": "UBND thành phố Đà Nẵng"}
HOME_AFFAIRS = {"name": "Sở Nội vụ", "abbreviation": "SNV", "parent_name": "UBND thành phố Đà Nẵng"}
WARD = {"name": "Ủy ban nhân dân phường Hải Châu", "abbreviation": "UBND"}
WARD_COUNCIL = {"name": "Hội đồng Thi đua - Khen thưởng", "abbreviation": "HĐTĐKT",
                "parent_name": "Ủy ban nhân dân phường Hải Châu"}
VICE_CHAIRMAN = {"title": "Phó Chủ tịch", "name": "Trần Chí Cường", "delegation": "KT.", "acting_title": "Chủ tịch"}
CHAIRMAN = {"title": "Chủ tịch", "name": "Lương Nguyễn Minh Triết", "delegation": "TM.",
            "acting_title": "Ủy ban nhân dân"}
DIRECTOR = {"title": "Giám đốc", "name": "Nguyễn Văn Hùng"}
DEPUTY_DIRECTOR = {"title": "Phó Giám đốc", "name": "Trần Ngọc Thạch", "delegation": "KT.", "acting_title": "Giám đốc"}
WARD_CHAIR = {"title": "Chủ tịch", "name": "Phạm Thị Ngọc Ánh"}
MOVEMENT = "phong trào thi đua chuyển đổi số thành phố Đà Nẵng năm 2025"
CITY_FORM = "Bằng khen của Chủ tịch Ủy ban nhân dân thành phố"
BASES = [
    "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022",
    "Căn cứ Nghị định số 152/2025/NĐ-CP ngày 14 tháng 6 năm 2025 của Chính phủ quy định chi tiết một số điều "
    "của Luật Thi đua, khen thưởng",
    "Căn cứ Quyết định số 3970/QĐ-UBND ngày 10 tháng 12 năm 2021 của Chủ tịch Ủy ban nhân dân thành phố",
]
# A decision starts from the law that gives the Chairman the power to decide (the format check requires it).
LOCAL_GOVERNMENT_LAW = "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025"
NOMINEES: list[dict[str, Any]] = [
    {"name": "Ủy ban nhân dân phường Hải Châu", "kind": "collective", "award_code": "city_bk",
     "achievement_summary": "Chỉ số chuyển đổi số đạt 92,15 điểm, xếp loại xuất sắc", "proposed_form": CITY_FORM,
     "score": Decimal("92.15"), "rank": 1},
    {"name": "Công ty Cổ phần Phần mềm Sông Hàn & Cộng sự", "kind": "enterprise", "award_code": "city_bk",
     "achievement_summary": "Phát triển nền tảng dữ liệu mở của thành phố", "proposed_form": CITY_FORM},
    {"name": "Nguyễn Thị Thu Hà", "kind": "individual", "sex": "female", "award_code": "city_bk",
     "position": "Trưởng phòng Chuyển đổi số", "unit": "Ủy ban nhân dân phường Hải Châu",
     "achievement_summary": "Sáng kiến số hóa hồ sơ một cửa", "proposed_form": CITY_FORM},
    {"name": "Trần Văn Đức", "kind": "individual", "sex": "male", "award_code": "city_bk", "position": "Chuyên viên",
     "unit": "Sở Khoa học và Công nghệ", "achievement_summary": "Xây dựng kho dữ liệu dùng chung",
     "proposed_form": CITY_FORM},
    {"name": "Hộ ông Lê Văn Ưng", "kind": "household", "award_code": "city_bk",
     "achievement_summary": "Hiến đất mở rộng trạm phát sóng", "proposed_form": CITY_FORM},
]
REWARD_POLICY = {
    "base_salary": 2_340_000, "rounding_unit": 10_000, "funding_source": "Quỹ Thi đua, khen thưởng thành phố năm 2026",
    "rates": [
        {"award_code": "city_bk", "subject_kind": "collective", "multiplier": "3.0", "label": CITY_FORM},
        {"award_code": "city_bk", "subject_kind": "individual", "multiplier": "1.0", "label": CITY_FORM},
        {"award_code": "city_bk", "subject_kind": "household", "multiplier": "1.5", "label": CITY_FORM},
    ],
}
SUPERIOR_CONFIRMATION = {"title": "Xác nhận của cấp trình khen thưởng", "signer": DEPUTY_DIRECTOR}


def meta(issuer: dict, signer: dict, number: int | None = 5, **extra: Any) -> dict[str, Any]:
    """A sample document's issuer, signer, number, place, date (5 January 2026) and recipients."""
    values = {"issuer": issuer, "signer": signer, "issued_on": date(2026, 1, 5), "place": "Đà Nẵng", "number": number,
              "recipients": ["Như trên", "Chủ tịch, các Phó Chủ tịch UBND thành phố (để b/c)"], "archive": ["TĐKT"]}
    values.update(extra)
    return values


def _guidance() -> dict[str, Any]:
    return dict(
        meta=meta(SCIENCE, DEPUTY_DIRECTOR), subject=f"Xét khen thưởng {MOVEMENT}", legal_bases=BASES,
        intro="Sở Khoa học và Công nghệ hướng dẫn việc xét, đề nghị khen thưởng như sau:",
        sections=[{"title": "I. ĐỐI TƯỢNG, TIÊU CHUẨN",
                   "paragraphs": ["1. Các sở, ban, ngành và Ủy ban nhân dân phường, xã hoàn thành nhiệm vụ và có chỉ "
                                  "số chuyển đổi số đạt từ 80 điểm trở lên.",
                                  "2. Doanh nghiệp có sản phẩm, dịch vụ số mới được đưa vào sử dụng."]},
                  {"title": "II. HỒ SƠ, THỜI HẠN",
                   "paragraphs": ["Hồ sơ gồm: Tờ trình, Biên bản họp Hội đồng, Báo cáo thành tích; gửi về Sở Khoa học "
                                  "và Công nghệ trước ngày 10/12/2025."]}],
        deadline=date(2025, 12, 10),
        quotas=[{"unit": "Ủy ban nhân dân phường Hải Châu", "quota": 3},
                {"unit": "Ủy ban nhân dân xã Hòa Vang", "quota": 2, "note": "Ưu tiên nữ"}],
        closing="Trong quá trình thực hiện, nếu có vướng mắc, đề nghị liên hệ Phòng Chuyển đổi số để được hướng dẫn./.",
    )


def _unit_submission() -> dict[str, Any]:
    return dict(
        meta=meta(WARD, WARD_CHAIR, 12, place="Hải Châu"), addressee="Sở Khoa học và Công nghệ thành phố Đà Nẵng",
        award_form=CITY_FORM, movement=MOVEMENT, legal_bases=BASES,
        council_minutes="Biên bản họp Hội đồng Thi đua - Khen thưởng phường Hải Châu ngày 20 tháng 11 năm 2025",
        nominees=NOMINEES,
    )


def _council_minutes() -> dict[str, Any]:
    last = len(NOMINEES) - 1  # the last nominee fails the vote
    votes = [{"nominee": nominee, "votes_for": 7 - index, "passed": index < last,
              "reason": "không đủ tỷ lệ phiếu" if index >= last else None} for index, nominee in enumerate(NOMINEES)]
    return dict(
        meta=meta(WARD_COUNCIL, WARD_CHAIR, 3, place="Hải Châu"), subject=f"Họp xét đề nghị khen thưởng {MOVEMENT}",
        meeting={"council_name": "Hội đồng Thi đua - Khen thưởng phường", "started_at": datetime(2025, 11, 20, 14, 0),
                 "ended_at": datetime(2025, 11, 20, 16, 30),
                 "location": "Hội trường Ủy ban nhân dân phường Hải Châu",
                 "chair": {"name": "Phạm Thị Ngọc Ánh", "title": "Chủ tịch Ủy ban nhân dân phường"},
                 "secretary": {"name": "Võ Minh Tuấn", "title": "Công chức Văn phòng - Thống kê"},
                 "members_total": 9, "members_present": 7,
                 "attendees": [{"name": "Phạm Thị Ngọc Ánh", "title": "Chủ tịch Hội đồng"},
                               {"name": "Đặng Quốc Việt", "title": "Phó Chủ tịch Hội đồng"}],
                 "absent_note": "Vắng 02 thành viên (có lý do).",
                 "content": ["Thư ký Hội đồng báo cáo tóm tắt thành tích của các tập thể, cá nhân được đề nghị.",
                             "Hội đồng thảo luận và bỏ phiếu kín."]},
        votes=votes,
        conclusion="Hội đồng thống nhất đề nghị khen thưởng các tập thể, cá nhân đạt trên 50% tổng số phiếu.",
    )


def _collective_report() -> dict[str, Any]:
    return dict(
        meta=meta(WARD, WARD_CHAIR, 15, place="Hải Châu"), award_form=CITY_FORM,
        context_line=f"(Thành tích trong {MOVEMENT})",
        profile=["1. Tên đơn vị: Ủy ban nhân dân phường Hải Châu.", "2. Địa chỉ: 270 Trưng Nữ Vương, Đà Nẵng."],
        achievements=["Hoàn thành 100% chỉ tiêu chuyển đổi số; chỉ số đạt 92,15 điểm."],
        prior_awards=[{"year": 2024, "form": "Giấy khen của Giám đốc Sở Khoa học và Công nghệ",
                       "decision": "Quyết định số 45/QĐ-SKHCN ngày 15/3/2024 của Sở Khoa học và Công nghệ"}],
        confirmations=[SUPERIOR_CONFIRMATION],
    )


def _individual_report() -> dict[str, Any]:
    return dict(
        meta=meta(WARD, {"title": "Người báo cáo thành tích", "name": "Nguyễn Thị Thu Hà"}, None, place="Hải Châu"),
        award_form=CITY_FORM, context_line=f"(Thành tích trong {MOVEMENT})",
        profile=["- Họ và tên: Nguyễn Thị Thu Hà.", "- Sinh ngày: 12/4/1986; giới tính: Nữ."],
        duties=["Trưởng phòng Chuyển đổi số, phụ trách hạ tầng số của phường."],
        achievements=["Chủ trì số hóa 100% hồ sơ thủ tục hành chính tại bộ phận một cửa của phường trong năm 2025."],
        initiatives=[{"name": "Sáng kiến số hóa hồ sơ một cửa",
                      "recognition": "Quyết định số 20/QĐ-UBND ngày 02/6/2025 của UBND phường Hải Châu"}],
        prior_awards=[{"year": 2024, "form": "Giấy khen của Chủ tịch Ủy ban nhân dân phường",
                       "decision": "Quyết định số 30/QĐ-UBND ngày 20/12/2024 của UBND phường Hải Châu"}],
        confirmations=[{"title": "Thủ trưởng đơn vị xác nhận, đề nghị", "signer": WARD_CHAIR}, SUPERIOR_CONFIRMATION],
    )


def _consolidated_submission() -> dict[str, Any]:
    return dict(
        meta=meta(SCIENCE, DIRECTOR, 5), addressees=["Ủy ban nhân dân thành phố", "Sở Nội vụ"], award_form=CITY_FORM,
        movement=MOVEMENT, legal_bases=BASES, units_received=12, dossiers_received=14,
        review_summary="Qua rà soát, 05 hồ sơ đủ điều kiện theo quy định.", nominees=NOMINEES,
    )


def _home_affairs_submission() -> dict[str, Any]:
    return dict(
        meta=meta(HOME_AFFAIRS, DIRECTOR, 15), award_form=CITY_FORM, movement=MOVEMENT, legal_bases=BASES,
        lead_submission="Sở Khoa học và Công nghệ tại Tờ trình số 05/TTr-SKHCN ngày 05 tháng 01 năm 2026",
        appraisal_summary="Sau khi thẩm định, Thường trực Hội đồng Thi đua - Khen thưởng thành phố thống nhất.",
        nominees=NOMINEES,
    )


def _award_decision() -> dict[str, Any]:
    return dict(
        meta=meta(CITY, VICE_CHAIRMAN, 12, recipients=["Như Điều 3", "Sở Tài chính"], archive=["SNV"]),
        authority="Chủ tịch Ủy ban nhân dân thành phố Đà Nẵng", award_form=CITY_FORM, movement=MOVEMENT,
        legal_bases=[LOCAL_GOVERNMENT_LAW, *BASES],
        proposal="Theo đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 15/TTr-SNV ngày 05 tháng 01 năm 2026",
        executors="Chánh Văn phòng Ủy ban nhân dân thành phố, Giám đốc Sở Nội vụ, Giám đốc Sở Tài chính và các "
                  "tập thể, cá nhân có tên tại Điều 1",
        reward_policy=REWARD_POLICY, nominees=NOMINEES,
    )


def _state_submission() -> dict[str, Any]:
    return dict(
        meta=meta(CITY, CHAIRMAN, 45),
        addressees=["Thủ tướng Chính phủ", "Bộ Nội vụ (Ban Thi đua - Khen thưởng Trung ương)"],
        award_form="Bằng khen của Thủ tướng Chính phủ", movement=MOVEMENT, legal_bases=BASES,
        city_decision="Quyết định số 12/QĐ-UBND ngày 05 tháng 01 năm 2026 của Chủ tịch Ủy ban nhân dân thành phố",
        achievement_summary="Các tập thể, cá nhân đã có thành tích đặc biệt xuất sắc, tiêu biểu của thành phố.",
        nominees=NOMINEES[:3],
    )


# Each kind: its builder and the sample's arguments to it.
_SAMPLES: dict[DocumentKind, tuple[Callable[..., dict[str, Any]], Callable[[], dict[str, Any]]]] = {
    DocumentKind.GUIDANCE: (build_guidance_context, _guidance),
    DocumentKind.UNIT_SUBMISSION: (build_unit_submission_context, _unit_submission),
    DocumentKind.COUNCIL_MINUTES: (build_council_minutes_context, _council_minutes),
    DocumentKind.COLLECTIVE_REPORT: (build_collective_report_context, _collective_report),
    DocumentKind.INDIVIDUAL_REPORT: (build_individual_report_context, _individual_report),
    DocumentKind.CONSOLIDATED_SUBMISSION: (build_consolidated_submission_context, _consolidated_submission),
    DocumentKind.HOME_AFFAIRS_SUBMISSION: (build_home_affairs_submission_context, _home_affairs_submission),
    DocumentKind.AWARD_DECISION: (build_award_decision_context, _award_decision),
    DocumentKind.STATE_SUBMISSION: (build_state_submission_context, _state_submission),
}


def sample_context(kind: DocumentKind | str, **changes: Any) -> dict[str, Any]:
    """The demo context of `kind`, as its builder makes it (every kind has one); `changes` replace the sample's
    arguments to the builder (`nominees=[...]`, `meta=meta(...)`)."""
    build, arguments = _SAMPLES[DocumentKind(kind)]
    return build(**{**arguments(), **changes})
