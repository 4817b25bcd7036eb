"""A whole award round in Chromium, every step on the pages as the demo users, with the notices at each hand-off.

Setup: the lead reviewer opens a round of its own for this test on the round's page (the 2027 round, so the
demo round other tests use stays open), and a dated parameter shortens the public notice to a minute —
shortened, never skipped — removed again at the end.

The officer of phường Hải Châu creates the dossier and imports its nominees from Excel; the council minutes,
the unit head's and the superior's sign-off and the submission; the lead reviewer returns it with a reason;
the officer, told in the app, sends it again through the same steps; the lead reviewer accepts it, closes the
round from its dashboard and reviews the consolidated list; the lead head signs; Home Affairs appraises; the
list is publicly noticed and a visitor comments without signing in; Home Affairs verifies the comment; the
council's standing members and Home Affairs' Director approve; the Chairman
reads the documents (PDF preview when LibreOffice is installed) and decides; the decision page, the officer's
notice and the awards register show the outcome.
"""

from __future__ import annotations

import re
import shutil
import time
from datetime import timedelta

from sqlalchemy import delete, select

from service.models import AwardRound, LegalParameter
from service.nomination import config

from .browser import screenshot
from .walk import (
    GOOD,
    PERSON,
    assert_notified,
    decide,
    nominee_sheet,
    open_task,
    send,
    unit_steps,
    unread,
    wait_for_task,
)

ROUND = "CDS_2021_2030_2027"
OFFICER, HEAD, SUPERIOR = "officer_haichau", "head_haichau", "superior_city"
REVIEWER, LEAD_HEAD, EC, COUNCIL, DIRECTOR, CHAIRMAN = ("reviewer_skhcn", "head_skhcn", "ec_snv", "council_city",
                                                        "director_snv", "chairman")
COLLECTIVE = {**GOOD, "name": "Ủy ban nhân dân phường Hải Châu", "subject_org_unit_code": "PX_HAI_CHAU",
              "achievement_key": "CDS-2027-HAICHAU"}
INDIVIDUAL = {**PERSON, "name": "Lê Văn Hải", "achievement_key": "CDS-2027-LVH"}
RETURN_REASON = "Bổ sung biên bản họp xét có chữ ký của Thư ký"
NOTICE_SOURCE = "tests/web/test_round_in_browser.py: công khai rút ngắn để kiểm thử"


def _open_own_round(page_as, live_server) -> int:
    """The lead reviewer opens the planned 2027 round on its page (deadline in 30 days, no quotas)."""
    with live_server.session() as session:
        round_ = session.scalar(select(AwardRound).where(AwardRound.code == ROUND))
        assert round_.status == "planned", "this test runs once per live server"
        round_id = round_.id
        session.add(LegalParameter(key="public_notice.duration", value="PT60S", valid_from=config.today(),
                                   source=NOTICE_SOURCE))
        session.commit()
    lead = page_as(REVIEWER)
    lead.goto("/rounds")
    lead.locator(f"a[href='/rounds/{round_id}/open']").click()
    lead.fill("#deadline", (config.today() + timedelta(days=30)).strftime("%d/%m/%Y"))
    screenshot(lead, "round-open")
    lead.get_by_role("button", name="Mở đợt").click()
    lead.wait_for_url(re.compile(rf"/rounds/{round_id}$"))
    assert "Đã mở đợt khen thưởng" in lead.inner_text("body")
    with live_server.session() as session:
        assert session.get(AwardRound, round_id).status == "open"
    return round_id


def _remove_short_notice(live_server) -> None:
    with live_server.session() as session:
        session.execute(delete(LegalParameter).where(LegalParameter.source == NOTICE_SOURCE))
        session.commit()


def _counts(page) -> dict[str, int]:
    return {cell.get_attribute("data-count"): int(cell.inner_text().replace(".", ""))
            for cell in page.locator("[data-count]").all()}


def test_a_round_from_the_dossier_to_the_chairmans_decision(page_as, page, live_server, tmp_path):
    try:
        round_id = _open_own_round(page_as, live_server)
        _walk(page_as, page, round_id, tmp_path)
    finally:
        _remove_short_notice(live_server)


