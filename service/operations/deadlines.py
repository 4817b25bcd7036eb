"""How far a task is from its due date, in working days on the Vietnamese calendar.

Officers read deadlines in the one-stop-shop convention: "Còn 3 ngày làm việc", "Hạn hôm nay",
"Quá hạn 2 ngày làm việc". This module answers with the kind and the number; the pages word it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from ..calendar import WorkingCalendar
from ..calendar.working_days import VIETNAM_TZ

DeadlineKind = Literal["left", "today", "overdue"]


@dataclass(frozen=True)
class Deadline:
    kind: DeadlineKind
    days: int  # working days left (kind "left") or past the due day (kind "overdue"); 0 for "today"

    @property
    def tone(self) -> str:
        """"ok" (green), "warn" (amber: today or one working day left), "late" (red)."""
        if self.kind == "overdue":
            return "late"
        if self.kind == "today" or self.days <= 1:
            return "warn"
        return "ok"


def vietnam_day(value: datetime) -> date:
    return value.astimezone(VIETNAM_TZ).date()


def deadline_of(due_at: datetime | None, *, today: date, calendar: WorkingCalendar) -> Deadline | None:
    """The deadline of a task due at `due_at`, seen on `today` (a Vietnamese calendar day)."""
    if due_at is None:
        return None
    due = vietnam_day(due_at)
    if due == today:
        return Deadline("today", 0)
    if due > today:
        left = calendar.working_days_between(today, due)
        # Due on a day off with no working day before it: the last chance is today.
        return Deadline("left", left) if left > 0 else Deadline("today", 0)
    # A deadline on a weekend seen on the next weekend day is still at least one day late.
    return Deadline("overdue", max(calendar.working_days_between(due, today), 1))


def due_within_bound(today: date, days: int, calendar: WorkingCalendar) -> date:
    """The last Vietnamese calendar day that is at most `days` working days after `today`."""
    if days <= 0:
        return today
    last = calendar.add_working_days(today, days)
    # Days off right after the n-th working day are still within n working days.
    nxt = calendar.next_working_day(last)
    return date.fromordinal(nxt.toordinal() - 1)
