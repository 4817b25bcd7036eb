"""Helpers for browser tests: screenshots at the two layouts, axe-core, sign-in, test-only pages."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from service.demo import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
AXE_SOURCE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TEST_PAGES = Path(__file__).resolve().parent / "static"
TEST_PAGE_PREFIX = "/__test__/"
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
LOCAL_HOSTS = {"127.0.0.1"}
# Schemes that never leave the browser.
LOCAL_SCHEMES = {"data", "blob", "about", "chrome", "chrome-extension", "devtools"}


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or parts.hostname in LOCAL_HOSTS


class RequestGuard:
    """Aborts, and records, every request of a browser context that would leave 127.0.0.1."""

    def __init__(self) -> None:
        self.outside: list[str] = []

    @classmethod
    def install(cls, context) -> RequestGuard:
        guard = cls()
        context.route("**/*", guard._handle)
        return guard

    def _handle(self, route) -> None:
        if is_local(route.request.url):
            route.fallback()
            return
        self.outside.append(f"{route.request.method} {route.request.url}")
        route.abort("blockedbyclient")


def screenshot(page, name: str, *, full_page: bool = False) -> list[Path]:
    """Save `<name>-desktop.png` (1366×768) and `<name>-phone.png` (390×844); returns both paths."""
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", name):
        raise ValueError(f"screenshot name {name!r}: letters, digits, '-', '_' and '.' only")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    before = page.viewport_size
    paths = []
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.evaluate("() => new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(resolve)))")
        path = SCREENSHOTS / f"{name}-{label}.png"
        page.screenshot(path=str(path), full_page=full_page)
        paths.append(path)
    if before:
        page.set_viewport_size(before)
    return paths


def axe_check(page, *, impacts: tuple[str, ...] = ("serious", "critical"), options: dict | None = None) -> list[dict]:
    """Run axe-core (from node_modules) on the page; returns its violations of the given impacts, simplified.

    Evaluated through the DevTools protocol, so a Content-Security-Policy cannot block it. Typical use:
    `assert axe_check(page) == []` (the list shows rule, impact, help and the offending elements).
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE.read_text(encoding="utf-8") + "\n;undefined")
    violations = page.evaluate(
        "async (options) => (await window.axe.run(document, options)).violations",
        {"resultTypes": ["violations"], **(options or {})})
    return [{"id": item["id"], "impact": item["impact"], "help": item["help"],
             "targets": [node["target"] for node in item["nodes"]][:10]}
            for item in violations if item["impact"] in impacts]


def login(page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the sign-in page (GET /login: `username`, `password`, hidden `csrf_token`); lands on the
    signed-in home (/, which is the inbox)."""
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.locator("form:has(input[name=password]) [type=submit]").first.click()
    path = urlsplit(page.url).path
    if path not in ("/", "/inbox"):
        raise AssertionError(f"sign-in as {username} ended on {page.url}, not the home page")


@dataclass
class PostedForm:
    """A form post a test page made to /__test__/post; `fields` keeps repeated names as lists."""
    url: str
    content_type: str
    body: str
    fields: dict[str, list[str]] = field(default_factory=dict)


def script_json(value) -> str:
    """JSON safe inside <script type="application/json">, escaped as Jinja's `|tojson` does."""
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace("'", "\\u0027")


def serve_test_pages(page, base_url: str, values: dict | None = None, lang: str = "vi") -> list[PostedForm]:
    """Serve tests/web/static/ at <base_url>/__test__/<file> (the app's own /static/ stays served by the app).

    In an .html file, `%%NAME%%` becomes `script_json(values[NAME])` and `<html lang="vi">` takes `lang`. Form
    posts to /__test__/post are captured into the returned list and answered with a short page;
    /__test__/status/<code> answers with that status.
    """
    posted: list[PostedForm] = []

    def handle(route) -> None:
        request = route.request
        path = urlsplit(request.url).path[len(TEST_PAGE_PREFIX):]
        if path == "post" and request.method == "POST":
            body = request.post_data or ""
            posted.append(PostedForm(url=request.url, content_type=request.headers.get("content-type", ""),
                                     body=body, fields=parse_qs(body, keep_blank_values=True)))
            route.fulfill(status=200, content_type="text/html; charset=utf-8",
                          body="<!doctype html><html lang='vi'><title>Đã gửi</title><h1>Đã gửi</h1></html>")
            return
        if path.startswith("status/"):  # /__test__/status/<code>: that status with a small HTML fragment
            status = int(path.split("/")[1])
            route.fulfill(status=status, content_type="text/html; charset=utf-8",
                          body=f"<p class='field-error' id='status-body'>status {status}</p>")
            return
        target = (TEST_PAGES / path).resolve()
        if not target.is_file() or TEST_PAGES not in target.parents:
            route.fulfill(status=404, body="not found")
            return
        if target.suffix != ".html":
            route.fulfill(path=str(target))
            return
        html = target.read_text(encoding="utf-8").replace('<html lang="vi">', f'<html lang="{lang}">', 1)
        for name, value in (values or {}).items():
            html = html.replace(f"%%{name}%%", script_json(value))
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)

    page.route(f"{base_url}{TEST_PAGE_PREFIX}**", handle)
    return posted


def collect(page, event: str, keep: Callable[[object], bool] = lambda _: True) -> list:
    """Everything the page emits for `event` (e.g. "console"), filtered, in a list that fills as the test runs."""
    items: list = []
    page.on(event, lambda item: items.append(item) if keep(item) else None)
    return items
