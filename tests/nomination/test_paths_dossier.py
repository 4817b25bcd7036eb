"""unit_nomination walked as the real roles: returns, the deadline, eligibility, clearances, council votes, holds."""

from __future__ import annotations

from datetime import timedelta

from service.db import utcnow

from .conftest import (
    FPT,
    HAICHAU,
    STC,
    SYT,
    collective,
    enterprise,
    individual,
    minutes,
    submit_and_review,
    walk_to_submission,
)

CLEARED = {"tax_clearance": True, "social_insurance_clearance": True, "clearance_note": "Số 12/CT-TTHT"}


def test_dossier_reaches_the_lead_agency_and_waits_for_its_outcome(world):
    world.open_round()
    dossier = submit_and_review(world, STC, [collective("Sở Tài chính", subject="STC"), individual("Nguyễn Văn An")])
    assert world.open_elements(dossier["instance_id"]) == []
    assert world.instance(dossier["instance_id"])["status"] == "waiting"  # for message dossier_outcome
    assert world.dossier(dossier["id"])["status"] == "accepted"
    outcomes = {name: nominee["outcome"] for name, nominee in world.nominees(dossier["id"]).items()}
    assert outcomes == {"Sở Tài chính": "accepted", "Nguyễn Văn An": "accepted"}
    review = [event for event in world.history(dossier["instance_id"]) if event["action"] == "task.created"]
    assert all(event["details"]["due_at"] for event in review), "every human task has a due date"


def test_unit_head_returns_with_a_required_reason_that_the_officer_then_sees(world):
    world.open_round()
    dossier = world.start_dossier(SYT.officer)
    instance_id = dossier["instance_id"]
    world.act(SYT.officer, instance_id, "draft", {"nominees": [collective("Sở Y tế", subject="SYT")]})
    world.act(SYT.officer, instance_id, "council_minutes",
              minutes([6], total=7, present=7))
    refused = world.act(SYT.head, instance_id, "head_sign", {"decision": "return"}, status=422)
    assert "return_reason" in refused["error"]["details"]["fields"]
    assert world.open_elements(instance_id) == ["head_sign"]  # nothing moved

    world.act(SYT.head, instance_id, "head_sign",
              {"decision": "return", "return_reason": "Bổ sung số liệu thủ tục hành chính trực tuyến"})
    draft = world.task(SYT.officer, instance_id, "draft")
    assert draft["data"]["revision_request"] == {"step": "Thủ trưởng đơn vị", "decision": "return",
                                                 "reason": "Bổ sung số liệu thủ tục hành chính trực tuyến"}
    assert draft["data"]["nominees"][0]["name"] == "Sở Y tế"  # the draft keeps what was typed
    history = world.history(instance_id)
    assert any(event["action"] == "task.completed" and event["element_id"] == "head_sign" for event in history)


def test_lead_agency_returns_and_the_unit_resubmits_before_the_deadline(world):
    world.open_round()
    rows = [collective("Ủy ban nhân dân phường Hải Châu", subject="P_HAICHAU")]
    dossier = walk_to_submission(world, HAICHAU, rows)
    instance_id = dossier["instance_id"]
    world.act(HAICHAU.officer, instance_id, "submit", {})
    world.act("lead_reviewer", instance_id, "lead_review",
              {"decision": "return", "return_reason": "Thiếu biên bản họp xét có chữ ký"})
    assert world.dossier(dossier["id"])["status"] == "returned"
    draft = world.task(HAICHAU.officer, instance_id, "draft")
    assert draft["data"]["revision_request"]["reason"] == "Thiếu biên bản họp xét có chữ ký"
    assert draft["data"]["revision_request"]["step"] == "Cơ quan chủ trì phong trào"

    walk_to_submission(world, HAICHAU, [{**rows[0], "achievement_summary": "Đã bổ sung biên bản"}], dossier=dossier)
    world.act(HAICHAU.officer, instance_id, "submit", {})
    world.act("lead_reviewer", instance_id, "lead_review", {"decision": "accept"})
    shown = world.dossier(dossier["id"])
    assert shown["status"] == "accepted" and shown["return_count"] == 1
    assert len(shown["nominees"]) == 1  # the resubmission updated the nominee, it did not add a second one


def test_submission_after_the_deadline_is_refused_and_nothing_changes(world):
    world.open_round()
    dossier = walk_to_submission(world, STC, [collective("Sở Tài chính", subject="STC")])
    before = world.instance(dossier["instance_id"])
    world.move_deadline(utcnow() - timedelta(minutes=1))
    refused = world.act(STC.officer, dossier["instance_id"], "submit", {}, status=409)
    assert refused["error"]["message"].startswith("Đợt khen thưởng đã hết hạn nhận hồ sơ")
    after = world.instance(dossier["instance_id"])
    assert after["data"] == before["data"] and world.open_elements(dossier["instance_id"]) == ["submit"]
    assert world.dossier(dossier["id"])["status"] == "draft"


