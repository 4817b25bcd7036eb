"""The seed: every legal number, the QĐ 3970 movement with its dated lead agencies and rounds, the DX
index editions — each with its source. This module is the one place such values are written down.

Tags follow DOMAIN.md part B: [S] read in a source, [I] inferred or common practice, [U] unverified.
Seeding is idempotent: a parameter row is added when its (key, valid_from) is missing, never changed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import AwardRound, DxIndexEdition, LegalParameter, Movement, MovementLead, OrgUnit

QD_3970 = "QĐ 3970/QĐ-UBND ngày 10/12/2021 của Chủ tịch UBND thành phố Đà Nẵng [S]"
COUNCIL_RULES = ("Luật Thi đua, khen thưởng 06/2022/QH15; quy chế HĐTĐKT theo mẫu QĐ 86/2025/QĐ-UBND tỉnh Bắc Ninh "
                 "Điều 8 [S Bắc Ninh; I Đà Nẵng]")
TIME_LIMITS = ("QĐ 311/QĐ-BNV (2025), thời hạn TTHC cấp trung ương, áp dụng tương tự cho cấp thành phố "
               "[I, DOMAIN B1.8]")

# key, value, valid_from, valid_to (exclusive), source
PARAMETERS: list[tuple[str, Any, date, date | None, str]] = [
    ("dx_index.eligibility_threshold", 80, date(2021, 12, 10), None,
     QD_3970 + ": cơ quan, địa phương đạt chỉ số xếp hạng ứng dụng CNTT/chuyển đổi số từ 80 điểm (loại Tốt)"),
    ("eligibility.agency_unit_kinds", ["department", "commune_peoples_committee", "central_agency",
                                       "city_peoples_committee", "ec_office"], date(2021, 12, 10), None,
     QD_3970 + "; đối tượng xếp hạng theo QĐ 2386/QĐ-UBND (05/11/2025): Sở/ngành, cơ quan Trung ương, UBND phường/xã"),
    ("eligibility.individual_required_ratings", ["excellent"], date(2024, 1, 1), None,
     "Luật TĐKT 06/2022/QH15 Điều 74; QĐ 86/2025/QĐ-UBND Bắc Ninh Điều 3(3): hoàn thành xuất sắc nhiệm vụ [S]"),
    ("eligibility.individual_min_recognised_initiatives", 2, date(2024, 1, 1), None,
     "Luật TĐKT 06/2022/QH15 Điều 74; QĐ 86/2025/QĐ-UBND Bắc Ninh Điều 3(3): 02 sáng kiến được công nhận [S]"),
    ("council.quorum", {"numerator": 2, "denominator": 3}, date(2024, 1, 1), None,
     COUNCIL_RULES + ": phiên họp hợp lệ khi có ít nhất 2/3 thành viên dự"),
    ("council.award_session_quorum", {"numerator": 4, "denominator": 5}, date(2024, 1, 1), None,
     COUNCIL_RULES + ": phiên xét khen thưởng cần ít nhất 80% thành viên dự"),
    ("council.pass_rule", {"base": "present", "numerator": 1, "denominator": 2, "strict": True},
     date(2024, 1, 1), None,
     COUNCIL_RULES + ": đạt khi quá nửa số thành viên dự họp đồng ý (base: present | total) [I]"),
    ("council.standing_review_award_forms", ["city_chairman_certificate_of_merit", "excellent_collective"],
     date(2024, 1, 1), None,
     "QĐ 86/2025/QĐ-UBND Bắc Ninh Điều 5: Thường trực HĐTĐKT thẩm định Bằng khen của Chủ tịch và Tập thể LĐXS "
     "[S Bắc Ninh; I Đà Nẵng]"),
    ("public_notice.working_days", 5, date(2024, 1, 1), None,
     "Luật TĐKT 06/2022/QH15 Điều 5 (công khai); thời gian lấy ý kiến cấp thành phố chưa có quy định của Đà Nẵng "
     "[I, DOMAIN B1.9/B7.1]"),
    ("appraisal.return_incomplete_working_days", 5, date(2024, 1, 1), None,
     TIME_LIMITS + ": trả hồ sơ không đủ điều kiện 05 ngày làm việc"),
    ("dossier.review_working_days", 5, date(2024, 1, 1), None,
     TIME_LIMITS + ": cơ quan chủ trì kiểm tra, tiếp nhận hoặc trả hồ sơ trong 05 ngày làm việc; thời gian chờ "
     "đơn vị bổ sung không tính (theo thông lệ một cửa) [I]"),
    ("notification_due_within_days", 3, date(2024, 1, 1), None,
     "Cấu hình hệ thống: nhắc việc sắp đến hạn trước 03 ngày làm việc [I]"),
    ("appraisal.appraise_working_days", 20, date(2024, 1, 1), None,
     TIME_LIMITS + ": thẩm định, trình 20 ngày làm việc"),
    ("appraisal.decide_working_days", 10, date(2024, 1, 1), None,
     TIME_LIMITS + ": quyết định, ban hành 10 ngày làm việc"),
    ("reward.base_salary", 2_340_000, date(2024, 7, 1), None,
     "NĐ 73/2024/NĐ-CP: mức lương cơ sở 2.340.000 đồng/tháng từ 01/7/2024 [S]"),
    ("reward.multipliers", [
        {"award_code": "national_emulation_fighter", "subject_kind": "individual", "multiplier": "4.5"},
        {"award_code": "provincial_emulation_fighter", "subject_kind": "individual", "multiplier": "3.0"},
        {"award_code": "grassroots_emulation_fighter", "subject_kind": "individual", "multiplier": "1.0"},
        {"award_code": "advanced_worker", "subject_kind": "individual", "multiplier": "0.3"},
        {"award_code": "government_emulation_flag", "subject_kind": "collective", "multiplier": "12.0"},
        {"award_code": "provincial_emulation_flag", "subject_kind": "collective", "multiplier": "8.0"},
        {"award_code": "excellent_collective", "subject_kind": "collective", "multiplier": "1.5"},
        {"award_code": "advanced_collective", "subject_kind": "collective", "multiplier": "0.8"},
        {"award_code": "pm_certificate_of_merit", "subject_kind": "collective", "multiplier": "7.0"},
        {"award_code": "city_chairman_certificate_of_merit", "subject_kind": "collective", "multiplier": "3.0"},
        # [U] not found in NĐ 152/2025: half the collective rate, the 1 : 2 ratio of NĐ 91/2017 Điều 71.
        {"award_code": "city_chairman_certificate_of_merit", "subject_kind": "individual", "multiplier": "1.5"},
        {"award_code": "certificate_of_commendation", "subject_kind": "collective", "multiplier": "0.6"},
        {"award_code": "exemplary_commune", "subject_kind": "collective", "multiplier": "2.0"},
     ], date(2025, 7, 1), None,
     "NĐ 152/2025/NĐ-CP Điều 50–54 (× mức lương cơ sở) [S]; mức Bằng khen của Chủ tịch UBND tỉnh cho cá nhân "
     "chưa xác minh, tạm 1,5 theo tỷ lệ 1:2 của NĐ 91/2017/NĐ-CP Điều 71 [U]"),
    ("reward.household_factor", {"numerator": 3, "denominator": 2}, date(2025, 7, 1), None,
     "NĐ 152/2025/NĐ-CP: hộ gia đình được thưởng gấp 1,5 lần mức của cá nhân [S]"),
    ("reward.rounding_unit", 10_000, date(2025, 7, 1), None,
     "Tiền thưởng làm tròn lên hàng chục nghìn đồng (NĐ 91/2017/NĐ-CP Điều 55, giữ nguyên theo NĐ 152/2025) [I]"),
    ("document.type_abbreviations", {"guidance": "HD", "submission": "TTr", "minutes": "BB", "report": "BC",
                                     "decision": "QĐ", "plan": "KH", "notice": "TB"},
     date(2020, 3, 5), None, "NĐ 30/2020/NĐ-CP Phụ lục III: chữ viết tắt tên loại văn bản hành chính [S]"),
    # Which document a `generate_document` kind is, and whose register numbers it (unit, lead, home_affairs, city).
    ("document.kinds", {
        "HD": {"type": "guidance", "issuer": "lead", "numbered": True},
        "TTr_unit": {"type": "submission", "issuer": "unit", "numbered": True},
        "BB": {"type": "minutes", "issuer": "unit", "numbered": False},
        "BC": {"type": "report", "issuer": "unit", "numbered": False},
        "TTr_lead": {"type": "submission", "issuer": "lead", "numbered": True},
        "TTr_home_affairs": {"type": "submission", "issuer": "home_affairs", "numbered": True},
        "QD": {"type": "decision", "issuer": "city", "numbered": True},
        "TTr_state": {"type": "submission", "issuer": "city", "numbered": True},
     }, date(2020, 3, 5), None,
     "NĐ 30/2020/NĐ-CP Phụ lục I–III; luồng hồ sơ DOMAIN A5 [I]"),
    ("registration.deadline", {"month": 3, "day": 31}, date(2021, 12, 10), None,
     QD_3970 + ": các đơn vị phát động và đăng ký thi đua trong quý I"),
    ("registration.unit_kinds", ["department", "commune_peoples_committee", "central_agency"],
     date(2021, 12, 10), None,
     QD_3970 + ": các sở, ngành, địa phương phát động và đăng ký thi đua (kế hoạch yêu cầu 100%)"),
    ("registration.reminder_working_days", [10, 5, 1], date(2021, 12, 10), None,
     "Nhắc hạn đăng ký trước 10, 5 và 1 ngày làm việc [I, cấu hình vận hành]"),
    ("round.submission_deadline", {"month": 12, "day": 10}, date(2024, 1, 1), None,
     "Hạn nộp hồ sơ khen thưởng hằng năm 10/12 theo mẫu QĐ 86/2025/QĐ-UBND Bắc Ninh Điều 6 [S Bắc Ninh; I Đà Nẵng]"),
    ("consolidation.ranking_key", [
        {"field": "dx_index_score", "order": "desc"},
        {"field": "vote_share", "order": "desc"},
        {"field": "submitted_at", "order": "asc"},
     ], date(2021, 12, 10), None,
     "Xếp hạng theo chỉ số chuyển đổi số, tỷ lệ phiếu, thời điểm nộp [I, cơ quan chủ trì hướng dẫn]"),
    ("enterprise.clearance_sectors", {
        "always": ["tax", "social_insurance"],
        "sectors": [
            {"code": "information_technology", "name": "Công nghệ thông tin, phần mềm, dịch vụ số", "requires": []},
            {"code": "trade_services", "name": "Thương mại, dịch vụ", "requires": []},
            {"code": "manufacturing", "name": "Sản xuất công nghiệp", "requires": ["environment"]},
            {"code": "construction", "name": "Xây dựng, khai thác khoáng sản", "requires": ["environment"]},
            {"code": "food", "name": "Sản xuất, chế biến, kinh doanh thực phẩm; dịch vụ ăn uống",
             "requires": ["environment", "food_safety"]},
            {"code": "agriculture", "name": "Nông nghiệp, thủy sản", "requires": ["environment", "food_safety"]},
            {"code": "other", "name": "Lĩnh vực khác", "requires": []},
        ]}, date(2024, 1, 1), None,
     QD_3970 + ": doanh nghiệp có xác nhận hoàn thành nghĩa vụ thuế, BHXH; xác nhận về môi trường, an toàn thực "
     "phẩm với lĩnh vực có yêu cầu (theo thông lệ hồ sơ khen thưởng doanh nghiệp) [I, DOMAIN A3.2]"),
    ("public_comment.rate_limit", {"max_requests": 5, "window_seconds": 3600}, date(2024, 1, 1), None,
     "Giới hạn góp ý công khai theo địa chỉ IP [I, cấu hình vận hành]"),
    ("public_comment.max_length", 2000, date(2024, 1, 1), None, "Độ dài tối đa một góp ý [I, cấu hình vận hành]"),
    ("organisation.city_org_unit_code", "UBND_DN", date(2025, 7, 1), None,
     "NQ 202/2025/QH15: Thành phố Đà Nẵng (sau hợp nhất) từ 01/7/2025 [S]"),
    ("organisation.home_affairs_org_unit_code", "SNV", date(2025, 3, 1), None,
     "Nghị quyết HĐND thành phố kỳ họp thứ 22 (20/02/2025): Sở Nội vụ (hợp nhất Sở LĐ-TB&XH) từ 01/3/2025 [S]"),
    ("organisation.ec_office_org_unit_code", "SNV_TDKT", date(2025, 3, 1), None,
     "Ban/Phòng Thi đua - Khen thưởng thuộc Sở Nội vụ; tên gọi hiện hành chưa xác nhận [U, DOMAIN B7.2]"),
    # The statutory days (Tết, 30/4, 1/5, 2/9, 24/11, official swaps) come from the holidays package; these rows
    # carry what a year adds on top. Tết 2026 (14–22/02/2026) is covered by statutory days and weekends.
    ("calendar", {"extra_days_off": [], "makeup_working_days": []}, date(2025, 1, 1), date(2026, 1, 1),
     "Thông báo nghỉ Tết Ất Tỵ 2025 của Bộ Nội vụ: 25/01–02/02/2025, trùng ngày nghỉ luật định và cuối tuần [I]"),
    ("calendar", {"extra_days_off": [], "makeup_working_days": []}, date(2026, 1, 1), date(2027, 1, 1),
     "Thông báo nghỉ Tết Bính Ngọ 2026 của Bộ Nội vụ: 14–22/02/2026, trùng ngày nghỉ luật định và cuối tuần [I]"),
]

DX_EDITIONS = [
    # decision number, decision date, valid from, scale, bands, source
    ("2901/QĐ-UBND", date(2023, 12, 27), date(2023, 12, 27), 100, [["excellent", 90], ["good", 80], ["fair", 70]],
     "QĐ 2901/QĐ-UBND (27/12/2023) Bộ chỉ số xếp hạng chuyển đổi số [S]; ngưỡng xếp loại suy ra [I, DOMAIN B4]"),
    ("2386/QĐ-UBND", date(2025, 11, 5), date(2025, 11, 5), 100, [["excellent", 90], ["good", 80], ["fair", 70]],
     "QĐ 2386/QĐ-UBND (05/11/2025) thay thế QĐ 2901 [S]; ngưỡng xếp loại suy ra [I, DOMAIN B4]"),
]

# Units that no longer exist but that history needs (a movement's former lead, old dossiers' issuers).
HISTORICAL_ORG_UNITS = [
    # code, name, abbreviation, kind, parent code, valid_to (exclusive), successor code, note
    ("STTTT", "Sở Thông tin và Truyền thông", "STTTT", "department", "UBND_DN", date(2025, 3, 1), "SKHCN",
     "Hợp nhất vào Sở Khoa học và Công nghệ từ 01/3/2025 (HĐND kỳ họp 22, 20/02/2025) [S]"),
]

MOVEMENT = {
    "code": "CDS_2021_2030",
    "name": "Phong trào thi đua chuyển đổi số thành phố Đà Nẵng giai đoạn 2021–2030",
    "decision_number": "3970/QĐ-UBND",
    "decision_date": date(2021, 12, 10),
    "issuer": "UBND_DN",
    "start_year": 2021,
    "end_year": 2030,
    "phases": [
        {"code": "phase_1", "name": "Giai đoạn 1 (2021–2025), sơ kết", "from_year": 2021, "to_year": 2025,
         "review_round": "interim_review"},
        {"code": "phase_2", "name": "Giai đoạn 2 (2026–2030), tổng kết", "from_year": 2026, "to_year": 2030,
         "review_round": "final_review"},
    ],
    "award_forms": ["city_chairman_certificate_of_merit", "pm_certificate_of_merit"],
    "criteria": [
        {"subjects": "agencies", "rule": "dx_index_score >= dx_index.eligibility_threshold and tasks_completed"},
        {"subjects": "enterprises", "rule": "new digital products and services; tax and social-insurance clearances"},
        {"subjects": "individuals", "rule": "initiatives recognised; annual rating"},
    ],
}

MOVEMENT_LEADS = [
    # org unit code, valid from, valid to (exclusive), source
    ("STTTT", date(2021, 12, 10), date(2025, 3, 1), QD_3970 + ": Sở Thông tin và Truyền thông là cơ quan thường trực"),
    ("SKHCN", date(2025, 3, 1), None,
     "Sở Khoa học và Công nghệ tiếp nhận chức năng của Sở TT&TT từ 01/3/2025 (HĐND kỳ họp 22) [S]"),
]

ROUND_NAMES = {
    "annual": "Khen thưởng năm {year}",
    "interim_review": "Sơ kết giai đoạn 1 (2021–{year})",
    "final_review": "Tổng kết giai đoạn 2021–{year}",
}
# Rounds are read (rules, lead agency) on their opening day; annual rounds open in the autumn of their year [I].
ROUND_OPENS = {"month": 10, "day": 1}


def seed_parameters(session: Session) -> int:
    """Add the missing parameter rows; returns how many were added."""
    existing = set(session.execute(select(LegalParameter.key, LegalParameter.valid_from)).all())
    added = 0
    for key, value, valid_from, valid_to, source in PARAMETERS:
        if (key, valid_from) in existing:
            continue
        session.add(LegalParameter(key=key, value=value, valid_from=valid_from, valid_to=valid_to, source=source))
        added += 1
    session.flush()
    return added


def seed_dx_editions(session: Session) -> None:
    known = set(session.scalars(select(DxIndexEdition.decision_number)))
    for number, decided, valid_from, scale, bands, source in DX_EDITIONS:
        if number not in known:
            session.add(DxIndexEdition(decision_number=number, decision_date=decided, valid_from=valid_from,
                                       scale=scale, bands=bands, groups=[], source=source))
    session.flush()


def _unit(session: Session, code: str) -> OrgUnit | None:
    return session.scalar(select(OrgUnit).where(OrgUnit.code == code))


def seed_historical_units(session: Session) -> None:
    for code, name, abbreviation, kind, parent, valid_to, successor, note in HISTORICAL_ORG_UNITS:
        parent_unit, successor_unit = _unit(session, parent), _unit(session, successor)
        existing = _unit(session, code)
        if existing is not None:
            # Seeded before the tree was loaded (a new database seeds first): link what the tree now has.
            if existing.parent_id is None and parent_unit is not None:
                existing.parent_id = parent_unit.id
            if existing.successor_id is None and successor_unit is not None:
                existing.successor_id = successor_unit.id
            continue
        session.add(OrgUnit(code=code, name=name, abbreviation=abbreviation, kind=kind,
                            parent_id=parent_unit.id if parent_unit else None, valid_to=valid_to,
                            successor_id=successor_unit.id if successor_unit else None, notes=note,
                            parent_confirms_reports=True))
    session.flush()


def seed_movement(session: Session) -> Movement | None:
    """The QĐ 3970 movement, its dated leads and its rounds; None when the lead units are not loaded yet."""
    movement = session.scalar(select(Movement).where(Movement.code == MOVEMENT["code"]))
    if movement is not None:
        return movement
    leads = [(_unit(session, code), start, end, source) for code, start, end, source in MOVEMENT_LEADS]
    if any(unit is None for unit, *_ in leads):
        return None
    issuer = _unit(session, MOVEMENT["issuer"])
    movement = Movement(
        code=MOVEMENT["code"], name=MOVEMENT["name"], decision_number=MOVEMENT["decision_number"],
        decision_date=MOVEMENT["decision_date"], issuer_org_unit_id=issuer.id if issuer else None,
        start_year=MOVEMENT["start_year"], end_year=MOVEMENT["end_year"], phases=MOVEMENT["phases"],
        award_forms=MOVEMENT["award_forms"], criteria=MOVEMENT["criteria"],
    )
    session.add(movement)
    session.flush()
    for unit, start, end, source in leads:
        session.add(MovementLead(movement_id=movement.id, org_unit_id=unit.id, valid_from=start, valid_to=end,
                                 source=source))
    for year in range(movement.start_year + 1, movement.end_year + 1):
        _add_round(session, movement, year, "annual")
    for phase in movement.phases:
        _add_round(session, movement, phase["to_year"], phase["review_round"])
    session.flush()
    return movement


def _add_round(session: Session, movement: Movement, year: int, kind: str) -> None:
    suffix = {"annual": "", "interim_review": "_SK", "final_review": "_TK"}[kind]
    session.add(AwardRound(
        code=f"{movement.code}_{year}{suffix}", movement_id=movement.id, year=year, kind=kind,
        name=ROUND_NAMES[kind].format(year=year), opens_on=date(year, ROUND_OPENS["month"], ROUND_OPENS["day"]),
        status="planned",
    ))


def seed(session: Session) -> list[str]:
    """Seed everything the nomination path reads; safe to run again. Returns what was added."""
    done = []
    if seed_parameters(session):
        done.append("legal parameters")
    seed_dx_editions(session)
    seed_historical_units(session)
    existed = session.scalar(select(Movement.id).where(Movement.code == MOVEMENT["code"])) is not None
    if not existed and seed_movement(session) is not None:
        done.append("movement 3970/QĐ-UBND")
    return done
