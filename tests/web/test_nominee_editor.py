"""The nominee editor in Chromium on the demo data: the officer of the City People's Committee Office adds
an individual (refused first for a missing name, the typed values kept) and a food enterprise through the
editor, records its tax and social-insurance clearances with a scanned PDF, sees which are still missing,
sees the individual flagged for an achievement already in the awards register, checks the council meeting
live; the emulation office finds the person in the register with the flag. Screenshots at 1366×768 and phone.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import select

from service.db import utcnow
from service.models import AwardRecord, AwardRound, Dossier, OrgUnit, User
from service.nomination import rounds

from .browser import screenshot

OFFICER, OFFICE = "officer_vpubnd", "ec_snv"
ROUND_CODE = "CDS_2021_2030_2026"
PERSON_KEY = "individual:phan văn trường|1984-04-30"
ACHIEVEMENT = "CDS-2026-VPUBND-PVT"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _prepare(live_server) -> tuple[int, int | None]:
    """The round open, the person's earlier award for the same achievement in the register; the unit's
    dossier if an earlier run made one."""
    with live_server.session() as session:
        round_ = session.scalar(select(AwardRound).where(AwardRound.code == ROUND_CODE))
        if round_.status == "planned":
            reviewer = session.scalar(select(User).where(User.username == "reviewer_skhcn"))
            rounds.open_round(session, actor=reviewer, round_id=round_.id,
                              values={"deadline": utcnow() + timedelta(days=30), "total_quota": None, "quotas": []})
        if session.scalar(select(AwardRecord.id).where(AwardRecord.subject_key == PERSON_KEY)) is None:
            session.add(AwardRecord(
                subject_key=PERSON_KEY, subject_kind="individual", subject_name="Phan Văn Trường",
                unit_name="Văn phòng Ủy ban nhân dân thành phố", award_form="city_chairman_certificate_of_merit",
                achievement_key=ACHIEVEMENT, year=2025, decision_number="2150/QĐ-UBND",
                decision_date=date(2025, 12, 26), issuer_name="Ủy ban nhân dân thành phố Đà Nẵng"))
        unit_id = session.scalar(select(OrgUnit.id).where(OrgUnit.code == "VPUBND"))
        existing = session.scalar(select(Dossier.id).where(Dossier.round_id == round_.id,
                                                           Dossier.org_unit_id == unit_id))
        session.commit()
        return round_.id, existing


def test_officer_adds_an_individual_and_an_enterprise_and_records_clearances(page_as, live_server, tmp_path):
    round_id, dossier_id = _prepare(live_server)
    officer = page_as(OFFICER)
    if dossier_id is None:
        officer.goto("/dossiers")
        officer.locator("form", has=officer.locator(f"input[name=round_id][value='{round_id}']")).get_by_role(
            "button", name="Tạo hồ sơ").click()
        officer.wait_for_url(re.compile(r"/dossiers/\d+$"))
        dossier_id = int(officer.url.rsplit("/", 1)[1])
    officer.goto(f"/dossiers/{dossier_id}")

    # An individual: a missing name is refused beside its field, with what was typed kept.
    officer.locator(".add-nominee").get_by_role("link", name="Cá nhân").click()
    officer.fill("#f-date_of_birth", "30/04/1984")
    officer.select_option("#f-sex", "male")
    officer.fill("#f-position", "Chuyên viên Phòng Tổng hợp")
    officer.select_option("#f-annual_rating", "excellent")
    officer.select_option("#f-tasks_completed", "yes")
    officer.fill("#f-initiative-0-name", "Hệ thống theo dõi văn bản chỉ đạo trên nền tảng số")
    officer.fill("input[name=initiative-0-recognised_by]", "Hội đồng sáng kiến Văn phòng UBND thành phố")
    officer.check("input[name=initiative-0-recognised]")
    officer.fill("#f-achievement_summary", "Chủ trì xây dựng hệ thống theo dõi văn bản chỉ đạo của thành phố.")
    officer.fill("#f-achievement_key", ACHIEVEMENT)
    officer.get_by_role("button", name="Lưu").click()
    officer.wait_for_selector(".error-summary")
    assert "Giá trị bắt buộc." in officer.inner_text(".field--error")
    assert officer.input_value("#f-position") == "Chuyên viên Phòng Tổng hợp"
    screenshot(officer, "nominee-editor-individual-error", full_page=True)
    officer.fill("#f-name", "Phan Văn Trường")
    officer.get_by_role("button", name="Lưu").click()
    officer.wait_for_url(re.compile(rf"/dossiers/{dossier_id}#danh-sach$"))
    row = officer.locator("tr", has_text="Phan Văn Trường")
    assert "Thành tích này đã được khen thưởng" in row.inner_text() and "2150/QĐ-UBND" in row.inner_text()

    # An enterprise in the food sector: four clearances needed.
    officer.locator(".add-nominee").get_by_role("link", name="Doanh nghiệp").click()
    officer.fill("#f-name", "Công ty Cổ phần Thực phẩm Sông Hàn")
    officer.fill("#f-identifier", "0401987654")
    officer.select_option("#f-sector", "food")
    officer.fill("#f-achievement_summary", "Truy xuất nguồn gốc thực phẩm bằng mã QR cho 120 cơ sở.")
    screenshot(officer, "nominee-editor-enterprise", full_page=True)
    officer.get_by_role("button", name="Lưu").click()
    officer.wait_for_url(re.compile(r"/clearances$"))
    assert "Còn thiếu 4 xác nhận" in officer.inner_text(".clearances-missing")

    proof = tmp_path / "xac-nhan.pdf"
    proof.write_bytes(PDF)
    for kind, issuer, number in (("tax", "Thuế thành phố Đà Nẵng", "1520/TĐNA-QLDN"),
                                 ("social_insurance", "Bảo hiểm xã hội thành phố Đà Nẵng", "842/BHXH-QLT")):
        officer.select_option("#f-kind", kind)
        officer.fill("#f-issuer", issuer)
        officer.fill("#f-number", number)
        officer.fill("#f-issued_on", "15/10/2026")
        officer.set_input_files("#f-file", str(proof))
        officer.get_by_role("button", name="Ghi nhận xác nhận").click()
        officer.wait_for_selector(f"tr[data-kind={kind}] .badge--ok")
    missing = officer.inner_text(".clearances-missing")
    assert "Còn thiếu 2 xác nhận" in missing and "môi trường" in missing and "an toàn thực phẩm" in missing
    assert officer.locator("tr[data-kind=tax] a[download]").inner_text() == "xac-nhan.pdf"
    screenshot(officer, "enterprise-clearances", full_page=True)

    officer.goto(f"/dossiers/{dossier_id}")
    assert "Còn thiếu 2 xác nhận" in officer.locator("tr", has_text="Sông Hàn").inner_text()
    screenshot(officer, "dossier-nominees", full_page=True)

    # The council meeting judged as the officer types (2/3 quorum, more than half of those present).
    officer.get_by_role("link", name="Họp xét của Hội đồng Thi đua – Khen thưởng đơn vị").click()
    # The click returns once the new page starts loading: typing before htmx has bound its listeners
    # (a deferred script) would fire input events nobody hears, on a busy machine. Wait for its load.
    officer.wait_for_url(re.compile(r"/council$"), wait_until="load")
    officer.fill("#f-members_total", "9")
    officer.fill("#f-members_present", "5")
    officer.wait_for_selector(".quorum-not-met")
    officer.fill("#f-members_present", "7")
    officer.wait_for_selector(".quorum-met")
    assert "Cần ít nhất 4 phiếu" in officer.inner_text("#council-verdict")
    screenshot(officer, "council-check")

    office = page_as(OFFICE)
    office.goto("/registers/awards?q=Phan+Văn+Trường&birth_date=30/04/1984")
    flag = office.locator(".reproposed-flag")
    assert flag.count() == 1 and f"hồ sơ số {dossier_id}" in flag.inner_text()
    screenshot(office, "awards-register-flag")
