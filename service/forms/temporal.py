"""Date and time fields. Values stay ISO-8601 strings so cleaned data is JSON and merges into task data."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from service.forms.fields import FormField

# Vietnam keeps UTC+7 all year (no DST), so a fixed offset needs no tz database.
VIETNAM_TZ = timezone(timedelta(hours=7), "ICT")

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# form-js serialises times as "HH:mm", "HH:mmZ" or "HH:mm+hh:mm" depending on timeSerializingFormat.
_TIME_PART = r"\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})?"
_TIME_RE = re.compile(rf"^{_TIME_PART}$")
_DATETIME_RE = re.compile(rf"^\d{{4}}-\d{{2}}-\d{{2}}T{_TIME_PART}$")
_CAMUNDA_DATE_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def today_in_vietnam() -> date:
    return datetime.now(VIETNAM_TZ).date()


def _parse_time(value: str) -> time:
    # Python 3.11's fromisoformat reads "Z"; the regex already fixed the overall shape.
    return time.fromisoformat(value)


class _IsoTemporal(FormField):
    """An ISO string of one shape that must also parse; optionally not a day in the past (Vietnam time).

    Subclasses give the shape, the parser (returning the calendar day, or None when there is none)
    and the error key.
    """

    pattern: re.Pattern[str]
    error_key: str

    def __init__(self, *, disallow_past: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        self.disallow_past = disallow_past

    @staticmethod
    def day_of(value: str) -> date | None:
        raise NotImplementedError

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str | None:
        if value == "":
            self.allow_empty()
            return None
        if not isinstance(value, str) or not self.pattern.match(value):
            raise self.error(self.error_key)
        try:
            day = self.day_of(value)
        except ValueError:
            raise self.error(self.error_key) from None
        # form-js only blocks past *days* in its picker, so compare the calendar date as entered.
        if self.disallow_past and day is not None and day < today_in_vietnam():
            raise self.error("past_date")
        return value


class IsoDate(_IsoTemporal):
    """form-js datetime, subtype date: "YYYY-MM-DD"."""

    pattern, error_key = _DATE_RE, "invalid_date"

    @staticmethod
    def day_of(value: str) -> date | None:
        return date.fromisoformat(value)


class IsoTime(_IsoTemporal):
    """form-js datetime, subtype time: "HH:mm" with an optional zone."""

    pattern, error_key = _TIME_RE, "invalid_time"

    @staticmethod
    def day_of(value: str) -> date | None:
        _parse_time(value)
        return None


class IsoDateTime(_IsoTemporal):
    """form-js datetime, subtype datetime: "YYYY-MM-DDTHH:mm" with an optional zone."""

    pattern, error_key = _DATETIME_RE, "invalid_datetime"

    @staticmethod
    def day_of(value: str) -> date | None:
        return datetime.fromisoformat(value).date()


def parse_camunda_date(value: str) -> date | None:
    """'dd/MM/yyyy' (Camunda 7's form date format) or ISO 'YYYY-MM-DD'; None when neither."""
    try:
        if _DATE_RE.match(value):
            return date.fromisoformat(value)
        match = _CAMUNDA_DATE_RE.match(value)
        if match:
            day, month, year = (int(part) for part in match.groups())
            return date(year, month, day)
    except ValueError:
        return None
    return None


class CamundaDate(FormField):
    """Camunda formData date: accepts 'dd/MM/yyyy' or 'YYYY-MM-DD', returns ISO 'YYYY-MM-DD'."""

    def __init__(self, *, minimum: date | None = None, maximum: date | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.minimum = minimum
        self.maximum = maximum

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str | None:
        if value == "":
            self.allow_empty()
            return None
        parsed = parse_camunda_date(value.strip()) if isinstance(value, str) else None
        if parsed is None:
            raise self.error("invalid_camunda_date")
        if self.minimum is not None and parsed < self.minimum:
            raise self.error("min", min=self.minimum.strftime("%d/%m/%Y"))
        if self.maximum is not None and parsed > self.maximum:
            raise self.error("max", max=self.maximum.strftime("%d/%m/%Y"))
        return parsed.isoformat()
