"""Monitoring in the browser: the heat map's badges show the active tokens and completions per element."""

from __future__ import annotations

from sqlalchemy import func, select

from service.models import ProcessVersion, User
from service.operations import instances

from .browser import axe_check, screenshot

PROCESS = "demo_approval"


def _active_on(page, element_id: str) -> int:
    cell = page.locator(f"tr[data-element-id='{element_id}'] [data-active]")
    return int(cell.inner_text().replace(".", "")) if cell.count() else 0


def test_heat_map_counts_new_instances(page_as, live_server):
    page = page_as("process_admin")
    with live_server.session() as session:
        version = session.scalar(select(func.max(ProcessVersion.version)).where(ProcessVersion.process_key == PROCESS))
    page.goto(f"/admin/monitoring/{PROCESS}/{version}/heat-map")
    before = _active_on(page, "draft")
    with live_server.session() as session:
        officer = session.scalar(select(User).where(User.username == "officer_stc"))
        for _ in range(2):
            instances.start_instance(session, actor=officer, process_key=PROCESS, version=version)
        session.commit()
    page.reload()
    page.wait_for_selector("[data-admin-diagram][data-ready='true']")
    assert _active_on(page, "draft") == before + 2
    badge = page.locator(".vd-mark-badge[data-element-id='draft']")
    assert badge.inner_text() == f"● {before + 2}"
    assert page.locator(".djs-element.vd-mark--active[data-element-id='draft']").count() == 1
    screenshot(page, "admin-heat-map")
    assert axe_check(page) == []
    page.goto(f"/admin/monitoring?process={PROCESS}")
    assert page.locator("[data-groups] tr", has_text="Đang chờ").count() + page.locator(
        "[data-groups] tr", has_text="Đang chạy").count() >= 1
    screenshot(page, "admin-monitoring")
