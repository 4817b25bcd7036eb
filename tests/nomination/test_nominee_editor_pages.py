"""The nominee editor, enterprise clearances, the council check and the prior-award flag in the pages:
each type's form, refusals beside their fields with the input kept (a third decimal in the DX score is
refused, never rounded), other units get 404, every change audited, and the draft step keeps what the
pages did."""

from __future__ import annotations

import io
import re
from datetime import date

from sqlalchemy import select

from service.models import AuditEvent, AwardRecord, Nominee, NomineeClearance, TaskDraft
from tests.conftest import PASSWORD
from tests.http.test_web_floor import _sign_in

from .conftest import HAICHAU, STC

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PERSON = {"kind": "individual", "name": "Trần Thị Mai", "identifier": "", "date_of_birth": "1990-09-02",
          "sex": "female", "position": "Chuyên viên", "unit_name": "", "annual_rating": "excellent",
          "tasks_completed": "yes", "achievement_summary": "Hai sáng kiến chuyển đổi số được công nhận.",
          "achievement_key": "CDS-2026-TTM", "award_form": "city_chairman_certificate_of_merit",
          "initiative-0-name": "Sổ tay số", "initiative-0-recognised_by": "Hội đồng sáng kiến cơ sở",
          "initiative-0-recognised_on": "2026-05-04", "initiative-0-recognised": "on"}


def _csrf(page: bytes) -> str:
    return re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()


def _as(world, username: str):
    client = world.client.application.test_client()
    _sign_in(client, username, PASSWORD)
    return client


def _dossier(world, unit=HAICHAU) -> tuple[int, object]:
    world.open_round()
    dossier = world.start_dossier(unit.officer)
    return dossier["id"], _as(world, unit.officer)


def _actions(world, prefix: str) -> list[str]:
    return [event.action for event in world.session.scalars(
        select(AuditEvent).where(AuditEvent.action.like(f"{prefix}%")).order_by(AuditEvent.id))]


def test_each_type_has_its_form_and_an_individual_is_added_edited_and_removed(world):
    dossier_id, officer = _dossier(world)
    page = officer.get(f"/dossiers/{dossier_id}").data.decode()
    for kind in ("collective", "individual", "enterprise", "household"):
        assert f"/dossiers/{dossier_id}/nominees/new?kind={kind}" in page
    forms = {kind: officer.get(f"/dossiers/{dossier_id}/nominees/new?kind={kind}").data.decode()
             for kind in ("collective", "individual", "enterprise", "household")}
    assert 'name="dx_index_score"' in forms["collective"] and 'name="subject_org_unit_code"' in forms["collective"]
    assert 'name="date_of_birth"' in forms["individual"] and 'name="initiative-0-name"' in forms["individual"]
    assert 'name="sector"' in forms["enterprise"] and "Mã số thuế" in forms["enterprise"]
    assert 'name="dx_index_score"' not in forms["household"] and 'name="date_of_birth"' not in forms["household"]

    new = f"/dossiers/{dossier_id}/nominees/new?kind=individual"
    added = officer.post(f"/dossiers/{dossier_id}/nominees",
                         data={**PERSON, "csrf_token": _csrf(officer.get(new).data)})
    assert added.status_code == 302
    person = world.session.scalar(select(Nominee).where(Nominee.name == "Trần Thị Mai"))
    assert (person.date_of_birth, person.sex, person.annual_rating, person.tasks_completed) == (
        date(1990, 9, 2), "female", "excellent", True)
    assert person.initiatives[0]["name"] == "Sổ tay số" and person.initiatives[0]["recognised"] is True

    edit = f"/dossiers/{dossier_id}/nominees/{person.id}"
    assert "Trần Thị Mai" in officer.get(edit).data.decode()
    changed = officer.post(edit, data={**PERSON, "csrf_token": _csrf(officer.get(edit).data),
                                       "position": "Trưởng phòng", "tasks_completed": "no"})
    assert changed.status_code == 302
    world.session.expire_all()
    assert (person.position, person.tasks_completed) == ("Trưởng phòng", False)

    removed = officer.post(f"{edit}/remove", data={"csrf_token": _csrf(officer.get(edit).data)})
    assert removed.status_code == 302
    assert world.session.scalar(select(Nominee).where(Nominee.name == "Trần Thị Mai")) is None
    assert _actions(world, "nominee.") == ["nominee.added", "nominee.updated", "nominee.removed"]


