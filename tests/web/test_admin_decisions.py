"""Decision tables in the browser: try the eligibility table on inputs (evaluated on the server), change the
DX threshold in a rule, see the trial change, deploy as the next version."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from service.models import ProcessVersion
from service.operations import deployments

from .browser import screenshot

PROCESS = "unit_nomination"
NOMINEE = {"nominee": {"kind": "collective", "is_agency": True, "dx_index_score": 55, "dx_threshold": 50,
                       "tasks_completed": True, "tax_clearance": True, "social_insurance_clearance": True}}


def _try(page) -> str:
    page.locator("[data-trial-inputs]").fill(json.dumps(NOMINEE))
    box = page.locator("[data-trial-result]")
    before = box.get_attribute("data-applied")
    page.get_by_role("button", name="Thử bảng quyết định").click()
    page.wait_for_function("([el, before]) => el.dataset.applied !== undefined && el.dataset.applied !== before",
                           arg=[box.element_handle(), before])
    return box.get_attribute("data-applied")


def test_try_edit_and_deploy_the_eligibility_table(page_as, live_server):
    with live_server.session() as session:
        before = session.scalar(select(func.max(ProcessVersion.version)).where(ProcessVersion.process_key == PROCESS))
    page = page_as("process_admin")
    page.goto(f"/admin/processes/{PROCESS}/decisions?version={before}")
    page.get_by_role("link", name="eligibility.dmn").click()
    page.wait_for_selector("[data-dmn-editor][data-ready='true']")
    assert _try(page) == "rule_eligible"
    # the DX threshold rule: "< dx_threshold" becomes a fixed 60 points
    page.evaluate("""() => {
        const viewer = document.querySelector('[data-dmn-editor]').dmnModeler.getActiveViewer();
        const cell = viewer.get('elementRegistry').get('rule_low_dx_dx');
        viewer.get('modeling').editCell(cell.businessObject, '< 60');
    }""")
    assert _try(page) == "rule_low_dx"
    assert page.locator("td.vd-rule-applied[data-row-id='rule_low_dx']").count() >= 1
    screenshot(page, "admin-decision-trial")
    page.get_by_role("button", name="Triển khai").click()
    page.wait_for_selector("[data-dmn-editor][data-deployed-version]")
    with live_server.session() as session:
        latest = session.scalar(select(func.max(ProcessVersion.version)).where(ProcessVersion.process_key == PROCESS))
        assert latest == before + 1
        version = deployments.get_version(session, PROCESS, latest)
        dmn = next(f.content for f in version.deployment.files if f.filename == "eligibility.dmn").decode()
        assert "&lt; 60" in dmn
