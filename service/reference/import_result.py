"""Outcome of a reference-data import: parsed rows plus every problem found, by row and column."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from service.reference.messages import message_pair

RowT = TypeVar("RowT")


@dataclass(frozen=True)
class RowError:
    """One problem; `row` is the spreadsheet row number (header = 1), None for the whole file."""

    row: int | None
    column: str | None
    code: str
    message: str
    message_en: str

    @classmethod
    def of(
        cls, row: int | None, column: str | None, code: str, /, **params: Any
    ) -> RowError:
        """Build the problem `code` from the message catalogue."""
        vi, en = message_pair(code, **params)
        return cls(row=row, column=column, code=code, message=vi, message_en=en)


@dataclass
class ImportResult(Generic[RowT]):
    """Rows that passed their checks, and all errors and warnings; apply the rows only when `ok`."""

    rows: list[RowT] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def sort_problems(self) -> None:
        """Order errors and warnings by row (file-level first), keeping the order within a row."""
        self.errors.sort(key=lambda error: error.row or 0)
        self.warnings.sort(key=lambda warning: warning.row or 0)
