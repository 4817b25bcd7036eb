"""The lead agency's round dashboard: counts move as dossiers are submitted and returned; the returned
dossier is listed with its reason; the deadline is counted in working days; others get a 404."""

from __future__ import annotations

import re

from tests.conftest import PASSWORD
from tests.http.test_web_floor import _sign_in

from .conftest import HAICHAU, collective, walk_to_submission


def _counts(client, round_id: int) -> dict[str, int]:
    page = client.get(f"/rounds/{round_id}")
    assert page.status_code == 200
    return {key: int(value.replace(".", "")) for key, value in
            re.findall(r'data-count="(\w+)">([\d.]+)<', page.data.decode())}


def test_the_dashboard_counts_follow_the_dossiers(world):
    world.open_round()
    client = world.client.application.test_client()
    _sign_in(client, "lead_reviewer", PASSWORD)
    before = _counts(client, world.round_id)
    assert before["submitted"] == 0 and before["returned"] == 0 and before["expected"] > 0

    dossier = walk_to_submission(world, HAICHAU, [collective("Ủy ban nhân dân phường Hải Châu", subject="P_HAICHAU")])
    world.act(HAICHAU.officer, dossier["instance_id"], "submit", {})
    assert _counts(client, world.round_id)["submitted"] == 1

    world.act("lead_reviewer", dossier["instance_id"], "lead_review",
              {"decision": "return", "return_reason": "Thiếu biên bản họp"})
    after = _counts(client, world.round_id)
    assert after["submitted"] == 0 and after["returned"] == 1
    text = client.get(f"/rounds/{world.round_id}").data.decode()
    assert "Thiếu biên bản họp" in text and "ngày làm việc" in text

    officer = world.client.application.test_client()
    _sign_in(officer, HAICHAU.officer, PASSWORD)
    assert officer.get(f"/rounds/{world.round_id}").status_code == 404


def test_the_dashboard_links_its_lists_as_xlsx(world):
    world.open_round()
    client = world.client.application.test_client()
    _sign_in(client, "lead_reviewer", PASSWORD)
    for url in (f"/rounds/{world.round_id}/dossiers.xlsx", f"/rounds/{world.round_id}/ranking.xlsx"):
        response = client.get(url)
        assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    officer = world.client.application.test_client()
    _sign_in(officer, "stc_officer", PASSWORD)
    assert officer.get(f"/rounds/{world.round_id}/ranking.xlsx").status_code == 404


def test_the_registration_dashboard_shows_the_share_by_kind_and_the_missing_units(world):
    from .conftest import MOVEMENT, YEAR

    client = world.client.application.test_client()
    _sign_in(client, "lead_reviewer", PASSWORD)
    page = client.get(f"/registrations/report?movement={MOVEMENT}&year={YEAR + 1}")
    assert page.status_code == 200
    text = page.data.decode()
    report = world.get("lead_reviewer", f"/api/v1/registrations/report?movement={MOVEMENT}&year={YEAR + 1}")
    assert f"Đã đăng ký {report['registered']}/{report['expected']} đơn vị" in text
    assert all(unit["code"] in text for unit in report["not_registered"])
    assert "Xã, phường" in text or "Sở, ban, ngành" in text
    xlsx = client.get(f"/registrations/report.xlsx?movement={MOVEMENT}&year={YEAR + 1}")
    assert xlsx.status_code == 200


def test_the_decision_page_shows_the_latest_pdf_in_the_page(world):
    from sqlalchemy import select

    from service.models import AwardRound, DocumentTemplate, GeneratedDocument

    world.open_round()
    session = world.session
    round_ = session.get(AwardRound, world.round_id)
    template = session.scalars(select(DocumentTemplate)).first()
    if template is None:
        template = DocumentTemplate(kind="decision", version=1, filename="t.docx", content=b"x", sha256="0" * 64)
        session.add(template)
        session.flush()
    pdf = b"%PDF-1.4 quyet dinh"
    document = GeneratedDocument(instance_id=round_.instance_id, kind="decision", version=1, filename="quyet-dinh.docx",
                                 content=b"docx", sha256="1" * 64, template_id=template.id, context={},
                                 pdf_status="converted", pdf_content=pdf)
    session.add(document)
    session.commit()
    client = world.client.application.test_client()
    _sign_in(client, "lead_reviewer", PASSWORD)
    page = client.get(f"/rounds/{world.round_id}/decision")
    assert page.status_code == 200
    assert f'<iframe class="pdf-preview" src="/documents/{document.id}/preview.pdf"' in page.data.decode()
    shown = client.get(f"/documents/{document.id}/preview.pdf")
    assert shown.status_code == 200 and shown.data == pdf and shown.headers["Content-Disposition"] == "inline"
    assert "frame-ancestors 'self'" in shown.headers["Content-Security-Policy"]
    stranger = world.client.application.test_client()
    _sign_in(stranger, "stc_officer", PASSWORD)
    assert stranger.get(f"/documents/{document.id}/preview.pdf").status_code == 404


