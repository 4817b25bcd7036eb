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
    password = re.search(r"Đã tạo người dùng newbie\. Người dùng phải đổi mật khẩu này khi đăng nhập lần đầu\. "
                         r"Mật khẩu đầu tiên: (\S+?)<", shown).group(1)
    # The users table and the user's page share the lock and password-reset forms (small buttons in the table).
    row = shown[shown.index('data-user="newbie"'):]
    row = row[:row.index("</tr>")]
    assert 'action="/admin/organisation/users/newbie/active"' in row and "btn btn--small btn--danger" in row
    assert 'action="/admin/organisation/users/newbie/password"' in row
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
    detail = client.get("/admin/organisation/users/newbie").data.decode()
    assert 'value="1" class="btn btn--secondary">Mở khóa<' in detail
    assert 'action="/admin/organisation/users/newbie/password"' in detail and "Đặt lại mật khẩu" in detail
    assert client.post("/admin/organisation/users/newbie/password", data={"csrf_token": token}).status_code == 302
    actions = [e.action for e in session.scalars(select(AuditEvent).where(AuditEvent.actor == "sysadmin"))]
    assert actions.count("user.created") == 1 and actions.count("user.updated") == 2


def test_the_notices_say_an_administrators_password_must_be_changed(world, client, session):
    """The password shown once is a temporary one (the user changes it at the next sign-in), except an
    administrator's own, which is not held."""
    token = _sign_in(client, "sysadmin")
    client.post("/admin/organisation/users/clerk/password", data={"csrf_token": token})
    shown = client.get("/admin/organisation").data.decode()
    password = re.search(r"Đã đặt lại mật khẩu của clerk\. Người dùng phải đổi mật khẩu này khi đăng nhập lần tới\. "
                         r"Mật khẩu mới: (\S+?)<", shown).group(1)
    clerk = session.scalar(select(User).where(User.username == "clerk"))
    assert clerk.password_must_change is True
    other = client.application.test_client()
    login_token = re.search(rb'name="csrf_token" value="([^"]+)"', other.get("/login").data).group(1).decode()
    other.post("/login", data={"username": "clerk", "password": password, "csrf_token": login_token})
    assert other.get("/inbox").headers["Location"] == "/password?next=/inbox"
    client.post("/language", data={"csrf_token": token, "locale": "en", "next": "/admin/organisation"})
    client.post("/admin/organisation/users", data={"csrf_token": token, "username": "newbie",
                                                   "full_name": "Nguyễn Văn An", "org_unit_code": "WARD"})
    shown = client.get("/admin/organisation").data.decode()
    assert re.search(r"User newbie created\. They must change this password at their first sign-in\. "
                     r"First password: \S+?<", shown)
    client.post("/admin/organisation/users/sysadmin/password", data={"csrf_token": token})
    # An administrator's own new password is not a temporary one; this session goes on to show it.
    assert "New password of sysadmin: " in client.get("/admin/organisation").data.decode()
    session.expire_all()
    assert session.scalar(select(User.password_must_change).where(User.username == "sysadmin")) is False


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


def test_import_dry_run_tells_of_a_rename_and_keeps_nothing(world, client, session):
    from io import BytesIO

    from service.models import OrgUnit, OrgUnitName

    token = _sign_in(client, "sysadmin")
    renaming = "code,name,kind,parent_code\nWARD,Phường Hải Châu mới,commune_peoples_committee,CITY\n".encode()
    dry = client.post("/admin/organisation/import", data={
        "csrf_token": token, "kind": "org_units", "apply": "0", "file": (BytesIO(renaming), "units.csv")},
        content_type="multipart/form-data")
    text = dry.data.decode()
    assert dry.status_code == 200 and "Sẽ tạo mới 0 và cập nhật 1" in text
    assert "Trong đó 1 đơn vị đổi tên" in text
    session.expire_all()
    assert session.scalar(select(OrgUnit.name).where(OrgUnit.code == "WARD")) == "Phường Hải Châu"
    assert session.scalar(select(OrgUnitName.id)) is None


def _today():
    from service.nomination import config

    return config.today()


