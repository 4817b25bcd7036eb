"""A user whose password an administrator set is held on the change-password page (pages) or answered 403
`password_change_required` (API) until they have chosen their own; then everything is open again."""

from __future__ import annotations

import re

from service.operations import admin

from ..conftest import OWN_PASSWORD as OWN
from ..conftest import PASSWORD
from ..conftest import TEMPORARY_PASSWORD as TEMPORARY

NOTICE = "Mật khẩu của bạn do quản trị viên đặt. Vui lòng đổi mật khẩu trước khi tiếp tục."


def _csrf(page: bytes) -> str:
    return re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()


def _sign_in(client, username: str, password: str):
    token = _csrf(client.get("/login").data)
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


def test_pages_lead_to_the_password_page_until_it_is_changed(held, client):
    assert _sign_in(client, "clerk", TEMPORARY).status_code == 302
    home = client.get("/")
    assert home.status_code == 302 and home.headers["Location"] == "/password"
    inbox = client.get("/inbox")
    assert inbox.status_code == 302 and inbox.headers["Location"] == "/password?next=/inbox"
    page = client.get(inbox.headers["Location"])
    text = page.data.decode()
    assert page.status_code == 200 and NOTICE in text
    assert 'name="next" value="/inbox"' in text
    assert 'class="mainnav"' not in text and 'href="/inbox"' not in text  # no navigation to pages that are closed
    # htmx would swap a redirect's page into its target: it is told to go instead.
    fragment = client.get("/inbox", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and fragment.headers["HX-Redirect"] == "/password?next=/inbox"
    assert fragment.data == b""
    posted = client.post("/admin/organisation/users", data={"csrf_token": _csrf(page.data), "username": "x",
                                                             "full_name": "X"})
    assert posted.status_code == 302 and posted.headers["Location"] == "/password"
    asset = client.get("/static/dist/app.css")
    asset.close()  # a file response holds the file open until closed
    assert asset.status_code == 200
    assert client.get("/healthz").status_code == 200
    # The English page says the same.
    client.post("/language", data={"csrf_token": _csrf(page.data), "locale": "en", "next": "/password"})
    assert "Your password was set by an administrator" in client.get("/password").data.decode()

    wrong = client.post("/password", data={"csrf_token": _csrf(page.data), "current_password": "không-đúng-1",
                                           "new_password": OWN, "confirm_password": OWN, "next": "/inbox"})
    assert wrong.status_code == 422 and client.get("/inbox").status_code == 302
    changed = client.post("/password", data={"csrf_token": _csrf(page.data), "current_password": TEMPORARY,
                                             "new_password": OWN, "confirm_password": OWN, "next": "/inbox"})
    assert changed.status_code == 302 and changed.headers["Location"] == "/inbox"
    assert client.get("/inbox").status_code == 200
    assert NOTICE not in client.get("/password").data.decode()


def test_a_held_user_may_sign_out(held, client):
    _sign_in(client, "clerk", TEMPORARY)
    token = _csrf(client.get("/password").data)
    signed_out = client.post("/logout", data={"csrf_token": token})
    assert signed_out.status_code == 302 and signed_out.headers["Location"] == "/login"
    assert client.get("/inbox").headers["Location"].startswith("/login")


def test_others_are_not_held(held, client):
    assert _sign_in(client, "sysadmin", PASSWORD).status_code == 302
    assert client.get("/inbox").status_code == 200
    assert NOTICE not in client.get("/password").data.decode()


def test_an_account_created_on_the_admin_page_changes_its_first_password(held, client):
    _sign_in(client, "sysadmin", PASSWORD)
    token = _csrf(client.get("/admin/organisation").data)
    client.post("/admin/organisation/users", data={"csrf_token": token, "username": "newbie",
                                                   "full_name": "Nguyễn Văn An", "org_unit_code": "CITY"})
    notice = re.compile(r"Đã tạo người dùng newbie\. Người dùng phải đổi mật khẩu này khi đăng nhập lần đầu\. "
                        r"Mật khẩu đầu tiên: (\S+?)<")
    first = notice.search(client.get("/admin/organisation").data.decode()).group(1)
    newbie = client.application.test_client()
    assert _sign_in(newbie, "newbie", first).status_code == 302
    assert newbie.get("/inbox").headers["Location"] == "/password?next=/inbox"


def test_the_api_answers_password_change_required_until_it_is_changed(held, client):
    issued = client.post("/api/v1/auth/token", json={"username": "clerk", "password": TEMPORARY})
    assert issued.status_code == 200 and issued.get_json()["password_must_change"] is True
    bearer = {"Authorization": f"Bearer {issued.get_json()['access_token']}"}
    refused = client.get("/api/v1/tasks", headers=bearer)
    assert refused.status_code == 403
    error = refused.get_json()["error"]
    assert error["code"] == "password_change_required" and "đổi mật khẩu" in error["message"]
    english = client.get("/api/v1/tasks", headers={**bearer, "Accept-Language": "en"}).get_json()["error"]
    assert "set by an administrator" in english["message"]
    assert client.post("/api/v1/process-instances", json={"process_key": "x"}, headers=bearer).status_code == 403
    assert client.get("/api/v1/openapi.json").status_code == 200  # public paths stay public
    assert client.get("/api/v1/tasks").status_code == 401  # no token: still "sign in" first

    _sign_in(client, "clerk", TEMPORARY)
    token = _csrf(client.get("/password").data)
    client.post("/password", data={"csrf_token": token, "current_password": TEMPORARY, "new_password": OWN,
                                   "confirm_password": OWN})
    assert client.get("/api/v1/tasks", headers=bearer).status_code == 401  # a change of password ends old tokens
    again = client.post("/api/v1/auth/token", json={"username": "clerk", "password": OWN})
    assert again.status_code == 200 and again.get_json()["password_must_change"] is False
    tasks = client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {again.get_json()['access_token']}"})
    assert tasks.status_code == 200


def test_the_openapi_document_names_the_code(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "password_change_required" in spec["paths"]["/api/v1/tasks"]["get"]["responses"]["403"]["description"]
    token = spec["paths"]["/api/v1/auth/token"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert "password_must_change" in spec["components"]["schemas"][token["$ref"].rsplit("/", 1)[1]]["properties"]


def test_in_the_browser_the_first_sign_in_ends_on_the_password_page(page, live_server):
    """A new account made by the system administrator: its first sign-in lands on "Đổi mật khẩu" with the
    notice; once changed, the inbox opens."""
    from sqlalchemy import select

    from service.demo import DEMO_PASSWORD
    from service.models import User

    from .browser import axe_check, screenshot

    with live_server.session() as session:
        sysadmin = session.scalar(select(User).where(User.username == "sysadmin"))
        admin.create_user(session, actor=sysadmin, values={
            "username": "officer_moi", "password": DEMO_PASSWORD, "full_name": "Lê Thị Thu",
            "org_unit_code": "UBND_DN", "roles": ["unit_officer"]})
        session.commit()
    page.goto("/login")
    page.fill("input[name=username]", "officer_moi")
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("form:has(input[name=password]) [type=submit]").first.click()
    assert page.url.endswith("/password")
    assert page.get_by_text(NOTICE).is_visible()
    assert page.locator("#mainnav").count() == 0 and page.get_by_role("button", name="Trình đơn").count() == 0
    screenshot(page, "password-must-change")
    assert axe_check(page) == []
    page.goto("/dossiers")
    assert page.url.endswith("/password?next=/dossiers")
    page.fill("#current_password", DEMO_PASSWORD)
    page.fill("#new_password", OWN)
    page.fill("#confirm_password", OWN)
    with page.expect_navigation():
        page.get_by_role("button", name="Đổi mật khẩu").click()
    assert page.url.endswith("/dossiers") and page.get_by_text("Đã đổi mật khẩu.").is_visible()
    assert page.locator("#mainnav a").count() > 0
