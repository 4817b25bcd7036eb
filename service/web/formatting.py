"""How the pages write dates, times and numbers: dd/mm/yyyy and HH:mm in Asia/Ho_Chi_Minh, numbers
1.234.567,5 in Vietnamese (1,234,567.5 in English). Registered as Jinja filters by the page blueprints."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask import Blueprint
from flask_babel import get_locale

from ..calendar.working_days import VIETNAM_TZ


def _local(value: datetime) -> datetime:
    return value.astimezone(VIETNAM_TZ) if value.tzinfo is not None else value


def vn_date(value: date | datetime | str | None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        value = _local(value)
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def vn_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    local = _local(value)
    return f"{vn_date(local)} {local.hour:02d}:{local.minute:02d}"


def _separators() -> tuple[str, str]:
    locale = get_locale()
    return (",", ".") if locale is not None and locale.language == "en" else (".", ",")


def vn_number(value: int | float | Decimal | str | None, places: int | None = None) -> str:
    """1234567.5 -> "1.234.567,5" (thousands "." and decimal "," in Vietnamese)."""
    if value is None or value == "" or isinstance(value, bool):
        return "" if value is None or value == "" else str(value)
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return str(value)
    text = f"{number:,.{places}f}" if places is not None else f"{number:,}"
    thousands, decimal = _separators()
    return text.replace(",", "\0").replace(".", decimal).replace("\0", thousands)


def file_size(size: int) -> str:
    if size < 1024:
        return f"{vn_number(size)} B"
    if size < 1024 * 1024:
        return f"{vn_number(round(size / 1024, 1))} KB"
    return f"{vn_number(round(size / 1024 / 1024, 1))} MB"


def register(bp: Blueprint) -> None:
    """Make the filters available to every template of the app (idempotent across blueprints)."""
    bp.add_app_template_filter(vn_date, "vn_date")
    bp.add_app_template_filter(vn_datetime, "vn_datetime")
    bp.add_app_template_filter(vn_number, "vn_number")
    bp.add_app_template_filter(file_size, "file_size")