def test_refusals_show_beside_the_field_keep_the_input_and_store_nothing(world):
    dossier_id, officer = _dossier(world)
    new = f"/dossiers/{dossier_id}/nominees/new?kind=collective"
    token = _csrf(officer.get(new).data)
    team = {"csrf_token": token, "kind": "collective", "name": "Phòng Kinh tế <Hải Châu>",
            "dx_index_score": "79,995", "tasks_completed": "yes", "achievement_summary": "Dẫn đầu.",
            "award_form": "city_chairman_certificate_of_merit"}
    refused = officer.post(f"/dossiers/{dossier_id}/nominees", data=team)
    text = refused.data.decode()
    assert refused.status_code == 422
    assert re.search(r'field--error">\s*<label[^>]*for="f-dx_index_score"', text)
    assert "tối đa 2 chữ số thập phân" in text and 'value="79,995"' in text
    assert "Phòng Kinh tế &lt;Hải Châu&gt;" in text  # kept, escaped
    missing = officer.post(f"/dossiers/{dossier_id}/nominees", data={**team, "name": "", "dx_index_score": "80"})
    assert missing.status_code == 422 and "Giá trị bắt buộc." in missing.data.decode()
    assert world.session.scalars(select(Nominee)).all() == []
    assert _actions(world, "nominee.") == []


def test_outside_the_unit_the_editor_is_not_found(world):
    dossier_id, officer = _dossier(world)
    officer.post(f"/dossiers/{dossier_id}/nominees", data={
        **PERSON, "csrf_token": _csrf(officer.get(f"/dossiers/{dossier_id}").data)})
    person = world.session.scalar(select(Nominee))
    for username in (STC.officer, HAICHAU.head, "lead_reviewer"):
        other = _as(world, username)
        token = _csrf(other.get("/dossiers").data)
        assert other.get(f"/dossiers/{dossier_id}/nominees/new?kind=individual").status_code == 404
        assert other.get(f"/dossiers/{dossier_id}/nominees/{person.id}").status_code == 404
        assert other.post(f"/dossiers/{dossier_id}/nominees/{person.id}/remove",
                          data={"csrf_token": token}).status_code == 404
    assert world.session.scalar(select(Nominee)) is not None


def test_the_draft_step_keeps_what_the_pages_added(world):
    dossier_id, officer = _dossier(world)
    officer.post(f"/dossiers/{dossier_id}/nominees", data={
        **PERSON, "csrf_token": _csrf(officer.get(f"/dossiers/{dossier_id}").data)})
    person = world.session.scalar(select(Nominee))
    [draft] = world.session.scalars(select(TaskDraft)).all()
    assert [(row["nominee_id"], row["name"]) for row in draft.data["nominees"]] == [(person.id, "Trần Thị Mai")]
    # Sending the step with the rows it shows keeps the same nominee (same id, nothing dropped).
    dossier = world.dossier(dossier_id)
    rows = [{key: row[key] for key in ("nominee_id", "kind", "name", "achievement_key", "achievement_summary",
                                       "award_form", "annual_rating", "date_of_birth", "sex")}
            for row in draft.data["nominees"]]
    world.act(HAICHAU.officer, dossier["instance_id"], "draft", {"nominees": rows})
    assert [n["id"] for n in world.dossier(dossier_id)["nominees"]] == [person.id]


def test_enterprise_clearances_follow_the_sector_with_proof(world):
    dossier_id, officer = _dossier(world)
    new = f"/dossiers/{dossier_id}/nominees/new?kind=enterprise"
    created = officer.post(f"/dossiers/{dossier_id}/nominees", data={
        "csrf_token": _csrf(officer.get(new).data), "kind": "enterprise", "name": "Công ty TNHH Thực phẩm Sông Hàn",
        "identifier": "0401234567", "sector": "food", "achievement_summary": "Truy xuất nguồn gốc số.",
        "award_form": "city_chairman_certificate_of_merit"})
    company = world.session.scalar(select(Nominee))
    page_url = f"/dossiers/{dossier_id}/nominees/{company.id}/clearances"
    assert created.status_code == 302 and created.headers["Location"] == page_url
    assert (company.environment_clearance_required, company.food_safety_clearance_required) == (True, True)
    page = officer.get(page_url).data.decode()
    assert "Còn thiếu 4 xác nhận" in page

    token = _csrf(officer.get(page_url).data)
    bad = officer.post(page_url, data={"csrf_token": token, "kind": "tax", "issuer": "Thuế thành phố Đà Nẵng",
                                       "number": "1234/CT-TTHT", "issued_on": "2026-10-01",
                                       "file": (io.BytesIO(b"not a pdf"), "xac-nhan.pdf")},
                       content_type="multipart/form-data")
    assert bad.status_code == 422 and "Chỉ nhận tệp PDF" in bad.data.decode()
    assert 'value="1234/CT-TTHT"' in bad.data.decode()
    assert world.session.scalars(select(NomineeClearance)).all() == []

    good = officer.post(page_url, data={"csrf_token": token, "kind": "tax", "issuer": "Thuế thành phố Đà Nẵng",
                                        "number": "1234/CT-TTHT", "issued_on": "2026-10-01",
                                        "file": (io.BytesIO(PDF), "xac-nhan-thue.pdf")},
                        content_type="multipart/form-data")
    assert good.status_code == 302
    world.session.expire_all()
    assert company.tax_clearance is True
    [record] = world.session.scalars(select(NomineeClearance)).all()
    assert (record.kind, record.number, record.content_type) == ("tax", "1234/CT-TTHT", "application/pdf")
    assert "Còn thiếu 3 xác nhận" in officer.get(page_url).data.decode()
    proof = officer.get(f"/dossiers/clearances/{record.id}/proof")
    assert proof.status_code == 200 and proof.data == PDF
    assert proof.headers["Content-Disposition"].startswith("attachment;")
    assert _as(world, STC.officer).get(f"/dossiers/clearances/{record.id}/proof").status_code == 404
    assert _actions(world, "nominee.clearance") == ["nominee.clearance_recorded"]