def test_rename_keeps_the_old_name_for_its_dates(world, client, session):
    from datetime import timedelta

    from service.models import OrgUnit

    token = _sign_in(client, "sysadmin")
    day = _today() - timedelta(days=10)
    renamed = client.post("/admin/organisation/units/WARD/rename", data={
        "csrf_token": token, "name": "Phường Hải Châu mới", "abbreviation": "PHC",
        "effective_from": day.strftime("%d/%m/%Y"), "reason": "NQ 1659/NQ-UBTVQH15"})
    assert renamed.status_code == 302
    session.expire_all()
    unit = session.scalar(select(OrgUnit).where(OrgUnit.code == "WARD"))
    assert unit.name == "Phường Hải Châu mới" and unit.abbreviation == "PHC"
    assert unit.name_on(day - timedelta(days=1)) == "Phường Hải Châu"
    assert unit.name_on(day) == "Phường Hải Châu mới"
    page = client.get("/admin/organisation/units/WARD").data.decode()
    history = page[page.index("data-name-history"):]
    assert "NQ 1659/NQ-UBTVQH15" in history
    assert history.index("Phường Hải Châu<") < history.index("Phường Hải Châu mới<")
    assert "Tên cũ" in client.get("/admin/organisation").data.decode()
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "org_unit.renamed"))
    assert event.actor == "sysadmin" and event.details["from"] == "Phường Hải Châu"

    # A second rename must come after the first; a future date and a bad date are refused, nothing changes.
    for typed, expected in ((day.strftime("%d/%m/%Y"), "phải sau ngày"),
                            ((_today() + timedelta(days=1)).strftime("%d/%m/%Y"), "không được sau hôm nay"),
                            ("31/02/2026", "Ngày không hợp lệ")):
        refused = client.post("/admin/organisation/units/WARD/rename", data={
            "csrf_token": token, "name": "Tên khác", "effective_from": typed})
        assert refused.status_code == 422 and expected in refused.data.decode()
        assert 'value="Tên khác"' in refused.data.decode()
    session.expire_all()
    assert session.scalar(select(OrgUnit).where(OrgUnit.code == "WARD")).name == "Phường Hải Châu mới"


def test_merge_sets_the_successor_and_can_move_the_users(world, client, session, create_org_unit, create_user):
    from service.models import OrgUnit

    create_org_unit("WARD2", parent_code="CITY", name="Phường Thạch Thang")
    create_org_unit("WARD2_TEAM", parent_code="WARD2", name="Tổ dân phố 1")
    create_user("tt_clerk", "WARD2", ["unit_officer"])
    token = _sign_in(client, "sysadmin")
    itself = client.post("/admin/organisation/units/WARD2/merge", data={
        "csrf_token": token, "successor_code": "WARD2", "effective_from": _today().strftime("%d/%m/%Y")})
    assert itself.status_code == 422 and "chính nó" in itself.data.decode()
    merged = client.post("/admin/organisation/units/WARD2/merge", data={
        "csrf_token": token, "successor_code": "WARD", "effective_from": _today().strftime("%d/%m/%Y"),
        "move_users": "1", "move_children": "1"})
    assert merged.status_code == 302
    session.expire_all()
    unit = session.scalar(select(OrgUnit).where(OrgUnit.code == "WARD2"))
    assert unit.valid_to == _today() and session.get(OrgUnit, unit.successor_id).code == "WARD"
    assert session.scalar(select(User).where(User.username == "tt_clerk")).org_unit.code == "WARD"
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "org_unit.merged"))
    assert event.details["moved_users"] == ["tt_clerk"] and event.details["successor_code"] == "WARD"
    assert event.details["moved_units"] == ["WARD2_TEAM"]
    assert session.scalar(select(OrgUnit).where(OrgUnit.code == "WARD2_TEAM")).parent.code == "WARD"
    page = client.get("/admin/organisation/units/WARD").data.decode()
    assert "Tiếp nhận từ" in page and "Phường Thạch Thang" in page
    again = client.post("/admin/organisation/units/WARD2/merge", data={
        "csrf_token": token, "successor_code": "WARD", "effective_from": _today().strftime("%d/%m/%Y")})
    assert again.status_code == 422 and "ngừng hoạt động" in again.data.decode()


def test_merge_in_the_future_cannot_move_users_yet(world, client, session):
    from datetime import timedelta

    from service.models import OrgUnit

    token = _sign_in(client, "sysadmin")
    later = (_today() + timedelta(days=30)).strftime("%d/%m/%Y")
    refused = client.post("/admin/organisation/units/WARD/merge", data={
        "csrf_token": token, "successor_code": "CITY", "effective_from": later, "move_users": "1"})
    assert refused.status_code == 422 and "đã có hiệu lực" in refused.data.decode()
    session.expire_all()
    assert session.scalar(select(OrgUnit).where(OrgUnit.code == "WARD")).valid_to is None
    assert client.post("/admin/organisation/units/WARD/merge", data={
        "csrf_token": token, "successor_code": "CITY", "effective_from": later}).status_code == 302
    session.expire_all()
    assert session.scalar(select(User).where(User.username == "clerk")).org_unit.code == "WARD"


