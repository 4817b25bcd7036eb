"""Working-day calendar of Vietnamese public bodies (no database)."""

from service.calendar.working_days import WorkingCalendar

__all__ = ["WorkingCalendar"]
