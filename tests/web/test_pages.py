"""The officers' pages through the Flask test client: inbox, task page (form errors at fields, draft,
files, comments, sign-off with return reason and diff), instance page, downloads, scope and CSRF."""

from __future__ import annotations

import json
import re

import pytest

from service.demo import demo_bundle
from service.models import HumanTask
from tests.conftest import PASSWORD

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DRAFT = {"nominee_name": "Phòng Quản lý ngân sách", "nominee_kind": "collective",
         "achievement_summary": "Hoàn thành xuất sắc nhiệm vụ năm 2026."}


def csrf(page: bytes) -> str:
    match = re.search(rb'name="csrf_token" value="([^"]+)"', page)
    assert match, "the page carries a CSRF token"
    return match.group(1).decode()


class Browser:
    """A signed-in test client that posts forms with the page's CSRF token."""

    def __init__(self, client, username: str):
        self.client = client
        token = csrf(client.get("/login").data)
        response = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
        assert response.status_code == 302, response.data[:500]
        self.token = csrf(client.get("/inbox").data)

    def get(self, url: str, **kwargs):
        return self.client.get(url, **kwargs)

    def post(self, url: str, data: dict | None = None, **kwargs):
        return self.client.post(url, data={"csrf_token": self.token, **(data or {})}, **kwargs)


@pytest.fixture
def case(app, create_org_unit, create_user, deploy):
    """The demo approval started by an officer of Sở Tài chính; returns the instance id."""
    from service.operations import instances

    create_org_unit("CITY", kind="city_peoples_committee", name="UBND thành phố")
    create_org_unit("STC", parent_code="CITY", name="Sở Tài chính")
    create_org_unit("PHC", parent_code="CITY", name="Phường Hải Châu")
    officer = create_user("officer", "STC", ["unit_officer"])
    create_user("head", "STC", ["unit_head"])
    create_user("other", "PHC", ["unit_officer"])
    create_user("auditor", "CITY", ["auditor"])
    deploy(files=demo_bundle())
    with app.extensions["vinhdanh"].session_factory() as session:
        instance = instances.start_instance(session, actor=session.merge(officer), process_key="demo_approval",
                                            data={"nominee_name": "Phòng Quản lý ngân sách"})
        session.commit()
        return instance.id


def open_task_id(app, instance_id: int, element_id: str) -> str:
    from sqlalchemy import select

    with app.extensions["vinhdanh"].session_factory() as session:
        return session.scalar(select(HumanTask.id).where(HumanTask.instance_id == instance_id,
                                                         HumanTask.element_id == element_id,
                                                         HumanTask.state == "open"))


def text(response) -> str:
    return response.get_data(as_text=True)


def test_signed_in_home_is_the_inbox_with_counts(app, client, case):
    officer = Browser(client, "officer")
    home = client.get("/")
    assert home.status_code == 302 and home.headers["Location"].endswith("/inbox")
    page = officer.get("/inbox")
    body = text(page)
    assert page.status_code == 200
    assert "Việc của nhóm" in body and "Lập hồ sơ đề nghị" in body and "Phòng Quản lý ngân sách" in body
    assert "Còn 5 ngày làm việc" in body or "Còn 4 ngày làm việc" in body  # five working days, counted from now
    # The group count is in the navigation.
    assert re.search(r'Việc của nhóm <span class="count"[^>]*>1</span>', body)
    results = officer.get("/inbox/group?q=không+có", headers={"HX-Request": "true", "HX-Target": "inbox-results"})
    assert "<html" not in text(results) and "Không có công việc nào chờ nhận." in text(results)


