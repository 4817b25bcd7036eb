"""Nominees from Excel: the template downloads; an import with one bad row reports the row and column
of each error and imports nothing (a dry run the same without writing); the fixed sheet imports."""

from __future__ import annotations

import io

import openpyxl

from service.nomination.nominee_sheet import COLUMNS

from .conftest import HAICHAU


def _sheet(rows: list[dict]) -> bytes:
    book = openpyxl.Workbook()
    book.active.append([header for _, header in COLUMNS])
    for row in rows:
        book.active.append([row.get(field) for field, _ in COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(world, dossier_id: int, data: bytes, query: str = ""):
    return world.client.post(f"/api/v1/dossiers/{dossier_id}/nominees/import{query}",
                             data={"file": (io.BytesIO(data), "danh-sach.xlsx")},
                             headers=world.login(HAICHAU.officer), content_type="multipart/form-data")


GOOD = {"kind": "Cá nhân", "name": "Nguyễn Thị Lan", "date_of_birth": "15/03/1985", "sex": "Nữ",
        "position": "Chuyên viên", "achievement_summary": "Hai sáng kiến.",
        "annual_rating": "Hoàn thành xuất sắc nhiệm vụ", "tasks_completed": "có"}
TEAM = {"kind": "Tập thể", "name": "Ủy ban nhân dân phường Hải Châu", "subject_org_unit_code": "P_HAICHAU",
        "achievement_summary": "Dẫn đầu chỉ số.", "dx_index_score": 86.5}


def test_the_template_has_the_vietnamese_headers_and_reads_back(world):
    response = world.client.get("/api/v1/dossiers/nominee-template.xlsx", headers=world.login(HAICHAU.officer))
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    assert [cell.value for cell in sheet[1]] == [header for _, header in COLUMNS]
    assert sheet["A2"].value == "Cá nhân"


def test_one_bad_row_imports_nothing_and_says_where(world):
    world.open_round()
    dossier = world.start_dossier(HAICHAU.officer)
    bad = {**TEAM, "dx_index_score": "79,995", "kind": "Nhóm"}
    data = _sheet([GOOD, bad])

    dry = _upload(world, dossier["id"], data, "?dry_run=1")
    assert dry.status_code == 200
    report = dry.get_json()
    assert report["ok"] is False and report["imported"] == 0
    assert [(e["row"], e["column_letter"], e["code"]) for e in report["errors"]] == [
        (3, "A", "invalid_choice"), (3, "N", "too_many_decimals")]

    refused = _upload(world, dossier["id"], data)
    assert refused.status_code == 422
    assert len(refused.get_json()["error"]["details"]["errors"]) == 2
    assert world.dossier(dossier["id"])["nominees"] == []

    fixed = _upload(world, dossier["id"], _sheet([GOOD, TEAM]))
    assert fixed.status_code == 200 and fixed.get_json()["imported"] == 2
    nominees = world.nominees(dossier["id"])
    assert nominees["Nguyễn Thị Lan"]["kind"] == "individual"
    assert nominees["Nguyễn Thị Lan"]["date_of_birth"] == "1985-03-15"
    assert nominees["Ủy ban nhân dân phường Hải Châu"]["dx_index_score"] in ("86.50", "86.5", 86.5)


def test_another_units_officer_cannot_import(world):
    world.open_round()
    dossier = world.start_dossier(HAICHAU.officer)
    response = world.client.post(f"/api/v1/dossiers/{dossier['id']}/nominees/import",
                                 data={"file": (io.BytesIO(_sheet([GOOD])), "x.xlsx")},
                                 headers=world.login("stc_officer"), content_type="multipart/form-data")
    assert response.status_code == 404
    assert world.dossier(dossier["id"])["nominees"] == []
