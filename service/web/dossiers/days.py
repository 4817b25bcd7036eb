"""Dates typed as officials write them (dd/mm/yyyy), for the pages' text inputs; ISO is accepted too."""

from __future__ import annotations

import re
from datetime import date

_DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")


def parse_day(text: str | None) -> date | None:
    """The day typed, or None when empty or not a real date."""
    text = (text or "").strip()
    match = _DMY.fullmatch(text)
    try:
        if match:
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def iso_or_typed(text: str | None) -> str | None:
    """ISO text for a schema to load; what was typed when it is no date (the schema then refuses it)."""
    day = parse_day(text)
    if day is not None:
        return day.isoformat()
    return (text or "").strip() or None


def shown(value: date | str | None) -> str:
    """A stored day as the input shows it."""
    if isinstance(value, str):
        value = parse_day(value)
    return value.strftime("%d/%m/%Y") if value else ""
