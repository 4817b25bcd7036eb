"""The compiled dumps of hot lists produce exactly what their marshmallow schemas produce."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from marshmallow import Schema, fields
from sqlalchemy import select

from service.api.dumping import compiled_dump
from service.api.instances import INSTANCE, instance_body
from service.api.tasks import TASK, task_body
from service.models import HumanTask, ProcessInstance
from service.operations import instances, tasks


def test_tasks_and_instances_dump_as_their_schemas(session, create_org_unit, create_user, deploy):
    create_org_unit("DEPT")
    officer = create_user("officer", "DEPT", ["unit_officer"])
    deploy("demo_approval.bpmn", "demo_draft.form")
    started = [instances.start_instance(session, actor=officer, process_key="demo_approval", data={"n": n})
               for n in range(3)]
    claimed = session.scalars(select(HumanTask).where(HumanTask.instance_id == started[0].id)).one()
    tasks.claim(session, actor=officer, task_id=claimed.id)  # one with an assignee
    session.flush()
    rows = session.scalars(select(HumanTask)).all()
    views, _total = tasks.list_tasks(session, actor=officer)
    assert len(views) == 3 and any(view.assignee_username for view in views)
    assert all(view.due_at is not None for view in views)
    for task in [*rows, *views]:
        assert task_body(task) == TASK.dump(task)
    overdue = replace(views[0], due_at=datetime.now(UTC) - timedelta(days=1))
    undated = replace(views[1], due_at=None)
    assert task_body(overdue)["overdue"] is True and task_body(undated)["due_at"] is None
    for view in (overdue, undated):
        assert task_body(view) == TASK.dump(view)
    for instance in session.scalars(select(ProcessInstance)):
        assert instance_body(instance) == INSTANCE.dump(instance)
        assert instance_body(instance)["data"] == {"n": instance.data["n"], **instance.data}


def test_unknown_field_kinds_are_refused_not_dumped_differently():
    class Odd(Schema):
        amount = fields.Decimal()

    with pytest.raises(TypeError, match="amount"):
        compiled_dump(Odd())


def test_none_values_and_renamed_keys():
    class Small(Schema):
        code = fields.String(allow_none=True, data_key="unit")
        count = fields.Integer(allow_none=True)
        at = fields.DateTime(allow_none=True)
        flag = fields.Boolean()
        extra = fields.Dict(allow_none=True)

    class Thing:
        code, count, at, flag, extra = None, None, None, True, None

    assert compiled_dump(Small())(Thing()) == Small().dump(Thing())
    Thing.code, Thing.count, Thing.at, Thing.extra = 12, "7", datetime(2026, 1, 5, 3, 4, tzinfo=UTC), {"a": [1]}
    assert compiled_dump(Small())(Thing()) == Small().dump(Thing())
