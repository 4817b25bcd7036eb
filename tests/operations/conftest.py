"""Fixtures for the pages' operations: a unit with an officer and a head, another unit, the demo
approval process deployed, and a helper to start cases."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from service.demo import demo_bundle
from service.operations import instances, tasks


@pytest.fixture
def people(create_org_unit, create_user) -> dict:
    create_org_unit("CITY", kind="city_peoples_committee", name="UBND thành phố")
    create_org_unit("DEPT", parent_code="CITY", name="Sở Tài chính")
    create_org_unit("OTHER", parent_code="CITY", name="Phường Hải Châu")
    return {
        "officer": create_user("officer", "DEPT", ["unit_officer"]),
        "officer2": create_user("officer2", "DEPT", ["unit_officer"]),
        "head": create_user("head", "DEPT", ["unit_head"]),
        "other": create_user("other_officer", "OTHER", ["unit_officer"]),
        "auditor": create_user("auditor", "CITY", ["auditor"]),
    }


@pytest.fixture
def start_case(session, people, deploy) -> Callable:
    """Start a demo approval as the officer; returns (instance, its open task)."""
    deploy(files=demo_bundle())

    def start(data: dict | None = None, actor=None):
        instance = instances.start_instance(session, actor=actor or people["officer"], process_key="demo_approval",
                                            data=data or {})
        session.commit()
        [task] = instances.open_tasks(session, instance)
        return instance, task

    return start


DRAFT = {"nominee_name": "Phòng Quản lý ngân sách", "nominee_kind": "collective",
         "achievement_summary": "Hoàn thành xuất sắc nhiệm vụ năm 2026."}


def open_task(session, instance, element_id: str):
    return next(t for t in instances.open_tasks(session, instance) if t.element_id == element_id)


def complete(session, actor, task, data):
    outcome = tasks.complete(session, actor=actor, task_id=task.id, data=data)
    session.commit()
    return outcome
