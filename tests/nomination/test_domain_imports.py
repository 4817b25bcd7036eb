"""Imports of org units, users and DX scores: CSV/XLSX, all or nothing, row errors in 422 details."""

from __future__ import annotations

import io
from datetime import timedelta

import openpyxl
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from service import cli
from service.models import AuditEvent, DxScore, Movement, OrgUnit, OrgUnitName, User
from service.nomination import config

from .domain_support import Domain, build_domain


@pytest.fixture
def domain(app, session) -> Domain:
    return build_domain(session)


def xlsx(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, login, url: str, content: bytes, name: str, user: str = "sysadmin"):
    return client.post(url, data={"file": (io.BytesIO(content), name)}, headers=login(user),
                       content_type="multipart/form-data")


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_org_units_import_is_all_or_nothing(client, login, domain):
    session = domain.session
    before = count(session, OrgUnit)
    bad = ("code,name,kind,parent_code,valid_to,successor_code\n"
           "SCT,Sở Công Thương,department,UBND_DN,,\n"
           "SXYZ,Sở cũ,department,UBND_DN,2025-03-01,NOPE\n"
           "bad code,Tên,alien,,,\n").encode()
    response = upload(client, login, "/api/v1/admin/org-units/import", bad, "units.csv")
    assert response.status_code == 422
    rows = response.get_json()["error"]["details"]["rows"]
    assert {(row["row"], row["column"]) for row in rows} >= {(3, "successor_code"), (4, "code"), (4, "kind")}
    assert all(row["message"] and row["message_en"] for row in rows)
    session.expire_all()
    assert count(session, OrgUnit) == before  # the valid first row was not stored either

    good = xlsx([["code", "name", "kind", "parent_code", "abbreviation", "valid_to", "successor_code"],
                 ["SCT", "Sở Công Thương", "department", "UBND_DN", "SCT", None, None],
                 ["SXD_OLD", "Sở Giao thông vận tải", "department", "UBND_DN", "SGTVT", "2025-03-01", "SCT"],
                 ["STC", "Sở Tài chính (đổi tên)", "department", "UBND_DN", "STC", None, None]])
    response = upload(client, login, "/api/v1/admin/org-units/import", good, "units.xlsx")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["created"] == 2 and response.get_json()["updated"] == 1
    session.expire_all()
    old = session.scalar(select(OrgUnit).where(OrgUnit.code == "SXD_OLD"))
    assert old.successor_id == session.scalar(select(OrgUnit.id).where(OrgUnit.code == "SCT"))
    stc = session.scalar(select(OrgUnit).where(OrgUnit.code == "STC"))
    assert stc.name == "Sở Tài chính (đổi tên)" and response.get_json()["renamed"] == 1
    # No day in the file: renamed from the day of the import, the former name kept until then.
    assert [(f.name, f.valid_to) for f in stc.former_names] == [("Đơn vị STC", config.today())]
    # Outside system administration: refused.
    assert upload(client, login, "/api/v1/admin/org-units/import", good, "u.xlsx", user="reviewer").status_code == 403


def test_an_imported_rename_keeps_the_former_name_with_its_dates(client, login, domain):
    session = domain.session
    stc = session.scalar(select(OrgUnit).where(OrgUnit.code == "STC"))
    old_name, since = stc.name, stc.valid_from
    syt = session.scalar(select(OrgUnit.name).where(OrgUnit.code == "SYT"))
    day = config.today() - timedelta(days=10)
    header = "code,name,kind,parent_code,abbreviation,name_valid_from,rename_reason\n"
    renaming = (header + f"STC,Sở Tài chính và Kế hoạch,department,UBND_DN,STC,{day:%d/%m/%Y},NQ 12/NQ-HĐND\n"
                f"SYT,{syt},department,UBND_DN,SYT,,\n").encode()
    response = upload(client, login, "/api/v1/admin/org-units/import", renaming, "units.csv")
    assert response.status_code == 200, response.get_json()
    assert response.get_json() | {"warnings": []} == {"created": 0, "updated": 2, "renamed": 1, "warnings": []}
    session.expire_all()
    stc = session.scalar(select(OrgUnit).where(OrgUnit.code == "STC"))
    [former] = stc.former_names
    assert (former.name, former.abbreviation, former.valid_from, former.valid_to, former.reason) == (
        old_name, "STC", since, day, "NQ 12/NQ-HĐND")
    assert stc.name_on(day - timedelta(days=1)) == old_name  # what papers of that time print
    assert stc.name_on(day) == stc.name == "Sở Tài chính và Kế hoạch"
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "org_unit.renamed"))
    assert event.actor == "sysadmin" and event.details["source"] == "import"
    assert (event.details["from"], event.details["to"]) == (old_name, "Sở Tài chính và Kế hoạch")
    assert session.scalar(select(func.count()).select_from(OrgUnitName)) == 1  # SYT's name did not change

    # A rename the rename page would refuse is the row's error, and nothing in the file is applied.
    later = config.today() + timedelta(days=1)
    refused = (header + "SYT,Sở Y tế (mới),department,UBND_DN,SYT,,\n"
               f"STC,Sở Tài chính,department,UBND_DN,STC,{later:%d/%m/%Y},\n"
               f"SNV,Sở Nội vụ (mới),department,UBND_DN,SNV,{day - timedelta(days=1):%Y-%m-%d},\n").encode()
    response = upload(client, login, "/api/v1/admin/org-units/import", refused, "units.csv")
    assert response.status_code == 422
    rows = response.get_json()["error"]["details"]["rows"]
    assert [(row["row"], row["column"], row["code"]) for row in rows] == [(3, "name_valid_from", "rename_refused")]
    assert "không được sau hôm nay" in rows[0]["message"] and "today" in rows[0]["message_en"]
    session.expire_all()
    assert session.scalar(select(OrgUnit.name).where(OrgUnit.code == "SYT")) == syt
    assert session.scalar(select(func.count()).select_from(OrgUnitName)) == 1