def test_the_council_check_follows_the_dated_rules(world):
    dossier_id, officer = _dossier(world)
    officer.post(f"/dossiers/{dossier_id}/nominees", data={
        **PERSON, "csrf_token": _csrf(officer.get(f"/dossiers/{dossier_id}").data)})
    person = world.session.scalar(select(Nominee))
    page = officer.get(f"/dossiers/{dossier_id}/council")
    assert "ít nhất 2/3 tổng số" in page.data.decode()
    token = _csrf(page.data)
    check = f"/dossiers/{dossier_id}/council/check"
    # 2/3 quorum: 6 of 9 present is enough; more than half of those present must agree (4 of 6).
    met = officer.post(check, data={"csrf_token": token, "members_total": "9", "members_present": "6",
                                    f"votes-{person.id}": "3"}).data.decode()
    assert "Đủ số thành viên" in met and "Cần ít nhất 4 phiếu" in met and 'data-verdict="fail"' in met
    passed = officer.post(check, data={"csrf_token": token, "members_total": "9", "members_present": "6",
                                       f"votes-{person.id}": "4"}).data.decode()
    assert 'data-verdict="pass"' in passed
    short = officer.post(check, data={"csrf_token": token, "members_total": "9", "members_present": "5",
                                      f"votes-{person.id}": "5"}).data.decode()
    assert "Không đủ số thành viên" in short and 'data-verdict="fail"' in short


def test_a_prior_award_for_the_same_achievement_is_flagged(world):
    dossier_id, officer = _dossier(world)
    officer.post(f"/dossiers/{dossier_id}/nominees", data={
        **PERSON, "csrf_token": _csrf(officer.get(f"/dossiers/{dossier_id}").data)})
    person = world.session.scalar(select(Nominee))
    world.session.add_all([
        AwardRecord(subject_key="individual:trần thị mai|1990-09-02", subject_kind="individual",
                    subject_name="Trần Thị Mai", unit_name="UBND phường Hải Châu",
                    award_form="city_chairman_certificate_of_merit",
                    achievement_key="CDS-2026-TTM", year=2025, decision_number="15/QĐ-UBND",
                    decision_date=date(2025, 12, 20), issuer_name="Ủy ban nhân dân thành phố Đà Nẵng"),
        AwardRecord(subject_key="individual:trần thị mai|1990-09-02", subject_kind="individual",
                    subject_name="Trần Thị Mai", unit_name="UBND phường Hải Châu",
                    award_form="certificate_of_commendation",
                    achievement_key="CDS-2024-TTM", year=2024, decision_number="7/QĐ-UBND",
                    decision_date=date(2024, 12, 1), issuer_name="Ủy ban nhân dân phường Hải Châu")])
    world.session.commit()
    page = officer.get(f"/dossiers/{dossier_id}").data.decode()
    assert "Thành tích này đã được khen thưởng" in page and "15/QĐ-UBND" in page
    editor = officer.get(f"/dossiers/{dossier_id}/nominees/{person.id}").data.decode()
    assert "7/QĐ-UBND" in editor and "Giấy khen" in editor

    office = _as(world, "ec_officer")
    found = office.get("/registers/awards?q=Trần Thị Mai&birth_date=1990-09-02").data.decode()
    assert "2 bản ghi" in found and "Đang được đề nghị lại cho cùng thành tích" in found
    assert "0 bản ghi" in office.get("/registers/awards?q=Trần Thị Mai&birth_date=1990-09-03").data.decode()
    by_year = office.get("/registers/awards?year=2024&award_form=certificate_of_commendation").data.decode()
    assert "1 bản ghi" in by_year and "7/QĐ-UBND" in by_year
    assert "1 bản ghi" in office.get("/registers/awards?unit=hải châu&year=2025").data.decode()


