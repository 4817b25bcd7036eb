"""Dossiers, the round dashboard, notifications and the public page in Chromium on the demo data.

The demo data opens the 2026 round (as `make run` does); the officer of phường Thanh Khê creates a dossier,
imports an Excel sheet with one bad row (sees the row and column, nothing kept), imports the fixed sheet
into the draft step and sends it, records the council meeting in its form; the unit head and the direct
superior are told and sign on their task pages; the officer submits; the lead reviewer is told, sees the
dashboard counts change, returns the dossier with a reason (refused first without one) and sees it among
the returned; the officer gets the in-app notice and the e-mail (a local aiosmtpd server); a visitor
comments on the public page without signing in.
"""

from __future__ import annotations

import re
import socket
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from sqlalchemy import select, update

from service.config import SmtpSettings
from service.db import utcnow
from service.demo import DEMO_ROUND
from service.models import AwardRound, Dossier, HumanTask, Nominee, PublicNotice, TaskDraft, User
from service.nomination import rounds
from service.notifications import sender

from .browser import screenshot
from .walk import GOOD, PERSON, assert_notified, decide, fill_council_minutes, nominee_sheet, open_task, send, unread

OFFICER, HEAD, SUPERIOR, REVIEWER = "officer_thanhkhe", "head_thanhkhe", "superior_city", "reviewer_skhcn"
def _open_round(live_server) -> int:
    """The round the demo data opened; the officer gets an e-mail address for the returned-dossier mail."""
    with live_server.session() as session:
        round_ = session.scalar(select(AwardRound).where(AwardRound.code == DEMO_ROUND))
        assert round_.status == "open" and rounds.accepts_dossiers(round_)
        session.execute(update(User).where(User.username == OFFICER).values(email="thanhkhe@example.vn"))
        session.commit()
        return round_.id