def test_a_tie_is_decided_on_the_dashboard_with_a_reason(world):
    from .conftest import STC, SYT, submit_and_review
    from .test_paths_round import close_and_consolidate

    world.open_round(total_quota=2)
    submit_and_review(world, HAICHAU, [collective("Ủy ban nhân dân phường Hải Châu", subject="P_HAICHAU", dx=95.0)])
    submit_and_review(world, STC, [collective("Sở Tài chính", subject="STC", dx=88.0)])
    submit_and_review(world, SYT, [collective("Sở Y tế", subject="SYT", dx=88.0)])
    close_and_consolidate(world)
    client = world.client.application.test_client()
    _sign_in(client, "lead_reviewer", PASSWORD)
    page = client.get(f"/rounds/{world.round_id}")
    text = page.data.decode()
    assert "Chọn 1 trong số các đối tượng bằng điểm" in text and "Sở Tài chính" in text and "Sở Y tế" in text
    token = re.search(r'name="csrf_token" value="([^"]+)"', text).group(1)
    syt = world.ranking()["Sở Y tế"]["nominee_id"]
    stc = world.ranking()["Sở Tài chính"]["nominee_id"]
    url = f"/rounds/{world.round_id}/ties/0/resolve"
    refused = client.post(url, data={"csrf_token": token, "proposed": [str(syt), str(stc)], "reason": "Cả hai"})
    assert refused.status_code == 302 and world.ranking()["Sở Y tế"]["outcome"] == "tied_at_quota"
    officer = world.client.application.test_client()
    _sign_in(officer, "stc_officer", PASSWORD)
    officer_token = re.search(r'name="csrf_token" value="([^"]+)"', officer.get("/dossiers").data.decode()).group(1)
    stranger = officer.post(url, data={"csrf_token": officer_token, "proposed": [str(stc)], "reason": "x"})
    assert stranger.status_code == 404
    done = client.post(url, data={"csrf_token": token, "proposed": [str(syt)], "reason": "Nhiều sáng kiến hơn"})
    assert done.status_code == 302
    ranking = world.ranking()
    assert ranking["Sở Y tế"]["outcome"] == "proposed_to_city" and ranking["Sở Tài chính"]["outcome"] == "cut_by_quota"
    assert "bằng điểm" not in client.get(f"/rounds/{world.round_id}").data.decode().split("Xếp hạng so với chỉ tiêu")[1]


def test_the_lead_agency_ends_intake_from_the_dashboard(world):
    world.open_round()
    client = world.client.application.test_client()
    _sign_in(client, "lead_reviewer", PASSWORD)
    page = client.get(f"/rounds/{world.round_id}").data.decode()
    assert "Kết thúc nhận hồ sơ" in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    url = f"/rounds/{world.round_id}/close"
    officer = world.client.application.test_client()
    _sign_in(officer, "stc_officer", PASSWORD)
    officer_token = re.search(r'name="csrf_token" value="([^"]+)"', officer.get("/dossiers").data.decode()).group(1)
    assert officer.post(url, data={"csrf_token": officer_token}).status_code == 404
    assert world.round()["status"] == "open"
    closed = client.post(url, data={"csrf_token": token, "reason": "Đã nhận đủ hồ sơ"})
    assert closed.status_code == 302 and world.round()["status"] in ("closed", "consolidated")
    page = client.get(f"/rounds/{world.round_id}").data.decode()
    assert "Đã kết thúc nhận hồ sơ" in page and f'action="/rounds/{world.round_id}/close"' not in page
