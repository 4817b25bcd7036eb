"""Đăng ký thi đua in Chromium: a unit officer registers the unit for a year on its page, fills the titles and
targets on the first step; the unit head signs; the lead agency acknowledges; the registration dashboard
counts the unit as registered and no longer lists it as missing."""

from __future__ import annotations

import re

from .browser import screenshot
from .walk import decide, open_task, send

OFFICER, HEAD, REVIEWER = "officer_thanhkhe", "head_thanhkhe", "reviewer_skhcn"
UNIT = "Ủy ban nhân dân phường Thanh Khê"
YEAR = 2029  # a year no other browser test registers for on the shared server


def _registered(page) -> str:
    page.goto(f"/registrations/report?year={YEAR}")
    return page.get_by_test_id("share").inner_text()


def test_a_unit_registers_and_the_lead_agency_acknowledges(page_as, live_server):
    lead = page_as(REVIEWER)
    before = _registered(lead)
    assert UNIT in lead.locator("main").inner_text()  # listed among the units still missing

    officer = page_as(OFFICER)
    officer.goto("/registrations")
    officer.get_by_label("Năm đăng ký thi đua").fill("1999")
    officer.get_by_role("button", name="Lập đăng ký").click()
    assert "Năm phải là số từ 2000 đến 2100." in officer.locator("#year-error").inner_text()
    officer.get_by_label("Năm đăng ký thi đua").fill(str(YEAR))
    officer.get_by_role("button", name="Lập đăng ký").click()
    officer.wait_for_url(re.compile(r"/tasks/"))
    officer.wait_for_selector("[data-task-form][data-ready=true]")
    assert "Đã lập đăng ký thi đua" in officer.locator("main").inner_text()
    officer.get_by_label("Tập thể lao động xuất sắc").check()
    officer.get_by_label("Nội dung, chỉ tiêu đăng ký thi đua").fill(
        "Hoàn thành 100% thủ tục hành chính trực tuyến toàn trình; chỉ số chuyển đổi số từ 85 điểm trở lên.")
    screenshot(officer, "registration-step")
    send(officer)

    head = page_as(HEAD)
    open_task(head, UNIT, "Thủ trưởng đơn vị ký đăng ký")
    decide(head, "Duyệt", expect="Đã duyệt hồ sơ")

    open_task(lead, UNIT, "Cơ quan chủ trì tiếp nhận đăng ký")
    decide(lead, "Duyệt", expect="Đã duyệt hồ sơ")  # the form's "Tiếp nhận đăng ký", shown as the standard word

    officer.goto("/registrations")
    row = officer.locator("tbody tr", has_text=str(YEAR))
    assert "Đã được tiếp nhận" in row.inner_text()
    screenshot(officer, "registrations-unit")
    after = _registered(lead)
    done_before = int(re.search(r"(\d+)/", before).group(1))
    done_after = int(re.search(r"(\d+)/", after).group(1))
    assert done_after == done_before + 1
    missing = lead.locator("main ul").last.inner_text()
    assert UNIT not in missing
    screenshot(lead, "registrations-report")
