"""award_round walked as the real roles, with several units' dossiers: the happy path and its variations."""

from __future__ import annotations

import time
from datetime import date

import pytest
from sqlalchemy import select

from service.models import LegalParameter, Timer
from service.nomination import config
from service.worker import run_due_timers

from .conftest import FPT, HAICHAU, STC, SYT, YEAR, World, collective, enterprise, individual, submit_and_review

CLEARED = {"tax_clearance": True, "social_insurance_clearance": True, "clearance_note": "Số 12/CT-TTHT"}


@pytest.fixture
def short_notice(world, app):
    """The public notice shortened through configuration (never skipped): two seconds. Also the individual
    rate of the Chairman's Certificate of Merit, which DOMAIN B1.5 leaves unverified [U]."""
    world.session.add(LegalParameter(key="public_notice.duration", value="PT2S", valid_from=date(2024, 1, 1),
                                     source="Cấu hình kiểm thử: rút ngắn thời gian công khai"))
    rates = config.param(world.session, "reward.multipliers", on=date(YEAR, 10, 1))
    if not any(rate["award_code"] == "city_chairman_certificate_of_merit" and rate["subject_kind"] == "individual"
               for rate in rates):
        world.session.add(LegalParameter(key="reward.multipliers", valid_from=date(YEAR, 1, 1), value=[*rates, {
            "award_code": "city_chairman_certificate_of_merit", "subject_kind": "individual", "multiplier": "1.0"}],
            source="Cấu hình kiểm thử: mức cho cá nhân chưa xác minh [U]"))
    world.session.commit()
    return app.extensions["vinhdanh"].session_factory


def fire_notice_timer(world: World, factory, round_instance: int) -> None:
    """Wait until the notice's own close time, then let the worker fire it."""
    world.session.expire_all()
    timer = world.session.scalar(select(Timer).where(Timer.instance_id == round_instance))
    assert timer is not None and timer.element_id == "notice_over"
    from service.db import utcnow

    remaining = (timer.fire_at - utcnow()).total_seconds()
    assert remaining < 30, f"the notice was not shortened by configuration (closes in {remaining:.0f}s)"
    time.sleep(max(0.0, remaining) + 0.05)
    assert run_due_timers(factory) >= 1


def collect_dossiers(world: World) -> dict[str, dict]:
    """A department (collective and individuals), a ward and an enterprise, all accepted."""
    return {
        "STC": submit_and_review(world, STC, [collective("Sở Tài chính", subject="STC", state_level=True),
                                              individual("Nguyễn Văn An"), individual("Trần Thị Bình")]),
        "P_HAICHAU": submit_and_review(world, HAICHAU, [collective("Ủy ban nhân dân phường Hải Châu",
                                                                   subject="P_HAICHAU", dx=91.0)]),
        "DN_FPT": submit_and_review(world, FPT, [enterprise("Công ty Cổ phần Phần mềm FPT Đà Nẵng")],
                                    clearances=[CLEARED]),
    }


def close_and_consolidate(world: World) -> int:
    round_instance = world.round()["instance_id"]
    world.post("lead_reviewer", f"/api/v1/rounds/{world.round_id}/close", {"reason": "Đã đủ hồ sơ"})
    assert world.open_elements(round_instance) == ["review_consolidation"]
    return round_instance


def through_appraisal(world: World, round_instance: int) -> None:
    world.act("lead_reviewer", round_instance, "review_consolidation", {"consolidation_note": "Đã rà soát"})
    world.act("lead_head", round_instance, "lead_sign", {"decision": "approve"})
    world.act("ec_officer", round_instance, "appraise", {"decision": "approve"})


def after_notice_to_chairman(world: World, round_instance: int) -> None:
    if "council_standing_review" in world.open_elements(round_instance):
        world.act("council_member", round_instance, "council_standing_review", {"decision": "approve"})
    world.act("snv_director", round_instance, "home_affairs_submit", {"decision": "approve"})


def test_happy_path_with_a_department_a_ward_an_enterprise_and_individuals(world, short_notice):
    world.open_round(total_quota=10)
    dossiers = collect_dossiers(world)
    round_instance = close_and_consolidate(world)
    through_appraisal(world, round_instance)
    fire_notice_timer(world, short_notice, round_instance)
    after_notice_to_chairman(world, round_instance)
    world.act("chairman", round_instance, "chairman_decide", {"decision": "approve_all", "signed_as": "chairman"})

    finished = world.instance(round_instance)
    assert finished["status"] == "completed", finished.get("error")
    shown = world.round()
    assert shown["decision_number"], "the decision got its number from the city's yearly register"
    for dossier in dossiers.values():
        assert world.instance(dossier["instance_id"])["status"] == "completed"  # outcome received, ended
    outcomes = {name: row["outcome"] for name, row in world.ranking().items()}
    assert set(outcomes) == {"Sở Tài chính", "Nguyễn Văn An", "Trần Thị Bình", "Ủy ban nhân dân phường Hải Châu",
                             "Công ty Cổ phần Phần mềm FPT Đà Nẵng"}
    assert set(outcomes.values()) <= {"awarded", "escalated"}
    register = world.get("auditor", f"/api/v1/awards-register?round_id={world.round_id}")
    assert register["total"] == 5