def test_inbox_requires_sign_in(client):
    response = client.get("/inbox")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_sign_off_loop_through_the_pages(app, client, case):
    officer = Browser(client, "officer")
    draft_id = open_task_id(app, case, "draft")
    page = officer.get(f"/tasks/{draft_id}")
    assert page.status_code == 200 and "data-task-form" in text(page) and "Nhập tên tập thể" in text(page)

    # A missing required field comes back at the field, with what was typed kept.
    typed = {"nominee_name": "Phòng Quản lý ngân sách", "nominee_kind": "collective"}
    refused = officer.post(f"/tasks/{draft_id}", {"action": "submit", "data_json": json.dumps(typed)})
    assert refused.status_code == 422
    errors = json.loads(re.search(r'data-form-errors>(.*?)</script>', text(refused), re.S).group(1))
    assert list(errors) == ["achievement_summary"]
    kept = json.loads(re.search(r'data-form-data>(.*?)</script>', text(refused), re.S).group(1))
    assert kept["nominee_kind"] == "collective"

    saved = officer.post(f"/tasks/{draft_id}", {"action": "draft", "data_json": json.dumps(typed)})
    assert saved.status_code == 302
    assert "Đã lưu nháp" in text(officer.get(f"/tasks/{draft_id}"))

    import io
    attached = officer.post(f"/tasks/{draft_id}/attachments", {"file": (io.BytesIO(PDF), "Báo cáo thành tích.pdf")},
                            content_type="multipart/form-data")
    assert attached.status_code == 302
    wrong = officer.post(f"/tasks/{draft_id}/attachments", {"file": (io.BytesIO(b"MZ..."), "x.pdf")},
                         content_type="multipart/form-data")
    assert wrong.status_code == 422 and "Chỉ nhận tệp PDF" in text(wrong)
    done = officer.post(f"/tasks/{draft_id}", {"action": "submit", "data_json": json.dumps(DRAFT)})
    assert done.status_code == 302
    assert "Đã gửi hồ sơ" in text(officer.get("/inbox"))

    client.post("/logout", data={"csrf_token": officer.token})
    head = Browser(client, "head")
    sign_id = open_task_id(app, case, "sign")
    sign_page = text(head.get(f"/tasks/{sign_id}"))
    assert ">Duyệt</button>" in sign_page and ">Trả lại</button>" in sign_page and "Báo cáo thành tích.pdf" in sign_page
    no_reason = head.post(f"/tasks/{sign_id}/sign-off", {"decision": "return", "reason": ""})
    assert no_reason.status_code == 422 and "Vui lòng nhập lý do trả lại" in text(no_reason)
    returned = head.post(f"/tasks/{sign_id}/sign-off", {"decision": "return", "reason": "Bổ sung số liệu"})
    assert returned.status_code == 302 and "Đã trả lại hồ sơ cho Sở Tài chính" in text(head.get("/inbox"))

    client.post("/logout", data={"csrf_token": head.token})
    officer = Browser(client, "officer")
    redo_id = open_task_id(app, case, "draft")
    redo = text(officer.get(f"/tasks/{redo_id}"))
    assert "Hồ sơ bị trả lại" in redo and "Bổ sung số liệu" in redo
    changed = DRAFT | {"achievement_summary": "Đã bổ sung số liệu năm 2026."}
    assert officer.post(f"/tasks/{redo_id}", {"action": "submit", "data_json": json.dumps(changed)}).status_code == 302

    client.post("/logout", data={"csrf_token": officer.token})
    head = Browser(client, "head")
    sign_id = open_task_id(app, case, "sign")
    review = text(head.get(f"/tasks/{sign_id}"))
    diff = re.search(r'<table class="diff">(.*?)</table>', review, re.S).group(1)
    assert diff.count("<tr>") == 2  # the header and exactly one change
    assert "Tóm tắt thành tích" in diff and "Đã bổ sung số liệu năm 2026." in diff
    assert head.post(f"/tasks/{sign_id}/sign-off", {"decision": "approve"}).status_code == 302
    instance_page = text(head.get(f"/instances/{case}"))
    assert "data-bpmn-diagram" in instance_page and '"completed": ["draft", "sign"]' in instance_page
    assert "Báo cáo thành tích.pdf" in instance_page and "Lý do: Bổ sung số liệu" in instance_page


