"""The page frame on a 390-px phone: no sideways scrolling, the main navigation folded behind a labelled "Menu"
button that the keyboard opens; at 1366×768 the navigation stays an open row with no button."""

from __future__ import annotations

from .browser import DESKTOP, PHONE, axe_check, screenshot

WIDER_THAN_VIEWPORT = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def test_inbox_and_admin_page_fit_a_phone(page_as):
    page = page_as("sysadmin")
    page.set_viewport_size(PHONE)
    for path, name in (("/inbox", "phone-inbox"), ("/admin/organisation", "phone-admin-organisation")):
        page.goto(path)
        assert page.evaluate(WIDER_THAN_VIEWPORT) <= 0, f"{path} scrolls sideways on a phone"
        screenshot(page, name)
        page.set_viewport_size(PHONE)
    # The bell, the password change and the language switch stay on screen with the menu closed.
    assert page.locator(".topbar .bell").is_visible()
    assert page.get_by_role("button", name="English").is_visible()


def test_phone_menu_opens_from_the_keyboard_and_reaches_a_link(page_as):
    page = page_as("sysadmin")
    page.set_viewport_size(PHONE)
    page.goto("/inbox")
    menu = page.get_by_role("button", name="Trình đơn")
    link = page.locator(".mainnav").get_by_role("link", name="Đơn vị · Người dùng · Vai trò")
    assert menu.get_attribute("aria-expanded") == "false"
    assert not link.is_visible()
    menu.focus()
    page.keyboard.press("Enter")
    assert menu.get_attribute("aria-expanded") == "true"
    assert link.is_visible()
    assert page.evaluate(WIDER_THAN_VIEWPORT) <= 0
    screenshot(page, "phone-menu-open")
    page.set_viewport_size(PHONE)
    assert axe_check(page) == []
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/organisation")
    # The next page starts with the menu closed again.
    assert page.get_by_role("button", name="Trình đơn").get_attribute("aria-expanded") == "false"


def test_desktop_keeps_the_open_navigation_row(page_as):
    page = page_as("sysadmin")
    page.set_viewport_size(DESKTOP)
    page.goto("/inbox")
    assert not page.get_by_role("button", name="Trình đơn").is_visible()
    assert page.locator(".mainnav").get_by_role("link", name="Việc của tôi").is_visible()
    assert page.locator(".mainnav").evaluate("nav => getComputedStyle(nav).display") == "block"
