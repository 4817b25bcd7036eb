"""Dated configuration: legal parameters in force on a day, and the working-day calendar built from them."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..calendar import WorkingCalendar
from ..db import utcnow
from ..errors import InvalidState
from ..i18n import msg
from ..models import LegalParameter

CALENDAR_KEY = "calendar"
_MISSING = object()


def today() -> date:
    """Today in Vietnam (the day rules and deadlines are read for)."""
    from ..calendar.working_days import VIETNAM_TZ

    return utcnow().astimezone(VIETNAM_TZ).date()


def param_row(session: Session, key: str, *, on: date | None = None) -> LegalParameter | None:
    """The parameter row in force on `on` (today by default): the latest valid_from not after it."""
    day = on or today()
    return session.scalar(
        select(LegalParameter)
        .where(LegalParameter.key == key, LegalParameter.valid_from <= day,
               or_(LegalParameter.valid_to.is_(None), LegalParameter.valid_to > day))
        .order_by(LegalParameter.valid_from.desc())
        .limit(1)
    )


def param(session: Session, key: str, *, on: date | None = None, default: Any = _MISSING) -> Any:
    """The value of `key` in force on `on`; InvalidState when none is configured and no default is given."""
    row = param_row(session, key, on=on)
    if row is not None:
        return row.value
    if default is not _MISSING:
        return default
    day = on or today()
    raise InvalidState(
        msg("Chưa cấu hình tham số '{key}' có hiệu lực ngày {day:%d/%m/%Y}.", key=key, day=day),
        code="parameter_missing", details={"key": key, "on": day.isoformat()},
    )


def fraction(value: Any) -> tuple[int, int]:
    """A ratio parameter stored as {"numerator", "denominator"} (exact: 2/3 is not 0.67)."""
    return int(value["numerator"]), int(value["denominator"])


def calendar(session: Session) -> WorkingCalendar:
    """The working-day calendar: statutory days plus every configured year's extra days off and make-up days."""
    extra: dict[str, str] = {}
    makeup: list[str] = []
    rows = session.scalars(select(LegalParameter).where(LegalParameter.key == CALENDAR_KEY)
                           .order_by(LegalParameter.valid_from))
    for row in rows:
        value = row.value if isinstance(row.value, dict) else {}
        for item in value.get("extra_days_off") or ():
            day, name = (item.get("date"), item.get("name")) if isinstance(item, dict) else (item, None)
            extra[str(day)] = name or ""
        makeup.extend(str(day) for day in value.get("makeup_working_days") or ())
    return WorkingCalendar.from_config({
        "extra_days_off": [{"date": day, "name": name} for day, name in extra.items()],
        "makeup_working_days": makeup,
    })


def working_days_param(session: Session, key: str, *, on: date | None = None) -> int:
    """A number of working days held by parameter `key`."""
    return int(param(session, key, on=on))
