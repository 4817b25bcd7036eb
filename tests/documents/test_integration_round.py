"""A whole award round walked through the shipped diagrams produces the official documents of DOMAIN A5, each
at its step, numbered from its issuer's register and passing the format checks of DOMAIN B2.5."""

from __future__ import annotations

import time
from datetime import date, timedelta

from sqlalchemy import select

from service.db import utcnow
from service.engine.service_tasks import StepContext, get_handler, step_context
from service.models import Dossier, LegalParameter, ProcessInstance, Timer
from service.nomination import public_notice
from service.worker import run_due_timers
from tests.documents.docx_inspection import open_docx, text_of
from tests.documents.integration_support import b25_problems
from tests.nomination.conftest import STC, collective, individual, submit_and_review, world  # noqa: F401  (fixture)
from tests.nomination.test_paths_round import (
    after_notice_to_chairman,
    close_and_consolidate,
    collect_dossiers,
    through_appraisal,
)

# Document kind → (element that produces it, numbered, has a "Nơi nhận" list)
EXPECTED = {
    "guidance": ("doc_hd", True, True),
    "council_minutes": ("doc_bb", False, True),
    "unit_submission": ("doc_ttr", True, True),
    "consolidated_submission": ("doc_ttr_lead", True, True),
    "home_affairs_submission": ("doc_ttr_ha", True, True),
    "award_decision": ("doc_qd", True, True),
    "collective_report": ("doc_bc", False, False),
    "individual_report": ("doc_bc", False, False),
}


def documents_of(walk, instance_id: int) -> list[dict]:
    return walk.get("auditor", f"/api/v1/process-instances/{instance_id}/documents")["items"]


def content_of(walk, document_id: int) -> bytes:
    response = walk.client.get(f"/api/v1/documents/{document_id}/content", headers=walk.login("auditor"))
    assert response.status_code == 200
    return response.data


def end_public_notice(walk, factory, round_instance: int) -> None:
    """Wait for the (shortened) notice's timer and let the worker fire it."""
    walk.session.expire_all()
    timer = walk.session.scalar(select(Timer).where(Timer.instance_id == round_instance))
    assert timer is not None and timer.element_id == "notice_over"
    time.sleep(max(0.0, (timer.fire_at - utcnow()).total_seconds()) + 0.05)
    assert run_due_timers(factory) >= 1


def configure_individual_rate(walk) -> None:
    """The individual's multiplier for the Chairman's Certificate of Merit is unsourced (DOMAIN B1.5 [U]), so
    the seed leaves it out; a deployment configures it as a new dated row — as this test does."""
    current = walk.session.scalar(select(LegalParameter).where(LegalParameter.key == "reward.multipliers")
                                   .order_by(LegalParameter.valid_from.desc()).limit(1))
    rates = [*current.value, {"award_code": "city_chairman_certificate_of_merit", "subject_kind": "individual",
                              "multiplier": "1.5"}]
    walk.session.add(LegalParameter(key="reward.multipliers", value=rates, valid_from=date(2025, 7, 2),
                                     source="Cấu hình kiểm thử: mức Bằng khen cho cá nhân"))
    walk.session.commit()


