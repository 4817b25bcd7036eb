"""What the officers' pages share: the request's database session and user (service/http), the
working-day calendar of the dated configuration and today's date in Vietnam, the page's language."""

from __future__ import annotations

from datetime import date

from flask import g

from ..calendar import WorkingCalendar
from ..calendar.working_days import VIETNAM_TZ
from ..db import utcnow
from ..http import current_user, db
from ..http.locale import request_locale
from ..operations import step_config

__all__ = ["calendar", "current_user", "db", "locale", "today"]


def calendar() -> WorkingCalendar:
    """The working-day calendar the steps count due dates on, read once per request."""
    if "vd_calendar" not in g:
        g.vd_calendar = step_config.current().calendar(db())
    return g.vd_calendar


def today() -> date:
    """Today in Vietnam (the day deadlines are read for)."""
    return utcnow().astimezone(VIETNAM_TZ).date()


def locale() -> str:
    return request_locale()
