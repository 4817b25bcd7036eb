"""The public notice pages without sign-in: the list, the nominees, the window's end, the comment form
(escaped, length- and rate-limited), the printable page; nosniff and the strict policy on each."""

from __future__ import annotations

import re
from datetime import date

from service.models import PublicComment
from service.nomination import parameters
from tests.http.test_web_floor import _sign_in

from .test_domain_public import domain, listed_round  # noqa: F401  (the fixture)


def _csrf(page: bytes) -> str:
    return re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()


def test_a_visitor_reads_the_notice_and_comments_without_signing_in(client, domain):  # noqa: F811
    _round, dossier, notice = listed_round(domain)
    listing = client.get("/cong-khai")
    assert listing.status_code == 200 and notice.title in listing.data.decode()
    page = client.get(f"/cong-khai/{notice.id}")
    text = page.data.decode()
    assert page.status_code == 200 and "Ngô Thị E" in text and "Hạn góp ý" in text
    # The award forms by their official names, never their codes.
    assert "<td>Bằng khen của Chủ tịch Ủy ban nhân dân thành phố</td>" in text and "_of_merit" not in text
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]

    target = dossier.nominees[1]
    sent = client.post(f"/cong-khai/{notice.id}/gop-y", data={
        "csrf_token": _csrf(page.data), "nominee_id": str(target.id), "author_name": "<b>Người dân</b>",
        "content": "<script>alert(1)</script> Đang bị khiếu nại."})
    assert sent.status_code == 302
    stored = domain.session.query(PublicComment).one()
    assert stored.author_name == "<b>Người dân</b>"  # kept as typed, never interpreted
    again = client.get(f"/cong-khai/{notice.id}")
    assert "Cảm ơn bạn đã góp ý" in again.data.decode()

    printable = client.get(f"/cong-khai/{notice.id}/in")
    assert printable.status_code == 200 and "Ngô Thị E" in printable.data.decode()
    assert "_of_merit" not in printable.data.decode()
    assert b"<form" not in printable.data


def test_refusals_keep_what_was_typed_escaped_and_store_nothing(client, domain):  # noqa: F811
    _round, dossier, notice = listed_round(domain)
    parameters.add_parameter(domain.session, actor=domain.user("sysadmin"), values={
        "key": "public_comment.rate_limit", "value": {"max_requests": 1, "window_seconds": 3600},
        "valid_from": date(2025, 1, 1), "source": "Cấu hình kiểm thử"})
    domain.session.commit()
    page = client.get(f"/cong-khai/{notice.id}")
    token = _csrf(page.data)
    url = f"/cong-khai/{notice.id}/gop-y"
    target = str(dossier.nominees[1].id)
    too_long = client.post(url, data={"csrf_token": token, "nominee_id": target, "author_name": "A",
                                      "content": "<i>x</i>" * 3000})
    assert too_long.status_code == 422
    assert "&lt;i&gt;x&lt;/i&gt;" in too_long.data.decode() and "<i>x</i>" not in too_long.data.decode()
    assert domain.session.query(PublicComment).count() == 0
    assert client.post(url, data={"csrf_token": token, "nominee_id": target, "author_name": "A",
                                  "content": "Một ý kiến."}).status_code == 302
    limited = client.post(url, data={"csrf_token": token, "nominee_id": target, "author_name": "A",
                                     "content": "Ý kiến thứ hai."})
    assert limited.status_code == 429
    assert domain.session.query(PublicComment).count() == 1
    # Without the form's token nothing is taken.
    assert client.post(url, data={"nominee_id": target, "author_name": "A", "content": "x"}).status_code in (400, 403)


def test_the_office_reads_the_comments_escaped_and_the_registers_search(client, domain):  # noqa: F811
    round_, dossier, notice = listed_round(domain)
    page = client.get(f"/cong-khai/{notice.id}")
    client.post(f"/cong-khai/{notice.id}/gop-y", data={
        "csrf_token": _csrf(page.data), "nominee_id": str(dossier.nominees[1].id), "author_name": "Bà B",
        "content": "<img src=x onerror=alert(1)>"})
    office = client.application.test_client()
    _sign_in(office, "ec", "correct-horse-battery")
    queue = office.get(f"/rounds/{round_.id}/comments")
    assert queue.status_code == 200
    text = queue.data.decode()
    assert "&lt;img src=x onerror=alert(1)&gt;" in text and "<img src=x" not in text and "Ngô Thị E" in text
    assert office.get("/registers/awards?q=ngô").status_code == 200
    assert office.get("/registers/documents").status_code == 200
    unit_officer = client.application.test_client()
    _sign_in(unit_officer, "officer_stc", "correct-horse-battery")
    assert unit_officer.get(f"/rounds/{round_.id}/comments").status_code == 404
    assert unit_officer.get("/registers/awards").status_code == 404
