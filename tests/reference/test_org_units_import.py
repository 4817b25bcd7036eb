"""Tests for the org-unit import, on the shipped Da Nang tree and on small bad files."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date, datetime
from typing import Any

from service.reference.org_units_import import (
    DANANG_2026_ORG_UNITS_CSV,
    OrgUnitRow,
    parse_org_units,
)

HEADER = [
    "code",
    "name",
    "abbreviation",
    "kind",
    "parent_code",
    "valid_from",
    "valid_to",
    "successor_code",
]


def errors_of(result) -> list[tuple[int | None, str | None, str]]:
    return [(error.row, error.column, error.code) for error in result.errors]


def assert_parents_first(rows: list[OrgUnitRow]) -> None:
    position = {row.code: index for index, row in enumerate(rows)}
    for index, row in enumerate(rows):
        if row.parent_code in position:
            assert position[row.parent_code] < index, row.code


def test_shipped_danang_tree() -> None:
    result = parse_org_units(DANANG_2026_ORG_UNITS_CSV)
    assert result.ok and result.warnings == []
    assert len(result.rows) == 110
    assert Counter(row.kind for row in result.rows) == {
        "commune_peoples_committee": 94,
        "department": 14,
        "city_peoples_committee": 1,
        "ec_office": 1,
    }
    assert Counter(
        row.unit_type for row in result.rows if row.kind == "commune_peoples_committee"
    ) == {
        "ward": 23,
        "commune": 70,
        "special_zone": 1,
    }
    assert len({row.code for row in result.rows}) == 110
    assert_parents_first(result.rows)
    by_code = {row.code: row for row in result.rows}
    city = result.rows[0]
    assert (
        city.code,
        city.admin_code,
        city.parent_code,
        city.parent_confirms_reports,
    ) == ("UBND_DN", "48", None, False)
    assert by_code["SNV_TDKT"].parent_code == "SNV"
    assert by_code["SNV_TDKT"].abbreviation == "TĐKT"
    assert by_code["SNV"].valid_from == date(2025, 3, 1)
    hai_chau = by_code["PX_HAI_CHAU"]
    assert (hai_chau.name, hai_chau.abbreviation, hai_chau.admin_code) == (
        "Ủy ban nhân dân phường Hải Châu",
        "UBND",
        "20242",
    )
    assert (
        hai_chau.parent_code,
        hai_chau.valid_from,
        hai_chau.parent_confirms_reports,
    ) == ("UBND_DN", date(2025, 7, 1), True)
    assert by_code["DK_HOANG_SA"].unit_type == "special_zone"
    assert by_code["XA_HOA_VANG"].admin_code == "20320"
    assert all(
        len(row.admin_code or "") == 5
        for row in result.rows
        if row.kind == "commune_peoples_committee"
    )


def test_shipped_tree_with_bom_and_as_xlsx(make_xlsx) -> None:
    data = DANANG_2026_ORG_UNITS_CSV.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    expected = parse_org_units(data).rows
    assert parse_org_units(b"\xef\xbb\xbf" + data).rows == expected
    # In a spreadsheet, codes become numbers and dates become date cells.
    with DANANG_2026_ORG_UNITS_CSV.open(encoding="utf-8", newline="") as handle:
        records: list[list[Any]] = [list(record) for record in csv.reader(handle)]
    for record in records[1:]:
        record[5] = int(record[5]) if record[5] else None
        record[6] = datetime.fromisoformat(record[6])
    assert parse_org_units(make_xlsx(records)).rows == expected


def test_children_before_parents_are_reordered(make_csv) -> None:
    data = make_csv(
        [
            HEADER,
            [
                "PX_A",
                "UBND phường A",
                "UBND",
                "commune_peoples_committee",
                "UBND_X",
                "",
                "",
                "",
            ],
            ["SNV_TDKT", "Ban TĐKT", "TĐKT", "ec_office", "SNV", "", "", ""],
            ["SNV", "Sở Nội vụ", "SNV", "department", "UBND_X", "", "", ""],
            [
                "UBND_X",
                "UBND thành phố",
                "UBND",
                "city_peoples_committee",
                "",
                "",
                "",
                "",
            ],
            ["TRUONG_A", "Trường A", "", "school", "SGDDT", "", "", ""],
        ]
    )
    result = parse_org_units(data, known_codes={"SGDDT"})
    assert result.ok, result.errors
    assert [row.code for row in result.rows] == [
        "UBND_X",
        "PX_A",
        "SNV",
        "SNV_TDKT",
        "TRUONG_A",
    ]
    assert [row.row_number for row in result.rows] == [5, 2, 4, 3, 6]
    assert result.rows[-1].abbreviation is None


def test_row_errors_are_collected(make_csv) -> None:
    data = make_csv(
        [
            HEADER,
            [
                "ROOT",
                "UBND thành phố",
                "UBND",
                "city_peoples_committee",
                "",
                "2025-07-01",
                "",
                "",
            ],
            ["ROOT", "Trùng mã", "X", "department", "", "", "", ""],
            ["sai ma", "Mã sai", "X", "department", "ROOT", "", "", ""],
            ["S1", "", "S1", "ministry", "NOWHERE", "31/02/2025", "", ""],
            ["S2", "Sở 2", "S2", "department", "ROOT", "2025-07-01", "2025-01-01", ""],
            ["S3", "Sở 3", "S3", "department", "ROOT", "", "", "S4"],
            [
                "S4",
                "Sở 4",
                "S4",
                "department",
                "ROOT",
                "01/07/2025",
                "2026-01-01",
                "GONE",
            ],
            ["S5", "Sở 5", "S5", "department", "ROOT", "", "2026-01-01", "S5"],
        ]
    )
    result = parse_org_units(data)
    assert not result.ok
    assert errors_of(result) == [
        (3, "code", "duplicate_code"),
        (4, "code", "invalid_code"),
        (5, "name", "required"),
        (5, "kind", "unknown_kind"),
        (5, "valid_from", "invalid_date"),
        (6, "valid_to", "end_before_start"),
        (7, "valid_to", "successor_needs_end"),
        (8, "successor_code", "unknown_successor"),
        (9, "successor_code", "self_successor"),
    ]
    messages = {(e.row, e.column): e.message for e in result.errors}
    assert messages[(3, "code")] == "Mã 'ROOT' bị trùng với dòng 2."
    assert (
        messages[(5, "valid_from")]
        == "Ngày không hợp lệ: '31/02/2025' (dùng YYYY-MM-DD hoặc DD/MM/YYYY)."
    )
    assert messages[(5, "kind")].startswith(
        "Loại đơn vị 'ministry' không hợp lệ; dùng một trong: city_peoples_committee,"
    )
    assert [row.code for row in result.rows] == ["ROOT"]
    assert result.rows[0].name == "UBND thành phố"


def test_unknown_parent_unless_known(make_csv) -> None:
    data = make_csv([HEADER, ["S1", "Sở 1", "S1", "department", "UBND_DN", "", "", ""]])
    missing = parse_org_units(data)
    assert errors_of(missing) == [(2, "parent_code", "unknown_parent")]
    assert (
        missing.errors[0].message
        == "Đơn vị cấp trên 'UBND_DN' không có trong tệp hoặc trong hệ thống."
    )
    assert missing.rows == []
    known = parse_org_units(data, known_codes=["UBND_DN"])
    assert known.ok and known.rows[0].parent_code == "UBND_DN"


def test_cycles_are_reported_per_member(make_csv) -> None:
    data = make_csv(
        [
            HEADER,
            ["A", "A", "A", "department", "B", "", "", ""],
            ["B", "B", "B", "department", "C", "", "", ""],
            ["C", "C", "C", "department", "A", "", "", ""],
            ["D", "D", "D", "department", "A", "", "", ""],
            ["E", "E", "E", "other", "E", "", "", ""],
            ["F", "F", "F", "other", "", "", "", ""],
        ]
    )
    result = parse_org_units(data)
    assert errors_of(result) == [
        (2, "parent_code", "parent_cycle"),
        (3, "parent_code", "parent_cycle"),
        (4, "parent_code", "parent_cycle"),
        (6, "parent_code", "parent_cycle"),
    ]
    assert (
        result.errors[0].message
        == "Quan hệ cấp trên tạo thành vòng lặp: A → B → C → A."
    )
    assert result.errors[3].message_en == "The parent relation forms a cycle: E → E."
    assert [row.code for row in result.rows] == ["D", "F"]


def test_optional_columns_and_booleans(make_csv) -> None:
    data = make_csv(
        [
            [
                "code",
                "name",
                "kind",
                "parent_code",
                "parent_confirms_reports",
                "admin_code",
                "notes",
            ],
            ["R", "Gốc", "other", "", "", "", ""],
            ["C1", "Con 1", "enterprise", "R", "không", "", "ghi chú"],
            ["C2", "Con 2", "central_agency", "R", "có", "", ""],
            ["C3", "Con 3", "party_front_body", "R", "", "48a", ""],
            ["C4", "Con 4", "other", "R", "maybe", "", ""],
        ]
    )
    result = parse_org_units(data)
    assert errors_of(result) == [
        (5, "admin_code", "invalid_admin_code"),
        (6, "parent_confirms_reports", "invalid_boolean"),
    ]
    assert [
        (row.code, row.parent_confirms_reports, row.notes) for row in result.rows
    ] == [
        ("R", False, None),
        ("C1", False, "ghi chú"),
        ("C2", True, None),
    ]


def test_missing_required_columns(make_xlsx) -> None:
    result = parse_org_units(make_xlsx([["code", "name"], ["A", "A"]]))
    assert errors_of(result) == [(1, None, "missing_columns")]
    assert result.errors[0].message == "Thiếu cột bắt buộc: kind."
    assert result.rows == []
