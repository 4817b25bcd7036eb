"""The modeler's server side through the pages: validate, drafts, deploy as the next version, lanes and roles,
who may do what (process admin edits, auditor reads, others get 404), every change audited."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from service.models import AuditEvent, DiagramDraft, LaneRoleMapping, ProcessVersion

from ..conftest import PASSWORD, read_fixture

KEY = "three_lanes"


def _csrf(page: bytes) -> str:
    return re.search(rb'name="csrf-token" content="([^"]+)"', page).group(1).decode()


@pytest.fixture
def setup(deploy, create_user, create_org_unit):
    create_org_unit("U1")
    deploy("three_lanes.bpmn")
    create_user("padmin", "U1", ["process_admin"])
    create_user("watcher", "U1", ["auditor"])
    create_user("clerk", "U1", ["unit_officer"])


def _sign_in(client, username: str) -> str:
    token = re.search(rb'name="csrf_token" value="([^"]+)"', client.get("/login").data).group(1).decode()
    response = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    return _csrf(client.get("/inbox").data)


def _post(client, token: str, path: str, body: dict):
    return client.post(path, json=body, headers={"X-CSRFToken": token})


def _xml() -> str:
    return read_fixture("three_lanes.bpmn").decode()


def _audits(session, action: str) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_validate_returns_located_problems_in_vietnamese(client, setup):
    token = _sign_in(client, "padmin")
    broken = _xml().replace('<bpmn:userTask id="t2"', '<bpmn:userTask id="t9"')
    response = _post(client, token, f"/admin/processes/{KEY}/validate", {"xml": broken, "version": 1})
    assert response.status_code == 200
    problems = response.get_json()["problems"]
    errors = [p for p in problems if p["level"] == "error"]
    assert errors, problems
    assert any(p["element_id"] for p in errors)
    assert all(re.search(r"[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]", p["message"])
               for p in errors)
    clean = _post(client, token, f"/admin/processes/{KEY}/validate", {"xml": _xml(), "version": 1}).get_json()
    assert [p for p in clean["problems"] if p["level"] == "error"] == []


def test_draft_is_kept_and_audited_then_dropped_by_deploy(client, setup, session):
    token = _sign_in(client, "padmin")
    edited = _xml().replace('name="Ba bước ký"', 'name="Ba bước ký (sửa)"')
    response = _post(client, token, f"/admin/processes/{KEY}/draft", {"xml": edited, "version": 1})
    assert response.status_code == 200 and response.get_json()["message"] == "Đã lưu nháp"
    draft = session.scalar(select(DiagramDraft).where(DiagramDraft.process_key == KEY))
    assert draft.base_version == 1 and "(sửa)" in draft.xml
    assert len(_audits(session, "definition.draft_saved")) == 1
    page = client.get(f"/admin/processes/{KEY}/modeler?draft=1")
    assert page.status_code == 200 and "(sửa)".encode() in page.data
    deployed = _post(client, token, f"/admin/processes/{KEY}/deploy", {"xml": edited, "version": 1})
    assert deployed.status_code == 200, deployed.get_json()
    assert deployed.get_json()["version"] == 2 and deployed.get_json()["created"] is True
    session.expire_all()
    assert session.scalar(select(DiagramDraft)) is None
    latest = session.scalar(select(ProcessVersion).where(ProcessVersion.version == 2))
    assert latest.name == "Ba bước ký (sửa)"
    assert len(_audits(session, "definition.deployed")) == 2


def test_invalid_deploy_changes_nothing(client, setup, session):
    token = _sign_in(client, "padmin")
    broken = _xml().replace('sourceRef="t1"', 'sourceRef="nowhere"', 1)
    response = _post(client, token, f"/admin/processes/{KEY}/deploy", {"xml": broken, "version": 1})
    assert response.status_code == 422
    problems = response.get_json()["error"]["details"]["problems"]
    assert problems and all(p["level"] == "error" for p in problems)
    session.expire_all()
    assert session.scalar(select(ProcessVersion).where(ProcessVersion.version == 2)) is None


def test_auditor_reads_but_cannot_change(client, setup, session):
    token = _sign_in(client, "watcher")
    assert client.get("/admin/processes").status_code == 200
    page = client.get(f"/admin/processes/{KEY}/modeler")
    assert page.status_code == 200 and b'data-action="deploy"' not in page.data
    assert client.get(f"/admin/processes/{KEY}/versions").status_code == 200
    response = _post(client, token, f"/admin/processes/{KEY}/deploy", {"xml": _xml(), "version": 1})
    assert response.status_code == 403
    assert _post(client, token, f"/admin/processes/{KEY}/draft", {"xml": _xml(), "version": 1}).status_code == 403
    assert session.scalar(select(DiagramDraft)) is None


def test_outside_scope_is_not_found(client, setup):
    token = _sign_in(client, "clerk")
    for path in ("/admin/processes", f"/admin/processes/{KEY}/modeler", f"/admin/processes/{KEY}/versions",
                 f"/admin/processes/{KEY}/versions/1/lanes"):
        assert client.get(path).status_code == 404, path
    assert _post(client, token, f"/admin/processes/{KEY}/validate", {"xml": _xml()}).status_code == 404
    assert b"Quy tr\xc3\xacnh \xc2\xb7" not in client.get("/inbox").data  # no admin entry in the navigation


def test_lanes_page_flags_unmapped_and_saves_a_mapping(client, setup, session, deploy):
    # the same diagram without the role property on "Cấp trên": no role matches that name
    xml = re.sub(r"<bpmn:extensionElements><camunda:properties><camunda:property name=\"role\" "
                 r"value=\"superior_head\" /></camunda:properties></bpmn:extensionElements>", "",
                 _xml()).replace("three_lanes", "lanes_unmapped")
    deploy(files={"lanes_unmapped.bpmn": xml.encode()})
    key = "lanes_unmapped"
    _sign_in(client, "padmin")
    assert "chưa gán".encode() in client.get("/admin/processes").data
    page = client.get(f"/admin/processes/{key}/versions/1/lanes")
    assert page.status_code == 200
    assert "Chưa gán vai trò".encode() in page.data  # "Cấp trên" matches no role
    version = session.scalar(select(ProcessVersion).where(ProcessVersion.process_key == key))
    rows = list(version.lane_roles)
    unmapped = next(i for i, row in enumerate(rows) if row.role_key is None)
    token = re.search(rb'name="csrf_token" value="([^"]+)"', page.data).group(1).decode()
    form = {f"role_{i}": row.role_key or "" for i, row in enumerate(rows)}
    form[f"role_{unmapped}"] = "unit_head"
    response = client.post(f"/admin/processes/{key}/versions/1/lanes", data={**form, "csrf_token": token})
    assert response.status_code == 302
    session.expire_all()
    assert session.get(LaneRoleMapping, rows[unmapped].id).role_key == "unit_head"
    assert len(_audits(session, "definition.lane_roles_changed")) == 1
    bad = client.post(f"/admin/processes/{key}/versions/1/lanes",
                      data={**form, f"role_{unmapped}": "no_such_role", "csrf_token": token})
    assert bad.status_code == 422
    session.expire_all()
    assert session.get(LaneRoleMapping, rows[unmapped].id).role_key == "unit_head"


def test_versions_page_lists_deployer_and_instances(client, setup):
    _sign_in(client, "padmin")
    page = client.get(f"/admin/processes/{KEY}/versions")
    assert page.status_code == 200
    assert "Người dùng deployer".encode() in page.data


def test_validation_flags_lanes_no_role_would_serve_before_deploy(client, setup):
    token = _sign_in(client, "padmin")
    xml = re.sub(r"<bpmn:extensionElements><camunda:properties><camunda:property name=\"role\" "
                 r"value=\"superior_head\" /></camunda:properties></bpmn:extensionElements>", "", _xml())
    problems = _post(client, token, f"/admin/processes/{KEY}/validate", {"xml": xml, "version": 1}).get_json()
    flagged = [p for p in problems["problems"] if p["element_id"] == "l3"]
    assert flagged and flagged[0]["level"] == "warning" and "Cấp trên" in flagged[0]["message"]
    clean = _post(client, token, f"/admin/processes/{KEY}/validate", {"xml": _xml(), "version": 1}).get_json()
    assert not [p for p in clean["problems"] if p["element_id"] == "l3"]
