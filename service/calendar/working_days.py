"""Vietnamese working-day calendar used for deadlines, reminders and time limits counted in working days."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta, timezone
from typing import Any, TypeVar

from service.calendar.vietnam_holidays import statutory_year
from service.errors import ValidationFailed

# Vietnam has kept UTC+7 without daylight saving since 1975; a fixed offset avoids needing tzdata.
VIETNAM_TZ = timezone(timedelta(hours=7), "ICT")
WEEKEND = frozenset({5, 6})  # Saturday, Sunday
EXTRA_DAY_OFF_NAME = "Ngày nghỉ theo thông báo của cơ quan có thẩm quyền"

DateOrDateTime = TypeVar("DateOrDateTime", date, datetime)


def _calendar_day(value: date | datetime) -> date:
    """The Vietnamese calendar day of `value`: aware datetimes are read in Vietnam time, naive ones as local."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            return value.astimezone(VIETNAM_TZ).date()
        return value.date()
    return value


def _move(value: DateOrDateTime, target: date) -> DateOrDateTime:
    """Move `value` to calendar day `target`, keeping its (Vietnamese) time of day and its tzinfo."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            local = value.astimezone(VIETNAM_TZ)
            moved = local + timedelta(days=(target - local.date()).days)
            return moved.astimezone(value.tzinfo)
        return value + timedelta(days=(target - value.date()).days)
    return target


class WorkingCalendar:
    """Working days of Vietnamese public bodies: Monday–Friday minus holidays, plus configured exceptions.

    `extra_days_off` are days announced on top of the statutory ones (the longer official Tết break, a local
    day off); a mapping may give each its name. `makeup_working_days` are days worked although they would
    otherwise be off (a make-up Saturday, or a cancelled day off); they win over weekends and holidays.
    """

    def __init__(
        self,
        extra_days_off: Iterable[date] | Mapping[date, str] = (),
        makeup_working_days: Iterable[date] = (),
        years: Iterable[int] = (),
    ) -> None:
        if isinstance(extra_days_off, Mapping):
            self._extra_days_off: dict[date, str] = {
                _calendar_day(day): name for day, name in extra_days_off.items()
            }
        else:
            self._extra_days_off = {
                _calendar_day(day): EXTRA_DAY_OFF_NAME for day in extra_days_off
            }
        self._makeup_days = frozenset(_calendar_day(day) for day in makeup_working_days)
        clash = sorted(self._makeup_days & self._extra_days_off.keys())
        if clash:
            raise ValueError(
                f"Days both off and make-up working days: {', '.join(map(str, clash))}"
            )
        self._days_off: dict[int, dict[date, str]] = {}
        self._working: dict[
            int, list[int]
        ] = {}  # per year, sorted ordinals of working days
        for year in years:
            self._working_ordinals(year)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> WorkingCalendar:
        """Build a calendar from stored configuration; other keys of `config` are ignored."""
        return _calendar_from_config(cls, config)

    def to_config(self) -> dict[str, list[Any]]:
        """The configuration `from_config` reads back into an equal calendar."""
        return {
            "extra_days_off": [
                {"date": day.isoformat(), "name": name}
                for day, name in sorted(self._extra_days_off.items())
            ],
            "makeup_working_days": [
                day.isoformat() for day in sorted(self._makeup_days)
            ],
        }

    def holidays_in(self, year: int) -> dict[date, str]:
        """Days off of `year` other than ordinary weekends, with their Vietnamese names, in date order."""
        if year not in self._days_off:
            days = dict(statutory_year(year).days_off)
            for day, name in self._extra_days_off.items():
                if day.year == year:
                    days.setdefault(day, name)  # a statutory holiday keeps its own name
            for day in self._makeup_days:
                days.pop(day, None)
            self._days_off[year] = dict(sorted(days.items()))
        return dict(self._days_off[year])

    def makeup_working_days_in(self, year: int) -> list[date]:
        """Days of `year` worked although they would be off: published swaps plus configured make-up days."""
        # Configuration wins over the package: a configured day off cancels a published swap.
        published = statutory_year(year).weekend_workdays - self._extra_days_off.keys()
        configured = {day for day in self._makeup_days if day.year == year}
        return sorted(published | configured)

    def is_working_day(self, value: date | datetime) -> bool:
        """Whether the (Vietnamese) calendar day of `value` is a working day."""
        day = _calendar_day(value)
        ordinals = self._working_ordinals(day.year)
        index = bisect_left(ordinals, day.toordinal())
        return index < len(ordinals) and ordinals[index] == day.toordinal()

    def next_working_day(self, value: DateOrDateTime) -> DateOrDateTime:
        """The first working day strictly after `value` (same time of day for datetimes)."""
        return self.add_working_days(value, 1)

    def add_working_days(self, start: DateOrDateTime, n: int) -> DateOrDateTime:
        """The n-th working day after `start` (before it when n < 0); n == 0 rolls a day off forward.

        The start day itself is never counted, so a time limit of 5 working days from a Friday submission
        ends on the following Friday; datetimes keep their time of day and timezone.
        """
        day = _calendar_day(start)
        if n == 0:
            return (
                start if self.is_working_day(day) else self.add_working_days(start, 1)
            )
        year = day.year
        ordinals = self._working_ordinals(year)
        if n > 0:
            index = bisect_right(ordinals, day.toordinal()) + n - 1
            while index >= len(ordinals):
                index -= len(ordinals)
                year += 1
                ordinals = self._working_ordinals(year)
        else:
            index = bisect_left(ordinals, day.toordinal()) + n
            while index < 0:
                year -= 1
                ordinals = self._working_ordinals(year)
                index += len(ordinals)
        return _move(start, date.fromordinal(ordinals[index]))

    def working_days_between(self, a: date | datetime, b: date | datetime) -> int:
        """Working days d with a < d <= b; negative (the count of b < d <= a) when b is before a."""
        first, last = _calendar_day(a), _calendar_day(b)
        if last < first:
            return -self.working_days_between(b, a)
        count = self._count_through(last) - self._count_through(first)
        for year in range(first.year, last.year):
            count += len(self._working_ordinals(year))
        return count

    def _count_through(self, day: date) -> int:
        """Working days from 1 January of day's year up to and including `day`."""
        return bisect_right(self._working_ordinals(day.year), day.toordinal())

    def _working_ordinals(self, year: int) -> list[int]:
        ordinals = self._working.get(year)
        if ordinals is None:
            days_off = self.holidays_in(year)
            workdays = set(self.makeup_working_days_in(year))
            ordinals = []
            day = date(year, 1, 1)
            while day.year == year:
                if day in workdays or (
                    day.weekday() not in WEEKEND and day not in days_off
                ):
                    ordinals.append(day.toordinal())
                day += timedelta(days=1)
            self._working[year] = ordinals
        return ordinals


