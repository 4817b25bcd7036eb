"""dmn-js's decision table editor and form-js's editor speak Vietnamese (their own menus, labels and properties
panel), and English when the user chose English."""

from __future__ import annotations

from sqlalchemy import func, select

from service.models import ProcessVersion

from .browser import screenshot


def _latest(live_server, key: str) -> int:
    with live_server.session() as session:
        return session.scalar(select(func.max(ProcessVersion.version)).where(ProcessVersion.process_key == key))


def _english(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()


def _vietnamese(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Tiếng Việt").click()


def test_the_decision_table_editor_in_vietnamese_then_english(page_as, live_server):
    page = page_as("process_admin")
    version = _latest(live_server, "unit_nomination")
    page.goto(f"/admin/processes/unit_nomination/decisions/eligibility.dmn?version={version}")
    page.wait_for_selector("[data-dmn-editor][data-ready='true']")
    head = page.locator(".tjs-container")
    assert "Chính sách chọn quy tắc:" in head.locator(".hit-policy").inner_text()
    assert "Khi" in head.locator("thead").inner_text()
    page.locator("td.input-cell").first.click(button="right")
    menu = page.locator(".context-menu")
    menu.wait_for()
    assert "Thêm quy tắc phía trên" in menu.inner_text() and "Xóa quy tắc" in menu.inner_text()
    screenshot(page, "admin-decision-editor-vi")
    page.keyboard.press("Escape")
    _english(page)
    page.wait_for_selector("[data-dmn-editor][data-ready='true']")
    assert "Hit policy:" in page.locator(".hit-policy").inner_text()
    _vietnamese(page)


def test_the_form_editor_in_vietnamese_then_english(page_as, live_server):
    page = page_as("process_admin")
    page.goto(f"/admin/processes/demo_approval/forms/demo_draft.form?version={_latest(live_server, 'demo_approval')}")
    page.wait_for_selector("[data-form-editor][data-ready='true']")
    palette = page.locator(".fjs-palette")
    assert "Ô nhập chữ" in palette.inner_text() and "Danh sách chọn" in palette.inner_text()
    # the palette's own heading, groups and search box, which form-js writes without a translate hook
    assert palette.locator(".fjs-palette-header").inner_text() == "Thành phần"
    assert "Nhập liệu" in palette.inner_text() and "Input" not in palette.inner_text()
    assert palette.locator(".fjs-palette-search").get_attribute("placeholder") == "Tìm thành phần"
    page.locator(".fjs-editor-container .fjs-element").nth(1).click()
    panel = page.locator(".fjs-properties-panel")
    panel.get_by_text("Thông tin chung", exact=True).click()
    general = panel.locator(".bio-properties-panel-group").first
    general.get_by_text("Khóa dữ liệu", exact=True).wait_for()
    text = general.inner_text()
    assert "Nhãn trường" in text and "Gắn với một biến của biểu mẫu" in text and "Giá trị mặc định" in text
    assert "Ô NHẬP CHỮ" in panel.locator(".bio-properties-panel-header").inner_text().upper()
    screenshot(page, "admin-form-editor-vi")
    _english(page)
    page.wait_for_selector("[data-form-editor][data-ready='true']")
    assert "Text field" in page.locator(".fjs-palette").inner_text()
    assert page.locator(".fjs-palette-header").inner_text() == "Components"
    page.locator(".fjs-editor-container .fjs-element").nth(1).click()
    page.locator(".fjs-properties-panel").get_by_text("General", exact=True).wait_for()
    _vietnamese(page)
