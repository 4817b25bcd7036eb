"""Open tasks as lists and responses show them, read with plain SQL (no ORM objects to build).

The inbox and every step's response list tasks; loading them as ORM objects with their unit and
assignee cost more than the rest of those requests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from ..db import utcnow
from ..models import HumanTask, OrgUnit, User


@dataclass(frozen=True)
class TaskView:
    """A task with its unit's code and its assignee's username (the attributes TaskOut reads)."""

    id: str
    name: str
    element_id: str
    process_key: str
    instance_id: int
    lane: str | None
    role_key: str | None
    org_unit_code: str | None
    assignee_username: str | None
    state: str
    created_at: datetime
    due_at: datetime | None

    def is_overdue(self, now: datetime | None = None) -> bool:
        return self.state == "open" and self.due_at is not None and self.due_at < (now or utcnow())


_tasks, _units, _users = HumanTask.__table__, OrgUnit.__table__, User.__table__
COLUMNS = (_tasks.c.id, _tasks.c.name, _tasks.c.element_id, _tasks.c.process_key, _tasks.c.instance_id,
           _tasks.c.lane, _tasks.c.role_key, _units.c.code, _users.c.username, _tasks.c.state, _tasks.c.created_at,
           _tasks.c.due_at)
_WITH_UNIT_AND_ASSIGNEE = (_tasks.outerjoin(_units, _units.c.id == _tasks.c.org_unit_id)
                           .outerjoin(_users, _users.c.id == _tasks.c.assignee_id))
_VIEWS = select(*COLUMNS).select_from(_WITH_UNIT_AND_ASSIGNEE)
_OPEN_OF_INSTANCE = (_VIEWS.where(_tasks.c.instance_id == bindparam("instance_id"), _tasks.c.state == "open")
                     .order_by(_tasks.c.created_at, _tasks.c.id))


def of_page(page, *extra) -> Select:
    """Views of the tasks a subquery with an `id` column selects (and `extra` columns), unordered."""
    return (select(*extra, *COLUMNS)
            .select_from(page.join(_WITH_UNIT_AND_ASSIGNEE, _tasks.c.id == page.c.id)))


def open_of_instance(session: Session, instance_id: int, *, flush: bool = True) -> list[TaskView]:
    """The instance's open tasks, oldest first. `flush=False` inside an engine step, whose own rows
    are written with Core (the ORM would flush the instance before its versioned UPDATE)."""
    if flush:
        session.flush()  # ORM changes to tasks in this transaction (terminate closes them) come first
    return [TaskView(*row) for row in session.connection().execute(_OPEN_OF_INSTANCE, {"instance_id": instance_id})]
