"""Dossiers: council rules, eligibility, submission within the round, return, handlers and guards."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from service.db import utcnow
from service.engine.service_tasks import StepContext, get_handler, step_context
from service.errors import InvalidState, NotFound, ValidationFailed
from service.models import OrgUnit
from service.nomination import council, dossiers, dx_scores, rounds
from service.operations.guards import GuardContext, run_guards

from .domain_support import Domain, build_domain, collective, individual


@pytest.fixture
def domain(app, session) -> Domain:
    return build_domain(session)


def call(domain, name: str, data: dict, **params):
    """Run a registered handler as an engine step would (same session, step context set)."""
    context = StepContext(session=domain.session, instance_id=None, actor_id=None, now=utcnow())
    with step_context(context):
        return get_handler(name)(data, **params)


def guard(domain, names: str, *, data: dict, submitted: dict | None = None):
    context = GuardContext(session=domain.session, instance=SimpleNamespace(data=data), task=None,
                           actor=None, submitted=submitted or {})
    run_guards(names, context)


def test_council_quorum_and_pass_rule_are_exact_ratios(domain):
    rules = council.rules(domain.session, on=date(2026, 10, 1))
    assert rules.quorum_met(6, 9) and not rules.quorum_met(5, 9)  # 2/3 of 9 is 6
    assert rules.passes(5, 8, 9) and not rules.passes(4, 8, 9)  # more than half of those present
    assert rules.votes_needed(8, 9) == 5
    award = council.rules(domain.session, on=date(2026, 10, 1), award_session=True)
    assert award.quorum_met(8, 10) and not award.quorum_met(7, 10)  # 80 %


def test_handlers_walk_a_dossier_from_draft_to_submission(domain):
    session = domain.session
    round_ = domain.open_round()
    dossier = dossiers.create_dossier(session, actor=domain.user("officer_stc"), round_id=round_.id)
    session.commit()
    data = {"dossier_id": dossier.id, "round_id": round_.id}
    synced = call(domain, "sync_nominees", {**data, "nominees": [
        collective(dossier.unit_name, dx_index_score=70),
        individual("Trần Thị B", date(1985, 5, 5)),
        individual("Lê Văn C", date(1990, 2, 2), annual_rating="good"),
        {"kind": "enterprise", "name": "Công ty X", "tax_clearance": True, "social_insurance_clearance": False},
    ]})
    ids = [row["id"] for row in synced["nominees"]]
    assert synced["count"] == 4
    # The unit nominating itself is identified as that unit, so the imported DX score applies to it.
    assert session.get(type(dossier.nominees[0]), ids[0]).identity_key == "unit:STC"

    result = call(domain, "evaluate_council", {**data, "council_members_total": 9, "council_members_present": 7,
                                               "nominees": [{"id": ids[0], "votes_for": 7},
                                                            {"id": ids[1], "votes_for": 6},
                                                            {"id": ids[2], "votes_for": 3},
                                                            {"id": ids[3], "votes_for": 4}]})
    assert result["quorum_met"] and result["votes_needed"] == 4
    assert [item["passed"] for item in result["nominees"]] == [True, True, False, True]
    dropped = session.get(type(dossier.nominees[0]), ids[2])
    assert dropped.outcome == "dropped_by_council" and "3/7" in dropped.outcome_reason

    stc = session.scalar(select(OrgUnit).where(OrgUnit.code == "STC"))
    dx_scores.import_scores(session, actor=domain.user("sysadmin"),
                            source=b"org_unit_code,year,score\nSTC,2026,83.5\n", edition_number="2386/QĐ-UBND")
    inputs = call(domain, "check_eligibility_inputs", data)
    assert inputs["count"] == 3 and inputs["nominees"][0]["dx_index_score"] == 83.5  # the import wins over 70
    assert inputs["nominees"][0]["dx_threshold"] == 80 and inputs["nominees"][0]["is_agency"] is True
    assert stc.id

    recorded = call(domain, "record_eligibility", data)  # no table result given: the built-in rule
    outcomes = {row["nominee_id"]: (row["outcome"], row["reasons"]) for row in recorded["nominees"]}
    assert outcomes[ids[0]][0] == "eligible" and outcomes[ids[1]][0] == "eligible"
    assert outcomes[ids[3]][0] == "ineligible" and "bảo hiểm xã hội" in outcomes[ids[3]][1][0]
    # A decision table's result, when given, is what is stored.
    call(domain, "record_eligibility", {**data, "eligibility_results": [
        {"nominee_id": ids[3], "eligible": True}]})
    assert session.get(type(dossier.nominees[0]), ids[3]).outcome == "eligible"

    guard(domain, "round_open", data=data)
    submitted = call(domain, "submit_dossier", data)
    assert submitted["status"] == "submitted" and submitted["unit_name"] == "Đơn vị STC"


def test_submission_keeps_the_units_name_of_that_day(domain):
    session = domain.session
    round_ = domain.open_round()
    dossier = domain.submit(domain.dossier(round_, "officer_syt", [collective("Sở Y tế")]))
    unit = session.scalar(select(OrgUnit).where(OrgUnit.code == "SYT"))
    unit.name = "Sở Y tế và An toàn thực phẩm"  # renamed later (a merger)
    session.commit()
    session.refresh(dossier)
    assert dossier.unit_name == "Đơn vị SYT" and dossier.nominees[0].unit_name == "Đơn vị SYT"


def test_late_or_closed_round_refuses_submission_and_nothing_changes(domain):
    session = domain.session
    round_ = domain.open_round()
    dossier = domain.dossier(round_, "officer_stc", [collective("Sở Tài chính")])
    round_.deadline = utcnow() - timedelta(minutes=1)
    session.commit()
    with pytest.raises(InvalidState) as late:
        guard(domain, "round_open", data={"dossier_id": dossier.id})
    assert "hết hạn" in late.value.message
    with pytest.raises(InvalidState):
        dossiers.submit_dossier(session, actor=None, dossier_id=dossier.id)
    session.rollback()
    assert dossiers.get_dossier(session, actor=None, dossier_id=dossier.id).status == "draft"
    round_.deadline = utcnow() + timedelta(days=1)
    rounds.close_round(session, actor=domain.user("reviewer"), round_id=round_.id, reason="Đóng sớm")
    session.commit()
    with pytest.raises(InvalidState):
        guard(domain, "round_open", data={"round_id": round_.id})


def test_return_needs_a_reason_and_reopens_the_dossier(domain):
    round_ = domain.open_round()
    dossier = domain.submit(domain.dossier(round_, "officer_stc", [collective("Sở Tài chính")]))
    with pytest.raises(ValidationFailed) as missing:
        guard(domain, "return_reason_required", data={}, submitted={"decision": "return", "return_reason": "  "})
    assert "return_reason" in missing.value.details["fields"]
    guard(domain, "return_reason_required", data={}, submitted={"decision": "approve"})
    returned = call(domain, "return_dossier", {"dossier_id": dossier.id, "return_reason": "Thiếu biên bản"})
    assert returned == {"dossier_id": dossier.id, "status": "returned", "return_count": 1,
                        "return_reason": "Thiếu biên bản"}
    domain.submit(dossier)  # resubmittable until the deadline
    rejected = call(domain, "return_dossier", {"dossier_id": dossier.id, "return_reason": "Không thuộc đối tượng"},
                    mode="reject")
    assert rejected["status"] == "rejected"
    assert dossier.nominees[0].outcome == "ineligible"


def test_hold_blocks_and_is_refused_with_its_reason(domain):
    session = domain.session
    round_ = domain.open_round()
    dossier = domain.dossier(round_, "officer_stc", [individual("Phạm Văn D", date(1979, 3, 3))])
    nominee = dossier.nominees[0]
    with pytest.raises(NotFound):  # Home Affairs does not see a unit's draft
        dossiers.set_hold(session, actor=domain.user("ec"), dossier_id=dossier.id, nominee_id=nominee.id,
                          on_hold=True, reason="Đang bị thanh tra")
    domain.submit(dossier)
    dossiers.set_hold(session, actor=domain.user("ec"), dossier_id=dossier.id, nominee_id=nominee.id, on_hold=True,
                      reason="Đang bị thanh tra")
    session.commit()
    assert nominee.outcome == "held"
    with pytest.raises(InvalidState) as held:
        guard(domain, "nominees_not_on_hold", data={"dossier_id": dossier.id})
    assert "Đang bị thanh tra" in held.value.message
    dossiers.set_hold(session, actor=domain.user("officer_stc"), dossier_id=dossier.id, nominee_id=nominee.id,
                      on_hold=False, reason=None)
    guard(domain, "nominees_not_on_hold", data={"dossier_id": dossier.id})
    assert nominee.outcome == "proposed"
