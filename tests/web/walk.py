"""Steps of the nomination path done in the browser as the demo users do them: a task opened from the inbox,
its form filled, the task page's buttons pressed. Shared by the round tests."""

from __future__ import annotations

import re
import time

import openpyxl

from service.nomination.nominee_sheet import COLUMNS

from .browser import screenshot

# The unit council at the demo meetings, as the minutes list them (name, position in the council).
COUNCIL = [("Võ Văn Bình", "Chủ tịch Hội đồng, Chủ tịch UBND phường"), ("Lê Văn Ba", "Ủy viên"),
           ("Đoàn Thị Yến", "Ủy viên, Thư ký Hội đồng")]
GOOD = {"kind": "Tập thể", "name": "Ủy ban nhân dân phường Thanh Khê", "subject_org_unit_code": "PX_THANH_KHE",
        "achievement_summary": "Dẫn đầu chỉ số chuyển đổi số.", "dx_index_score": 88.25, "tasks_completed": "có",
        "achievement_key": "CDS-2026-THANHKHE", "award_form": "city_chairman_certificate_of_merit"}
PERSON = {"kind": "Cá nhân", "name": "Đoàn Văn Tú", "date_of_birth": "02/09/1990", "sex": "Nam",
          "position": "Công chức", "achievement_summary": "Hai sáng kiến được công nhận.",
          "annual_rating": "Hoàn thành xuất sắc nhiệm vụ", "tasks_completed": "có",
          "achievement_key": "CDS-2026-DVT", "award_form": "city_chairman_certificate_of_merit"}


def nominee_sheet(path, rows: list[dict]) -> str:
    book = openpyxl.Workbook()
    book.active.append([header for _, header in COLUMNS])
    for row in rows:
        book.active.append([row.get(field) for field, _ in COLUMNS])
    book.save(path)
    return str(path)
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
    names = page.get_by_label(re.compile(r"^Họ và tên\*?$"))
    for index, (name, position) in enumerate(COUNCIL):
        if names.count() <= index:  # a list sent before (after a return) comes back filled in
            page.get_by_role("button", name="Thêm mới").first.click()
        names.nth(index).fill(name)
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


def wait_for_task(page, subject: str, task_name: str, *, seconds: float = 60) -> None:
    """Open a task that a timer or a background step opens: the inbox is reloaded until its row is there."""
    deadline = time.monotonic() + seconds
    pattern = re.compile(rf"{re.escape(subject)}(?!\d)")
    while True:
        page.goto("/inbox/group")
        row = page.locator("tbody tr", has_text=pattern).filter(has=page.get_by_role("link", name=task_name))
        if row.count():
            break
        if time.monotonic() > deadline:
            raise AssertionError(f"no task {task_name!r} for {subject!r} after {seconds} s")
        time.sleep(1)
    open_task(page, subject, task_name)


def unit_steps(officer, head, superior, subject: str, votes: list[int], *, notices: dict | None = None) -> None:
    """From the open council-minutes step to the submission: minutes, the head's and the superior's sign-off,
    Gửi to the lead agency. `notices` (user page → bell count before) checks each hand-off's notice."""
    notices = notices or {}
    open_task(officer, subject, "Ghi biên bản họp xét của Hội đồng TĐKT đơn vị")
    fill_council_minutes(officer, votes)
    send(officer)
    if head in notices:
        assert_notified(head, notices[head], "Thủ trưởng đơn vị ký tờ trình")
    open_task(head, subject, "Thủ trưởng đơn vị ký tờ trình")
    decide(head, "Duyệt", expect="Đã duyệt hồ sơ")
    if superior in notices:
        assert_notified(superior, notices[superior], "Cấp trên trực tiếp xác nhận báo cáo thành tích")
    open_task(superior, subject, "Cấp trên trực tiếp xác nhận báo cáo thành tích")
    decide(superior, "Duyệt", expect="Đã duyệt hồ sơ")
    open_task(officer, subject, "Gửi hồ sơ đến cơ quan chủ trì")
    send(officer)
