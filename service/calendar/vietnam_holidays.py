"""Statutory Vietnamese days off for one year, read from the `holidays` package.

The package knows the Labour Code holidays (Tết Dương lịch, Tết Nguyên Đán, Giỗ Tổ Hùng Vương, 30/4, 1/5,
Quốc khánh 2/9 plus one adjacent day since 2021, Ngày Văn hóa Việt Nam 24/11 since 2026), the days off that
replace a holiday falling on a weekend, and the government's published day swaps (a weekday off in exchange
for a working Saturday). It does not know the longer official Tết break; that comes from configuration.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from types import MappingProxyType

import holidays


@dataclass(frozen=True)
class StatutoryYear:
    """Days off (with Vietnamese names) and swapped-in working weekend days of one calendar year."""

    year: int
    days_off: Mapping[date, str]
    weekend_workdays: frozenset[date]


@lru_cache(maxsize=256)
def statutory_year(year: int) -> StatutoryYear:
    """Return the statutory calendar of `year`; cached because it is immutable and costs milliseconds."""
    # A published swap can cross a year boundary (2015: 2 Jan off for Saturday 27 Dec 2014; 2018: 31 Dec off
    # for Saturday 5 Jan 2019), so the neighbouring years are populated too and then filtered.
    source = holidays.country_holidays(
        "VN", years=(year - 1, year, year + 1), language="vi"
    )
    days_off = {day: str(name) for day, name in source.items() if day.year == year}
    workdays = frozenset(day for day in source.weekend_workdays if day.year == year)
    return StatutoryYear(
        year=year,
        days_off=MappingProxyType(dict(sorted(days_off.items()))),
        weekend_workdays=workdays,
    )
