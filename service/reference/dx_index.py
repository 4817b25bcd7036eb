"""The digital-transformation (DX) ranking index: an edition's bands and the yearly scores import."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from service.reference.cells import RowReader
from service.reference.import_result import ImportResult, RowError
from service.reference.tabular import SourceRow, TableSource, read_table

Number = Decimal | int | str
DEFAULT_BANDS: tuple[tuple[str, Number], ...] = (
    ("excellent", 90),
    ("good", 80),
    ("fair", 70),
)
BAND_LABELS = {
    "excellent": ("Xuất sắc", "Excellent"),
    "good": ("Tốt", "Good"),
    "fair": ("Khá", "Fair"),
    "average_fair": ("Trung bình khá", "Above average"),
    "average": ("Trung bình", "Average"),
}
REQUIRED_COLUMNS = ("org_unit_code", "year", "score")
OPTIONAL_COLUMNS = ("rank", "group")
YEAR_RANGE = (2000, 2100)
_CENT = Decimal("0.01")


def _exact(value: Number | float) -> Decimal:
    # str() of a float is its shortest round-tripping form, so 79.9 stays 79.9 rather than 79.900000000000005.
    return value if isinstance(value, Decimal) else Decimal(str(value))


@dataclass(frozen=True, init=False)
class DxEdition:
    """An edition of the index (the decision issuing it), its scale and its bands, best band first."""

    decision_number: str
    scale: Decimal
    bands: tuple[tuple[str, Decimal], ...]

    def __init__(
        self,
        decision_number: str,
        scale: Number = 100,
        bands: Sequence[tuple[str, Number]] = DEFAULT_BANDS,
    ) -> None:
        scale_value = _exact(scale)
        normalized = tuple(
            sorted(
                ((key, _exact(limit)) for key, limit in bands),
                key=lambda band: -band[1],
            )
        )
        if scale_value <= 0:
            raise ValueError("The scale must be positive.")
        if len({key for key, _ in normalized}) != len(normalized):
            raise ValueError("Band keys must be unique.")
        if any(not 0 <= limit <= scale_value for _, limit in normalized):
            raise ValueError("Band thresholds must lie within 0..scale.")
        object.__setattr__(self, "decision_number", decision_number)
        object.__setattr__(self, "scale", scale_value)
        object.__setattr__(self, "bands", normalized)

    def band_for(self, score: Number | float) -> str | None:
        """The best band whose threshold the score reaches, or None below every band."""
        value = _exact(score)
        if not 0 <= value <= self.scale:
            raise ValueError(f"Score {value} is outside 0..{self.scale}.")
        return next((key for key, limit in self.bands if value >= limit), None)


def band_label(key: str | None, locale: str = "vi") -> str | None:
    """The display name of band `key` (Vietnamese unless locale is 'en'); unknown keys are returned as is."""
    if key is None:
        return None
    vi, en = BAND_LABELS.get(key, (key, key))
    return en if locale == "en" else vi


@dataclass(frozen=True)
class DxScoreRow:
    """One unit's total score in one year, with the band of the edition it was imported under."""

    org_unit_code: str
    year: int
    score: Decimal
    rank: int | None
    group: str | None
    band: str | None
    row_number: int = 0


def parse_dx_scores(
    source: TableSource,
    *,
    edition: DxEdition,
    known_org_unit_codes: Iterable[str] | None = None,
) -> ImportResult[DxScoreRow]:
    """Parse and check a yearly scores sheet; one row per unit and year."""
    table = read_table(source, required=REQUIRED_COLUMNS, optional=OPTIONAL_COLUMNS)
    result: ImportResult[DxScoreRow] = ImportResult(
        errors=table.errors, warnings=table.warnings
    )
    if table.rows is None:
        return result
    units = None if known_org_unit_codes is None else frozenset(known_org_unit_codes)
    first_rows: dict[tuple[str, int], int] = {}
    for source_row in table.rows:
        score = _parse_row(source_row, result.errors, edition, units)
        if score is None:
            continue
        key = (score.org_unit_code, score.year)
        if key in first_rows:
            result.errors.append(
                RowError.of(
                    score.row_number,
                    "org_unit_code",
                    "duplicate_score",
                    value=score.org_unit_code,
                    year=score.year,
                    first_row=first_rows[key],
                )
            )
            continue
        first_rows[key] = score.row_number
        result.rows.append(score)
    result.sort_problems()
    return result


def _parse_row(
    row: SourceRow,
    errors: list[RowError],
    edition: DxEdition,
    units: frozenset[str] | None,
) -> DxScoreRow | None:
    read = RowReader(row, errors)
    code = read.text("org_unit_code", required=True)
    if code and units is not None and code not in units:
        read.error("org_unit_code", "unknown_org_unit", value=code)
    year = read.integer("year", required=True)
    if year is not None and not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        read.error(
            "year",
            "year_out_of_range",
            value=year,
            min=YEAR_RANGE[0],
            max=YEAR_RANGE[1],
        )
    score = read.decimal("score", required=True)
    if score is not None and not 0 <= score <= edition.scale:
        read.error("score", "score_out_of_range", value=score, scale=edition.scale)
    elif score is not None and score != score.quantize(_CENT):
        # Stored as numeric(5,2); silently rounding a ranking result would change it.
        read.error("score", "too_many_decimals", value=score)
    rank = read.integer("rank")
    if rank is not None and rank < 1:
        read.error("rank", "rank_not_positive", value=rank)
    group = read.optional_text("group", max_length=64)
    if read.has_errors or year is None or score is None:
        return None
    return DxScoreRow(
        org_unit_code=code,
        year=year,
        score=score,
        rank=rank,
        group=group,
        band=edition.band_for(score),
        row_number=row.number,
    )
