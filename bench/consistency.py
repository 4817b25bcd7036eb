"""After a concurrent run: did every completion the clients saw land exactly once?

Checked in the database, against what the clients recorded:
- every task a client saw completed (HTTP 200) is `completed`, by that user, and has exactly one
  `task.completed` audit event; no other task of these instances was completed;
- `task.completed` audit events == completions seen;
- each instance's status and open task agree with the number of its completions (3 = completed,
  fewer = running with the next lane's task open);
- each instance's audit hash chain is intact.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select

from service.db import make_engine, make_session_factory
from service.models import AuditEvent, HumanTask, ProcessInstance, User
from service.operations import audit

STEPS = ("t1", "t2", "t3")


@dataclass
class Seen:
    """What the clients observed: task id -> username for each HTTP 200 completion, per instance."""

    completed_by: dict[str, str] = field(default_factory=dict)
    instance_of: dict[str, int] = field(default_factory=dict)

    def add(self, instance_id: int, task_id: str, username: str) -> None:
        if task_id in self.completed_by:  # two 200s for one task: the lost update we look for
            self.completed_by[task_id] = "<completed twice>"
        else:
            self.completed_by[task_id] = username
        self.instance_of[task_id] = instance_id


def check(database_url: str, instance_ids: list[int], seen: Seen) -> dict:
    """Counts of each kind of inconsistency (all zero when nothing was lost or doubled)."""
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as session:
            return _check(session, set(instance_ids), seen)
    finally:
        engine.dispose()


def _check(session, instance_ids: set[int], seen: Seen) -> dict:
    usernames = dict(session.execute(select(User.id, User.username)).all())
    tasks = {task.id: task for task in session.scalars(
        select(HumanTask).where(HumanTask.instance_id.in_(instance_ids)))}
    events = session.scalars(select(AuditEvent).where(AuditEvent.instance_id.in_(instance_ids),
                                                      AuditEvent.action == "task.completed")).all()
    event_count = Counter(event.details.get("task_id") for event in events)
    problems = Counter()
    for task_id, username in seen.completed_by.items():
        task = tasks.get(task_id)
        if username == "<completed twice>":
            problems["task_completed_twice_by_clients"] += 1
        elif task is None or task.state != "completed":
            problems["seen_completed_but_not_in_db"] += 1
        elif usernames.get(task.completed_by_id) != username:
            problems["completed_by_someone_else"] += 1
        if event_count.get(task_id, 0) != 1:
            problems["audit_events_not_exactly_one"] += 1
    for task in tasks.values():
        if task.state == "completed" and task.id not in seen.completed_by:
            problems["completed_in_db_but_not_seen"] += 1
    if sum(event_count.values()) != len(seen.completed_by):
        problems["audit_total_differs_from_completions"] += 1
    per_instance = Counter(seen.instance_of.values())
    open_by_instance: dict[int, list[HumanTask]] = {}
    for task in tasks.values():
        if task.state == "open":
            open_by_instance.setdefault(task.instance_id, []).append(task)
    instances = session.scalars(select(ProcessInstance).where(ProcessInstance.id.in_(instance_ids))).all()
    for instance in instances:
        done = per_instance.get(instance.id, 0)
        open_tasks = open_by_instance.get(instance.id, [])
        if done >= len(STEPS):
            consistent = instance.status == "completed" and not open_tasks
        else:
            consistent = (instance.status == "running" and len(open_tasks) == 1
                          and open_tasks[0].element_id == STEPS[done])
        if not consistent:
            problems["instance_status_inconsistent"] += 1
        if audit.verify_stream(session, f"instance:{instance.id}"):
            problems["audit_chain_broken"] += 1
    return {
        "instances_checked": len(instances),
        "completions_seen": len(seen.completed_by),
        "audit_task_completed_events": sum(event_count.values()),
        "lost_updates": sum(problems.values()),
        "problems": dict(problems),
    }
