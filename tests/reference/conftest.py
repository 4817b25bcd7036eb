"""Factories that build small CSV and XLSX uploads in memory."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from typing import Any

import openpyxl
import pytest

Rows = Sequence[Sequence[Any]]


@pytest.fixture
def make_csv() -> Callable[..., bytes]:
    def build(rows: Rows, *, bom: bool = False, delimiter: str = ",") -> bytes:
        buffer = io.StringIO(newline="")
        csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
        return (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8")

    return build


@pytest.fixture
def make_xlsx() -> Callable[[Rows], bytes]:
    def build(rows: Rows) -> bytes:
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        assert sheet is not None
        for row in rows:
            sheet.append(list(row))
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    return build
