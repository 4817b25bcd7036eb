"""Đơn vị · Người dùng · Vai trò in the browser: the unit tree and the users, accessible, read-only for auditors;
a commune merged into its successor on the page keeps its old name on its old dossiers, and its officer is sent
to the successor for new ones."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from service.db import utcnow
from service.demo import DEMO_PASSWORD
from service.models import AwardRound, Dossier, OrgUnit, User
from service.nomination import config, rounds
from service.operations import admin

from .browser import axe_check, screenshot

OLD_CODE = "PX_THACH_THANG_CU"
OLD_NAME = "Ủy ban nhân dân phường Thạch Thang"
SUCCESSOR_NAME = "Ủy ban nhân dân phường Hải Châu"


def test_system_admin_sees_the_tree_and_users(page_as):
    page = page_as("sysadmin")
    page.goto("/")
    page.get_by_role("link", name="Đơn vị · Người dùng · Vai trò").first.click()
    assert page.locator("[data-units] tr[data-unit='UBND_DN']").count() == 1
    assert page.locator("[data-users] tr[data-user='officer_haichau']").count() == 1
    assert page.get_by_role("button", name="Thêm người dùng").is_visible()
    # Sở TT&TT ended on 01/3/2025: it merged into Sở KH&CN, which the tree names as its successor.
    assert "Sở Khoa học và Công nghệ" in page.locator("[data-units] tr[data-unit='STTTT']").inner_text()
    screenshot(page, "admin-organisation")
    assert axe_check(page) == []


def test_auditor_reads_only(page_as):
    page = page_as("auditor")
    page.goto("/admin/organisation")
    assert page.locator("[data-users] tr").count() > 5
    assert page.get_by_role("button", name="Khóa").count() == 0
    page.goto("/admin/organisation/roles")
    assert page.locator("[data-roles] tr[data-role='auditor']").count() == 1
    assert page.locator("[data-role-form]").count() == 0


def _commune_with_an_old_dossier(live_server) -> tuple[int, int]:
    """A commune (not in the 2026 tree) with its officer and a dossier made in the 2025 round; the 2026 round
    open. Returns (old dossier id, open round id)."""
    with live_server.session() as session:
        admin.create_org_unit(session, actor=None, values={
            "code": OLD_CODE, "name": OLD_NAME, "abbreviation": "UBND", "kind": "commune_peoples_committee",
            "parent_code": "UBND_DN"})
        officer = admin.create_user(session, actor=None, values={  # seeded: signs in straight away
            "username": "officer_thachthang", "password": DEMO_PASSWORD, "full_name": "Trương Thị Hạnh",
            "org_unit_code": OLD_CODE, "roles": ["unit_officer"]})
        unit = session.scalar(select(OrgUnit).where(OrgUnit.code == OLD_CODE))
        earlier = session.scalar(select(AwardRound).where(AwardRound.code == "CDS_2021_2030_2025"))
        # Made (and sent) in 2025, before the merger; written as the record it is, not re-run through the steps.
        old = Dossier(round_id=earlier.id, org_unit_id=unit.id, unit_name=unit.name, unit_kind=unit.kind,
                      status="submitted", created_by_id=officer.id, return_count=0)
        session.add(old)
        current = session.scalar(select(AwardRound).where(AwardRound.code == "CDS_2021_2030_2026"))
        if current.status == "planned":
            reviewer = session.scalar(select(User).where(User.username == "reviewer_skhcn"))
            rounds.open_round(session, actor=reviewer, round_id=current.id,
                              values={"deadline": utcnow() + timedelta(days=30), "total_quota": None, "quotas": []})
        session.commit()
        return old.id, current.id


def test_a_merged_commune_keeps_its_old_name_on_old_dossiers(page_as, live_server):
    old_dossier, _ = _commune_with_an_old_dossier(live_server)
    today = config.today().strftime("%d/%m/%Y")

    admin_page = page_as("sysadmin")
    admin_page.goto("/admin/organisation")
    admin_page.locator(f"[data-units] tr[data-unit='{OLD_CODE}'] a").click()
    admin_page.wait_for_url(re.compile(f"/admin/organisation/units/{OLD_CODE}$"))
    merge = admin_page.locator("[data-merge-form]")
    merge.get_by_label("Đơn vị kế thừa", exact=True).select_option(value="PX_HAI_CHAU")
    merge.get_by_label("Sáp nhập từ ngày (dd/mm/yyyy)").fill("31/02/2026")
    merge.get_by_role("button", name="Sáp nhập").click()
    assert "Ngày không hợp lệ" in admin_page.locator("[data-errors]").inner_text()
    screenshot(admin_page, "admin-unit-merge-error")
    merge.get_by_label("Sáp nhập từ ngày (dd/mm/yyyy)").fill(today)
    merge.get_by_role("button", name="Sáp nhập").click()
    admin_page.wait_for_selector("[data-unit-ended]")
    main = admin_page.inner_text("main")
    assert f"Đã sáp nhập {OLD_NAME} vào {SUCCESSOR_NAME} từ ngày {today}" in main
    assert admin_page.locator("[data-successor]").inner_text() == SUCCESSOR_NAME
    assert admin_page.locator("[data-unit-dossiers]").inner_text().count(OLD_NAME) == 1
    assert admin_page.locator("[data-merge-form]").count() == 0
    screenshot(admin_page, "admin-unit-merged", full_page=True)
    assert axe_check(admin_page) == []

    officer = page_as("officer_thachthang")
    officer.goto("/dossiers")
    row = officer.locator("table.data-table tbody tr", has_text="CDS_2021_2030_2025")
    assert OLD_NAME in row.inner_text()
    row.get_by_role("link", name=str(old_dossier)).click()
    assert OLD_NAME in officer.locator("h1").inner_text()
    officer.goto("/dossiers")
    officer.get_by_role("button", name="Tạo hồ sơ").first.click()
    refusal = officer.inner_text("main")
    assert f"{OLD_NAME} đã được sáp nhập vào {SUCCESSOR_NAME} từ ngày {today}" in refusal
    screenshot(officer, "dossier-refused-merged-unit")
    with live_server.session() as session:
        unit = session.scalar(select(OrgUnit).where(OrgUnit.code == OLD_CODE))
        assert session.scalar(select(Dossier.id).where(Dossier.org_unit_id == unit.id,
                                                       Dossier.id != old_dossier)) is None


def test_user_and_roles_pages(page_as):
    page = page_as("sysadmin")
    page.goto("/admin/organisation/users/officer_haichau")
    assert page.get_by_label("Họ và tên").input_value() == "Lê Thị Hoa"
    assert page.get_by_role("checkbox", name=re.compile("Cán bộ thi đua")).is_checked()
    screenshot(page, "admin-user", full_page=True)
    assert axe_check(page) == []
    page.goto("/admin/organisation/roles")
    assert "Xem mọi hồ sơ" in page.locator("[data-roles] tr[data-role='auditor']").inner_text()
    screenshot(page, "admin-roles")
    assert axe_check(page) == []


def test_a_rename_from_a_date_keeps_the_former_name_in_the_tree(page_as, live_server):
    with live_server.session() as session:
        admin.create_org_unit(session, actor=None, values={
            "code": "PX_DOI_TEN", "name": "Ủy ban nhân dân phường Thanh Bình", "abbreviation": "UBND",
            "kind": "commune_peoples_committee", "parent_code": "UBND_DN"})
        session.commit()
    day = (config.today() - timedelta(days=10)).strftime("%d/%m/%Y")
    page = page_as("sysadmin")
    page.goto("/admin/organisation/units/PX_DOI_TEN")
    rename = page.locator("[data-rename-form]")
    rename.get_by_label("Tên mới").fill("Ủy ban nhân dân phường Thanh Bình Mới")
    rename.get_by_label("Có hiệu lực từ ngày (dd/mm/yyyy)").fill(day)
    rename.get_by_label("Căn cứ (số, ngày văn bản)").fill("Nghị quyết số 01/NQ-HĐND")
    rename.get_by_role("button", name="Đổi tên").click()
    page.wait_for_selector("[data-name-history] tr >> nth=1")
    assert page.locator("h1").inner_text() == "Ủy ban nhân dân phường Thanh Bình Mới"
    history = page.locator("[data-name-history] tbody tr")
    assert "Ủy ban nhân dân phường Thanh Bình" in history.nth(0).inner_text()
    assert f"trước {day}" in history.nth(0).inner_text()
    assert "Nghị quyết số 01/NQ-HĐND" in history.nth(1).inner_text()  # the decision that gave the new name
    screenshot(page, "admin-unit-renamed")
    page.goto("/admin/organisation")
    row = page.locator("[data-units] tr[data-unit='PX_DOI_TEN']").inner_text()
    assert "Ủy ban nhân dân phường Thanh Bình Mới" in row
    assert f"Tên cũ: Ủy ban nhân dân phường Thanh Bình (đến {day})" in row


def test_a_case_made_before_a_rename_shows_the_name_of_its_day(page_as, live_server):
    """The instance page and its task page name the owning unit as it was when the case was made, with today's
    name beside it."""
    from service.models import ProcessInstance
    from service.operations import instances

    old, new = "Ủy ban nhân dân phường An Hải Bắc", "Ủy ban nhân dân phường An Hải"
    with live_server.session() as session:
        sysadmin = session.scalar(select(User).where(User.username == "sysadmin"))
        admin.create_org_unit(session, actor=None, values={
            "code": "PX_AN_HAI_BAC", "name": old, "abbreviation": "UBND", "kind": "commune_peoples_committee",
            "parent_code": "UBND_DN"})
        officer = admin.create_user(session, actor=None, values={  # seeded: signs in straight away
            "username": "officer_anhai", "password": DEMO_PASSWORD, "full_name": "Phan Thị Mai",
            "org_unit_code": "PX_AN_HAI_BAC", "roles": ["unit_officer"]})
        instance = instances.start_instance(session, actor=officer, process_key="demo_approval")
        # Made twenty days ago (written as the record it is); the ward took its new name ten days ago.
        instance.created_at = utcnow() - timedelta(days=20)
        admin.rename_org_unit(session, actor=sysadmin, code="PX_AN_HAI_BAC", values={
            "name": new, "effective_from": config.today() - timedelta(days=10), "reason": "NQ 1659/NQ-UBTVQH15"})
        session.commit()
        instance_id = session.get(ProcessInstance, instance.id).id

    page = page_as("officer_anhai")
    page.goto(f"/instances/{instance_id}")
    facts = page.locator(".facts").first
    assert facts.locator("[data-unit-name]").inner_text() == old
    assert facts.locator("[data-current-name]").inner_text() == f"(tên hiện nay: {new})"
    screenshot(page, "instance-unit-renamed")
    assert axe_check(page) == []
    page.get_by_role("link", name="Lập hồ sơ đề nghị").click()
    page.wait_for_url(re.compile("/tasks/"))
    assert page.locator(".facts [data-unit-name]").inner_text() == old
    assert page.locator(".facts [data-current-name]").inner_text() == f"(tên hiện nay: {new})"
    screenshot(page, "task-unit-renamed")