def test_other_unit_gets_404_for_instance_task_and_file(app, client, case):
    officer = Browser(client, "officer")
    draft_id = open_task_id(app, case, "draft")
    import io
    officer.post(f"/tasks/{draft_id}/attachments", {"file": (io.BytesIO(PDF), "a.pdf")},
                 content_type="multipart/form-data")
    download = officer.get("/attachments/1")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    client.post("/logout", data={"csrf_token": officer.token})
    other = Browser(client, "other")
    for url in (f"/instances/{case}", f"/tasks/{draft_id}", "/attachments/1"):
        response = other.get(url)
        assert response.status_code == 404 and "Không tìm thấy trang" in text(response), url


def test_post_without_csrf_token_is_refused(app, client, case):
    officer = Browser(client, "officer")
    draft_id = open_task_id(app, case, "draft")
    response = client.post(f"/tasks/{draft_id}", data={"action": "submit", "data_json": json.dumps(DRAFT)})
    assert response.status_code == 400
    assert open_task_id(app, case, "draft") == draft_id  # nothing happened
    assert officer.post(f"/tasks/{draft_id}/claim").status_code == 302


# Words of the pages' own (not of the data: task, unit and nominee names stay as written).
PAGE_WORDS = {"Việc của nhóm": "Group tasks", "Hạn xử lý": "Due", "Công việc": "Task", "Lưu nháp": "Save draft",
              "Tệp đính kèm": "Attached files", "Lịch sử xử lý": "History", "Sơ đồ quy trình": "Process diagram",
              "Thông tin hồ sơ": "Case details", "Ngày nhận": "Received", "Thêm ý kiến": "Add comment"}


def test_english_pages(app, client, case):
    officer = Browser(client, "officer")
    officer.post("/language", {"locale": "en", "next": "/inbox"})
    draft_id = open_task_id(app, case, "draft")
    pages = [text(officer.get(url)) for url in ("/inbox/group", f"/tasks/{draft_id}", f"/instances/{case}")]
    seen = "".join(pages)
    for vietnamese, english in PAGE_WORDS.items():
        assert english in seen and vietnamese not in seen, vietnamese
    assert "working day(s) left" in pages[0]


def test_start_a_case_from_the_page(app, client, case):
    officer = Browser(client, "officer")
    listing = text(officer.get("/instances/new"))
    assert "Đề nghị khen thưởng (minh họa)" in listing and "Khởi tạo hồ sơ" in listing
    started = officer.post("/instances", {"process_key": "demo_approval"})
    assert started.status_code == 302 and "/tasks/" in started.headers["Location"]
    task_page = text(officer.get(started.headers["Location"]))
    assert "Lập hồ sơ đề nghị" in task_page and "Đã khởi tạo hồ sơ số" in task_page
    # Processes the nomination domain starts (a dossier, a round) are not started from here.
    assert officer.post("/instances", {"process_key": "unit_nomination"}).status_code == 404


def test_claim_and_unclaim_from_the_pages_never_redirect_elsewhere(app, client, case):
    officer = Browser(client, "officer")
    draft_id = open_task_id(app, case, "draft")
    claimed = officer.post(f"/tasks/{draft_id}/claim", {"next": "https://evil.example/"})
    assert claimed.status_code == 302 and claimed.headers["Location"].endswith(f"/tasks/{draft_id}")
    assert "Lập hồ sơ đề nghị" in text(officer.get("/inbox/mine"))
    assert officer.post(f"/tasks/{draft_id}/unclaim").status_code == 302
    picked = officer.post("/inbox/claim", {"task_id": [draft_id]})
    assert picked.status_code == 302 and picked.headers["Location"].endswith("/inbox/mine")


def test_the_data_view_is_for_auditors_and_administrators_only(app, client, case):
    officer = Browser(client, "officer")
    assert "Dữ liệu hồ sơ" not in text(officer.get(f"/instances/{case}"))
    client.post("/logout", data={"csrf_token": officer.token})
    auditor = Browser(client, "auditor")
    page = text(auditor.get(f"/instances/{case}"))
    assert "Dữ liệu hồ sơ" in page and "&#34;nominee_name&#34;: &#34;Phòng Quản lý ngân sách&#34;" in page