def _walk(page_as, visitor, round_id: int, tmp_path) -> None:
    officer, head, superior, lead = page_as(OFFICER), page_as(HEAD), page_as(SUPERIOR), page_as(REVIEWER)

    # The officer creates the dossier for this round and imports its two nominees.
    officer.goto("/dossiers")
    officer.locator("form", has=officer.locator(f"input[name=round_id][value='{round_id}']")).get_by_role(
        "button", name="Tạo hồ sơ").click()
    officer.wait_for_url(re.compile(r"/dossiers/\d+$"))
    dossier_id = int(officer.url.rsplit("/", 1)[1])
    subject = f"Hồ sơ số {dossier_id}"
    officer.set_input_files("input[name=file]", nominee_sheet(tmp_path / "nominees.xlsx", [COLLECTIVE, INDIVIDUAL]))
    officer.get_by_role("button", name="Kiểm tra và nhập").click()
    officer.wait_for_url(re.compile(r"/tasks/"))
    officer.wait_for_selector("[data-task-form][data-ready=true]")
    send(officer)
    notices = {head: unread(head), superior: unread(superior)}
    lead_unread = unread(lead)
    unit_steps(officer, head, superior, subject, [3, 3], notices=notices)

    # The lead reviewer is told, returns it with a reason; the officer is told and sees the reason.
    assert_notified(lead, lead_unread, "Thẩm tra hồ sơ của đơn vị")
    lead.goto(f"/rounds/{round_id}")
    assert _counts(lead)["submitted"] == 1
    officer_unread = unread(officer)
    open_task(lead, subject, "Thẩm tra hồ sơ của đơn vị")
    decide(lead, "Trả lại", RETURN_REASON, expect="Đã trả lại hồ sơ")
    lead.goto(f"/rounds/{round_id}")
    assert _counts(lead)["returned"] == 1 and RETURN_REASON in lead.inner_text("main")
    assert_notified(officer, officer_unread, "Hồ sơ bị trả lại")

    # The officer sends it again (the reason on top of the step), through the unit's steps once more.
    open_task(officer, subject, "Lập hồ sơ đề nghị khen thưởng")
    assert RETURN_REASON in officer.locator("main").inner_text()
    screenshot(officer, "round-resubmission", full_page=True)
    send(officer)
    unit_steps(officer, head, superior, subject, [3, 3])

    # Accepted; the lead reviewer closes the round from its dashboard and reviews the consolidated list.
    open_task(lead, subject, "Thẩm tra hồ sơ của đơn vị")
    decide(lead, "Duyệt", expect="Đã duyệt hồ sơ")
    lead.goto(f"/rounds/{round_id}")
    counts = _counts(lead)
    assert counts["submitted"] == 1 and counts["returned"] == 0
    lead.get_by_label("Lý do kết thúc nhận hồ sơ trước hạn").fill("Các đơn vị đã nộp đủ hồ sơ")
    with lead.expect_navigation():
        lead.get_by_role("button", name="Kết thúc nhận hồ sơ").click()
    assert "Đã kết thúc nhận hồ sơ" in lead.inner_text("main")
    screenshot(lead, "round-closed", full_page=True)
    lead_head = page_as(LEAD_HEAD)
    lead_head_unread = unread(lead_head)
    wait_for_task(lead, ROUND, "Rà soát danh sách tổng hợp và dự thảo tờ trình")
    lead.get_by_label("Ý kiến rà soát").fill("Đã rà soát danh sách, đủ điều kiện trình")
    send(lead)

    # The lead head signs; Home Affairs appraises.
    ec = page_as(EC)
    ec_unread = unread(ec)
    assert_notified(lead_head, lead_head_unread, "Thủ trưởng cơ quan chủ trì ký tờ trình")
    open_task(lead_head, ROUND, "Thủ trưởng cơ quan chủ trì ký tờ trình")
    decide(lead_head, "Duyệt", expect="Đã duyệt hồ sơ")
    assert_notified(ec, ec_unread, "Thẩm định hồ sơ đề nghị khen thưởng")
    open_task(ec, ROUND, "Thẩm định hồ sơ đề nghị khen thưởng")
    screenshot(ec, "round-appraisal", full_page=True)
    decide(ec, "Duyệt", expect="Đã duyệt hồ sơ")

    # The list is noticed publicly: a visitor comments without signing in; Home Affairs verifies it afterwards.
    visitor.goto("/cong-khai")
    visitor.get_by_role("link", name=re.compile("Khen thưởng năm 2027")).click()
    visitor.select_option("select[name=nominee_id]", label=COLLECTIVE["name"])
    visitor.fill("input[name=author_name]", "Người dân Hải Châu")
    visitor.fill("textarea[name=content]", "Phường làm tốt việc số hóa hồ sơ một cửa.")
    visitor.get_by_role("button", name="Gửi góp ý").click()
    visitor.wait_for_selector(".flash")
    assert "Cảm ơn bạn đã góp ý" in visitor.inner_text("main")
    wait_for_task(ec, ROUND, "Xác minh ý kiến góp ý", seconds=180)
    assert "Phường làm tốt việc số hóa hồ sơ một cửa." in ec.get_by_label(re.compile(r"^Nội dung$")).first.input_value()
    ec.get_by_label("Kết quả xác minh").first.fill("Ý kiến ủng hộ; không ảnh hưởng đến đề nghị")
    send(ec)

    # After the (shortened) public notice: the council's standing members, then Home Affairs' Director.
    council, director, chairman = page_as(COUNCIL), page_as(DIRECTOR), page_as(CHAIRMAN)
    director_unread, chairman_unread = unread(director), unread(chairman)
    wait_for_task(council, ROUND, "Thường trực Hội đồng TĐKT xét, cho ý kiến")
    decide(council, "Duyệt", expect="Đã duyệt hồ sơ")
    assert_notified(director, director_unread, "Giám đốc Sở Nội vụ ký tờ trình")
    open_task(director, ROUND, "Giám đốc Sở Nội vụ ký tờ trình")
    decide(director, "Duyệt", expect="Đã duyệt hồ sơ")

    # The Chairman is told, reads the round's documents (the latest as PDF in the page), and decides.
    assert_notified(chairman, chairman_unread, "Chủ tịch UBND thành phố quyết định khen thưởng")
    chairman.goto(f"/rounds/{round_id}/decision")
    assert "Chủ tịch UBND thành phố quyết định khen thưởng" in chairman.locator("main").inner_text()
    if shutil.which("soffice"):
        _wait_for_preview(chairman)
        # Headless Chromium has no PDF viewer (the frame stays dark in the screenshot): the frame's document is
        # checked instead — the PDF itself, shown inline.
        shown = chairman.request.get(chairman.locator("iframe.pdf-preview").get_attribute("src"))
        assert shown.headers["content-type"] == "application/pdf" and shown.body().startswith(b"%PDF")
        assert shown.headers["content-disposition"] == "inline"
        screenshot(chairman, "round-decision-preview", full_page=True)
    officer_unread = unread(officer)
    open_task(chairman, ROUND, "Chủ tịch UBND thành phố quyết định khen thưởng")
    chairman.get_by_label("Phê duyệt toàn bộ danh sách").check()
    chairman.locator(".fjs-form-field-select", has_text="Ký với tư cách").locator(".fjs-input-group").click()
    chairman.locator(".fjs-dropdownlist-item", has_text=re.compile(r"^Chủ tịch$")).click()
    screenshot(chairman, "round-chairman-decides", full_page=True)
    send(chairman)

    # The decision is issued: its number on the decision page with each nominee's outcome; the officer is
    # told; the awards register lists the awarded nominees.
    chairman.goto(f"/rounds/{round_id}/decision")
    issued = chairman.locator("[data-testid=decision]")
    issued.wait_for()
    assert re.search(r"Quyết định số \d+/QĐ-UBND ngày \d\d/\d\d/\d{4}", issued.inner_text())
    outcomes = {row.locator("td").first.inner_text(): row.get_attribute("data-outcome")
                for row in chairman.locator("[data-testid=round-outcomes] tbody tr").all()}
    assert set(outcomes) == {COLLECTIVE["name"], INDIVIDUAL["name"]}
    awarded = {name for name, outcome in outcomes.items() if outcome in ("awarded", "escalated")}
    assert awarded, outcomes
    screenshot(chairman, "round-decision-issued", full_page=True)
    assert_notified(officer, officer_unread, "Đã có quyết định khen thưởng: Ủy ban nhân dân phường Hải Châu")
    decided = officer.locator(".notification--unread", has_text="Đã có quyết định khen thưởng").first.inner_text()
    assert f"số được khen thưởng: {len(awarded)}" in decided
    chairman.goto("/registers/awards?year=2027")
    register = chairman.locator("main").inner_text()
    for name in awarded:
        assert name in register


def _wait_for_preview(page, seconds: float = 120) -> None:
    """The latest generated document converts to PDF in the background; reload until the frame is there."""
    deadline = time.monotonic() + seconds
    while not page.locator("iframe.pdf-preview").count():
        assert time.monotonic() < deadline, page.locator("main").inner_text()
        time.sleep(2)
        page.reload()
