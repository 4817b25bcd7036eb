"""The browser harness itself, and the JS islands on test-only pages: Swagger UI served locally, the request
guard, task-form.js (server errors at their fields, data_json posted), diagram.js (markers)."""

from __future__ import annotations

import json
import re

from .browser import ROOT, RequestGuard, axe_check, screenshot, serve_test_pages

SCHEMA = {
    "type": "default",
    "id": "test_sign_off",
    "schemaVersion": 16,
    "components": [
        {"type": "textfield", "id": "Field_name", "key": "full_name", "label": "Họ và tên",
         "validate": {"required": True}},
        {"type": "number", "id": "Field_votes", "key": "votes", "label": "Số phiếu đồng ý"},
        {"type": "dynamiclist", "id": "Field_nominees", "path": "nominees", "label": "Danh sách đề nghị",
         "isRepeating": True, "allowAddRemove": True, "defaultRepetitions": 1,
         "components": [{"type": "textfield", "id": "Field_nominee_name", "key": "name", "label": "Tên cá nhân"}]},
        {"type": "textarea", "id": "Field_reason", "key": "return_reason", "label": "Lý do trả lại"},
    ],
}
TYPED = {"full_name": "Nguyễn Văn An", "votes": 20, "nominees": [{"name": "Lê Thị Hoa"}, {"name": "X"}],
         "return_reason": ""}
SERVER_ERRORS = {"votes": ["Số phiếu đồng ý không hợp lệ: phải từ 0 đến 15"],
                 "nominees[1].name": "Vui lòng nhập họ và tên đầy đủ"}


def _error_text(page, field) -> str:
    """The text of the error messages a field's aria-describedby points to."""
    ids = (field.get_attribute("aria-describedby") or "").split()
    nodes = [page.locator(f"[id='{name}']") for name in ids]
    return " ".join(node.inner_text() for node in nodes if node.count())


def _wait_for_error(page, field, expected: str) -> None:
    """Wait until the field's error text contains `expected` ("" = until it has none): form-js debounces input."""
    page.wait_for_function("""([id, expected]) => {
        const ids = (document.getElementById(id).getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
        const text = ids.map((name) => (document.getElementById(name) || {}).innerText || '').join(' ').trim();
        return expected === '' ? text === '' : text.includes(expected);
    }""", arg=[field.get_attribute("id"), expected])


def _open_task_form(page, live_server, errors=SERVER_ERRORS, data=TYPED, lang="vi"):
    posted = serve_test_pages(page, live_server.url, {"SCHEMA": SCHEMA, "DATA": data, "ERRORS": errors}, lang=lang)
    page.goto("/__test__/task_form.html")
    page.wait_for_selector("[data-task-form][data-ready=true]")
    return posted


