"""Deadlines in working days on the Vietnamese calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime

from service.calendar import WorkingCalendar
from service.operations.deadlines import Deadline, deadline_of, due_within_bound

CAL = WorkingCalendar()


def due(y, m, d, hour=9):
    return datetime(y, m, d, hour - 7, tzinfo=UTC)  # 09:00 in Vietnam


def test_left_today_overdue_in_working_days():
    thursday = date(2026, 12, 3)
    assert deadline_of(due(2026, 12, 8), today=thursday, calendar=CAL) == Deadline("left", 3)  # Fri, Mon, Tue
    assert deadline_of(due(2026, 12, 3), today=thursday, calendar=CAL) == Deadline("today", 0)
    assert deadline_of(due(2026, 12, 1), today=thursday, calendar=CAL) == Deadline("overdue", 2)
    assert deadline_of(None, today=thursday, calendar=CAL) is None


def test_vietnam_day_not_utc_day():
    # 20:00 UTC on 2 December is 03:00 on 3 December in Vietnam: due today, not overdue.
    late_utc = datetime(2026, 12, 2, 20, tzinfo=UTC)
    assert deadline_of(late_utc, today=date(2026, 12, 3), calendar=CAL).kind == "today"


def test_tet_holidays_do_not_count():
    # Tết 2027 (lunar new year on 6 February 2027): the break's days are not working days.
    before_tet = date(2027, 2, 4)
    after = deadline_of(due(2027, 2, 15), today=before_tet, calendar=CAL)
    plain_days = (date(2027, 2, 15) - before_tet).days
    assert after.kind == "left" and after.days < plain_days - 4


def test_tones():
    assert Deadline("left", 3).tone == "ok"
    assert Deadline("left", 1).tone == "warn"
    assert Deadline("today", 0).tone == "warn"
    assert Deadline("overdue", 2).tone == "late"


def test_due_within_includes_following_days_off():
    # Two working days after Thursday 3 December: Friday and Monday 7th.
    assert due_within_bound(date(2026, 12, 3), 2, CAL) == date(2026, 12, 7)
    # One working day after Thursday is Friday; Saturday and Sunday before Monday still count as within.
    assert due_within_bound(date(2026, 12, 3), 1, CAL) == date(2026, 12, 6)
