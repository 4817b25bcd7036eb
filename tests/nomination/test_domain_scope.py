"""HTTP scope: dossiers, rounds, registrations and registers are visible by role and org unit; outside → 404."""

from __future__ import annotations

from datetime import timedelta

import pytest

from service.db import utcnow
from service.models import Dossier

from .domain_support import Domain, build_domain


@pytest.fixture
def domain(app, session) -> Domain:
    return build_domain(session)


def test_rounds_and_dossiers_over_http_with_scope(client, login, domain):
    planned = domain.planned_round(2026)
    body = {"deadline": (utcnow() + timedelta(days=20)).isoformat(), "total_quota": 3,
            "quotas": [{"org_unit_code": "STC", "quota": 1}]}
    assert client.post(f"/api/v1/rounds/{planned.id}/open", json=body, headers=login("officer_stc")).status_code == 403
    opened = client.post(f"/api/v1/rounds/{planned.id}/open", json=body, headers=login("reviewer"))
    assert opened.status_code == 200, opened.get_json()
    round_ = opened.get_json()
    assert round_["status"] == "open" and round_["lead_org_unit_code"] == "SKHCN" and round_["accepts_dossiers"]
    assert round_["quotas"] == [{"org_unit_code": "STC", "quota": 1}] and round_["instance_id"] is None

    created = client.post("/api/v1/dossiers", json={"round_id": round_["id"]}, headers=login("officer_stc"))
    assert created.status_code == 201, created.get_json()
    dossier = created.get_json()
    assert client.post("/api/v1/dossiers", json={"round_id": round_["id"]},
                       headers=login("officer_stc")).status_code == 409
    url = f"/api/v1/dossiers/{dossier['id']}"
    nominee = client.post(f"{url}/nominees", json={"kind": "individual", "name": "Đỗ Văn G", "sex": "male",
                                                   "date_of_birth": "1982-04-30", "annual_rating": "excellent"},
                          headers=login("officer_stc"))
    assert nominee.status_code == 201, nominee.get_json()
    bad = client.post(f"{url}/nominees", json={"kind": "alien", "name": "", "on_hold": True},
                      headers=login("officer_stc"))
    assert bad.status_code == 422
    assert {"kind", "name"} <= set(bad.get_json()["error"]["details"]["fields"])
    hold = client.post(f"{url}/nominees", json={"kind": "collective", "name": "Phòng X", "on_hold": True},
                       headers=login("officer_stc"))
    assert hold.status_code == 422 and "hold_reason" in hold.get_json()["error"]["details"]["fields"]

    # A draft is the unit's own: other units, the lead agency and Home Affairs get 404.
    for outsider in ("officer_syt", "reviewer", "ec", "chairman"):
        assert client.get(url, headers=login(outsider)).status_code == 404, outsider
        assert client.post(f"{url}/nominees", json={"kind": "collective", "name": "X"},
                           headers=login(outsider)).status_code in (403, 404)
    for insider in ("officer_stc", "head_stc", "superior_city", "auditor"):
        assert client.get(url, headers=login(insider)).status_code == 200, insider
    assert client.get("/api/v1/dossiers", headers=login("officer_syt")).get_json()["total"] == 0

    domain.submit(domain.session.get(Dossier, dossier["id"]))
    for reader in ("reviewer", "ec", "director", "chairman"):
        assert client.get(url, headers=login(reader)).status_code == 200, reader
    assert client.get(url, headers=login("officer_syt")).status_code == 404
    # Submitted: the unit can no longer edit it.
    assert client.patch(f"{url}/nominees/{nominee.get_json()['id']}", json={"name": "Y"},
                        headers=login("officer_stc")).status_code == 409

    # Ranking and the round's nominees: lead agency, Home Affairs, the city; not the units.
    assert client.get(f"/api/v1/rounds/{round_['id']}/ranking", headers=login("officer_stc")).status_code == 404
    assert client.get(f"/api/v1/rounds/{round_['id']}/nominees", headers=login("ec")).status_code == 200
    # Early close by the lead agency only.
    assert client.post(f"/api/v1/rounds/{round_['id']}/close", json={}, headers=login("officer_stc")).status_code == 404
    closed = client.post(f"/api/v1/rounds/{round_['id']}/close", json={"reason": "Đủ hồ sơ"},
                         headers=login("reviewer"))
    assert closed.status_code == 200 and closed.get_json()["status"] == "closed"


