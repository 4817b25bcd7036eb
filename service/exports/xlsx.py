"""One list as an .xlsx: a bold Vietnamese header row, then the rows, written in streaming mode so a
10,000-row export stays fast and small in memory."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from ..calendar.working_days import VIETNAM_TZ

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_BOLD = Font(bold=True)


@dataclass(frozen=True)
class Column:
    header: str  # Vietnamese, as the sheet shows it
    value: Callable[[Any], Any]  # the cell of one row
    width: int = 18


def by_key(header: str, key: str, width: int = 18) -> Column:
    """A column reading `key` of a dict row (or the attribute of an object row)."""
    return Column(header, lambda row: row.get(key) if isinstance(row, dict) else getattr(row, key, None), width)


def _cell_value(value: Any) -> Any:
    if isinstance(value, datetime):
        # Excel has no time zones: the local time in Vietnam, as the pages show it.
        return value.astimezone(VIETNAM_TZ).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, (list, dict)):
        return str(value)
    return value


def workbook(title: str, columns: Sequence[Column], rows: Iterable[Any]) -> bytes:
    """The rows as a one-sheet workbook named `title` (at most 31 characters, as Excel requires)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    for index, column in enumerate(columns):
        sheet.column_dimensions[get_column_letter(index + 1)].width = column.width
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = _BOLD
        header.append(cell)
    sheet.append(header)
    sheet.freeze_panes = "A2"
    for row in rows:
        sheet.append([_cell_value(column.value(row)) for column in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def as_date(value: Any) -> date | Any:
    """An ISO date text (as the API schemas dump) back to a date cell."""
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value
