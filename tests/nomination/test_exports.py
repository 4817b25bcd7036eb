"""Lists as .xlsx with Vietnamese headers, the same rows the JSON lists give, under the same scope."""

from __future__ import annotations

import io
from datetime import date

import openpyxl

from service.models import AwardRecord

from .conftest import HAICHAU, MOVEMENT, YEAR, collective, submit_and_review


def _sheet(world, user: str, url: str) -> list[list]:
    response = world.client.get(url, headers=world.login(user))
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_round_dossiers_and_ranking_export_with_vietnamese_headers(world):
    world.open_round()
    dossier = submit_and_review(world, HAICHAU, [collective("Ủy ban nhân dân phường Hải Châu", subject="P_HAICHAU")],
                                decision="return")
    rows = _sheet(world, "lead_reviewer", f"/api/v1/rounds/{world.round_id}/dossiers.xlsx")
    assert rows[0][:4] == ["Số hồ sơ", "Mã đơn vị", "Đơn vị", "Trạng thái"]
    assert rows[1][0] == dossier["id"] and rows[1][3] == "Trả lại bổ sung" and rows[1][5] == 1
    assert rows[1][6] == "Bổ sung"  # the return reason
    # The officer of another unit sees none of it.
    assert _sheet(world, "stc_officer", f"/api/v1/rounds/{world.round_id}/dossiers.xlsx")[1:] == []

    ranking = _sheet(world, "lead_reviewer", f"/api/v1/rounds/{world.round_id}/ranking.xlsx")
    json_items = world.get("lead_reviewer", f"/api/v1/rounds/{world.round_id}/ranking")["items"]
    assert ranking[0][:3] == ["Thứ hạng", "Tên", "Loại"] and len(ranking) - 1 == len(json_items)
    assert world.client.get(f"/api/v1/rounds/{world.round_id}/ranking.xlsx",
                            headers=world.login("stc_officer")).status_code == 404


def test_registration_report_and_registers_export(world):
    rows = _sheet(world, "lead_reviewer", f"/api/v1/registrations/report.xlsx?movement={MOVEMENT}&year={YEAR + 1}")
    report = world.get("lead_reviewer", f"/api/v1/registrations/report?movement={MOVEMENT}&year={YEAR + 1}")
    assert rows[0] == ["Mã đơn vị", "Đơn vị chưa đăng ký", "Loại"]
    assert [row[0] for row in rows[1:]] == [unit["code"] for unit in report["not_registered"]]
    assert _sheet(world, "lead_reviewer", "/api/v1/awards-register.xlsx")[0][:2] == ["Tên", "Loại"]
    world.session.add(AwardRecord(subject_key="individual:nguyen-van-an", subject_kind="individual",
                                  subject_name="Nguyễn Văn An", unit_name="Sở Tài chính",
                                  award_form="city_chairman_certificate_of_merit", achievement_key="CDS-2025",
                                  year=2025, decision_number="12/QĐ-UBND", decision_date=date(2025, 12, 20),
                                  issuer_name="Ủy ban nhân dân thành phố Đà Nẵng"))
    world.session.commit()
    awarded = _sheet(world, "lead_reviewer", "/api/v1/awards-register.xlsx")
    # Kinds and award forms by their names, as the register page shows them.
    assert awarded[1][:4] == ["Nguyễn Văn An", "Cá nhân", "Sở Tài chính",
                              "Bằng khen của Chủ tịch Ủy ban nhân dân thành phố"]
    assert _sheet(world, "lead_reviewer", "/api/v1/document-register.xlsx")[0][:2] == ["Số", "Ký hiệu"]
    missing = world.client.get("/api/v1/registrations/report.xlsx", headers=world.login("lead_reviewer"))
    assert missing.status_code == 400
