"""A timer that is already due when the instance reaches it fires in that same step, audited like any other."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from service.models import AuditEvent, HumanTask, Timer
from service.operations import audit, instances


@pytest.fixture
def officer(create_org_unit, create_user, deploy):
    create_org_unit("DEPT")
    user = create_user("officer", "DEPT", ["unit_officer"])
    deploy("timers/boundary_timer.bpmn")
    return user


def test_a_boundary_timer_due_on_arrival_fires_in_the_step_and_is_audited(session, officer):
    instance = instances.start_instance(session, actor=officer, process_key="boundary_timer",
                                        data={"timeout": "PT0S"})
    session.commit()
    states = dict(session.execute(select(HumanTask.element_id, HumanTask.state)
                                  .where(HumanTask.instance_id == instance.id)).all())
    actions = [(event.action, event.element_id) for event in session.scalars(
        select(AuditEvent).where(AuditEvent.instance_id == instance.id).order_by(AuditEvent.seq))]
    assert states.get("escalated") == "open" and states.get("review") in (None, "cancelled"), states
    assert actions.count(("timer.fired", "deadline")) == 1, actions
    assert actions.index(("timer.fired", "deadline")) < actions.index(("task.created", "escalated"))
    assert session.scalars(select(Timer).where(Timer.instance_id == instance.id)).all() == []
    assert audit.verify_stream(session, f"instance:{instance.id}") == []
