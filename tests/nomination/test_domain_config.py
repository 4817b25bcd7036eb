"""Rules as dated configuration: parameters by date, the lead agency by date, the working-day calendar."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from service.calendar.working_days import VIETNAM_TZ
from service.errors import InvalidState
from service.models import AwardRound, LegalParameter, Movement, OrgUnit
from service.nomination import config, eligibility, movements, parameters, rounds, seed
from service.operations import assignment

from .domain_support import Domain, build_domain


@pytest.fixture
def domain(app, session) -> Domain:
    return build_domain(session)


def test_seed_holds_every_legal_number_with_a_source_and_is_idempotent(domain):
    session = domain.session
    rows = session.scalars(select(LegalParameter)).all()
    assert rows and all(row.source for row in rows)
    keys = {row.key for row in rows}
    assert {"dx_index.eligibility_threshold", "council.quorum", "council.award_session_quorum", "council.pass_rule",
            "public_notice.working_days", "appraisal.return_incomplete_working_days",
            "appraisal.appraise_working_days", "appraisal.decide_working_days", "reward.base_salary",
            "reward.multipliers", "document.type_abbreviations", "registration.deadline",
            "registration.reminder_working_days", "calendar"} <= keys
    assert seed.seed(session) == []  # nothing new the second time
    assert len(session.scalars(select(LegalParameter)).all()) == len(rows)
    assert config.param(session, "reward.base_salary", on=date(2026, 1, 1)) == 2_340_000
    assert config.param(session, "document.type_abbreviations")["decision"] == "QĐ"
    assert config.fraction(config.param(session, "council.quorum")) == (2, 3)


def test_a_new_threshold_applies_from_its_date_only(domain):
    session = domain.session
    parameters.add_parameter(session, actor=domain.user("sysadmin"), values={
        "key": "dx_index.eligibility_threshold", "value": 85, "valid_from": date(2027, 1, 1),
        "source": "Quyết định giả định để kiểm thử"})
    session.commit()
    assert config.param(session, "dx_index.eligibility_threshold", on=date(2026, 12, 31)) == 80
    assert config.param(session, "dx_index.eligibility_threshold", on=date(2027, 1, 1)) == 85
    old = session.scalar(select(LegalParameter).where(LegalParameter.key == "dx_index.eligibility_threshold",
                                                      LegalParameter.valid_from == date(2021, 12, 10)))
    assert old.valid_to == date(2027, 1, 1)  # the previous value now ends where the new one starts

    # The same facts are judged by the rule in force on each round's date.
    inputs = {"kind": "collective", "is_agency": True, "dx_index_score": 82.0, "tasks_completed": True,
              "on_hold": False}
    ok_2026, _, _ = eligibility.evaluate({**inputs, "dx_threshold": config.param(
        session, "dx_index.eligibility_threshold", on=date(2026, 10, 1))})
    ok_2027, reasons, _ = eligibility.evaluate({**inputs, "dx_threshold": config.param(
        session, "dx_index.eligibility_threshold", on=date(2027, 10, 1))})
    assert ok_2026 and not ok_2027 and "85" in reasons[0]


def test_missing_parameter_is_a_clear_error(domain):
    with pytest.raises(InvalidState) as caught:
        config.param(domain.session, "dx_index.eligibility_threshold", on=date(2020, 1, 1))
    assert caught.value.code == "parameter_missing" and "01/01/2020" in caught.value.message
    assert config.param(domain.session, "no.such.key", default=7) == 7


def test_lead_agency_is_resolved_for_the_rounds_date(domain):
    session = domain.session
    movement = session.scalar(select(Movement).where(Movement.code == "CDS_2021_2030"))
    assert movement.decision_number == "3970/QĐ-UBND" and movement.decision_date == date(2021, 12, 10)
    assert movements.lead_for(session, movement, date(2025, 2, 28)).code == "STTTT"
    assert movements.lead_for(session, movement, date(2025, 3, 1)).code == "SKHCN"
    kinds = {(r.year, r.kind) for r in session.scalars(select(AwardRound).where(AwardRound.movement_id == movement.id))}
    assert (2025, "interim_review") in kinds and (2030, "final_review") in kinds
    assert {(year, "annual") for year in range(2022, 2031)} <= kinds

    # The 2024 round opened in February 2025 is led by the old department; the new one cannot open it.
    planned = domain.planned_round(2024)
    with pytest.raises(Exception) as refused:
        rounds.open_round(session, actor=domain.user("reviewer"), round_id=planned.id,
                          values={"opens_on": date(2025, 2, 10)})
    assert refused.value.code == "forbidden"
    session.rollback()
    opened = rounds.open_round(session, actor=domain.user("old_reviewer"), round_id=planned.id,
                               values={"opens_on": date(2025, 2, 10)})
    assert opened.lead_org_unit.code == "STTTT"
    assert opened.deadline.astimezone(VIETNAM_TZ).date() == date(2024, 12, 10)  # default: 10/12 of the round year
    historical = session.scalar(select(OrgUnit).where(OrgUnit.code == "STTTT"))
    assert historical.name  # kept for history; its successor is the new lead once the tree is loaded


def test_calendar_parameters_drive_working_day_due_dates(domain):
    session = domain.session
    parameters.add_parameter(session, actor=domain.user("sysadmin"), values={
        "key": "calendar", "valid_from": date(2027, 1, 1), "valid_to": date(2028, 1, 1),
        "value": {"extra_days_off": [{"date": "2027-03-01", "name": "Nghỉ thử nghiệm"}],
                  "makeup_working_days": ["2027-03-06"]},
        "source": "Thông báo giả định"})
    session.commit()
    calendar = config.calendar(session)
    assert not calendar.is_working_day(date(2027, 3, 1)) and calendar.is_working_day(date(2027, 3, 6))
    # Friday 26/02/2027 + 1 working day: Monday 1/3 is off, so Tuesday 2/3.
    assert calendar.add_working_days(date(2027, 2, 26), 1) == date(2027, 3, 2)

    class Instance:  # what resolve() reads of an instance when a task has no lane
        org_unit_id = None
        started_by_id = None

    start = datetime.now(VIETNAM_TZ)
    resolved = assignment.resolve(session, meta={"properties": {"due_param": "appraisal.appraise_working_days"}},
                                  data={}, instance=Instance(), calendar=calendar,
                                  working_days_param=lambda key: config.working_days_param(session, key))
    expected = calendar.add_working_days(start, 20)
    assert resolved.due_at is not None and abs(resolved.due_at - expected) < timedelta(minutes=1)
    assert resolved.due_at - start > timedelta(days=26)  # 20 working days are four calendar weeks or more