def _counts(page) -> dict[str, int]:
    return {cell.get_attribute("data-count"): int(cell.inner_text().replace(".", ""))
            for cell in page.locator("[data-count]").all()}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_dossier_dashboard_notice_and_public_comment(page_as, page, live_server, tmp_path):
    aiosmtpd = pytest.importorskip("aiosmtpd.controller")
    round_id = _open_round(live_server)
    officer = page_as(OFFICER)
    officer.goto("/dossiers")
    officer.get_by_role("button", name="Tạo hồ sơ").first.click()
    officer.wait_for_url(re.compile(r"/dossiers/\d+$"))
    dossier_id = int(officer.url.rsplit("/", 1)[1])

    bad = nominee_sheet(tmp_path / "bad.xlsx", [GOOD, {**PERSON, "kind": "Nhóm"}])
    officer.set_input_files("input[name=file]", bad)
    officer.get_by_role("button", name="Kiểm tra và nhập").click()
    officer.wait_for_selector(".sheet-errors")
    assert officer.locator(".sheet-errors tbody tr").count() == 1
    assert officer.locator(".sheet-errors tbody tr td").first.inner_text() == "3"
    assert "Tệp có 1 lỗi; chưa nhập dòng nào" in officer.inner_text("main")
    screenshot(officer, "dossier-import-error")
    with live_server.session() as session:
        assert session.scalars(select(TaskDraft).join(HumanTask).join(
            Dossier, Dossier.instance_id == HumanTask.instance_id).where(Dossier.id == dossier_id)).all() == []

    officer.set_input_files("input[name=file]", nominee_sheet(tmp_path / "good.xlsx", [GOOD, PERSON]))
    officer.get_by_role("button", name="Kiểm tra và nhập").click()
    officer.wait_for_url(re.compile(r"/tasks/"))
    officer.wait_for_selector("[data-task-form][data-ready=true]")
    assert "Đã đưa 2 đối tượng vào bản nháp" in officer.inner_text("main")
    screenshot(officer, "dossier-draft-from-sheet")

    lead = page_as(REVIEWER)
    lead.goto(f"/rounds/{round_id}")
    before = _counts(lead)
    head, superior = page_as(HEAD), page_as(SUPERIOR)
    head_unread, superior_unread, lead_unread = unread(head), unread(superior), unread(lead)

    # The draft as imported is sent; the council's meeting is recorded in its form.
    send(officer)
    subject = f"Hồ sơ số {dossier_id}"
    open_task(officer, subject, "Ghi biên bản họp xét của Hội đồng TĐKT đơn vị")
    assert officer.get_by_label("Đối tượng").first.input_value() == GOOD["name"]
    fill_council_minutes(officer, [3, 3], shot="dossier-council-minutes")
    send(officer)

    # The unit head is told, opens the task and signs (Duyệt); the superior is told and confirms.
    assert_notified(head, head_unread, "Thủ trưởng đơn vị ký tờ trình")
    open_task(head, subject, "Thủ trưởng đơn vị ký tờ trình")
    # The head signs seeing the dossier's nominees (read-only; the step submits only the decision).
    shown = head.locator("[data-task-form] table", has_text=GOOD["name"]).inner_text()
    assert PERSON["name"] in shown
    # Kinds and award forms by their names, as on the dossier's page, never their codes.
    assert "Cá nhân" in shown and "Bằng khen của Chủ tịch Ủy ban nhân dân thành phố" in shown
    assert not any(code in shown for code in ("individual", "collective", "certificate_of_merit"))
    screenshot(head, "dossier-head-sign", full_page=True)
    decide(head, "Duyệt", expect="Đã duyệt hồ sơ")
    assert_notified(superior, superior_unread, "Cấp trên trực tiếp xác nhận báo cáo thành tích")
    open_task(superior, subject, "Cấp trên trực tiếp xác nhận báo cáo thành tích")
    decide(superior, "Duyệt", expect="Đã duyệt hồ sơ")

    # The officer sends it to the lead agency.
    open_task(officer, subject, "Gửi hồ sơ đến cơ quan chủ trì")
    send(officer)
    assert_notified(lead, lead_unread, "Thẩm tra hồ sơ của đơn vị")
    lead.goto(f"/rounds/{round_id}")
    submitted = _counts(lead)
    assert submitted["submitted"] == before["submitted"] + 1

    # The lead reviewer returns it: the reason is required, then given.
    open_task(lead, subject, "Thẩm tra hồ sơ của đơn vị")
    lead.get_by_role("button", name="Trả lại", exact=True).click()
    lead.wait_for_load_state()
    assert "Vui lòng nhập lý do trả lại" in lead.locator(".field--error").inner_text()
    decide(lead, "Trả lại", "Thiếu biên bản họp xét có chữ ký", expect="Đã trả lại hồ sơ")
    lead.goto(f"/rounds/{round_id}")
    returned = _counts(lead)
    assert returned["submitted"] == before["submitted"] and returned["returned"] == before["returned"] + 1
    assert "Thiếu biên bản họp xét có chữ ký" in lead.inner_text("main")
    screenshot(lead, "round-dashboard")

    officer.goto("/notifications")
    notice = officer.locator(".notification", has_text="Hồ sơ bị trả lại")
    assert "Thiếu biên bản họp xét có chữ ký" in notice.first.inner_text()
    assert int(officer.locator(".bell .count").inner_text()) >= 1
    screenshot(officer, "notifications")
    officer.goto(f"/dossiers/{dossier_id}")
    assert officer.locator(".return-reason").inner_text() == "Thiếu biên bản họp xét có chữ ký"
    assert "Tạm dừng tính hạn" in officer.inner_text("main")
    screenshot(officer, "dossier-returned")

    received = []

    class Inbox:
        async def handle_DATA(self, server, session, envelope):
            message = message_from_bytes(envelope.content, policy=policy.default)
            received.append((envelope.rcpt_tos, message["Subject"], message.get_content()))
            return "250 OK"

    controller = aiosmtpd.Controller(Inbox(), hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        smtp = SmtpSettings(host="127.0.0.1", port=controller.port, tls="none", base_url=live_server.url)
        while sender.send_immediate(live_server.app.extensions["vinhdanh"].session_factory, smtp):
            pass
    finally:
        controller.stop()
    mine = {subject: body for to, subject, body in received if to == ["thanhkhe@example.vn"]}
    returned_mail = mine["Hồ sơ bị trả lại: Ủy ban nhân dân phường Thanh Khê"]
    assert "Lý do: Thiếu biên bản họp xét có chữ ký" in returned_mail
    with live_server.session() as session:
        instance_id = session.get(Dossier, dossier_id).instance_id
    with live_server.session() as session:
        instance_id = session.get(Dossier, dossier_id).instance_id
    assert f"{live_server.url}/instances/{instance_id}" in returned_mail

    with live_server.session() as session:
        nominee = session.scalars(select(Nominee).where(Nominee.dossier_id == dossier_id).order_by(Nominee.id)).first()
        nominee.outcome = "proposed_to_city"
        public = session.scalar(select(PublicNotice).where(PublicNotice.round_id == round_id))
        if public is None:
            public = PublicNotice(round_id=round_id, title="Lấy ý kiến nhân dân đợt 2026", opened_at=utcnow(),
                                  closes_at=utcnow() + timedelta(days=7), status="open")
            session.add(public)
        session.commit()
        notice_id, nominee_name = public.id, nominee.name
    page.goto(f"/cong-khai/{notice_id}")
    assert nominee_name in page.inner_text("main")
    page.select_option("select[name=nominee_id]", label=nominee_name)
    page.fill("input[name=author_name]", "Người dân Thanh Khê")
    page.fill("textarea[name=content]", "<b>Đồng ý</b> với đề nghị.")
    page.get_by_role("button", name="Gửi góp ý").click()
    page.wait_for_selector(".flash")
    assert "Cảm ơn bạn đã góp ý" in page.inner_text("main")
    screenshot(page, "public-notice")