def test_the_api_shares_the_sector_rule_the_score_rule_and_the_audit(world):
    world.open_round()
    dossier = world.start_dossier(HAICHAU.officer)
    url = f"/api/v1/dossiers/{dossier['id']}/nominees"
    company = world.post(HAICHAU.officer, url, {"kind": "enterprise", "name": "Công ty Xây dựng Hòa Vang",
                                                "sector": "construction"})
    assert (company["sector"], company["environment_clearance_required"],
            company["food_safety_clearance_required"]) == ("construction", True, False)
    unknown = world.client.post(url, json={"kind": "enterprise", "name": "Công ty Khác", "sector": "mining-x"},
                                headers=world.login(HAICHAU.officer))
    assert unknown.status_code == 422 and "sector" in unknown.get_json()["error"]["details"]["fields"]
    score = world.client.post(url, json={"kind": "collective", "name": "Phòng Văn hóa", "dx_index_score": "80.001"},
                              headers=world.login(HAICHAU.officer))
    assert score.status_code == 422 and "dx_index_score" in score.get_json()["error"]["details"]["fields"]
    assert _actions(world, "nominee.") == ["nominee.added"]


def test_the_council_page_fills_the_open_minutes_step(world):
    dossier_id, officer = _dossier(world)
    officer.post(f"/dossiers/{dossier_id}/nominees", data={
        **PERSON, "csrf_token": _csrf(officer.get(f"/dossiers/{dossier_id}").data)})
    draft = world.session.scalar(select(TaskDraft))
    instance_id = world.dossier(dossier_id)["instance_id"]
    world.act(HAICHAU.officer, instance_id, "draft", {"nominees": [
        {key: row[key] for key in ("kind", "name", "achievement_key", "achievement_summary", "award_form")}
        for row in draft.data["nominees"]]})
    person = world.session.scalar(select(Nominee))
    page = officer.get(f"/dossiers/{dossier_id}/council")
    assert "Đưa vào biên bản họp xét" in page.data.decode()
    too_many = officer.post(f"/dossiers/{dossier_id}/council", data={
        "csrf_token": _csrf(page.data), "members_total": "9", "members_present": "7", f"votes-{person.id}": "8"})
    assert too_many.status_code == 422 and "Số phiếu vượt số thành viên có mặt" in too_many.data.decode()
    sent = officer.post(f"/dossiers/{dossier_id}/council", data={
        "csrf_token": _csrf(page.data), "members_total": "9", "members_present": "7", f"votes-{person.id}": "6"})
    assert sent.status_code == 302 and sent.headers["Location"].startswith("/tasks/")
    minutes = world.session.scalar(select(TaskDraft).where(TaskDraft.task_id == sent.headers["Location"].split("/")[2]))
    assert (minutes.data["council_members_total"], minutes.data["council_members_present"]) == (9, 7)
    assert [row["votes_for"] for row in minutes.data["nominees"]] == [6]


def test_after_the_drafting_step_the_list_is_not_edited_on_the_page(world):
    dossier_id, officer = _dossier(world)
    officer.post(f"/dossiers/{dossier_id}/nominees", data={
        **PERSON, "csrf_token": _csrf(officer.get(f"/dossiers/{dossier_id}").data)})
    draft = world.session.scalar(select(TaskDraft))
    world.act(HAICHAU.officer, world.dossier(dossier_id)["instance_id"], "draft", {"nominees": [
        {key: row[key] for key in ("kind", "name", "achievement_key", "achievement_summary", "award_form")}
        for row in draft.data["nominees"]]})
    person = world.session.scalar(select(Nominee))
    assert "/nominees/new?kind=" not in officer.get(f"/dossiers/{dossier_id}").data.decode()
    refused = officer.post(f"/dossiers/{dossier_id}/nominees/{person.id}", follow_redirects=True, data={
        **PERSON, "name": "Tên khác", "csrf_token": _csrf(officer.get(f"/dossiers/{dossier_id}").data)})
    assert "danh sách chỉ sửa được ở bước lập hồ sơ" in refused.data.decode()
    world.session.expire_all()
    assert person.name == "Trần Thị Mai"
