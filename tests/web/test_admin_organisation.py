"""Đơn vị · Người dùng · Vai trò in the browser: the unit tree and the users, accessible, read-only for auditors."""

from __future__ import annotations

from .browser import axe_check, screenshot


def test_system_admin_sees_the_tree_and_users(page_as):
    page = page_as("sysadmin")
    page.goto("/")
    page.get_by_role("link", name="Đơn vị · Người dùng · Vai trò").first.click()
    assert page.locator("[data-units] tr[data-unit='UBND_DN']").count() == 1
    assert page.locator("[data-users] tr[data-user='officer_haichau']").count() == 1
    assert page.get_by_role("button", name="Thêm người dùng").is_visible()
    screenshot(page, "admin-organisation")
    assert axe_check(page) == []


def test_auditor_reads_only(page_as):
    page = page_as("auditor")
    page.goto("/admin/organisation")
    assert page.locator("[data-users] tr").count() > 5
    assert page.get_by_role("button", name="Khóa").count() == 0
