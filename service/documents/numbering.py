"""Document number symbols and the place-and-date line (Decree 30/2020, Appendix I, items 3 and 4)."""

from __future__ import annotations

import re
from datetime import date

from ..i18n import msg

# Type abbreviations are mixed case ("TTr", "QĐ", "HD"); issuer abbreviations are upper case and may carry
# a sub-unit group ("SKHCN-CNTT").
_TYPE_ABBR = re.compile(r"^[A-ZĐ][A-Za-zĐđ]*$")
_ISSUER_ABBR = re.compile(r"^[A-ZĐ0-9]+(-[A-ZĐ0-9]+)*$")

# Blank that stands in for the number while a document is still a draft: the number is only taken from
# the issuer's register when the document is issued.
DRAFT_NUMBER_BLANK = "\u00a0" * 6


def format_document_number(number: int | None, type_abbr: str | None, issuer_abbr: str) -> str:
    """Return the number and symbol, e.g. ``05/TTr-SKHCN``; ``None`` gives the blank draft form."""
    if type_abbr and not _TYPE_ABBR.match(type_abbr):
        raise ValueError(msg("Ký hiệu loại văn bản không hợp lệ", type_abbr=type_abbr))
    if not _ISSUER_ABBR.match(issuer_abbr):
        raise ValueError(msg("Chữ viết tắt cơ quan không hợp lệ", issuer_abbr=issuer_abbr))
    if number is None:
        shown = DRAFT_NUMBER_BLANK
    elif number < 1:
        raise ValueError(msg("Số văn bản phải từ 1", number=number))
    else:
        # Decree 30: numbers below 10 are written with a leading zero.
        shown = f"{number:02d}"
    # A công văn has no type abbreviation: "05/BNV-VP".
    symbol = f"{type_abbr}-{issuer_abbr}" if type_abbr else issuer_abbr
    return f"{shown}/{symbol}"


def format_number_line(symbol: str) -> str:
    """Return the header line printed under the agency name: ``Số: 05/TTr-SKHCN``."""
    return f"Số: {symbol}"


def format_day(d: date) -> str:
    """Day of month as printed in documents: zero-padded below 10."""
    return f"{d.day:02d}"


def format_month(d: date) -> str:
    """Month as printed in documents: only January and February are zero-padded (01, 02; 3…12 plain)."""
    return f"{d.month:02d}" if d.month <= 2 else str(d.month)


def format_long_date(d: date) -> str:
    """``ngày 05 tháng 01 năm 2026`` — the date phrase used in headers and references."""
    return f"ngày {format_day(d)} tháng {format_month(d)} năm {d.year}"


def format_place_date(place: str, d: date) -> str:
    """Return the header place-and-date line, e.g. ``Đà Nẵng, ngày 05 tháng 01 năm 2026``."""
    place = place.strip()
    if not place or "," in place:
        raise ValueError(msg("Địa danh không hợp lệ", place=place))
    return f"{place}, {format_long_date(d)}"


def format_short_date(d: date) -> str:
    """``05/01/2026`` for tables and deadlines inside the body."""
    return f"{d.day:02d}/{d.month:02d}/{d.year}"
