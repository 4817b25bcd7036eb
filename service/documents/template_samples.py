"""Demo data for each document kind, passed through the real context builders: the data a template version is
checked and previewed with before it may be activated (service/operations/document_templates.py).

The values look like a real Da Nang round so that the preview reads like a real document and the format
checks judge it as they would judge a generated one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
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

_CITY = {"name": "Ủy ban nhân dân thành phố Đà Nẵng", "abbreviation": "UBND"}
_SCIENCE = {"name": "Sở Khoa học và Công nghệ", "abbreviation": "SKHCN", "parent_name": "UBND thành phố Đà Nẵng"}
_HOME_AFFAIRS = {"name": "Sở Nội vụ", "abbreviation": "SNV", "parent_name": "UBND thành phố Đà Nẵng"}
_WARD = {"name": "Ủy ban nhân dân phường Hải Châu", "abbreviation": "UBND"}
_WARD_COUNCIL = {"name": "Hội đồng Thi đua - Khen thưởng", "abbreviation": "HĐTĐKT",
                 "parent_name": "Ủy ban nhân dân phường Hải Châu"}
_VICE_CHAIRMAN = {"title": "Phó Chủ tịch", "name": "Trần Chí Cường", "delegation": "KT.", "acting_title": "Chủ tịch"}
_CHAIRMAN = {"title": "Chủ tịch", "name": "Lương Nguyễn Minh Triết", "delegation": "TM.",
             "acting_title": "Ủy ban nhân dân"}
_DIRECTOR = {"title": "Giám đốc", "name": "Nguyễn Văn Hùng"}
_DEPUTY_DIRECTOR = {"title": "Phó Giám đốc", "name": "Trần Ngọc Thạch", "delegation": "KT.", "acting_title": "Giám đốc"}
_WARD_CHAIR = {"title": "Chủ tịch", "name": "Phạm Thị Ngọc Ánh"}
_MOVEMENT = "phong trào thi đua chuyển đổi số thành phố Đà Nẵng năm 2025"
_CITY_FORM = "Bằng khen của Chủ tịch Ủy ban nhân dân thành phố"
_BASES = [
    "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022",
    "Căn cứ Nghị định số 152/2025/NĐ-CP ngày 14 tháng 6 năm 2025 của Chính phủ quy định chi tiết một số điều "
    "của Luật Thi đua, khen thưởng",
]
# One nominee of each subject kind, so that every branch of a list (collective, enterprise, individual,
# household) is rendered and its placeholders resolved.
_NOMINEES: list[dict[str, Any]] = [
    {"name": "Ủy ban nhân dân phường Hải Châu", "kind": "collective", "award_code": "city_bk",
     "achievement_summary": "Chỉ số chuyển đổi số đạt 92,15 điểm, xếp loại xuất sắc", "proposed_form": _CITY_FORM,
     "score": "92.15", "rank": 1},
    {"name": "Công ty Cổ phần Phần mềm Sông Hàn", "kind": "enterprise", "award_code": "city_bk",
     "achievement_summary": "Phát triển nền tảng dữ liệu mở của thành phố", "proposed_form": _CITY_FORM},
    {"name": "Nguyễn Thị Thu Hà", "kind": "individual", "sex": "female", "award_code": "city_bk",
     "position": "Trưởng phòng Chuyển đổi số", "unit": "Ủy ban nhân dân phường Hải Châu",
     "achievement_summary": "Sáng kiến số hóa hồ sơ một cửa", "proposed_form": _CITY_FORM},
    {"name": "Hộ ông Lê Văn Ưng", "kind": "household", "award_code": "city_bk",
     "achievement_summary": "Hiến đất mở rộng trạm phát sóng", "proposed_form": _CITY_FORM},
]
_REWARD_POLICY = {
    "base_salary": 2_340_000, "rounding_unit": 10_000, "funding_source": "Quỹ Thi đua, khen thưởng thành phố năm 2026",
    "rates": [
        {"award_code": "city_bk", "subject_kind": "collective", "multiplier": "3.0", "label": _CITY_FORM},
        {"award_code": "city_bk", "subject_kind": "individual", "multiplier": "1.0", "label": _CITY_FORM},
        {"award_code": "city_bk", "subject_kind": "household", "multiplier": "1.5", "label": _CITY_FORM},
    ],
}


def _meta(issuer: dict, signer: dict, number: int | None, **extra: Any) -> dict[str, Any]:
    values = {"issuer": issuer, "signer": signer, "issued_on": date(2026, 1, 5), "place": "Đà Nẵng", "number": number,
              "recipients": ["Như trên", "Chủ tịch, các Phó Chủ tịch UBND thành phố (để b/c)"], "archive": ["TĐKT"]}
    values.update(extra)
    return values


def _guidance() -> dict[str, Any]:
    return build_guidance_context(
        _meta(_SCIENCE, _DEPUTY_DIRECTOR, 5), subject=f"Xét khen thưởng {_MOVEMENT}", legal_bases=_BASES,
        intro="Sở Khoa học và Công nghệ hướng dẫn việc xét, đề nghị khen thưởng như sau:",
        sections=[{"title": "I. ĐỐI TƯỢNG, TIÊU CHUẨN",
                   "paragraphs": ["Các cơ quan, đơn vị có chỉ số chuyển đổi số đạt từ 80 điểm trở lên."]},
                  {"title": "II. HỒ SƠ, THỜI HẠN",
                   "paragraphs": ["Hồ sơ gửi về Sở Khoa học và Công nghệ trước ngày 10/12/2025."]}],
        deadline=date(2025, 12, 10),
        quotas=[{"unit": "Ủy ban nhân dân phường Hải Châu", "quota": 3},
                {"unit": "Ủy ban nhân dân xã Hòa Vang", "quota": 2, "note": "Ưu tiên nữ"}],
        closing="Trong quá trình thực hiện, nếu có vướng mắc, đề nghị liên hệ Phòng Chuyển đổi số./.",
    )


def _unit_submission() -> dict[str, Any]:
    return build_unit_submission_context(
        _meta(_WARD, _WARD_CHAIR, 12, place="Hải Châu"), addressee="Sở Khoa học và Công nghệ thành phố Đà Nẵng",
        award_form=_CITY_FORM, movement=_MOVEMENT, legal_bases=_BASES,
        council_minutes="Biên bản họp Hội đồng Thi đua - Khen thưởng phường Hải Châu ngày 20 tháng 11 năm 2025",
        nominees=_NOMINEES,
    )


def _council_minutes() -> dict[str, Any]:
    votes = [{"nominee": nominee, "votes_for": 7 - index, "passed": index < 3,
              "reason": "không đủ tỷ lệ phiếu" if index >= 3 else None} for index, nominee in enumerate(_NOMINEES)]
    return build_council_minutes_context(
        _meta(_WARD_COUNCIL, _WARD_CHAIR, 3, place="Hải Châu"), subject=f"Họp xét đề nghị khen thưởng {_MOVEMENT}",
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
    return build_collective_report_context(
        _meta(_WARD, _WARD_CHAIR, 15, place="Hải Châu"), award_form=_CITY_FORM,
        context_line=f"(Thành tích trong {_MOVEMENT})",
        profile=["1. Tên đơn vị: Ủy ban nhân dân phường Hải Châu.", "2. Địa chỉ: 270 Trưng Nữ Vương, Đà Nẵng."],
        achievements=["Hoàn thành 100% chỉ tiêu chuyển đổi số; chỉ số đạt 92,15 điểm."],
        prior_awards=[{"year": 2024, "form": "Giấy khen của Giám đốc Sở Khoa học và Công nghệ",
                       "decision": "Quyết định số 45/QĐ-SKHCN ngày 15/3/2024 của Sở Khoa học và Công nghệ"}],
        confirmations=[{"title": "Xác nhận của cấp trình khen thưởng", "signer": _DEPUTY_DIRECTOR}],
    )


def _individual_report() -> dict[str, Any]:
    return build_individual_report_context(
        _meta(_WARD, {"title": "Người báo cáo thành tích", "name": "Nguyễn Thị Thu Hà"}, None, place="Hải Châu"),
        award_form=_CITY_FORM, context_line=f"(Thành tích trong {_MOVEMENT})",
        profile=["- Họ và tên: Nguyễn Thị Thu Hà.", "- Sinh ngày: 12/4/1986; giới tính: Nữ."],
        duties=["Trưởng phòng Chuyển đổi số, phụ trách hạ tầng số của phường."],
        achievements=["Chủ trì số hóa 100% hồ sơ thủ tục hành chính tại bộ phận một cửa của phường năm 2025."],
        initiatives=[{"name": "Sáng kiến số hóa hồ sơ một cửa",
                      "recognition": "Quyết định số 20/QĐ-UBND ngày 02/6/2025 của UBND phường Hải Châu"}],
        prior_awards=[{"year": 2024, "form": "Giấy khen của Chủ tịch Ủy ban nhân dân phường",
                       "decision": "Quyết định số 30/QĐ-UBND ngày 20/12/2024 của UBND phường Hải Châu"}],
        confirmations=[{"title": "Thủ trưởng đơn vị xác nhận, đề nghị", "signer": _WARD_CHAIR}],
    )


def _consolidated_submission() -> dict[str, Any]:
    return build_consolidated_submission_context(
        _meta(_SCIENCE, _DIRECTOR, 5), addressees=["Ủy ban nhân dân thành phố", "Sở Nội vụ"], award_form=_CITY_FORM,
        movement=_MOVEMENT, legal_bases=_BASES, units_received=12, dossiers_received=14,
        review_summary="Qua rà soát, 04 hồ sơ đủ điều kiện theo quy định.", nominees=_NOMINEES,
    )


def _home_affairs_submission() -> dict[str, Any]:
    return build_home_affairs_submission_context(
        _meta(_HOME_AFFAIRS, _DIRECTOR, 15), award_form=_CITY_FORM, movement=_MOVEMENT, legal_bases=_BASES,
        lead_submission="Sở Khoa học và Công nghệ tại Tờ trình số 05/TTr-SKHCN ngày 05 tháng 01 năm 2026",
        appraisal_summary="Sau khi thẩm định, Thường trực Hội đồng Thi đua - Khen thưởng thành phố thống nhất.",
        nominees=_NOMINEES,
    )


def _award_decision() -> dict[str, Any]:
    return build_award_decision_context(
        _meta(_CITY, _VICE_CHAIRMAN, 12, recipients=["Như Điều 3", "Sở Tài chính"], archive=["SNV"]),
        authority="Chủ tịch Ủy ban nhân dân thành phố Đà Nẵng", award_form=_CITY_FORM, movement=_MOVEMENT,
        legal_bases=["Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025", *_BASES],
        proposal="Theo đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 15/TTr-SNV ngày 05 tháng 01 năm 2026",
        executors="Chánh Văn phòng Ủy ban nhân dân thành phố, Giám đốc Sở Nội vụ, Giám đốc Sở Tài chính và các "
                  "tập thể, cá nhân có tên tại Điều 1",
        reward_policy=_REWARD_POLICY, nominees=_NOMINEES,
    )


def _state_submission() -> dict[str, Any]:
    return build_state_submission_context(
        _meta(_CITY, _CHAIRMAN, 45), addressees=["Thủ tướng Chính phủ", "Bộ Nội vụ"],
        award_form="Bằng khen của Thủ tướng Chính phủ", movement=_MOVEMENT, legal_bases=_BASES,
        city_decision="Quyết định số 12/QĐ-UBND ngày 05 tháng 01 năm 2026 của Chủ tịch Ủy ban nhân dân thành phố",
        achievement_summary="Các tập thể, cá nhân đã có thành tích đặc biệt xuất sắc, tiêu biểu của thành phố.",
        nominees=_NOMINEES[:3],
    )


_BUILDERS: dict[DocumentKind, Callable[[], dict[str, Any]]] = {
    DocumentKind.GUIDANCE: _guidance,
    DocumentKind.UNIT_SUBMISSION: _unit_submission,
    DocumentKind.COUNCIL_MINUTES: _council_minutes,
    DocumentKind.COLLECTIVE_REPORT: _collective_report,
    DocumentKind.INDIVIDUAL_REPORT: _individual_report,
    DocumentKind.CONSOLIDATED_SUBMISSION: _consolidated_submission,
    DocumentKind.HOME_AFFAIRS_SUBMISSION: _home_affairs_submission,
    DocumentKind.AWARD_DECISION: _award_decision,
    DocumentKind.STATE_SUBMISSION: _state_submission,
}


def sample_context(kind: DocumentKind | str) -> dict[str, Any]:
    """The demo context of `kind`, as its builder makes it (every kind has one)."""
    return _BUILDERS[DocumentKind(kind)]()
