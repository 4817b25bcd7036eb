"""Browser tests: the live service (`live_server`), Debian's Chromium through Playwright (`browser`), and a
`page` that fails its test when a request leaves 127.0.0.1 or a script throws. Helpers are in tests/web/browser.py.

Skipped when Chromium or Playwright is missing, except under CI=true, where that fails the run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from .browser import DESKTOP, RequestGuard
from .live_server import LiveServer, prepare_database, start_live_server, stop_live_server, web_database_url

CHROMIUM = Path("/usr/bin/chromium")


def _missing_browser() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is not installed (Debian package chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    """The app on http://127.0.0.1:<free port>, demo data loaded, timers firing; one per test run."""
    url = web_database_url(os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL"))
    prepare_database(url)
    live = start_live_server(url)
    yield live
    stop_live_server(live)


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium (never a downloaded browser)."""
    missing = _missing_browser()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests cannot run in CI: {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # No DNS prefetching: a host name in a page must not be looked up before the request guard sees it.
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=["--dns-prefetch-disable", "--no-pings"])
        yield browser
        browser.close()


@pytest.fixture
def context(browser, live_server):
    """A fresh browser profile (no cookies) in Vietnamese, Ho Chi Minh time, 1366×768, based at the live server."""
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
                                  viewport=DESKTOP)
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def page(context) -> Iterator:
    """A page whose every request must stay on 127.0.0.1 (others are aborted, and the test fails), and on which
    an uncaught script error fails the test. `page.console_errors` lists console errors for tests to check."""
    guard = RequestGuard.install(context)
    page = context.new_page()
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    page.console_errors = []
    page.on("console", lambda message: page.console_errors.append(message.text) if message.type == "error" else None)
    yield page
    problems = [f"request left 127.0.0.1: {item}" for item in guard.outside]
    problems += [f"uncaught script error: {item}" for item in script_errors]
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)
