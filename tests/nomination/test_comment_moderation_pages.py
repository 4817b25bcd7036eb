"""Moderation of the public's comments by Home Affairs' emulation–commendation office: a queue of new
comments, publish / hide / answer (audited), only published comments (and their answers) on the public
page, everything escaped; anyone else gets 404."""

from __future__ import annotations

import re

from sqlalchemy import select

from service.models import AuditEvent, PublicComment
from tests.http.test_web_floor import _sign_in

from .test_domain_public import domain, listed_round  # noqa: F401  (the fixture)

PASSWORD = "correct-horse-battery"


def _csrf(page: bytes) -> str:
    return re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()


def _comment(client, notice, nominee, author: str, content: str) -> None:
    page = client.get(f"/cong-khai/{notice.id}")
    sent = client.post(f"/cong-khai/{notice.id}/gop-y", data={
        "csrf_token": _csrf(page.data), "nominee_id": str(nominee.id), "author_name": author, "content": content})
    assert sent.status_code == 302


def test_the_office_publishes_hides_and_answers_and_the_public_sees_only_published(client, domain):  # noqa: F811
    _round, dossier, notice = listed_round(domain)
    _comment(client, notice, dossier.nominees[1], "<b>Bà B</b>", "<script>alert(1)</script> Đã nhận khen năm trước.")
    _comment(client, notice, dossier.nominees[0], "Ông C", "Nội dung không phù hợp.")
    public = client.get(f"/cong-khai/{notice.id}").data.decode()
    assert "Đã nhận khen năm trước" not in public and "Chưa có ý kiến nào được công bố" in public

    office = client.application.test_client()
    _sign_in(office, "ec", PASSWORD)
    queue = office.get("/cong-khai/kiem-duyet")
    text = queue.data.decode()
    assert queue.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "<script>alert(1)" not in text
    assert "&lt;b&gt;Bà B&lt;/b&gt;" in text
    first, second = domain.session.scalars(select(PublicComment).order_by(PublicComment.id)).all()
    token = _csrf(queue.data)

    answer = "<i>Đã kiểm tra</i>: thành tích khác năm."
    assert office.post(f"/cong-khai/kiem-duyet/{first.id}", data={
        "csrf_token": token, "action": "answer", "answer": answer}).status_code == 302
    assert office.post(f"/cong-khai/kiem-duyet/{first.id}", data={
        "csrf_token": token, "action": "publish"}).status_code == 302
    assert office.post(f"/cong-khai/kiem-duyet/{second.id}", data={
        "csrf_token": token, "action": "hide"}).status_code == 302
    empty = office.post(f"/cong-khai/kiem-duyet/{second.id}", data={"csrf_token": token, "action": "answer",
                                                                     "answer": "  "})
    assert empty.status_code == 422 and "Nội dung trả lời từ 1 đến" in empty.data.decode()
    domain.session.expire_all()
    assert (first.status, second.status) == ("published", "hidden")
    assert "Không có ý kiến nào" in office.get("/cong-khai/kiem-duyet").data.decode()  # the new queue is empty

    public = client.get(f"/cong-khai/{notice.id}").data.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Đã nhận khen năm trước." in public
    assert "&lt;i&gt;Đã kiểm tra&lt;/i&gt;: thành tích khác năm." in public
    assert "Nội dung không phù hợp" not in public
    actions = [event.action for event in domain.session.scalars(
        select(AuditEvent).where(AuditEvent.action.like("public_comment.%")).order_by(AuditEvent.id))]
    assert actions == ["public_comment.received", "public_comment.received", "public_comment.answered",
                       "public_comment.published", "public_comment.hidden"]


def test_only_the_emulation_office_moderates(client, domain):  # noqa: F811
    _round, dossier, notice = listed_round(domain)
    _comment(client, notice, dossier.nominees[1], "Bà B", "Góp ý.")
    comment = domain.session.scalar(select(PublicComment))
    assert client.get("/cong-khai/kiem-duyet").status_code == 302  # sign in first
    for username in ("officer_stc", "reviewer"):
        other = client.application.test_client()
        _sign_in(other, username, PASSWORD)
        assert other.get("/cong-khai/kiem-duyet").status_code == 404
        token = _csrf(other.get("/inbox").data)
        assert other.post(f"/cong-khai/kiem-duyet/{comment.id}", data={
            "csrf_token": token, "action": "publish"}).status_code == 404
    domain.session.expire_all()
    assert comment.status == "new"