def test_agency_at_index_79_9_is_ineligible_with_the_reason(world):
    world.open_round()
    dossier = submit_and_review(world, STC, [collective("Sở Tài chính", subject="STC", dx=79.9),
                                             individual("Trần Thị Bình")])
    nominees = world.nominees(dossier["id"])
    assert nominees["Sở Tài chính"]["outcome"] == "ineligible"
    assert "79.9" in nominees["Sở Tài chính"]["outcome_reason"] and "80" in nominees["Sở Tài chính"]["outcome_reason"]
    assert nominees["Trần Thị Bình"]["outcome"] == "accepted"
    checks = world.instance(dossier["instance_id"])["data"]["eligibility_checks"]
    assert {row["name"]: row["status"] for row in checks} == {"Sở Tài chính": "ineligible",
                                                              "Trần Thị Bình": "eligible"}


def test_enterprise_without_tax_clearance_is_blocked(world):
    world.open_round()
    rows = [enterprise("Công ty Cổ phần Phần mềm FPT Đà Nẵng"), enterprise("Công ty TNHH Sao Biển")]
    dossier = submit_and_review(world, FPT, rows, clearances=[
        CLEARED, {"tax_clearance": False, "social_insurance_clearance": True}])
    nominees = world.nominees(dossier["id"])
    assert nominees["Công ty Cổ phần Phần mềm FPT Đà Nẵng"]["outcome"] == "accepted"
    blocked = nominees["Công ty TNHH Sao Biển"]
    assert blocked["outcome"] == "ineligible" and "thuế" in blocked["outcome_reason"]


def test_council_vote_below_the_rule_drops_the_nominee_with_the_reason(world):
    world.open_round()
    rows = [individual("Lê Văn Cường"), individual("Phạm Thị Dung")]
    dossier = walk_to_submission(world, SYT, rows, votes=[7, 4])  # 8 present: 4 is not more than half
    nominees = world.nominees(dossier["id"])
    assert nominees["Lê Văn Cường"]["outcome"] != "dropped_by_council"
    dropped = nominees["Phạm Thị Dung"]
    assert dropped["outcome"] == "dropped_by_council" and dropped["votes_for"] == 4
    assert dropped["outcome_reason"]
    rows_after = world.instance(dossier["instance_id"])["data"]["nominees"]
    assert [row["council_passed"] for row in rows_after] == [True, False]


def test_council_without_quorum_sends_the_dossier_back_to_draft(world):
    world.open_round()
    dossier = world.start_dossier(SYT.officer)
    world.act(SYT.officer, dossier["instance_id"], "draft", {"nominees": [individual("Lê Văn Cường")]})
    world.act(SYT.officer, dossier["instance_id"], "council_minutes",
              minutes([5], total=9, present=5))
    draft = world.task(SYT.officer, dossier["instance_id"], "draft")
    assert draft["data"]["revision_request"]["step"] == "Hội đồng TĐKT đơn vị"
    assert world.nominees(dossier["id"])["Lê Văn Cường"]["outcome"] == "dropped_by_council"


def test_a_hold_blocks_the_nominee(world):
    world.open_round()
    dossier = world.start_dossier(STC.officer)
    world.act(STC.officer, dossier["instance_id"], "draft",
              {"nominees": [individual("Võ Văn Em"), individual("Đỗ Thị Giang")]})
    held = world.nominees(dossier["id"])["Võ Văn Em"]
    world.post(STC.officer, f"/api/v1/dossiers/{dossier['id']}/nominees/{held['id']}/hold",
               {"on_hold": True, "hold_reason": "Đang bị xem xét kỷ luật theo Kết luận thanh tra số 5/KL-TTr"})
    instance_id = dossier["instance_id"]
    world.act(STC.officer, instance_id, "council_minutes",
              minutes([9, 9], total=9, present=9))
    world.act(STC.head, instance_id, "head_sign", {"decision": "approve"})
    world.act(STC.superior, instance_id, "superior_confirm", {"decision": "approve"})
    refused = world.act(STC.officer, instance_id, "submit", {}, status=409)
    assert "Võ Văn Em" in refused["error"]["message"] and "kỷ luật" in refused["error"]["message"]
    assert world.open_elements(instance_id) == ["submit"]
    assert world.dossier(dossier["id"])["status"] == "draft"
