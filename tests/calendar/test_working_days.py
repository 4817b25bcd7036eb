"""Tests for the Vietnamese working-day calendar."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from service.calendar import WorkingCalendar
from service.calendar.working_days import EXTRA_DAY_OFF_NAME
from service.errors import ValidationFailed

# Official Tết 2026 break for public bodies: Saturday 14 to Sunday 22 February 2026.
TET_2026_BREAK = [date(2026, 2, 14) + timedelta(days=i) for i in range(9)]


@pytest.fixture(scope="module")
def calendar() -> WorkingCalendar:
    return WorkingCalendar(extra_days_off=TET_2026_BREAK, years=range(2024, 2028))


def brute_force_add(cal: WorkingCalendar, start: date, n: int) -> date:
    step = 1 if n >= 0 else -1
    day, left = start, abs(n)
    if n == 0:
        while not cal.is_working_day(day):
            day += timedelta(days=1)
        return day
    while left:
        day += timedelta(days=step)
        if cal.is_working_day(day):
            left -= 1
    return day


def test_statutory_days_from_the_lunar_calendar(calendar: WorkingCalendar) -> None:
    days_2026 = calendar.holidays_in(2026)
    assert days_2026[date(2026, 2, 17)] == "Tết Nguyên Đán"
    assert days_2026[date(2026, 2, 16)] == "Giao thừa Tết Nguyên Đán"
    assert days_2026[date(2026, 4, 26)] == "Ngày Giỗ Tổ Hùng Vương"
    assert (
        days_2026[date(2026, 4, 27)] == "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)"
    )  # 26/4/2026 is a Sunday
    assert days_2026[date(2026, 1, 1)] == "Tết Dương lịch"
    assert days_2026[date(2026, 4, 30)] == "Ngày Chiến thắng"
    assert days_2026[date(2026, 5, 1)] == "Ngày Quốc tế Lao động"
    assert days_2026[date(2026, 9, 1)] == days_2026[date(2026, 9, 2)] == "Quốc khánh"
    assert days_2026[date(2026, 2, 14)] == EXTRA_DAY_OFF_NAME
    assert list(days_2026) == sorted(days_2026)
    days_2025 = WorkingCalendar().holidays_in(2025)
    assert days_2025[date(2025, 1, 29)] == "Tết Nguyên Đán"
    assert days_2025[date(2025, 4, 7)] == "Ngày Giỗ Tổ Hùng Vương"
    assert days_2025[date(2025, 9, 1)] == days_2025[date(2025, 9, 2)] == "Quốc khánh"


def test_weekends_and_weekdays(calendar: WorkingCalendar) -> None:
    assert calendar.is_working_day(date(2026, 3, 6))  # Friday
    assert not calendar.is_working_day(date(2026, 3, 7))  # Saturday
    assert not calendar.is_working_day(date(2026, 3, 8))  # Sunday
    assert calendar.is_working_day(date(2026, 3, 9))  # Monday


def test_across_tet_2026_with_the_official_break(calendar: WorkingCalendar) -> None:
    assert calendar.is_working_day(date(2026, 2, 13))
    assert not any(calendar.is_working_day(day) for day in TET_2026_BREAK)
    assert calendar.is_working_day(date(2026, 2, 23))
    assert calendar.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)
    assert calendar.add_working_days(date(2026, 2, 11), 5) == date(2026, 2, 25)
    assert calendar.working_days_between(date(2026, 2, 13), date(2026, 2, 25)) == 3
    assert calendar.working_days_between(date(2026, 2, 1), date(2026, 2, 28)) == 15
    # A day off falling on a weekday only matters when configured.
    local_day_off = WorkingCalendar(extra_days_off=[date(2026, 2, 13)])
    assert local_day_off.add_working_days(date(2026, 2, 12), 1) == date(2026, 2, 23)
    assert WorkingCalendar().add_working_days(date(2026, 2, 12), 1) == date(2026, 2, 13)


def test_across_30_april_and_1_may() -> None:
    cal = WorkingCalendar()
    # 2026: Hùng Kings on Sunday 26/4 moves to Monday 27/4; 30/4 Thursday, 1/5 Friday.
    assert cal.add_working_days(date(2026, 4, 24), 1) == date(2026, 4, 28)
    assert cal.add_working_days(date(2026, 4, 29), 1) == date(2026, 5, 4)
    assert cal.working_days_between(date(2026, 4, 24), date(2026, 5, 4)) == 3
    # 2025: 2/5 off in exchange for Saturday 26/4 (a published day swap).
    assert cal.is_working_day(date(2025, 4, 26))
    assert not cal.is_working_day(date(2025, 5, 2))
    assert cal.add_working_days(date(2025, 4, 25), 1) == date(2025, 4, 26)
    assert cal.add_working_days(date(2025, 4, 29), 1) == date(2025, 5, 5)


def test_across_national_day() -> None:
    cal = WorkingCalendar()
    assert cal.add_working_days(date(2025, 8, 29), 1) == date(
        2025, 9, 3
    )  # off Mon 1 and Tue 2 Sep
    assert cal.add_working_days(date(2026, 8, 28), 1) == date(
        2026, 9, 3
    )  # off 31/8 (swap), 1 and 2 Sep
    assert cal.is_working_day(date(2026, 8, 22))  # the Saturday worked for 31/8/2026
    assert (
        cal.working_days_between(date(2026, 8, 21), date(2026, 9, 4)) == 8
    )  # 22/8, 24–28/8, 3/9, 4/9
    assert cal.makeup_working_days_in(2026) == [date(2026, 8, 22)]
    # A configured day off wins over the package's published swap.
    assert not WorkingCalendar(extra_days_off=[date(2026, 8, 22)]).is_working_day(
        date(2026, 8, 22)
    )


def test_reminders_before_the_end_of_q1(calendar: WorkingCalendar) -> None:
    assert calendar.add_working_days(date(2026, 3, 31), -3) == date(
        2026, 3, 26
    )  # Tuesday deadline
    assert calendar.add_working_days(date(2025, 3, 31), -3) == date(
        2025, 3, 26
    )  # Monday deadline
    assert calendar.add_working_days(date(2022, 3, 31), -3) == date(
        2022, 3, 28
    )  # Thursday deadline
    assert calendar.add_working_days(date(2024, 3, 31), -3) == date(
        2024, 3, 27
    )  # Sunday deadline
    # A deadline just after the Tết break: the reminder lands before it.
    assert calendar.add_working_days(date(2026, 2, 25), -3) == date(2026, 2, 13)


def test_makeup_saturday_counts() -> None:
    cal = WorkingCalendar(makeup_working_days=[date(2026, 3, 7)])
    assert cal.is_working_day(date(2026, 3, 7))
    assert cal.add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 7)
    assert cal.add_working_days(date(2026, 3, 9), -1) == date(2026, 3, 7)
    assert cal.working_days_between(date(2026, 3, 6), date(2026, 3, 9)) == 2
    # A make-up day on a holiday cancels the day off.
    cancelled = WorkingCalendar(makeup_working_days=[date(2026, 8, 31)])
    assert cancelled.is_working_day(date(2026, 8, 31))
    assert date(2026, 8, 31) not in cancelled.holidays_in(2026)


def test_negative_and_zero_offsets(calendar: WorkingCalendar) -> None:
    assert calendar.add_working_days(date(2026, 1, 2), -1) == date(
        2025, 12, 31
    )  # over 1/1
    assert calendar.add_working_days(date(2026, 3, 9), -1) == date(2026, 3, 6)
    assert calendar.add_working_days(date(2026, 3, 7), -1) == date(
        2026, 3, 6
    )  # from a Saturday
    assert calendar.add_working_days(date(2026, 3, 7), 0) == date(
        2026, 3, 9
    )  # rolls forward
    assert calendar.add_working_days(date(2026, 3, 6), 0) == date(2026, 3, 6)
    assert calendar.next_working_day(date(2026, 3, 6)) == date(2026, 3, 9)
    assert calendar.next_working_day(date(2026, 4, 29)) == date(2026, 5, 4)
    assert calendar.working_days_between(date(2026, 3, 9), date(2026, 3, 6)) == -1


def test_agrees_with_day_by_day_counting(calendar: WorkingCalendar) -> None:
    starts = [date(2025, 12, 20) + timedelta(days=7 * i + i % 5) for i in range(30)]
    for start in starts:
        for n in (-300, -45, -5, -1, 0, 1, 7, 30, 260):
            end = calendar.add_working_days(start, n)
            assert end == brute_force_add(calendar, start, n), (start, n)
            if n > 0:
                assert calendar.working_days_between(start, end) == n


def test_datetimes_keep_time_and_timezone() -> None:
    cal = WorkingCalendar()
    naive = datetime(2026, 4, 29, 16, 45)
    assert cal.add_working_days(naive, 1) == datetime(2026, 5, 4, 16, 45)
    # 17:30 UTC on 29/4 is already 00:30 on 30/4 (a holiday) in Vietnam.
    utc = datetime(2026, 4, 29, 17, 30, tzinfo=UTC)
    assert not cal.is_working_day(utc)
    moved = cal.add_working_days(utc, 1)
    assert moved == datetime(2026, 5, 3, 17, 30, tzinfo=UTC)
    assert moved.tzinfo is UTC
    hanoi = timezone(timedelta(hours=7))
    assert cal.add_working_days(
        datetime(2026, 3, 31, 9, 0, tzinfo=hanoi), -3
    ) == datetime(2026, 3, 26, 9, 0, tzinfo=hanoi)
    assert cal.working_days_between(utc, datetime(2026, 5, 4, 1, 0, tzinfo=UTC)) == 1


def test_from_config_round_trip() -> None:
    cal = WorkingCalendar.from_config(
        {
            "extra_days_off": [
                "2026-02-14",
                {"date": "2026-02-21", "name": "Nghỉ Tết Bính Ngọ"},
            ],
            "makeup_working_days": ["2026-03-07"],
            "valid_from": "2026-01-01",
        }
    )
    assert cal.holidays_in(2026)[date(2026, 2, 21)] == "Nghỉ Tết Bính Ngọ"
    assert cal.holidays_in(2026)[date(2026, 2, 14)] == EXTRA_DAY_OFF_NAME
    assert cal.is_working_day(date(2026, 3, 7))
    again = WorkingCalendar.from_config(cal.to_config())
    assert again.to_config() == cal.to_config()
    assert again.holidays_in(2026) == cal.holidays_in(2026)
    assert WorkingCalendar.from_config({}).holidays_in(
        2026
    ) == WorkingCalendar().holidays_in(2026)


def test_from_config_reports_every_error() -> None:
    with pytest.raises(ValidationFailed) as caught:
        WorkingCalendar.from_config(
            {
                "extra_days_off": ["2026-02-30", "2026-02-16"],
                "makeup_working_days": ["14/02/2026", "2026-02-16"],
            }
        )
    errors = caught.value.details["errors"]
    assert [error["field"] for error in errors] == [
        "extra_days_off[0]",
        "makeup_working_days[0]",
        "makeup_working_days",
    ]
    assert (
        errors[0]["message"]
        == "Ngày không hợp lệ: '2026-02-30' (định dạng YYYY-MM-DD)."
    )
    assert (
        errors[2]["message"] == "Ngày 16/02/2026 vừa là ngày nghỉ vừa là ngày làm bù."
    )
    with pytest.raises(ValueError):
        WorkingCalendar(
            extra_days_off=[date(2026, 3, 7)], makeup_working_days=[date(2026, 3, 7)]
        )


def test_is_fast(calendar: WorkingCalendar) -> None:
    started = time.perf_counter()
    for i in range(1000):
        calendar.add_working_days(date(2026, 1, 1) + timedelta(days=i % 300), 30)
    per_call = (time.perf_counter() - started) / 1000
    assert per_call < 50e-6