def _calendar_from_config(
    cls: type[WorkingCalendar], config: Mapping[str, Any]
) -> WorkingCalendar:
    errors: list[dict[str, str]] = []
    extra: dict[date, str] = {}
    for position, item in enumerate(config.get("extra_days_off") or ()):
        raw, name = (
            (item.get("date"), item.get("name"))
            if isinstance(item, Mapping)
            else (item, None)
        )
        day = _config_date(raw, f"extra_days_off[{position}]", errors)
        if day is not None:
            extra[day] = (
                str(name).strip() if name and str(name).strip() else EXTRA_DAY_OFF_NAME
            )
    makeup: set[date] = set()
    for position, raw in enumerate(config.get("makeup_working_days") or ()):
        day = _config_date(raw, f"makeup_working_days[{position}]", errors)
        if day is not None:
            makeup.add(day)
    for day in sorted(makeup & extra.keys()):
        errors.append(
            {
                "field": "makeup_working_days",
                "message": f"Ngày {day:%d/%m/%Y} vừa là ngày nghỉ vừa là ngày làm bù.",
                "message_en": f"{day.isoformat()} is both a day off and a make-up working day.",
            }
        )
    if errors:
        raise ValidationFailed(
            "Cấu hình lịch ngày làm việc không hợp lệ.", details={"errors": errors}
        )
    return cls(extra_days_off=extra, makeup_working_days=makeup)


def _config_date(raw: object, field: str, errors: list[dict[str, str]]) -> date | None:
    if isinstance(raw, date) and not isinstance(raw, datetime):
        return raw
    try:
        return date.fromisoformat(str(raw).strip())
    except ValueError:
        errors.append(
            {
                "field": field,
                "message": f"Ngày không hợp lệ: {raw!r} (định dạng YYYY-MM-DD).",
                "message_en": f"Invalid date: {raw!r} (expected YYYY-MM-DD).",
            }
        )
        return None
