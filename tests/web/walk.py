"""Steps of the nomination path done in the browser as the demo users do them: a task opened from the inbox,
its form filled, the task page's buttons pressed. Shared by the round tests."""

from __future__ import annotations

import re

from .browser import screenshot

# The unit council at the demo meetings, as the minutes list them (name, position in the council).
COUNCIL = [("Võ Văn Bình", "Chủ tịch Hội đồng, Chủ tịch UBND phường"), ("Lê Văn Ba", "Ủy viên"),
           ("Đoàn Thị Yến", "Ủy viên, Thư ký Hội đồng")]
READY = "[data-task-form][data-ready=true], .action-bar"


def open_task(page, subject: str, task_name: str, *, tab: str = "group") -> None:
    """Open a task from the inbox tab: the row whose subject column says `subject` (e.g. "Hồ sơ số 12")."""
    page.goto(f"/inbox/{tab}")
    row = page.locator("tbody tr", has_text=re.compile(rf"{re.escape(subject)}(?!\d)"))
    row.get_by_role("link", name=task_name).first.click()
    page.wait_for_url(re.compile(r"/tasks/"))
    page.wait_for_selector(READY)
    if page.locator("[data-task-form]").count():
        page.wait_for_selector("[data-task-form][data-ready=true]")


def send(page, expect: str = "Đã gửi hồ sơ") -> None:
    """Press Gửi and land on the inbox with the confirmation."""
    with page.expect_navigation():
        page.get_by_role("button", name="Gửi", exact=True).click()
    assert expect in page.locator("main").inner_text(), page.locator("main").inner_text()[:500]


def decide(page, button: str, reason: str = "", expect: str | None = None) -> None:
    """A sign-off button (Duyệt, Trả lại, Từ chối), with the reason typed first when there is one."""
    if reason:
        page.get_by_label("Lý do trả lại").fill(reason)
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()
    if expect:
        assert expect in page.locator("main").inner_text(), page.locator("main").inner_text()[:500]


def fill_council_minutes(page, votes: list[int], *, shot: str | None = None) -> None:
    """The council-minutes form: date through the date picker, times, chair and secretary, members, votes."""
    date = page.get_by_label("Ngày họp")
    date.fill("20/11/2026")
    date.press("Enter")
    page.get_by_label("Giờ bắt đầu").fill("08:00")
    page.get_by_label("Giờ kết thúc").fill("10:30")
    page.get_by_label("Địa điểm họp").fill("Hội trường UBND phường")
    page.get_by_label("Chủ trì (họ và tên)").fill(COUNCIL[0][0])
    page.get_by_label("Chức vụ của người chủ trì").fill(COUNCIL[0][1])
    page.get_by_label("Thư ký (họ và tên)").fill(COUNCIL[-1][0])
    page.get_by_label("Chức vụ của thư ký").fill("Thư ký Hội đồng")
    page.get_by_label("Tổng số thành viên Hội đồng").fill(str(len(COUNCIL)))
    page.get_by_label("Số thành viên dự họp").fill(str(len(COUNCIL)))
    for index, (name, position) in enumerate(COUNCIL):
        if index:
            page.get_by_role("button", name="Thêm mới").first.click()
        page.get_by_label(re.compile(r"^Họ và tên\*?$")).nth(index).fill(name)
        page.get_by_label("Chức vụ trong Hội đồng").nth(index).fill(position)
    for index, count in enumerate(votes):
        page.get_by_label("Số phiếu đồng ý").nth(index).fill(str(count))
    if shot:
        screenshot(page, shot, full_page=True)


def bell(page) -> int:
    """The unread count on the header's bell (0 when it shows none)."""
    count = page.locator(".bell .count")
    return int(count.inner_text()) if count.count() else 0


def unread(page) -> int:
    """The bell's unread count, read from a fresh page load."""
    page.goto("/notifications")
    return bell(page)


def assert_notified(page, before: int, text: str) -> None:
    """A new unread notice mentioning `text` arrived since the bell showed `before`."""
    page.goto("/notifications")
    assert bell(page) > before, f"the bell still shows {bell(page)}"
    assert page.locator(".notification--unread", has_text=text).count() >= 1, page.locator("main").inner_text()[:800]
