"""A DX index score with more than two decimals is refused on every path, never rounded into eligibility:
79.995 must not become 80.00 (the threshold) through the nominee edit, the dossier form or an import."""

from __future__ import annotations

import io

from .conftest import STC, collective, individual


def _draft_dossier(world) -> tuple[dict, dict]:
    world.open_round()
    dossier = world.start_dossier(STC.officer)
    world.act(STC.officer, dossier["instance_id"], "draft",
              {"nominees": [collective("Sở Tài chính", subject="STC", dx=79.99), individual("Nguyễn Văn An")]},
              status=200)
    return dossier, world.nominees(dossier["id"])["Sở Tài chính"]


def test_the_nominee_edit_refuses_a_third_decimal_and_changes_nothing(world):
    dossier, nominee = _draft_dossier(world)
    url = f"/api/v1/dossiers/{dossier['id']}/nominees/{nominee['id']}"
    refused = world.patch(STC.officer, url, {"dx_index_score": "79.995"}, status=422)
    assert "dx_index_score" in refused["error"]["details"]["fields"]
    assert "2 chữ số thập phân" in refused["error"]["details"]["fields"]["dx_index_score"][0]
    assert world.nominees(dossier["id"])["Sở Tài chính"]["dx_index_score"] == 79.99
    world.patch(STC.officer, url, {"dx_index_score": 79.995}, status=422)  # as a JSON number too
    world.patch(STC.officer, url, {"dx_index_score": "80.00"}, status=200)  # trailing zeros are two decimals
    assert world.nominees(dossier["id"])["Sở Tài chính"]["dx_index_score"] == 80.0


def test_the_dossier_form_refuses_a_third_decimal_at_its_field(world):
    world.open_round()
    dossier = world.start_dossier(STC.officer)
    refused = world.act(STC.officer, dossier["instance_id"], "draft",
                        {"nominees": [collective("Sở Tài chính", subject="STC", dx=79.995)]}, status=422)
    assert "nominees[0].dx_index_score" in refused["error"]["details"]["fields"]
    assert world.open_elements(dossier["instance_id"]) == ["draft"]  # nothing moved
    assert world.nominees(dossier["id"]) == {}


def test_an_import_refuses_a_third_decimal_and_imports_nothing(world, create_user):
    create_user("sysadmin", "UBND_DN", ["system_admin"])
    response = world.client.post(
        "/api/v1/dx-index/scores/import", headers=world.login("sysadmin"),
        data={"file": (io.BytesIO(b"org_unit_code,year,score\nSTC,2026,79.995\n"), "dx.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 422, response.get_json()
    listed = world.get("sysadmin", "/api/v1/dx-index/scores?year=2026")
    assert listed["total"] == 0
