"""Read a CSV (UTF-8, with or without BOM) or XLSX upload into header-keyed rows."""

from __future__ import annotations

import csv
import io
import os
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import BinaryIO

import openpyxl

from service.reference.import_result import RowError
from service.zip_limits import check_zip

CellValue = str | int | float | bool | date | datetime | time | None
TableSource = str | os.PathLike[str] | bytes | BinaryIO

_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"


@dataclass(frozen=True)
class SourceRow:
    """A data row; `number` is what a spreadsheet shows (the header is row 1)."""

    number: int
    values: dict[str, CellValue]


@dataclass
class TableRead:
    """The rows of the first sheet, or None with errors when the file or its header is unusable."""

    rows: list[SourceRow] | None
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)


def read_table(
    source: TableSource, *, required: Sequence[str], optional: Sequence[str]
) -> TableRead:
    """Read `source` (a path, bytes or a binary file) and check its header against the expected columns."""
    data = _read_bytes(source)
    if data.startswith(_XLS_MAGIC):
        return TableRead(None, [RowError.of(None, None, "xls_unsupported")])
    try:
        if data.startswith(_XLSX_MAGIC):
            check_zip(data)  # before openpyxl inflates anything: a zip bomb stops here
        records = (
            _xlsx_records(data) if data.startswith(_XLSX_MAGIC) else _csv_records(data)
        )
    except UnicodeDecodeError:
        return TableRead(None, [RowError.of(None, None, "not_utf8")])
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        return TableRead(
            None, [RowError.of(None, None, "unreadable_xlsx", reason=str(error))]
        )
    return _build(records, required, optional)


def _read_bytes(source: TableSource) -> bytes:
    if isinstance(source, bytes):
        return source
    if isinstance(source, (str, os.PathLike)):
        return Path(source).read_bytes()
    return source.read()


def _csv_records(data: bytes) -> list[list[CellValue]]:
    text = data.decode("utf-8-sig")
    first_line = text.split("\n", 1)[0]
    # Excel in locales with a decimal comma saves "CSV" separated by semicolons.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return [
        list(record)
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    ]


def _xlsx_records(data: bytes) -> list[list[CellValue]]:
    with warnings.catch_warnings():
        # openpyxl warns about spreadsheet features it ignores (data validation, styles); harmless here.
        warnings.simplefilter("ignore", UserWarning)
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True
        )
    try:
        sheet = workbook.worksheets[0]
        return [
            [_plain(value) for value in values]
            for values in sheet.iter_rows(values_only=True)
        ]
    finally:
        workbook.close()


def _plain(value: object) -> CellValue:
    """Rich text, exact decimals and durations become text; other cell types pass through."""
    if value is None or isinstance(value, (str, int, float, date, time)):
        return value
    return str(value)


def _is_blank(values: Iterable[CellValue]) -> bool:
    return all(
        value is None or (isinstance(value, str) and not value.strip())
        for value in values
    )


def _build(
    records: list[list[CellValue]], required: Sequence[str], optional: Sequence[str]
) -> TableRead:
    numbered = iter(enumerate(records, start=1))
    header = next(((n, r) for n, r in numbered if not _is_blank(r)), None)
    if header is None:
        return TableRead(None, [RowError.of(None, None, "empty_file")])
    header_number, header_values = header
    columns = [str(value or "").strip().lower() for value in header_values]
    result = TableRead(rows=None)
    seen: set[str] = set()
    for name in columns:
        if name and name in seen:
            result.errors.append(
                RowError.of(header_number, name, "duplicate_column", column=name)
            )
        elif name and name not in required and name not in optional:
            result.warnings.append(
                RowError.of(header_number, name, "unknown_column", column=name)
            )
        seen.add(name)
    missing = [name for name in required if name not in seen]
    if missing:
        result.errors.append(
            RowError.of(
                header_number, None, "missing_columns", columns=", ".join(missing)
            )
        )
    if result.errors:
        return result
    result.rows = list(_data_rows(numbered, columns))
    return result


def _data_rows(
    numbered: Iterator[tuple[int, list[CellValue]]], columns: list[str]
) -> Iterator[SourceRow]:
    for number, values in numbered:
        if _is_blank(values):
            continue
        yield SourceRow(
            number,
            {name: value for name, value in zip(columns, values, strict=False) if name},
        )
