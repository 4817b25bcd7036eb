"""What the officers' pages share: the request's database session and user (the lead's request
plumbing), the working-day calendar and today's date in Vietnam, the page's language."""

from __future__ import annotations

from datetime import date

from flask import g
from flask_babel import get_locale

from ..calendar import WorkingCalendar
from ..http import current_user, db  # noqa: F401 - re-exported for the page blueprints
from ..nomination import config as dated_config


def calendar() -> WorkingCalendar:
    """The working-day calendar of the dated configuration, read once per request."""
    if "vd_calendar" not in g:
        g.vd_calendar = dated_config.calendar(db())
    return g.vd_calendar


def today() -> date:
    return dated_config.today()


def locale() -> str:
    found = get_locale()
    return found.language if found is not None else "vi"
