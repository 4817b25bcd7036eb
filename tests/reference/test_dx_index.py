"""Tests for the DX index edition bands and the yearly scores import."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from service.reference.dx_index import (
    DxEdition,
    DxScoreRow,
    band_label,
    parse_dx_scores,
)

EDITION = DxEdition("2386/QĐ-UBND")


def errors_of(result) -> list[tuple[int | None, str | None, str]]:
    return [(error.row, error.column, error.code) for error in result.errors]


def test_default_bands_on_the_2023_results() -> None:
    # Observed 2023 ranking: 96.53 and 90.62 "xuất sắc", 89.02 "tốt", 74.02 and 70.16 "khá", 52.95 below.
    assert EDITION.scale == Decimal(100)
    assert EDITION.band_for("96.53") == "excellent"
    assert EDITION.band_for(Decimal("90.62")) == "excellent"
    assert EDITION.band_for(90) == "excellent"
    assert EDITION.band_for(Decimal("89.99")) == "good"
    assert EDITION.band_for(80) == "good"
    assert EDITION.band_for(79.9) == "fair"
    assert EDITION.band_for("70.16") == "fair"
    assert EDITION.band_for("69.99") is None
    assert EDITION.band_for(Decimal("52.95")) is None
    assert EDITION.band_for(0) is None and EDITION.band_for(100) == "excellent"
    with pytest.raises(ValueError):
        EDITION.band_for("100.01")
    with pytest.raises(ValueError):
        EDITION.band_for(-1)
    assert band_label("good") == "Tốt" and band_label("good", "en") == "Good"
    assert band_label(None) is None and band_label("custom") == "custom"


def test_custom_edition() -> None:
    national = DxEdition(
        "922/QĐ-BTTTT", scale="1", bands=[("good", "0.5"), ("excellent", "0.8")]
    )
    assert national.bands == (("excellent", Decimal("0.8")), ("good", Decimal("0.5")))
    assert national.band_for("0.834") == "excellent"
    assert national.band_for("0.5") == "good"
    assert national.band_for("0.49") is None
    with pytest.raises(ValueError):
        DxEdition("x", bands=[("a", 90), ("a", 80)])
    with pytest.raises(ValueError):
        DxEdition("x", scale=10, bands=[("a", 11)])
    with pytest.raises(ValueError):
        DxEdition("x", scale=0, bands=[])


def test_scores_keep_decimals_exactly(make_csv, make_xlsx) -> None:
    rows: list[list[Any]] = [
        ["org_unit_code", "year", "score", "rank", "group"],
        ["SKHCN", 2025, "96.53", 1, "Sở, ban, ngành"],
        ["SNV", "2025", "79.9", "", "Sở, ban, ngành"],
        ["PX_HAI_CHAU", 2025, "80", 3, "UBND phường, xã"],
        ["XA_HOA_VANG", 2025, "69.90", "", ""],
    ]
    expected = [
        DxScoreRow(
            "SKHCN", 2025, Decimal("96.53"), 1, "Sở, ban, ngành", "excellent", 2
        ),
        DxScoreRow("SNV", 2025, Decimal("79.9"), None, "Sở, ban, ngành", "fair", 3),
        DxScoreRow("PX_HAI_CHAU", 2025, Decimal(80), 3, "UBND phường, xã", "good", 4),
        DxScoreRow("XA_HOA_VANG", 2025, Decimal("69.90"), None, None, None, 5),
    ]
    from_csv = parse_dx_scores(make_csv(rows), edition=EDITION)
    assert from_csv.ok and from_csv.rows == expected
    assert str(from_csv.rows[1].score) == "79.9"
    # In a spreadsheet the scores are binary floats; 79.9 must not become 79.900000000000006.
    numeric: list[list[Any]] = [rows[0]] + [
        [*row[:2], float(row[2]), *row[3:]] for row in rows[1:]
    ]
    numeric[2][2] = 79.89999999999999  # what a formula such as =79.8+0.1 leaves behind
    from_xlsx = parse_dx_scores(make_xlsx(numeric), edition=EDITION)
    assert from_xlsx.ok, from_xlsx.errors
    assert [row.score for row in from_xlsx.rows] == [row.score for row in expected]
    assert str(from_xlsx.rows[1].score) == "79.9"
    assert [row.band for row in from_xlsx.rows] == [row.band for row in expected]


def test_decimal_comma_with_semicolons(make_csv) -> None:
    data = make_csv(
        [["org_unit_code", "year", "score"], ["SNV", "2024", "88,75"]], delimiter=";"
    )
    result = parse_dx_scores(data, edition=EDITION)
    assert result.ok
    assert result.rows[0].score == Decimal("88.75") and result.rows[0].band == "good"


def test_score_errors_are_collected(make_csv) -> None:
    data = make_csv(
        [
            ["org_unit_code", "year", "score", "rank"],
            ["SNV", "2025", "100.5", ""],
            ["STC", "2025", "-1", ""],
            ["SXD", "2025", "79.999", ""],
            ["SYT", "1999", "80", "0"],
            ["SCT", "năm 2025", "tám mươi", "hai"],
            ["", "2025", "", ""],
            ["SKHCN", "2025", "90", ""],
            ["SKHCN", "2025", "91", ""],
            ["SKHCN", "2024", "91", ""],
            ["LA", "2025", "91", ""],
        ]
    )
    result = parse_dx_scores(
        data,
        edition=EDITION,
        known_org_unit_codes={"SNV", "STC", "SXD", "SYT", "SCT", "SKHCN"},
    )
    assert errors_of(result) == [
        (2, "score", "score_out_of_range"),
        (3, "score", "score_out_of_range"),
        (4, "score", "too_many_decimals"),
        (5, "year", "year_out_of_range"),
        (5, "rank", "rank_not_positive"),
        (6, "year", "invalid_integer"),
        (6, "score", "invalid_number"),
        (6, "rank", "invalid_integer"),
        (7, "org_unit_code", "required"),
        (7, "score", "required"),
        (9, "org_unit_code", "duplicate_score"),
        (11, "org_unit_code", "unknown_org_unit"),
    ]
    messages = {(e.row, e.column): e.message for e in result.errors}
    assert messages[(2, "score")] == "Điểm 100.5 phải nằm trong khoảng 0–100."
    assert (
        messages[(4, "score")] == "Điểm 79.999 chỉ được có tối đa 2 chữ số thập phân."
    )
    assert (
        messages[(9, "org_unit_code")] == "Đơn vị 'SKHCN' đã có điểm năm 2025 ở dòng 8."
    )
    assert [(row.org_unit_code, row.year, row.score) for row in result.rows] == [
        ("SKHCN", 2025, Decimal(90)),
        ("SKHCN", 2024, Decimal(91)),
    ]
