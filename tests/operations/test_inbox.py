"""The inbox's tabs, rows, filters, sort, pages, counts and bulk claim."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import text, update

from service.calendar import WorkingCalendar
from service.models import HumanTask
from service.operations import inbox, tasks
from service.operations.inbox import InboxFilters

from .conftest import DRAFT, complete

CAL = WorkingCalendar()
TODAY = date(2026, 12, 3)


def page(session, actor, **kwargs):
    return inbox.inbox_page(session, actor=actor, today=TODAY, calendar=CAL, **kwargs)


def test_group_then_mine_then_done(session, people, start_case):
    _, task = start_case({"nominee_name": "Nguyễn Văn An", "round_code": "R2026"})
    officer = people["officer"]
    group = page(session, officer, tab="group")
    assert [r.task_id for r in group.rows] == [task.id] and group.total == 1
    row = group.rows[0]
    assert row.subject == "Nguyễn Văn An" and row.round_code == "R2026" and row.unit_name == "Sở Tài chính"
    assert row.process_name == "Đề nghị khen thưởng (minh họa)" and row.deadline is not None
    assert inbox.inbox_counts(session, actor=officer) == {"mine": 0, "group": 1}
    # Another officer of the unit sees it too; another unit's officer does not.
    assert page(session, people["officer2"], tab="group").total == 1
    assert page(session, people["other"], tab="group").total == 0

    tasks.claim(session, actor=officer, task_id=task.id)
    session.commit()
    assert page(session, officer, tab="mine").total == 1
    assert page(session, officer, tab="group").total == 0
    assert page(session, people["officer2"], tab="group").total == 0
    assert inbox.inbox_counts(session, actor=officer) == {"mine": 1, "group": 0}

    complete(session, officer, task, DRAFT)
    done = page(session, officer, tab="done")
    assert [r.task_id for r in done.rows] == [task.id] and done.rows[0].deadline is None
    assert page(session, officer, tab="mine").total == 0
    assert page(session, people["head"], tab="group").rows[0].element_id == "sign"


def test_subject_falls_back_to_dossier_number():
    assert inbox.subject_of({"dossier_id": 12}) == (None, 12)
    assert inbox.subject_of({"title": "  Hồ sơ A ", "dossier_id": 3}) == ("Hồ sơ A", None)
    assert inbox.subject_of(None) == (None, None)


def test_filters_sort_and_pages(session, people, start_case):
    made = [start_case({"nominee_name": f"Đối tượng {i}", "round_code": "R1" if i % 2 else "R2"})[1]
            for i in range(5)]
    now = datetime.now(UTC)
    # Due dates: task 0 overdue, task 1 due in 20 days, others in order.
    for i, task in enumerate(made):
        session.execute(update(HumanTask).where(HumanTask.id == task.id)
                        .values(due_at=now + timedelta(days=[-10, 20, 3, 4, 5][i])))
    session.commit()
    officer = people["officer"]
    today = datetime.now(UTC).date()

    def ids(**kwargs):
        return [r.task_id for r in inbox.inbox_page(session, actor=officer, tab="group", today=today, calendar=CAL,
                                                    **kwargs).rows]

    assert ids() == [t.id for t in made]  # received order
    assert ids(sort="-received") == [t.id for t in reversed(made)]
    assert ids(sort="due") == [made[i].id for i in (0, 2, 3, 4, 1)]
    assert ids(filters=InboxFilters(overdue=True)) == [made[0].id]
    assert ids(filters=InboxFilters(round_code="R1")) == [made[1].id, made[3].id]
    assert ids(filters=InboxFilters(text="đối tượng 4")) == [made[4].id]
    assert ids(filters=InboxFilters(text="không có")) == []
    assert ids(filters=InboxFilters(process_key="demo_approval", element_id="draft", unit_code="DEPT")) == \
        [t.id for t in made]
    assert ids(filters=InboxFilters(unit_code="OTHER")) == []
    within = ids(filters=InboxFilters(due_within=7))
    assert made[1].id not in within and made[2].id in within
    second = inbox.inbox_page(session, actor=officer, tab="group", page=2, per_page=2, today=today, calendar=CAL)
    assert [r.task_id for r in second.rows] == [made[2].id, made[3].id] and second.total == 5 and second.pages == 3
    filtered = inbox.inbox_page(session, actor=officer, tab="group", page=2, per_page=1, sort="due",
                                filters=InboxFilters(round_code="R2"), today=today, calendar=CAL)
    assert filtered.total == 3 and [r.task_id for r in filtered.rows] == [made[2].id]


def test_bulk_claim_claims_each_or_says_why(session, people, start_case):
    first = start_case()[1]
    second = start_case()[1]
    tasks.claim(session, actor=people["officer2"], task_id=second.id)
    session.commit()
    outcome = inbox.bulk_claim(session, actor=people["officer"], task_ids=[first.id, second.id, "missing"])
    session.commit()
    assert outcome.claimed == [first.id]
    assert set(outcome.refused) == {second.id, "missing"}
    assert session.get(HumanTask, first.id).assignee_id == people["officer"].id
    assert session.get(HumanTask, second.id).assignee_id == people["officer2"].id


def test_filter_choices(session, people, start_case):
    start_case()
    choices = inbox.filter_choices(session, actor=people["officer"], process_key="demo_approval")
    assert ("demo_approval", "Đề nghị khen thưởng (minh họa)") in choices.processes
    assert ("draft", "Lập hồ sơ đề nghị") in choices.steps
    assert [code for code, _ in choices.units] == ["DEPT"]


def test_text_finds_data_stored_with_escapes_and_as_utf8(session, people, start_case):
    """Instances written before JSON columns went through orjson hold "Đ" as \\u0110, those written since
    as UTF-8: a search with diacritics finds both."""
    old = start_case({"nominee_name": "Trần Thị Đào"})[1]
    new = start_case({"nominee_name": "Trần Thị Đào"})[1]
    escaped = json.dumps({"nominee_name": "Trần Thị Đào"})  # as json.dumps wrote it
    assert "\\u0110" in escaped
    session.execute(text("UPDATE process_instances SET data = :data WHERE id = :id"),
                    {"data": escaped, "id": old.instance_id})
    stored = session.execute(text("SELECT data FROM process_instances WHERE id = :id"),
                             {"id": new.instance_id}).scalar_one()
    assert "Đào" in (stored if isinstance(stored, str) else json.dumps(stored, ensure_ascii=False))
    session.commit()
    found = {r.task_id for r in inbox.inbox_page(session, actor=people["officer"], tab="group", today=TODAY,
                                                 calendar=CAL, filters=InboxFilters(text="Thị Đào")).rows}
    assert found == {old.id, new.id}
