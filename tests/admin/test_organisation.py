"""Đơn vị · Người dùng · Vai trò: the unit tree, users created, disabled and given a new password by system
admins (audited), read by auditors, not found for others."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from service.models import AuditEvent, User

from ..conftest import PASSWORD


@pytest.fixture
def world(create_org_unit, create_user):
    create_org_unit("CITY", kind="city_peoples_committee", name="UBND thành phố")
    create_org_unit("WARD", parent_code="CITY", name="Phường Hải Châu")
    create_user("sysadmin", "CITY", ["system_admin"])
    create_user("watcher", "CITY", ["auditor"])
    create_user("clerk", "WARD", ["unit_officer"])


def _sign_in(client, username):
    token = re.search(rb'name="csrf_token" value="([^"]+)"', client.get("/login").data).group(1).decode()
    signed = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    assert signed.status_code == 302
    return re.search(rb'name="csrf-token" content="([^"]+)"', client.get("/inbox").data).group(1).decode()


def test_tree_and_user_lifecycle(world, client, session):
    token = _sign_in(client, "sysadmin")
    page = client.get("/admin/organisation").data.decode()
    assert page.index("UBND thành phố") < page.index("Phường Hải Châu")
    created = client.post("/admin/organisation/users", data={
        "csrf_token": token, "username": "newbie", "full_name": "Nguyễn Văn An", "org_unit_code": "WARD",
        "roles": ["unit_officer"]})
    assert created.status_code == 302
    shown = client.get("/admin/organisation").data.decode()
    password = re.search(r"Mật khẩu đầu tiên: (\S+?)<", shown).group(1)
    user = session.scalar(select(User).where(User.username == "newbie"))
    assert user.org_unit.code == "WARD" and user.role_keys() == {"unit_officer"}
    other = client.application.test_client()
    login_token = re.search(rb'name="csrf_token" value="([^"]+)"', other.get("/login").data).group(1).decode()
    assert other.post("/login", data={"username": "newbie", "password": password,
                                      "csrf_token": login_token}).status_code == 302
    assert client.post("/admin/organisation/users/newbie/active",
                       data={"csrf_token": token, "active": "0"}).status_code == 302
    session.expire_all()
    assert session.scalar(select(User).where(User.username == "newbie")).active is False
    assert client.post("/admin/organisation/users/newbie/password", data={"csrf_token": token}).status_code == 302
    actions = [e.action for e in session.scalars(select(AuditEvent).where(AuditEvent.actor == "sysadmin"))]
    assert actions.count("user.created") == 1 and actions.count("user.updated") == 2


def test_create_user_errors_stay_at_the_fields(world, client, session):
    token = _sign_in(client, "sysadmin")
    empty = client.post("/admin/organisation/users", data={"csrf_token": token, "username": "", "full_name": ""})
    assert empty.status_code == 422 and "Vui lòng nhập họ và tên" in empty.data.decode()
    taken = client.post("/admin/organisation/users", data={"csrf_token": token, "username": "clerk",
                                                           "full_name": "Trùng tên"})
    assert taken.status_code == 422 and 'value="Trùng tên"' in taken.data.decode()


def test_auditor_reads_and_others_get_not_found(world, client, session):
    token = _sign_in(client, "watcher")
    page = client.get("/admin/organisation")
    assert page.status_code == 200 and "Thêm người dùng".encode() not in page.data
    assert client.post("/admin/organisation/users/clerk/active",
                       data={"csrf_token": token, "active": "0"}).status_code == 403
    session.expire_all()
    assert session.scalar(select(User).where(User.username == "clerk")).active is True
    client.post("/logout", data={"csrf_token": token})
    _sign_in(client, "clerk")
    assert client.get("/admin/organisation").status_code == 404


UNITS_CSV = ("code,name,abbreviation,kind,parent_code,admin_code,valid_from,notes\n"
             "NEW_WARD,Phường Mới,PM,commune_peoples_committee,CITY,,2026-01-01,\n").encode()


def test_import_dry_run_changes_nothing_then_import_applies(world, client, session):
    from io import BytesIO

    from service.models import OrgUnit

    token = _sign_in(client, "sysadmin")
    dry = client.post("/admin/organisation/import", data={
        "csrf_token": token, "kind": "org_units", "apply": "0", "file": (BytesIO(UNITS_CSV), "units.csv")},
        content_type="multipart/form-data")
    assert dry.status_code == 200, dry.data.decode()[-2000:]
    assert "Sẽ tạo mới 1 và cập nhật 0" in dry.data.decode()
    session.expire_all()
    assert session.scalar(select(OrgUnit).where(OrgUnit.code == "NEW_WARD")) is None
    bad = UNITS_CSV.replace(b",CITY,", b",NOWHERE,")
    refused = client.post("/admin/organisation/import", data={
        "csrf_token": token, "kind": "org_units", "apply": "1", "file": (BytesIO(bad), "units.csv")},
        content_type="multipart/form-data")
    assert refused.status_code == 422 and "Dòng 2" in refused.data.decode()
    done = client.post("/admin/organisation/import", data={
        "csrf_token": token, "kind": "org_units", "apply": "1", "file": (BytesIO(UNITS_CSV), "units.csv")},
        content_type="multipart/form-data")
    assert done.status_code == 302
    session.expire_all()
    unit = session.scalar(select(OrgUnit).where(OrgUnit.code == "NEW_WARD"))
    assert unit is not None and unit.parent.code == "CITY"
