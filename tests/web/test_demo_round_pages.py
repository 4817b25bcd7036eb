"""`make demo-round` plays a whole round through the API; the pages must show exactly what it produced.

The demo round runs on a second live server of its own (its own database, seeded as `make demo-round` seeds
it, with the public notice shortened), so the shared server's demo round stays open for the other tests.
Then, in Chromium, as the lead agency's reviewer: the decision page shows the decision's number and date and
each nominee with the outcome the round gave it; the awards register lists exactly the awarded nominees under
that decision; the document register lists exactly the numbered documents the round produced.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from service.demo import DEMO_PASSWORD
from service.demo import round as demo_round

from .browser import login, screenshot
from .live_server import LiveServer, start_live_server, stop_live_server, web_database_url

AWARDED = {"awarded", "escalated"}


@pytest.fixture(scope="module")
def demo_server(browser) -> Iterator[LiveServer]:
    url = web_database_url(os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL"), "demo")
    demo_round._prepare_database(url)
    live = start_live_server(url)
    yield live
    stop_live_server(live)


def _rows(page, selector: str) -> list[list[str]]:
    return [[cell.inner_text().strip() for cell in row.locator("td").all()]
            for row in page.locator(f"{selector} tbody tr").all()]


def test_the_pages_show_what_the_demo_round_produced(browser, demo_server, capsys):
    result = demo_round.run(demo_round.Api(demo_server.url, DEMO_PASSWORD))
    printed = capsys.readouterr().out
    number, decided = result["decision_number"], result["decision_date"]
    assert f"Quyết định số {number} ngày {decided:%d/%m/%Y}" in printed

    context = browser.new_context(base_url=demo_server.url, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    try:
        page = context.new_page()
        login(page, "reviewer_skhcn")
        page.goto(f"/rounds/{result['round_id']}/decision")
        assert page.locator("[data-testid=decision]").inner_text() == f"Quyết định số {number} ngày {decided:%d/%m/%Y}"
        shown = sorted((row.locator("td").first.inner_text(), row.get_attribute("data-outcome"),
                        row.locator("td").nth(3).inner_text() or None)
                       for row in page.locator("[data-testid=round-outcomes] tbody tr").all())
        assert shown == sorted(result["nominees"])
        screenshot(page, "demo-round-decision", full_page=True)

        page.goto("/registers/awards?year=2026")
        register = _rows(page, "table.data-table")
        assert sorted(row[0] for row in register) == sorted(
            name for name, outcome, _ in result["nominees"] if outcome in AWARDED)
        assert {row[4] for row in register} == {number}
        screenshot(page, "demo-round-awards-register", full_page=True)

        page.goto("/registers/documents?year=2026")
        symbols = sorted(row[0] for row in _rows(page, "table.data-table"))
        assert symbols == sorted(symbol for _, _, symbol in result["documents"] if symbol)
        screenshot(page, "demo-round-documents-register", full_page=True)
    finally:
        context.close()