def test_api_docs_load_in_chromium_without_leaving_127_0_0_1(page, live_server):
    loaded = []
    page.on("requestfinished", lambda request: loaded.append(request.url))
    page.goto("/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "Vinh Danh API" in page.inner_text(".swagger-ui .info .title")
    assert any(url.endswith("/swagger-ui-bundle.js") for url in loaded)
    assert all(url.startswith(live_server.url) for url in loaded), loaded
    for path in screenshot(page, "api-docs"):
        assert path.stat().st_size > 10_000


def test_request_guard_aborts_and_records_outside_requests(context):
    guard = RequestGuard.install(context)
    page = context.new_page()
    page.set_content("<img src='http://outside.invalid/logo.png'>"
                     "<link rel='stylesheet' href='https://fonts.outside.invalid/css'>")
    page.wait_for_load_state("load")
    assert sorted(guard.outside) == ["GET http://outside.invalid/logo.png", "GET https://fonts.outside.invalid/css"]


def test_task_form_shows_server_errors_at_their_fields_with_the_typed_input(page, live_server):
    _open_task_form(page, live_server)
    votes = page.get_by_label("Số phiếu đồng ý")
    assert votes.input_value() == "20"
    assert "phải từ 0 đến 15" in _error_text(page, votes)
    names = page.get_by_label("Tên cá nhân")
    assert [names.nth(0).input_value(), names.nth(1).input_value()] == ["Lê Thị Hoa", "X"]
    assert _error_text(page, names.nth(0)) == ""
    assert "Vui lòng nhập họ và tên đầy đủ" in _error_text(page, names.nth(1))
    assert page.evaluate("document.activeElement.id") == votes.get_attribute("id")  # the first error has focus
    assert page.get_by_role("button", name="Thêm mới").count() == 1  # form-js's own strings in Vietnamese
    screenshot(page, "task-form-errors", full_page=True)
    assert axe_check(page) == []


def test_task_form_posts_data_json_with_the_chosen_action(page, live_server):
    posted = _open_task_form(page, live_server)
    page.get_by_label("Số phiếu đồng ý").fill("12")
    _wait_for_error(page, page.get_by_label("Số phiếu đồng ý"), "")  # corrected: the server's error goes
    with page.expect_navigation():
        page.get_by_role("button", name="Trả lại").click()
    assert len(posted) == 1
    fields = posted[0].fields
    assert fields["action"] == ["return"]
    assert fields["csrf_token"] == ["test-csrf-token"]
    assert posted[0].content_type.startswith("application/x-www-form-urlencoded")
    data = json.loads(fields["data_json"][0])
    assert data == {"full_name": "Nguyễn Văn An", "votes": 12, "nominees": [{"name": "Lê Thị Hoa"}, {"name": "X"}],
                    "return_reason": ""}


def test_task_form_client_errors_block_the_post_but_a_draft_still_posts(page, live_server):
    posted = _open_task_form(page, live_server, errors={})
    page.get_by_label("Họ và tên").fill("")
    page.get_by_role("button", name="Duyệt").click()
    name = page.get_by_label("Họ và tên")
    _wait_for_error(page, name, "Vui lòng nhập trường này.")  # form-js's message, in Vietnamese
    assert posted == []
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu nháp").click()
    assert [form.fields["action"] for form in posted] == [["draft"]]
    assert json.loads(posted[0].fields["data_json"][0])["full_name"] == ""


def test_diagram_marks_completed_active_and_waiting_elements(page, live_server):
    xml = (ROOT / "workflows" / "unit_nomination.bpmn").read_text(encoding="utf-8")
    markers = {"completed": ["start", "draft"], "active": ["head_sign"], "waiting": ["wait_outcome"]}
    serve_test_pages(page, live_server.url, {"XML": xml, "MARKERS": markers})
    page.goto("/__test__/diagram.html")
    page.wait_for_selector("[data-bpmn-diagram][data-ready=true]")
    for state, ids in markers.items():
        for element_id in ids:
            gfx = page.locator(f".djs-element[data-element-id='{element_id}']")
            assert f"vd-{state}" in gfx.get_attribute("class")
        assert page.locator(f".vd-marker--{state}").count() == len(ids)
    assert "vd-" not in (page.locator(".djs-element[data-element-id='lead_review']").get_attribute("class") or "")
    page.get_by_role("button", name="Phóng to").click()
    screenshot(page, "diagram-markers")
    assert axe_check(page) == []


def test_task_form_speaks_the_page_language(page, live_server):
    _open_task_form(page, live_server, errors={}, lang="en")
    page.get_by_label("Họ và tên").fill("")
    page.get_by_role("button", name="Duyệt").click()
    _wait_for_error(page, page.get_by_label("Họ và tên"), "Field is required.")  # form-js's own English
    assert page.get_by_role("button", name="Add new").count() == 1


def test_task_form_enter_in_a_field_does_not_post(page, live_server):
    """Only the action buttons post: Enter in a field must not approve by accident."""
    posted = _open_task_form(page, live_server, errors={})
    name = page.get_by_label("Họ và tên")
    name.fill("Trần Thị Bình")
    name.press("Enter")
    page.wait_for_timeout(500)
    assert posted == []
    assert page.url.endswith("/__test__/task_form.html")


def test_site_css_and_htmx_csrf_header(page, live_server):
    """The site's look at both layouts (tables become cards on phones), no serious axe finding, and htmx posting
    with the page's CSRF token in X-CSRFToken."""
    headers = []
    page.on("request", lambda request: headers.append(request.headers) if request.method == "POST" else None)
    serve_test_pages(page, live_server.url)
    page.goto("/__test__/styleguide.html")
    assert page.evaluate("typeof window.htmx") == "object"
    page.get_by_role("button", name="Nhận việc").click()
    page.wait_for_selector("#claim-result h1")
    assert headers[0].get("x-csrftoken") == "test-csrf-token"
    page.get_by_role("button", name="Thử 409").click()  # a refused request: one line in the flash region
    page.wait_for_selector("#flash-region .flash--error")
    assert page.inner_text("#flash-region") == "Hồ sơ vừa được người khác cập nhật. Vui lòng tải lại trang."
    assert page.locator("#status-body").count() == 0
    page.get_by_role("button", name="Thử 422").click()  # field errors come back as 422 and are swapped in
    page.wait_for_selector("#status-result #status-body")
    assert axe_check(page) == []
    first_cell = page.locator(".data-table tbody td").first
    assert page.evaluate("(td) => getComputedStyle(td).display", first_cell.element_handle()) == "table-cell"
    screenshot(page, "styleguide", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("(td) => getComputedStyle(td).display", first_cell.element_handle()) == "grid"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone


def test_diagram_without_layout_is_laid_out_and_marked(page, live_server):
    shipped = (ROOT / "workflows" / "demo_approval.bpmn").read_text(encoding="utf-8")
    # A diagram as other tools export it without interchange data: the drawing part taken away.
    xml = re.sub(r"<bpmndi:BPMNDiagram.*?</bpmndi:BPMNDiagram>", "", shipped, flags=re.S)
    assert "BPMNShape" not in xml
    markers = {"completed": ["start", "draft"], "active": ["sign"], "waiting": []}
    serve_test_pages(page, live_server.url, {"XML": xml, "MARKERS": markers})
    page.goto("/__test__/diagram.html")
    page.wait_for_selector("[data-bpmn-diagram][data-ready=true]")
    for element_id in ("start", "draft", "sign", "sign_decision", "confirm", "done"):
        assert page.locator(f".djs-element[data-element-id='{element_id}']").count() == 1
    assert "vd-active" in page.locator(".djs-element[data-element-id='sign']").get_attribute("class")
    screenshot(page, "diagram-auto-layout")