def test_registrations_and_the_not_registered_report(client, login, domain):
    created = client.post("/api/v1/registrations", json={"movement_code": "CDS_2021_2030", "year": 2026,
                                                         "titles": ["Tập thể lao động xuất sắc"]},
                          headers=login("officer_stc"))
    assert created.status_code == 201, created.get_json()
    registration = created.get_json()
    assert registration["deadline"].startswith("2026-03-31T23:59:59")  # end of Q1 (parameter)
    assert client.post("/api/v1/registrations", json={"movement_code": "CDS_2021_2030", "year": 2026},
                       headers=login("officer_stc")).status_code == 409
    assert client.post("/api/v1/registrations", json={"movement_code": "CDS_2021_2030", "year": 2031},
                       headers=login("officer_syt")).status_code == 422
    assert client.get(f"/api/v1/registrations/{registration['id']}", headers=login("officer_syt")).status_code == 404

    from service.nomination import registrations

    registrations.submit_registration(domain.session, registration_id=registration["id"])
    domain.session.commit()
    report_url = "/api/v1/registrations/report?movement=CDS_2021_2030&year=2026"
    assert client.get(report_url, headers=login("officer_stc")).status_code == 404
    report = client.get(report_url, headers=login("reviewer")).get_json()
    # Expected: departments and commune-level units in force (STTTT, SKHCN, SNV, STC, SYT, PX_HAI_CHAU).
    assert report["expected"] == 6 and report["registered"] == 1
    assert report["share_registered"] == round(1 / 6, 4)
    assert "STC" not in {unit["code"] for unit in report["not_registered"]}
    assert "PX_HAI_CHAU" in {unit["code"] for unit in report["not_registered"]}
    assert client.get("/api/v1/registrations?movement=CDS_2021_2030", headers=login("reviewer")
                      ).get_json()["total"] == 1
    assert client.get("/api/v1/registrations?movement=CDS_2021_2030", headers=login("officer_syt")
                      ).get_json()["total"] == 0


def test_registers_and_parameters_over_http(client, login, domain):
    assert client.get("/api/v1/awards-register", headers=login("officer_stc")).status_code == 404
    assert client.get("/api/v1/awards-register", headers=login("ec")).status_code == 200
    assert client.get("/api/v1/decision-register?year=2026", headers=login("chairman")).get_json()["total"] == 0
    listed = client.get("/api/v1/legal-parameters?key=dx_index.eligibility_threshold&on=2026-01-01",
                        headers=login("officer_stc")).get_json()
    assert [item["value"] for item in listed["items"]] == [80] and "3970" in listed["items"][0]["source"]
    body = {"key": "public_notice.working_days", "value": 7, "valid_from": "2027-01-01", "source": "QĐ giả định"}
    assert client.post("/api/v1/legal-parameters", json=body, headers=login("reviewer")).status_code == 403
    assert client.post("/api/v1/legal-parameters", json=body, headers=login("sysadmin")).status_code == 201
    assert client.post("/api/v1/legal-parameters", json=body, headers=login("sysadmin")).status_code == 409
    movements = client.get("/api/v1/movements", headers=login("officer_stc")).get_json()["items"]
    assert [(lead["org_unit_code"], lead["valid_to"]) for lead in movements[0]["leads"]] == [
        ("STTTT", "2025-03-01"), ("SKHCN", None)]
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "DossierOut" in spec["components"]["schemas"] and "/api/v1/public/notices" in spec["paths"]
    assert "security" not in spec["paths"]["/api/v1/public/notices"]["get"]
