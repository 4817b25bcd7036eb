"""What a step reads from the deployment's configuration, set once at start-up by the domain.

Stepping counts due dates in working days: the calendar (statutory holidays plus a year's extra days
off and make-up days) and the parameters holding day counts are dated configuration that the
nomination domain owns. The domain hands its readers over here (`configure`) instead of stepping
importing the domain; without them, steps use the statutory calendar and no named parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ..calendar.working_days import WorkingCalendar
from ..errors import InvalidState
from ..i18n import msg


def _statutory_calendar(session: Session) -> WorkingCalendar:
    return WorkingCalendar.from_config({})


def _no_parameters(session: Session, key: str) -> int:
    raise InvalidState(msg("Chưa cấu hình tham số '{key}'.", key=key))


@dataclass
class StepConfig:
    calendar: Callable[[Session], WorkingCalendar] = _statutory_calendar
    working_days_param: Callable[[Session, str], int] = _no_parameters


_config = StepConfig()


def configure(*, calendar: Callable[[Session], WorkingCalendar],
              working_days_param: Callable[[Session, str], int]) -> None:
    """Install the domain's calendar and day-count parameters (called by the domain's install)."""
    _config.calendar = calendar
    _config.working_days_param = working_days_param


def current() -> StepConfig:
    return _config