def test_users_import(client, login, domain):
    session = domain.session
    bad = b"username,full_name,org_unit_code,roles\nnew.user,A,STC,unit_officer\nBad Name,B,NOPE,ghost_role\n"
    response = upload(client, login, "/api/v1/admin/users/import", bad, "users.csv")
    assert response.status_code == 422
    columns = {row["column"] for row in response.get_json()["error"]["details"]["rows"]}
    assert {"username", "org_unit_code", "roles"} <= columns
    assert session.scalar(select(User.id).where(User.username == "new.user")) is None
    good = b"username,full_name,org_unit_code,roles,active\nnew.user,A,STC,unit_officer;unit_head,1\n" \
           b"officer_syt,Renamed,SYT,unit_officer,0\n"
    response = upload(client, login, "/api/v1/admin/users/import", good, "users.csv")
    assert response.status_code == 200 and response.get_json()["created"] == 1
    session.expire_all()
    user = session.scalar(select(User).where(User.username == "new.user"))
    assert user.role_keys() == {"unit_officer", "unit_head"} and user.org_unit.code == "STC"
    # No password yet: the imported account cannot log in until an administrator sets one.
    assert client.post("/api/v1/auth/token", json={"username": "new.user", "password": "!imported"}).status_code == 401
    assert session.scalar(select(User.active).where(User.username == "officer_syt")) is False


def test_dx_scores_import_and_listing(client, login, domain):
    session = domain.session
    bad = b"org_unit_code,year,score\nSTC,2026,101\nNOPE,2026,80\nSTC,2026,80.123\n"
    response = upload(client, login, "/api/v1/dx-index/scores/import", bad, "dx.csv")
    assert response.status_code == 422 and count(session, DxScore) == 0
    good = xlsx([["org_unit_code", "year", "score", "rank"], ["STC", 2026, 88.4, 2], ["SKHCN", 2026, 96.53, 1],
                 ["PX_HAI_CHAU", 2026, 79.99, 3]])
    response = upload(client, login, "/api/v1/dx-index/scores/import?edition=2386/QĐ-UBND", good, "dx.xlsx")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["imported"] == 3
    listed = client.get("/api/v1/dx-index/scores?year=2026", headers=login("reviewer")).get_json()
    assert [(i["org_unit_code"], i["band"]) for i in listed["items"]] == [
        ("SKHCN", "excellent"), ("STC", "good"), ("PX_HAI_CHAU", "fair")]
    editions = client.get("/api/v1/dx-index/editions", headers=login("reviewer")).get_json()["items"]
    assert {e["decision_number"] for e in editions} == {"2901/QĐ-UBND", "2386/QĐ-UBND"}


def test_cli_loads_the_danang_tree_and_the_movement(app, engine, monkeypatch, session):
    monkeypatch.setenv("DATABASE_URL", str(engine.url.render_as_string(hide_password=False)))
    result = CliRunner().invoke(cli.main, ["load-org-units"])
    assert result.exit_code == 0, result.output
    session.expire_all()
    communes = session.scalar(select(func.count()).select_from(OrgUnit).where(
        OrgUnit.kind == "commune_peoples_committee"))
    assert communes == 94
    movement = session.scalar(select(Movement).where(Movement.code == "CDS_2021_2030"))
    assert movement is not None and [lead.org_unit.code for lead in movement.leads] == ["STTTT", "SKHCN"]
    stttt = session.scalar(select(OrgUnit).where(OrgUnit.code == "STTTT"))
    assert stttt.successor_id == session.scalar(select(OrgUnit.id).where(OrgUnit.code == "SKHCN"))
    again = CliRunner().invoke(cli.main, ["load-org-units"])  # loading again updates, creates nothing
    assert again.exit_code == 0 and "0 mới" in again.output