def test_quotas_cut_the_ranked_list(world, short_notice):
    world.open_round(total_quota=2, quotas={"STC": 1})
    submit_and_review(world, STC, [collective("Sở Tài chính", subject="STC"), individual("Nguyễn Văn An")])
    submit_and_review(world, HAICHAU, [collective("Ủy ban nhân dân phường Hải Châu", subject="P_HAICHAU", dx=95.0)])
    submit_and_review(world, SYT, [collective("Sở Y tế", subject="SYT", dx=82.0)])
    close_and_consolidate(world)
    outcomes = {name: row["outcome"] for name, row in world.ranking().items()}
    assert sorted(outcomes.values()).count("proposed_to_city") == 2
    assert list(outcomes.values()).count("cut_by_quota") == 2
    assert outcomes["Ủy ban nhân dân phường Hải Châu"] == "proposed_to_city"  # highest index ranks first


def test_a_nominee_proposed_twice_for_the_same_achievement(world):
    world.open_round(total_quota=10)
    same = "CDS-2026-SO-HOA-HO-SO"
    submit_and_review(world, STC, [individual("Nguyễn Văn An", key=same)])
    submit_and_review(world, SYT, [individual("Nguyễn Văn An", key=same)])
    close_and_consolidate(world)
    outcomes = sorted(row["outcome"] for row in world.get(
        "lead_reviewer", f"/api/v1/rounds/{world.round_id}/ranking")["items"])
    assert outcomes == ["duplicate", "proposed_to_city"]


def test_home_affairs_returns_to_the_lead_agency(world):
    world.open_round(total_quota=10)
    submit_and_review(world, STC, [collective("Sở Tài chính", subject="STC")])
    round_instance = close_and_consolidate(world)
    world.act("lead_reviewer", round_instance, "review_consolidation", {})
    world.act("lead_head", round_instance, "lead_sign", {"decision": "approve"})
    assert world.act("ec_officer", round_instance, "appraise", {"decision": "return"}, status=422)
    world.act("ec_officer", round_instance, "appraise",
              {"decision": "return", "return_reason": "Bổ sung xác nhận của cấp trên"})
    review = world.task("lead_reviewer", round_instance, "review_consolidation")
    assert review["data"]["revision_request"] == {"step": "Sở Nội vụ (thẩm định)", "decision": "return",
                                                  "reason": "Bổ sung xác nhận của cấp trên"}
    assert review["due_at"]


def test_a_public_comment_flags_the_nominee_and_the_chairman_excludes_one(world, short_notice):
    world.open_round(total_quota=10)
    collect_dossiers(world)
    round_instance = close_and_consolidate(world)
    through_appraisal(world, round_instance)
    notices = world.client.get("/api/v1/public/notices").get_json()["items"]
    [notice] = notices
    flagged = world.ranking()["Trần Thị Bình"]
    response = world.client.post(f"/api/v1/public/notices/{notice['id']}/comments", json={
        "nominee_id": flagged["nominee_id"], "author_name": "Một người dân", "content": "Đề nghị xác minh thành tích"})
    assert response.status_code == 201, response.get_json()
    assert world.ranking()["Trần Thị Bình"]["public_comment_flag"] is True
    fire_notice_timer(world, short_notice, round_instance)

    review = world.task("ec_officer", round_instance, "review_comments")
    assert [row["name"] for row in review["data"]["flagged"]] == ["Trần Thị Bình"]
    world.act("ec_officer", round_instance, "review_comments", {"flagged": [{"exclude": False, "note": "Đã xác minh"}]})
    after_notice_to_chairman(world, round_instance)
    excluded = world.ranking()["Nguyễn Văn An"]["nominee_id"]
    world.act("chairman", round_instance, "chairman_decide",
              {"decision": "approve_with_exclusions", "excluded_nominee_ids": [excluded],
               "exclusion_reason": "Chưa đủ thời gian công tác"})
    outcomes = {name: row["outcome"] for name, row in world.ranking().items()}
    assert outcomes["Nguyễn Văn An"] == "excluded"
    assert outcomes["Trần Thị Bình"] in ("awarded", "escalated")


def test_state_level_escalation_and_the_central_result(world, short_notice):
    world.open_round(total_quota=10)
    collect_dossiers(world)
    round_instance = close_and_consolidate(world)
    through_appraisal(world, round_instance)
    fire_notice_timer(world, short_notice, round_instance)
    after_notice_to_chairman(world, round_instance)
    world.act("chairman", round_instance, "chairman_decide", {"decision": "approve_all"})
    proposals = world.get("auditor", "/api/v1/process-instances?process_key=state_level_proposal")["items"]
    assert len(proposals) == 1
    proposal = proposals[0]["id"]
    world.act("ec_officer", proposal, "prepare_state_dossier", {"state_award_form": "pm_certificate_of_merit"})
    world.act("chairman", proposal, "chairman_sign_state", {"decision": "approve"})
    world.act("ec_officer", proposal, "dispatch_to_ministry", {"dispatch_reference": "Tờ trình 88/TTr-UBND"})
    escalated = world.ranking()["Sở Tài chính"]
    assert escalated["outcome"] == "escalated"
    world.session.expire_all()
    posted = world.post("integration", "/api/v1/messages", {
        "name": "state_level_result", "correlation": {"round_id": world.round_id},
        "payload": {"results": [{"nominee_id": escalated["nominee_id"], "awarded": True,
                                 "decision_number": "1234/QĐ-TTg"}]}})
    assert posted["delivered_to"] == [proposal]
    assert world.instance(proposal)["status"] == "completed"
    assert world.ranking()["Sở Tài chính"]["outcome"] == "state_awarded"
