"""Tests for reading CSV/XLSX uploads into header-keyed rows."""

from __future__ import annotations

from datetime import datetime

from service.reference.tabular import read_table

REQUIRED = ("code", "name")
OPTIONAL = ("notes",)


def test_csv_with_and_without_bom_and_quoted_newlines(make_csv) -> None:
    rows = [
        ["code", "name", "notes"],
        ["A", "Sở A", "dòng 1\ndòng 2"],
        ["", "", ""],
        ["B", "Sở B", ""],
    ]
    for bom in (False, True):
        read = read_table(make_csv(rows, bom=bom), required=REQUIRED, optional=OPTIONAL)
        assert read.errors == [] and read.warnings == []
        assert read.rows is not None
        assert [(row.number, row.values["code"]) for row in read.rows] == [
            (2, "A"),
            (4, "B"),
        ]
        assert read.rows[0].values["notes"] == "dòng 1\ndòng 2"


def test_semicolon_csv_and_header_case(make_csv) -> None:
    read = read_table(
        make_csv([[" Code ", "NAME"], ["A", "Sở A"]], delimiter=";"),
        required=REQUIRED,
        optional=(),
    )
    assert read.rows is not None
    assert read.rows[0].values == {"code": "A", "name": "Sở A"}


def test_xlsx_keeps_cell_types(make_xlsx, tmp_path) -> None:
    data = make_xlsx(
        [
            ["code", "name", "notes"],
            ["A", "Sở A", datetime(2025, 7, 1)],
            [None, None, None],
        ]
    )
    path = tmp_path / "units.xlsx"
    path.write_bytes(data)
    for source in (data, path, str(path), path.open("rb")):
        read = read_table(source, required=REQUIRED, optional=OPTIONAL)
        assert read.rows is not None
        assert read.rows == read.rows[:1]
        assert read.rows[0].number == 2
        assert read.rows[0].values["notes"] == datetime(2025, 7, 1)
        if hasattr(source, "close"):
            source.close()


def test_header_problems(make_csv) -> None:
    read = read_table(
        make_csv([["code", "notes", "notes", "stt"], ["A", "", "", "1"]]),
        required=REQUIRED,
        optional=OPTIONAL,
    )
    assert read.rows is None
    assert [(e.row, e.column, e.code) for e in read.errors] == [
        (1, "notes", "duplicate_column"),
        (1, None, "missing_columns"),
    ]
    assert read.errors[1].message == "Thiếu cột bắt buộc: name."
    assert read.errors[1].message_en == "Required columns are missing: name."
    assert [(w.column, w.code) for w in read.warnings] == [("stt", "unknown_column")]


def test_file_problems(make_csv) -> None:
    assert (
        read_table(b"", required=REQUIRED, optional=()).errors[0].code == "empty_file"
    )
    assert (
        read_table(b"\r\n,,\r\n", required=REQUIRED, optional=()).errors[0].code
        == "empty_file"
    )
    latin = "code,name\r\nA,Sở Nội vụ\r\n".encode("utf-16")
    not_utf8 = read_table(latin, required=REQUIRED, optional=())
    assert (not_utf8.rows, not_utf8.errors[0].code) == (None, "not_utf8")
    assert not_utf8.errors[0].message == "Tệp CSV phải được mã hóa UTF-8."
    xls = read_table(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, required=REQUIRED, optional=()
    )
    assert xls.errors[0].code == "xls_unsupported"
    broken = read_table(b"PK\x03\x04 not really a zip", required=REQUIRED, optional=())
    assert (broken.rows, broken.errors[0].code, broken.errors[0].row) == (
        None,
        "unreadable_xlsx",
        None,
    )
