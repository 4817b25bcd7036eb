"""Typed reading of one source row's cells; problems are collected as row errors, never raised."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from service.reference.import_result import RowError
from service.reference.tabular import CellValue, SourceRow

_TRUE = frozenset({"1", "true", "yes", "y", "x", "có", "co", "đúng", "dung"})
_FALSE = frozenset({"0", "false", "no", "n", "không", "khong", "sai"})
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def cell_text(value: CellValue) -> str:
    """The cell as trimmed text; whole-number floats (Excel's only number type) lose their '.0'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return (
            value.date().isoformat()
            if value.time() == datetime.min.time()
            else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


class RowReader:
    """Reads the cells of `row`, appending a RowError to `errors` for each bad value."""

    def __init__(self, row: SourceRow, errors: list[RowError]) -> None:
        self.row = row
        self.errors = errors
        self._count_before = len(errors)

    @property
    def has_errors(self) -> bool:
        """Whether a problem was recorded for this row."""
        return len(self.errors) > self._count_before

    def error(self, column: str | None, code: str, **params: Any) -> None:
        self.errors.append(RowError.of(self.row.number, column, code, **params))

    def text(
        self, column: str, *, required: bool = False, max_length: int | None = None
    ) -> str:
        value = cell_text(self.row.values.get(column))
        if required and not value:
            self.error(column, "required")
        elif max_length is not None and len(value) > max_length:
            self.error(column, "too_long", max=max_length)
        return value

    def optional_text(
        self, column: str, *, max_length: int | None = None
    ) -> str | None:
        return self.text(column, max_length=max_length) or None

    def date(self, column: str) -> date | None:
        raw = self.row.values.get(column)
        if isinstance(raw, datetime):
            return raw.date()
        if isinstance(raw, date):
            return raw
        text = cell_text(raw)
        if not text:
            return None
        try:
            match = _DMY.match(text)
            if match:
                day, month, year = (int(part) for part in match.groups())
                return date(year, month, day)
            return date.fromisoformat(text)
        except ValueError:
            self.error(column, "invalid_date", value=text)
            return None

    def boolean(self, column: str, *, default: bool) -> bool:
        text = cell_text(self.row.values.get(column)).lower()
        if not text:
            return default
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        self.error(column, "invalid_boolean", value=text)
        return default

    def integer(self, column: str, *, required: bool = False) -> int | None:
        raw = self.row.values.get(column)
        text = cell_text(raw)
        if not text:
            if required:
                self.error(column, "required")
            return None
        if isinstance(raw, int) and not isinstance(raw, bool):
            return raw
        if re.fullmatch(r"[+-]?\d+", text):
            return int(text)
        self.error(column, "invalid_integer", value=text)
        return None

    def decimal(self, column: str, *, required: bool = False) -> Decimal | None:
        """A number kept exactly as written; a decimal comma ("79,9") is accepted."""
        raw = self.row.values.get(column)
        if isinstance(raw, float) and raw.is_integer():
            return Decimal(int(raw))
        if isinstance(raw, float):
            # An XLSX stores binary floats; rounding to 10 places drops artefacts like 79.89999999999999.
            return Decimal(str(round(raw, 10)))
        if isinstance(raw, int) and not isinstance(raw, bool):
            return Decimal(raw)
        text = cell_text(raw)
        if not text:
            if required:
                self.error(column, "required")
            return None
        if "," in text and "." not in text:
            text = text.replace(",", ".")
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            self.error(column, "invalid_number", value=cell_text(raw))
            return None
        return value
