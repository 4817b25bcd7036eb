"""The columns of each exported list, with Vietnamese headers and Vietnamese words for the codes."""

from __future__ import annotations

from ..nomination.documents.labels import NOMINEE_KIND_LABELS
from .xlsx import Column, as_date, by_key

DOSSIER_STATUS = {"draft": "Đang soạn", "submitted": "Đã nộp", "returned": "Trả lại bổ sung",
                  "rejected": "Không chấp nhận", "accepted": "Đã tiếp nhận", "withdrawn": "Đã rút"}
NOMINEE_KIND = {code: str(name) for code, name in NOMINEE_KIND_LABELS.items()}  # the pages' names, in Vietnamese
OUTCOME = {"proposed": "Đề nghị", "eligible": "Đủ điều kiện", "ineligible": "Không đủ điều kiện",
           "held": "Tạm dừng xét", "accepted": "Được tiếp nhận", "proposed_for_award": "Đề nghị khen thưởng",
           "not_selected": "Không được chọn", "awarded": "Được khen thưởng", "escalated": "Trình cấp trên",
           "dropped_by_council": "Hội đồng không bỏ phiếu"}
UNIT_KIND = {"department": "Sở, ban, ngành", "commune": "Xã, phường", "enterprise": "Doanh nghiệp"}


def _label(labels: dict[str, str], key: str):
    return lambda row: labels.get(row.get(key), row.get(key))


INBOX = (
    Column("Công việc", lambda r: r.name, 30), Column("Nội dung", lambda r: r.subject, 40),
    Column("Quy trình", lambda r: r.process_name, 24), Column("Đợt", lambda r: r.round_code, 16),
    Column("Đơn vị", lambda r: r.unit_name, 30), Column("Ngày nhận", lambda r: r.received_at),
    Column("Hạn xử lý", lambda r: r.due_at), Column("Ngày xử lý", lambda r: r.completed_at),
    Column("Người xử lý", lambda r: r.assignee),
)
DOSSIERS = (
    by_key("Số hồ sơ", "id", 10), by_key("Mã đơn vị", "org_unit_code"), by_key("Đơn vị", "unit_name", 36),
    Column("Trạng thái", _label(DOSSIER_STATUS, "status")), Column("Ngày nộp", lambda r: r.get("submitted_at")),
    by_key("Số lần trả lại", "return_count", 12), by_key("Lý do trả lại", "return_reason", 40),
    Column("Số đề nghị", lambda r: len(r.get("nominees") or []), 12),
)
RANKING = (
    by_key("Thứ hạng", "rank", 10), by_key("Tên", "name", 36), Column("Loại", _label(NOMINEE_KIND, "kind")),
    by_key("Đơn vị", "unit_name", 30), by_key("Điểm chỉ số chuyển đổi số", "dx_index_score"),
    by_key("Số phiếu đồng ý", "votes_for"), by_key("Số thành viên có mặt", "votes_present"),
    Column("Kết quả", _label(OUTCOME, "outcome")), by_key("Lý do", "outcome_reason", 40),
    by_key("Số quyết định", "decision_number"),
)
AWARDS = (
    by_key("Tên", "subject_name", 36), Column("Loại", _label(NOMINEE_KIND, "subject_kind")),
    by_key("Đơn vị", "unit_name", 30), by_key("Hình thức khen thưởng", "award_form", 30),
    by_key("Thành tích", "achievement_key", 30), by_key("Năm", "year", 8),
    by_key("Số quyết định", "decision_number"), Column("Ngày quyết định", lambda r: as_date(r.get("decision_date"))),
    by_key("Cơ quan ban hành", "issuer_name", 30),
)
DOCUMENTS = (
    by_key("Số", "number", 8), by_key("Ký hiệu", "symbol", 24), by_key("Loại văn bản", "kind"),
    by_key("Trích yếu", "subject", 50), Column("Ngày ban hành", lambda r: as_date(r.get("issued_on"))),
    by_key("Cơ quan ban hành", "issuer_name", 30), by_key("Năm", "year", 8),
)
NOT_REGISTERED = (
    by_key("Mã đơn vị", "code"), by_key("Đơn vị chưa đăng ký", "name", 40), Column("Loại", _label(UNIT_KIND, "kind")),
)