def test_the_round_produces_every_document_at_its_step(world, app, monkeypatch):  # noqa: F811
    configure_individual_rate(world)
    world.open_round(total_quota=10)
    dossiers = collect_dossiers(world)
    round_instance = close_and_consolidate(world)
    with monkeypatch.context() as patch:
        # The documents after the public notice are what this test is about, not the notice's length.
        patch.setattr(public_notice.processes, "end_of_day", lambda _day: utcnow() + timedelta(seconds=1))
        through_appraisal(world, round_instance)
    end_public_notice(world, app.extensions["vinhdanh"].session_factory, round_instance)
    after_notice_to_chairman(world, round_instance)
    world.act("chairman", round_instance, "chairman_decide", {"decision": "approve_all", "signed_as": "chairman"})
    assert world.instance(round_instance)["status"] in ("completed", "waiting"), world.instance(round_instance)["error"]
    decision_number = world.round()["decision_number"]

    produced = documents_of(world, round_instance)
    for dossier in dossiers.values():
        produced += documents_of(world, dossier["instance_id"])
    kinds = {item["kind"] for item in produced}
    assert set(EXPECTED) <= kinds, kinds
    for item in produced:
        element, numbered, recipients = EXPECTED[item["kind"]]
        assert item["task_id"] == element, item
        content = content_of(world, item["id"])
        assert b25_problems(content, numbered=numbered, recipients=recipients) == [], (item["kind"], item["symbol"])
        assert (item["number"] is not None) == numbered, item
        # The same checks, as the service reports them with each document.
        assert world.get("auditor", f"/api/v1/documents/{item['id']}")["format_problems"] == [], item["kind"]

    by_kind = {item["kind"]: item for item in produced}
    assert by_kind["award_decision"]["symbol"] == decision_number
    assert by_kind["guidance"]["symbol"].endswith("/HD-SKHCN")
    assert by_kind["consolidated_submission"]["symbol"].endswith("/TTr-SKHCN")
    assert by_kind["home_affairs_submission"]["symbol"].endswith("/TTr-SNV")
    unit_symbols = sorted(item["symbol"] for item in produced if item["kind"] == "unit_submission")
    assert unit_symbols == ["01/TTr-FPTDN", "01/TTr-STC", "01/TTr-UBND"]

    decision = text_of(open_docx(content_of(world, by_kind["award_decision"]["id"])))
    for name in ("Sở Tài chính", "Nguyễn Văn An", "Trần Thị Bình",
                 "Ủy ban nhân dân phường Hải Châu", "Công ty Cổ phần Phần mềm FPT Đà Nẵng"):
        assert name in decision, name
    assert f"Số: {decision_number}" in decision
    assert "Tổng số tiền thưởng:" in decision and "TẬP THỂ" in decision and "CÁ NHÂN" in decision
    home_affairs = text_of(open_docx(content_of(world, by_kind["home_affairs_submission"]["id"])))
    assert by_kind["consolidated_submission"]["symbol"] in home_affairs, "Home Affairs cites the lead's submission"
    detail = world.get("auditor", f"/api/v1/documents/{by_kind['award_decision']['id']}")
    assert detail["context"]["round_id"] == world.round_id and detail["template_version"] == 1


def test_achievement_reports_one_per_nominee(world):  # noqa: F811
    """BC: one report per nominee still proposed, each versioned on its own (subject `nominee:<id>`)."""
    world.open_round(total_quota=10)
    dossier = submit_and_review(world, STC, [collective("Sở Tài chính", subject="STC"),
                                             individual("Nguyễn Văn An")])
    reports = [item for item in documents_of(world, dossier["instance_id"]) if item["kind"].endswith("_report")]
    assert sorted(item["kind"] for item in reports) == ["collective_report", "individual_report"]
    nominees = world.session.get(Dossier, dossier["id"]).nominees
    assert {item["subject"] for item in reports} == {f"nominee:{n.id}" for n in nominees}
    assert all(item["version"] == 1 and item["task_id"] == "doc_bc" for item in reports)
    individual_report = next(item for item in reports if item["kind"] == "individual_report")
    text = text_of(open_docx(content_of(world, individual_report["id"])))
    assert "Nguyễn Văn An" in text and "Sáng kiến 1" in text and "BÁO CÁO THÀNH TÍCH" in text

    # Regenerating the step's reports makes version 2 of each nominee's report, not of the other's.
    session = world.session
    instance = session.get(ProcessInstance, dossier["instance_id"])
    with step_context(StepContext(session=session, instance_id=instance.id, actor_id=None, now=utcnow())):
        get_handler("generate_document")(dict(instance.data), kind="BC")
    session.commit()
    again = [item for item in documents_of(world, dossier["instance_id"]) if item["kind"].endswith("_report")]
    assert sorted((item["subject"], item["version"]) for item in again) == sorted(
        [(f"nominee:{n.id}", v) for n in nominees for v in (1, 2)])
