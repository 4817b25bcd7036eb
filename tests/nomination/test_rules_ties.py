"""A tie at the quota boundary is surfaced for the reviewer with the tied nominees and the criteria that
tied, never broken by the order the dossiers arrived in; the list goes on only once it is decided."""

from __future__ import annotations

from .conftest import HAICHAU, STC, SYT, collective, submit_and_review
from .test_paths_round import close_and_consolidate


def test_a_tie_at_the_total_quota_waits_for_the_reviewer_then_goes_on(world):
    world.open_round(total_quota=2)
    submit_and_review(world, HAICHAU, [collective("Ủy ban nhân dân phường Hải Châu", subject="P_HAICHAU", dx=95.0)])
    submit_and_review(world, STC, [collective("Sở Tài chính", subject="STC", dx=88.0)])  # arrives first
    submit_and_review(world, SYT, [collective("Sở Y tế", subject="SYT", dx=88.0)])  # same index, same votes
    round_instance = close_and_consolidate(world)

    ranking = world.ranking()
    assert ranking["Ủy ban nhân dân phường Hải Châu"]["outcome"] == "proposed_to_city"
    assert ranking["Sở Tài chính"]["outcome"] == ranking["Sở Y tế"]["outcome"] == "tied_at_quota"
    assert ranking["Sở Tài chính"]["rank"] == ranking["Sở Y tế"]["rank"] == 2
    reason = ranking["Sở Y tế"]["outcome_reason"]
    assert "chỉ số chuyển đổi số" in reason and "Sở Tài chính" in reason and "1 suất cho 2" in reason
    ties = world.get("lead_reviewer", f"/api/v1/rounds/{world.round_id}/ties")["items"]
    assert len(ties) == 1 and ties[0]["places"] == 1 and not ties[0]["resolved"]
    assert set(ties[0]["names"]) == {"Sở Tài chính", "Sở Y tế"}
    assert ties[0]["criteria"] == ["dx_index_score", "vote_share"]

    refused = world.act("lead_reviewer", round_instance, "review_consolidation", {"consolidation_note": "x"},
                        status=409)
    assert refused["error"]["code"] == "unresolved_ties"
    assert world.open_elements(round_instance) == ["review_consolidation"]  # nothing moved

    url = f"/api/v1/rounds/{world.round_id}/ties/0/resolve"
    syt_id = ranking["Sở Y tế"]["nominee_id"]
    both = [syt_id, ranking["Sở Tài chính"]["nominee_id"]]
    world.post("lead_reviewer", url, {"proposed": both, "reason": "Cả hai"}, status=422)  # one place only
    world.post("lead_reviewer", url, {"proposed": [syt_id], "reason": ""}, status=422)  # a reason is required
    world.post("stc_officer", url, {"proposed": [syt_id], "reason": "x"}, status=404)  # not the lead agency
    world.post("lead_reviewer", url, {"proposed": [syt_id], "reason": "Có nhiều sáng kiến được áp dụng hơn"})
    ranking = world.ranking()
    assert ranking["Sở Y tế"]["outcome"] == "proposed_to_city"
    assert ranking["Sở Tài chính"]["outcome"] == "cut_by_quota"
    assert "Có nhiều sáng kiến" in ranking["Sở Tài chính"]["outcome_reason"]
    assert any(event["action"] == "round.tie_resolved" for event in world.history(round_instance))
    world.act("lead_reviewer", round_instance, "review_consolidation", {"consolidation_note": "Đã rà soát"})
    assert world.open_elements(round_instance) == ["lead_sign"]
