import re
from datetime import date

import pytest

from service.documents import format_document_number, format_number_line, format_place_date

NUMBER_LINE = re.compile(r"^Số: \d{2,}/[A-ZĐ]+-[A-ZĐ0-9-]+$")
NUMBER_LINE_B25 = re.compile(r"^Số: \d{2,}/[A-ZĐ][A-Za-zĐ]*(-[A-ZĐ0-9]+)+$")
PLACE_DATE = re.compile(r"^[^,]+, ngày (0[1-9]|[12]\d|3[01]) tháng (0[12]|[3-9]|1[0-2]) năm \d{4}$")


@pytest.mark.parametrize(
    ("number", "type_abbr", "issuer", "expected"),
    [
        (5, "TTr", "SKHCN", "05/TTr-SKHCN"),
        (12, "QĐ", "UBND", "12/QĐ-UBND"),
        (1, "HD", "SKHCN", "01/HD-SKHCN"),
        (3, "BB", "HĐTĐKT", "03/BB-HĐTĐKT"),
        (123, "BC", "SNV", "123/BC-SNV"),
        (4139, None, "SKHCN-CNTT", "4139/SKHCN-CNTT"),
    ],
)
def test_document_number_zero_pads_below_ten(number, type_abbr, issuer, expected):
    assert format_document_number(number, type_abbr, issuer) == expected


def test_number_line_matches_the_checklist_patterns():
    # The issue's pattern has an upper-case-only type group, which "TTr" cannot match; DOMAIN B2.5's
    # pattern allows the mixed-case abbreviations of Decree 30 Appendix III and is checked for all.
    for number, type_abbr in ((5, "TTr"), (12, "QĐ"), (9, "BB"), (1, "HD"), (15, "BC")):
        line = format_number_line(format_document_number(number, type_abbr, "SNV"))
        assert NUMBER_LINE_B25.match(line), line
        assert NUMBER_LINE.match(line) or type_abbr == "TTr", line
    assert format_number_line("12/QĐ-UBND") == "Số: 12/QĐ-UBND"


def test_draft_number_is_blank_and_not_a_number():
    symbol = format_document_number(None, "QĐ", "UBND")
    assert symbol.endswith("/QĐ-UBND")
    assert not re.search(r"\d", symbol)


@pytest.mark.parametrize(
    ("number", "type_abbr", "issuer"),
    [(0, "QĐ", "UBND"), (-1, "QĐ", "UBND"), (1, "qd", "UBND"), (1, "QĐ", "ubnd"), (1, "QĐ", "S NV")],
)
def test_invalid_numbers_are_rejected(number, type_abbr, issuer):
    with pytest.raises(ValueError):
        format_document_number(number, type_abbr, issuer)


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2026, 1, 5), "Đà Nẵng, ngày 05 tháng 01 năm 2026"),
        (date(2026, 2, 28), "Đà Nẵng, ngày 28 tháng 02 năm 2026"),
        (date(2026, 3, 1), "Đà Nẵng, ngày 01 tháng 3 năm 2026"),
        (date(2026, 9, 9), "Đà Nẵng, ngày 09 tháng 9 năm 2026"),
        (date(2025, 10, 10), "Đà Nẵng, ngày 10 tháng 10 năm 2025"),
        (date(2025, 12, 31), "Đà Nẵng, ngày 31 tháng 12 năm 2025"),
    ],
)
def test_place_date_padding_rule(d, expected):
    assert format_place_date("Đà Nẵng", d) == expected


def test_every_day_of_a_year_matches_the_date_pattern():
    day = date(2026, 1, 1)
    while day.year == 2026:
        line = format_place_date("Hải Châu", day)
        assert PLACE_DATE.match(line), line
        day = date.fromordinal(day.toordinal() + 1)


def test_place_must_not_be_empty_or_contain_a_comma():
    with pytest.raises(ValueError):
        format_place_date("  ", date(2026, 1, 5))
    with pytest.raises(ValueError):
        format_place_date("Đà Nẵng, Việt Nam", date(2026, 1, 5))