def test_edit_user_roles_and_unit_audited(world, client, session):
    token = _sign_in(client, "sysadmin")
    assert client.get("/admin/organisation/users/clerk").status_code == 200
    saved = client.post("/admin/organisation/users/clerk", data={
        "csrf_token": token, "full_name": "Lê Văn Thư", "email": "thu@example.vn", "org_unit_code": "CITY",
        "roles": ["unit_officer", "unit_head"]})
    assert saved.status_code == 302
    session.expire_all()
    clerk = session.scalar(select(User).where(User.username == "clerk"))
    assert clerk.role_keys() == {"unit_officer", "unit_head"} and clerk.org_unit.code == "CITY"
    assert clerk.full_name == "Lê Văn Thư" and clerk.email == "thu@example.vn"
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "user.updated")).all()[-1]
    assert event.details["changed"] == ["email", "full_name", "org_unit_code", "roles"]
    assert event.details["before"]["roles"] == ["unit_officer"] and event.details["before"]["org_unit_code"] == "WARD"
    assert event.details["after"]["roles"] == ["unit_head", "unit_officer"]
    unknown = client.post("/admin/organisation/users/clerk", data={
        "csrf_token": token, "full_name": "Lê Văn Thư", "org_unit_code": "NOWHERE", "roles": []})
    assert unknown.status_code == 422 and "NOWHERE" in unknown.data.decode()
    # The administrator cannot take away their own administration or lock themselves out.
    own = client.post("/admin/organisation/users/sysadmin", data={
        "csrf_token": token, "full_name": "Quản trị", "org_unit_code": "CITY", "roles": ["auditor"]})
    assert own.status_code == 422
    assert client.post("/admin/organisation/users/sysadmin/active",
                       data={"csrf_token": token, "active": "0"}).status_code == 302
    session.expire_all()
    sysadmin = session.scalar(select(User).where(User.username == "sysadmin"))
    assert sysadmin.active and sysadmin.role_keys() == {"system_admin"}


def test_reset_password_ends_the_users_sessions(world, client, session, app):
    token = _sign_in(client, "sysadmin")
    other = app.test_client()
    _sign_in(other, "clerk")
    assert other.get("/inbox").status_code == 200
    assert client.post("/admin/organisation/users/clerk/password", data={"csrf_token": token}).status_code == 302
    assert other.get("/inbox").status_code == 302  # back to the sign-in page


def test_roles_page_and_role_edit(world, client, session):
    from service.models import Role

    token = _sign_in(client, "watcher")
    page = client.get("/admin/organisation/roles").data.decode()
    assert "Xem mọi hồ sơ" in page and "data-role-form" not in page
    assert client.post("/admin/organisation/roles/unit_officer", data={
        "csrf_token": token, "name": "X", "scope": "unit"}).status_code == 403
    client.post("/logout", data={"csrf_token": token})
    token = _sign_in(client, "sysadmin")
    assert "data-role-form" in client.get("/admin/organisation/roles").data.decode()
    saved = client.post("/admin/organisation/roles/unit_officer", data={
        "csrf_token": token, "name": "Cán bộ thi đua", "scope": "unit", "description": "Soạn hồ sơ của đơn vị."})
    assert saved.status_code == 302
    bad = client.post("/admin/organisation/roles/unit_officer", data={
        "csrf_token": token, "name": "", "scope": "galaxy"})
    assert bad.status_code == 422
    session.expire_all()
    role = session.scalar(select(Role).where(Role.key == "unit_officer"))
    assert role.name == "Cán bộ thi đua" and role.description == "Soạn hồ sơ của đơn vị."
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "role.updated"))
    assert event.details["changed"] == ["description", "name"]
    assert "Soạn hồ sơ của đơn vị." in client.get("/admin/organisation/roles").data.decode()


def test_auditor_reads_unit_and_user_pages_without_forms(world, client, session):
    token = _sign_in(client, "watcher")
    unit_page = client.get("/admin/organisation/units/WARD").data.decode()
    assert "Lịch sử tên gọi" in unit_page and "data-merge-form" not in unit_page
    assert "data-user-form" not in client.get("/admin/organisation/users/clerk").data.decode()
    assert client.post("/admin/organisation/units/WARD/merge", data={
        "csrf_token": token, "successor_code": "CITY", "effective_from": "01/01/2026"}).status_code == 403
    client.post("/logout", data={"csrf_token": token})
    _sign_in(client, "clerk")
    assert client.get("/admin/organisation/units/WARD").status_code == 404
    assert client.get("/admin/organisation/users/clerk").status_code == 404
    assert client.get("/admin/organisation/roles").status_code == 404


def test_historical_unit_seeded_before_the_tree_gets_its_successor(app, session, create_org_unit):
    """A new database seeds before the tree is loaded: Sở TT&TT ends on 01/3/2025 with no successor then; the
    next seed, once the tree is there, links it to Sở KH&CN (it merged into it) and to its parent."""
    from service.models import OrgUnit
    from service.nomination import seed

    seed.seed_historical_units(session)
    session.commit()
    sttt = session.scalar(select(OrgUnit).where(OrgUnit.code == "STTTT"))
    assert sttt.successor_id is None and sttt.parent_id is None
    create_org_unit("UBND_DN", kind="city_peoples_committee", name="Ủy ban nhân dân thành phố Đà Nẵng")
    create_org_unit("SKHCN", parent_code="UBND_DN", name="Sở Khoa học và Công nghệ")
    seed.seed_historical_units(session)
    session.commit()
    session.expire_all()
    sttt = session.scalar(select(OrgUnit).where(OrgUnit.code == "STTTT"))
    assert session.get(OrgUnit, sttt.successor_id).code == "SKHCN"
    assert session.get(OrgUnit, sttt.parent_id).code == "UBND_DN"
