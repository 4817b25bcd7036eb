"""Browser tests: the live service (`live_server`), Debian's Chromium through Playwright (`browser`), and a
`page` that fails its test when a request leaves 127.0.0.1 or a script throws. Helpers are in tests/web/browser.py.

Skipped when Chromium or Playwright is missing, except under CI=true, where that fails the run.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from service.demo import DEMO_PASSWORD

from .browser import DESKTOP, RequestGuard, login
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


def _new_context(browser, live_server):
    """A fresh browser profile (no cookies) in Vietnamese, Ho Chi Minh time, 1366×768, based at the live server."""
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
                                  viewport=DESKTOP)
    context.set_default_timeout(15_000)
    return context


class _WatchedPage:
    """A page whose requests leaving 127.0.0.1 are aborted and whose uncaught script errors are recorded."""

    def __init__(self, context) -> None:
        self.guard = RequestGuard.install(context)
        self.page = context.new_page()
        self.script_errors: list[str] = []
        self.page.on("pageerror", lambda error: self.script_errors.append(str(error)))
        self.page.console_errors = []
        self.page.on("console", lambda message: self.page.console_errors.append(message.text)
                     if message.type == "error" else None)

    def problems(self) -> list[str]:
        return ([f"request left 127.0.0.1: {item}" for item in self.guard.outside]
                + [f"uncaught script error: {item}" for item in self.script_errors])


def _fail_on(watched: list[_WatchedPage]) -> None:
    problems = [problem for item in watched for problem in item.problems()]
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


@pytest.fixture
def context(browser, live_server):
    """A fresh browser profile (no cookies) in Vietnamese, Ho Chi Minh time, 1366×768, based at the live server."""
    context = _new_context(browser, live_server)
    yield context
    context.close()


@pytest.fixture
def page(context) -> Iterator:
    """A page whose every request must stay on 127.0.0.1 (others are aborted, and the test fails), and on which
    an uncaught script error fails the test. `page.console_errors` lists console errors for tests to check."""
    watched = _WatchedPage(context)
    yield watched.page
    _fail_on([watched])


@pytest.fixture
def page_as(browser, live_server) -> Iterator[Callable]:
    """`page_as("head_stc")`: a page signed in as that demo user, in a profile of its own (several users in one
    test), watched like `page`; the same user's page is returned again on a second call."""
    contexts, watched, pages = [], [], {}

    def open_as(username: str, password: str = DEMO_PASSWORD):
        if username not in pages:
            context = _new_context(browser, live_server)
            contexts.append(context)
            item = _WatchedPage(context)
            watched.append(item)
            login(item.page, username, password)
            pages[username] = item.page
        return pages[username]

    yield open_as
    for context in contexts:
        context.close()
    _fail_on(watched)
