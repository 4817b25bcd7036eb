"""Tests for the user import."""

from __future__ import annotations

from service.reference.users_import import UserRow, parse_users

HEADER = ["username", "full_name", "org_unit_code", "roles", "email", "active"]
UNITS = {"SNV", "SNV_TDKT", "SKHCN", "PX_HAI_CHAU"}
ROLES = {"unit_officer", "unit_head", "ec_officer", "lead_reviewer", "chairman"}


def errors_of(result) -> list[tuple[int | None, str | None, str]]:
    return [(error.row, error.column, error.code) for error in result.errors]


def test_valid_users_from_csv_and_xlsx(make_csv, make_xlsx) -> None:
    rows = [
        HEADER,
        [
            "nguyen.van.a",
            "Nguyễn Văn A",
            "SNV_TDKT",
            "ec_officer",
            "a@danang.gov.vn",
            "",
        ],
        [
            "tran_thi-b",
            "Trần Thị B",
            "SKHCN",
            "lead_reviewer; unit_officer;lead_reviewer;",
            "",
            "không",
        ],
        ["lenguyen99", "Lê Nguyễn", "PX_HAI_CHAU", "", None, "1"],
    ]
    expected = [
        UserRow(
            "nguyen.van.a",
            "Nguyễn Văn A",
            "SNV_TDKT",
            ("ec_officer",),
            "a@danang.gov.vn",
            True,
            2,
        ),
        UserRow(
            "tran_thi-b",
            "Trần Thị B",
            "SKHCN",
            ("lead_reviewer", "unit_officer"),
            None,
            False,
            3,
        ),
        UserRow("lenguyen99", "Lê Nguyễn", "PX_HAI_CHAU", (), None, True, 4),
    ]
    from_csv = parse_users(
        make_csv(rows, bom=True), known_org_unit_codes=UNITS, known_roles=ROLES
    )
    assert from_csv.ok and from_csv.rows == expected
    from_xlsx = parse_users(
        make_xlsx(rows), known_org_unit_codes=UNITS, known_roles=ROLES
    )
    assert from_xlsx.ok and from_xlsx.rows == expected


def test_row_errors_are_collected(make_csv) -> None:
    data = make_csv(
        [
            HEADER,
            ["nguyen.van.a", "Nguyễn Văn A", "SNV", "unit_officer", "", ""],
            ["Nguyen.Van.B", "Nguyễn Văn B", "SNV", "unit_officer", "", ""],
            ["ab", "Hai ký tự", "SNV", "unit_officer", "", ""],
            ["nguyen.van.a", "Trùng tên", "SNV", "unit_officer", "", ""],
            ["le.c", "Lê C", "SO_KHONG_CO", "Unit Officer;superuser", "le.c@", "có lẽ"],
            ["pham.d", "", "", "unit_head", "", ""],
        ]
    )
    result = parse_users(data, known_org_unit_codes=UNITS, known_roles=ROLES)
    assert errors_of(result) == [
        (3, "username", "invalid_username"),
        (4, "username", "invalid_username"),
        (5, "username", "duplicate_username"),
        (6, "org_unit_code", "unknown_org_unit"),
        (6, "roles", "invalid_role"),
        (6, "roles", "unknown_role"),
        (6, "email", "invalid_email"),
        (6, "active", "invalid_boolean"),
        (7, "full_name", "required"),
        (7, "org_unit_code", "required"),
    ]
    messages = {(e.row, e.column, e.code): e.message for e in result.errors}
    assert (
        messages[(5, "username", "duplicate_username")]
        == "Tên đăng nhập 'nguyen.van.a' bị trùng với dòng 2."
    )
    assert (
        messages[(6, "org_unit_code", "unknown_org_unit")]
        == "Không có đơn vị mã 'SO_KHONG_CO' trong hệ thống."
    )
    assert (
        messages[(6, "roles", "unknown_role")]
        == "Không có vai trò 'superuser' trong hệ thống."
    )
    assert [row.username for row in result.rows] == ["nguyen.van.a"]


def test_org_units_and_roles_unchecked_without_known_sets(make_csv) -> None:
    data = make_csv([HEADER[:4], ["x.y.z", "X Y Z", "ANY_UNIT", "any_role"]])
    result = parse_users(data)
    assert result.ok
    assert result.rows == [
        UserRow("x.y.z", "X Y Z", "ANY_UNIT", ("any_role",), None, True, 2)
    ]


def test_missing_columns(make_csv) -> None:
    result = parse_users(make_csv([["username", "full_name"], ["a.b.c", "A"]]))
    assert errors_of(result) == [(1, None, "missing_columns")]
    assert result.errors[0].message == "Thiếu cột bắt buộc: org_unit_code, roles."
